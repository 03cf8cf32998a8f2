/*
 * Exercise 10.1: write tls_outcome_of().
 *
 * Read "When an SSL call does not finish" in chapters/10-ssl/10-ssl.adoc.
 * This file stands in for the chunk ⟨What an SSL call's failure means⟩ when you run
 *     make exercise EX=10.1
 * Hint: Switch on ssl_error: WANT_READ is TLS_WANTS_CIPHERTEXT, WANT_WRITE is TLS_WANTS_ROOM, ZERO_RETURN is TLS_CLOSED. SYSCALL is TLS_TRUNCATED when the transport did not fail and the queue is empty (first_error 0), else TLS_BROKEN. SSL is TLS_TRUNCATED when ERR_GET_REASON(first_error) is SSL_R_UNEXPECTED_EOF_WHILE_READING and the transport did not fail. Anything else is TLS_BROKEN.
 */
static enum tls_outcome
tls_outcome_of(int ssl_error, unsigned long first_error, int transport_failed)
{
	/* Your code here. */
	(void)ssl_error; (void)first_error; (void)transport_failed; return TLS_BROKEN;
}
