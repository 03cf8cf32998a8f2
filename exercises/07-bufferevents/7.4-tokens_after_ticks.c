/*
 * Exercise 7.4: write tokens_after_ticks().
 *
 * Read "Ticks" in chapters/07-bufferevents/07-bufferevents.adoc.
 * This file stands in for the chunk ⟨What a bucket holds after more ticks⟩ when you run
 *     make exercise EX=7.4
 * Hint: If n is 0 or tokens is already at least burst, return tokens. Otherwise the gap to the burst is burst - tokens (as a size_t; add -tokens when tokens is negative). If n > gap / rate the bucket is full: return burst; else return tokens + n * rate.
 */
static ev_ssize_t
tokens_after_ticks(ev_ssize_t tokens, size_t rate, size_t burst,
    ev_uint32_t n)
{
	/* Your code here. */
	(void)rate; (void)burst; (void)n; return tokens;
}
