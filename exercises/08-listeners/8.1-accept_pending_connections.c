/*
 * Exercise 8.1: write accept_pending_connections().
 *
 * Read "Accepting" in chapters/08-listeners/08-listeners.adoc.
 * This file stands in for the chunk ⟨Accept the connections that are waiting⟩ when you run
 *     make exercise EX=8.1
 * Hint: Lock; loop at most ACCEPTS_PER_ROUND times while listener_is_accepting(lev): accept4(fd, peer, &len, lev->accept_flags) into a sockaddr_storage. On success hand_over_connection() (return at once if it says the listener was freed). On failure stop, unless accept_error_is_passing(errno) is false: then listener_pause() first (and return if it freed the listener). Unlock at the end.
 */
static void
accept_pending_connections(evutil_socket_t fd, short what, void *arg)
{
	/* Your code here. */
	(void)fd; (void)what; (void)arg; event_errx(EVENT_ABORT_NOT_EXIT, "%s: exercise 8.1 is not written yet", __func__);
}
