/*
 * Exercise 10.3: write tls_read_some().
 *
 * Read "Reading" in chapters/10-ssl/10-ssl.adoc.
 * This file stands in for the chunk ⟨Read plaintext out of OpenSSL⟩ when you run
 *     make exercise EX=10.3
 * Hint: Loop while litevent_bev_may(EV_READ), not failed, not handshaking, and tls_read_allowance() is above 0 (never reserve 0 bytes). Reserve one extent of that size in the input (its back frozen: unfreeze around it), ERR_clear_error(), SSL_read into it, commit what it returned. On r <= 0 call tls_call_failed(tb, r, EV_READ) and stop; else litevent_bev_spend. After the loop tls_renegotiation_check() (a renegotiation can end in a read that returns no data), then, if anything was read, litevent_bev_arm_timer and litevent_bev_input_grew.
 */
static void
tls_read_some(struct tls_bufferevent *tb)
{
	/* Your code here. */
	(void)tb; (void)tls_read_allowance;
}
