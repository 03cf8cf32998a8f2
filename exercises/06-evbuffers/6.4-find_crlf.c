/*
 * Exercise 6.4: write find_crlf().
 *
 * Read "Ends of lines" in chapters/06-evbuffers/06-evbuffers.adoc.
 * This file stands in for the chunk ⟨Find a CRLF end of line⟩ when you run
 *     make exercise EX=6.4
 * Hint: Loop on find_first_of(pos, CR, LF). An LF ends the line with length 1. For a CR, look at the byte after it (copy pos, ptr_step by one, byte_at): an LF means length 2; otherwise continue the scan after the CR.
 */
static int
find_crlf(struct evbuffer_ptr *pos, size_t *eol_len)
{
	/* Your code here. */
	(void)pos; (void)eol_len; return -1;
}
