/*
 * Exercise 9.2: write match_reply().
 *
 * Read "Which replies are accepted" in chapters/09-dns/09-dns.adoc.
 * This file stands in for the chunk ⟨Match a reply to its request⟩ when you run
 *     make exercise EX=9.2
 * Hint: In this order: same_address(&ns->addr, ns->addrlen, from, fromlen), else count dropped_wrong_source; read_reply_head(), else dropped_malformed; request_with_id(), else dropped_unknown_id; req->ns == ns, else dropped_wrong_source; question_matches(), else dropped_wrong_question.
 */
static struct evdns_request *
match_reply(struct nameserver *ns, const unsigned char *buf, size_t len,
    const struct sockaddr *from, socklen_t fromlen, struct dns_reader *r,
    struct dns_header *h)
{
	/* Your code here. */
	(void)ns; (void)buf; (void)len; (void)from; (void)fromlen; (void)r; (void)h; return NULL;
}
