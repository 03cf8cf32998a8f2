/*
 * Exercise 4.3: write event_base_loopexit().
 *
 * Read "Stopping the loop" in chapters/04-event-loop/04-event-loop.adoc.
 * This file stands in for the chunk ⟨Schedule the end of the loop⟩ when you run
 *     make exercise EX=4.3
 * Hint: Lock the base; the deadline is event_base_now() plus tv (or just now when tv is NULL); keep the earlier of it and any deadline already set (exit_scheduled/exit_deadline); wake the loop if EVBASE_NEED_NOTIFY; unlock; return 0.
 */
int
event_base_loopexit(struct event_base *base, const struct timeval *tv)
{
	/* Your code here. */
	(void)base; (void)tv; event_errx(EVENT_ABORT_NOT_EXIT, "%s: exercise 4.3 is not written yet", __func__);
}
