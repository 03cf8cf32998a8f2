/*
 * Exercise 2.4: write release_debug_lock().
 *
 * Read "Lock debugging" in chapters/02-evutil/02-evutil.adoc.
 * This file stands in for the chunk ⟨Release a debugging lock⟩ when you run
 *     make exercise EX=2.4
 * Hint: held_by_me() says whether this thread holds it; call mark_held(dl, -1) before lock_fns.unlock(), because afterwards another thread may own the record.
 */
static int
release_debug_lock(void *lock, unsigned mode)
{
	/* Your code here. */
	(void)lock; (void)mode; return -1;
}
