/*
 * Exercise 6.2: write make_contiguous().
 *
 * Read "Making the front contiguous" in chapters/06-evbuffers/06-evbuffers.adoc.
 * This file stands in for the chunk ⟨Make the front contiguous⟩ when you run
 *     make exercise EX=6.2
 * Hint: Use the first chain when CHAIN_MOVABLE and buffer_len >= size (memmove its data to the start if needed), else put chain_new(size) in front. Then copy from dst->next until dst->off == size, unlinking chains you empty (not pinned ones) and moving last_with_datap to &buf->first if you swallow the last chain with data.
 */
static unsigned char *
make_contiguous(struct evbuffer *buf, size_t size)
{
	/* Your code here. */
	(void)buf; (void)size; return NULL;
}
