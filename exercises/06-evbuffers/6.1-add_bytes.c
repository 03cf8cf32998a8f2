/*
 * Exercise 6.1: write add_bytes().
 *
 * Read "Appending" in chapters/06-evbuffers/06-evbuffers.adoc.
 * This file stands in for the chunk ⟨Copy bytes into the space at the end⟩ when you run
 *     make exercise EX=6.1
 * Hint: End the reservation, slide_tail_back, then room_at_end; if that is short, allocate chain_new(chain_grow_size(buf, datlen - room)) before anything changes. Then memcpy chain by chain from *last_with_datap on, linking the new chain with append_chain when the list runs out, and move last_with_datap to each link that receives bytes.
 */
static int
add_bytes(struct evbuffer *buf, const void *data, size_t datlen)
{
	/* Your code here. */
	(void)buf; (void)data; (void)datlen; return -1;
}
