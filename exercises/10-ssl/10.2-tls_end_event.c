/*
 * Exercise 10.2: write tls_end_event().
 *
 * Read "When an SSL call does not finish" in chapters/10-ssl/10-ssl.adoc.
 * This file stands in for the chunk ⟨What the end of the stream means⟩ when you run
 *     make exercise EX=10.2
 * Hint: During the handshake (tb->handshaking) every end is BEV_EVENT_ERROR. After it, TLS_CLOSED is BEV_EVENT_EOF, and so is TLS_TRUNCATED when tb->allow_dirty_shutdown is set. Everything else is BEV_EVENT_ERROR.
 */
static short
tls_end_event(const struct tls_bufferevent *tb, enum tls_outcome outcome)
{
	/* Your code here. */
	(void)tb; (void)outcome; return BEV_EVENT_ERROR;
}
