/*
 * Exercise 5.2: write common_timeout_insert().
 *
 * Read "Common timeouts" in chapters/05-events/05-events.adoc.
 * This file stands in for the chunk ⟨Insert into a common-timeout queue⟩ when you run
 *     make exercise EX=5.2
 * Hint: Start at pos = ctl->lastp; while pos is not &ctl->first and the event owning pos (EVUTIL_UPCAST(pos, struct event, ev_ct_next)) falls due later than ev, step back to that event's ev_ct_prevp. Link ev in at *pos, fixing the next element's ev_ct_prevp or ctl->lastp.
 */
static void
common_timeout_insert(struct common_timeout_list *ctl, struct event *ev)
{
	/* Your code here. */
	(void)ctl; (void)ev; event_errx(EVENT_ABORT_NOT_EXIT, "%s: exercise 5.2 is not written yet", __func__);
}
