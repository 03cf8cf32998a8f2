/*
 * Exercise 2.1: write evutil_monotonic_now().
 *
 * Read "Two clocks" in chapters/02-evutil/02-evutil.adoc.
 * This file stands in for the chunk ⟨Read the monotonic time as a timeval⟩ when you run
 *     make exercise EX=2.1
 * Hint: Read the clock into a struct timespec with read_monotonic_clock(), then convert nanoseconds to microseconds.
 */
int
evutil_monotonic_now(struct timeval *tv, int precise)
{
	/* Your code here. */
	(void)tv; (void)precise; return -1;
}
