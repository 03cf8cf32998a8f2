/*
 * Exercise 9.3: write choose_nameserver().
 *
 * Read "Choosing a server" in chapters/09-dns/09-dns.adoc.
 * This file stands in for the chunk ⟨Choose the next name server⟩ when you run
 *     make exercise EX=9.3
 * Hint: The candidate to start from is after's successor (wrapping to base->servers) for a retry, base->rotate_next (or the first server) with rotate, else the first server. Walk round the list once from there and take the first server that is not down; if all are down, take the start. With rotate and a new request, set rotate_next to the successor of the one chosen.
 */
struct nameserver *
choose_nameserver(struct evdns_base *base, struct nameserver *after)
{
	/* Your code here. */
	(void)base; (void)after; return NULL;
}
