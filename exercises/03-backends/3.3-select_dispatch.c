/*
 * Exercise 3.3: write select_dispatch().
 *
 * Read "select" in chapters/03-backends/03-backends.adoc.
 * This file stands in for the chunk ⟨Wait with select and report⟩ when you run
 *     make exercise EX=3.3
 * Hint: Copy want_read/want_write into ready_read/ready_write, call select(maxfd + 1, ...) with a copy of tv and the base unlocked, then report every fd set in either ready set with fd_table_activate. On EBADF, while select_set_aside_closed() finds closed descriptors, call select() again with a zero timeout.
 */
static int
select_dispatch(struct event_base *base, struct timeval *tv)
{
	/* Your code here. */
	return -1;
}
