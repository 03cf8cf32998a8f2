/*
 * Exercise 8.2: write listener_pause().
 *
 * Read "Running out of descriptors" in chapters/08-listeners/08-listeners.adoc.
 * This file stands in for the chunk ⟨Pause after accept4 runs out of resources⟩ when you run
 *     make exercise EX=8.2
 * Hint: paused = 1 and listener_sync_event(); event_add(&lev->resume_timer, pause_msec as a timeval); double pause_msec, at most LONGEST_PAUSE_MSEC. With no error_cb: errno = err, event_sock_warn(), return 0. Else copy error_cb and arg, begin_callback(), errno = err, call, return end_callback().
 */
static int
listener_pause(struct evconnlistener *lev, int err)
{
	/* Your code here. */
	(void)lev; (void)err; event_errx(EVENT_ABORT_NOT_EXIT, "%s: exercise 8.2 is not written yet", __func__);
}
