/*
 * Exercise 6.3: write search_range().
 *
 * Read "Positions and searching" in chapters/06-evbuffers/06-evbuffers.adoc.
 * This file stands in for the chunk ⟨Search between two positions⟩ when you run
 *     make exercise EX=6.3
 * Hint: Compute limit from end, give up if len > limit, then loop while pos.pos <= limit - len: memchr the chain for what[0], ptr_step to the hit (or past the chain), re-check the bound, try bytes_match, and ptr_step by one if it fails.
 */
static struct evbuffer_ptr
search_range(struct evbuffer *buf, const char *what, size_t len,
    const struct evbuffer_ptr *start, const struct evbuffer_ptr *end)
{
	/* Your code here. */
	struct evbuffer_ptr none = { -1, { NULL, 0 } }; (void)buf; (void)what; (void)len; (void)start; (void)end; return none;
}
