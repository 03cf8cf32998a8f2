/*
 * Exercise 3.2: write poll_del().
 *
 * Read "poll" in chapters/03-backends/03-backends.adoc.
 * This file stands in for the chunk ⟨Remove a descriptor from the pollfd array⟩ when you run
 *     make exercise EX=3.2
 * Hint: When no direction is left, move the last pollfd into the hole and fix the moved descriptor's fdinfo (fd_table_backend_data); reset the deleted one's idxplus1 to 0.
 */
static int
poll_del(struct event_base *base, evutil_socket_t fd, short old, short events,
    void *fdinfo)
{
	/* Your code here. */
	return 0;
}
