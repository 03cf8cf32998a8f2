/*
 * Exercise 5.1: write timer_heap_sift_up().
 *
 * Read "Why four children, and the deadline in the slot" in chapters/05-events/05-events.adoc.
 * This file stands in for the chunk ⟨Move a heap element up to its place⟩ when you run
 *     make exercise EX=5.1
 * Hint: While hole > 0 and the parent (hole - 1) / MIN_HEAP_ARITY falls due later than e (timer_heap_later), move the parent into the hole with timer_heap_place and go up; finally place e in the hole.
 */
static inline void
timer_heap_sift_up(struct min_heap *h, unsigned hole, struct min_heap_entry e)
{
	/* Your code here. */
	(void)h; (void)hole; (void)e; event_errx(EVENT_ABORT_NOT_EXIT, "%s: exercise 5.1 is not written yet", __func__);
}
