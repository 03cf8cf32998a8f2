/*
 * Exercise 8.4: write evconnlistener_free().
 *
 * Read "Freeing, from anywhere" in chapters/08-listeners/08-listeners.adoc.
 * This file stands in for the chunk ⟨Free a listener⟩ when you run
 *     make exercise EX=8.4
 * Hint: Under the lock clear accept_cb, error_cb and enabled; unlock. Then event_del() both events (outside the lock: it may wait for a callback running in the loop's thread, which needs the lock). Lock again and listener_release(); unlock only if that returned 0.
 */
void
evconnlistener_free(struct evconnlistener *lev)
{
	/* Your code here. */
	(void)lev;
}
