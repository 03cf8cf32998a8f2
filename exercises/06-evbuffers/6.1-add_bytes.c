/*
 * Exercise 6.1: write add_bytes().
 *
 * Read "Appending" in chapters/06-evbuffers/06-evbuffers.adoc.
 * This file stands in for the chunk ⟨Copy bytes into the space at the end⟩ when you run
 *     make exercise EX=6.1
 * Hint: Reset misalign of empty movable chains, sum CHAIN_SPACE_LEN from *last_with_datap on, allocate chain_new(chain_grow_size(...)) first if that is short, then memcpy chain by chain, moving last_with_datap to each link that receives bytes.
 */
static int
add_bytes(struct evbuffer *buf, const void *data, size_t datlen)
{
	/* Your code here. */
	(void)buf; (void)data; (void)datlen; return -1;
}
