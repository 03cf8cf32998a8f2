/*
 * Exercise 6.2: write make_contiguous().
 *
 * Read "Making the front contiguous" in chapters/06-evbuffers/06-evbuffers.adoc.
 * This file stands in for the chunk ⟨Make the front contiguous⟩ when you run
 *     make exercise EX=6.2
 * Hint: Get dst from chain_to_gather_into (NULL means out of memory). Then copy from dst->next until dst->data_len == size: a chain holding more than you need gives part of its bytes (advance its misalign); a chain you empty is unlinked with unlink_chain(buf, &dst->next) unless it is pinned, and if it was the last chain with data, last_with_datap becomes &buf->first.
 */
static unsigned char *
make_contiguous(struct evbuffer *buf, size_t size)
{
	/* Your code here. */
	(void)buf; (void)size; return NULL;
}
