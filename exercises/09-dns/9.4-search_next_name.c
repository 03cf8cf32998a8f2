/*
 * Exercise 9.4: write search_next_name().
 *
 * Read "The search list" in chapters/09-dns/09-dns.adoc.
 * This file stands in for the chunk ⟨The next name of the search⟩ when you run
 *     make exercise EX=9.4
 * Hint: Searching means: not DNS_QUERY_NO_SEARCH, a search list, no trailing dot; then there are nsearch + 1 candidates, else 1 (the name without its trailing dot). Count the dots: with at least ndots the name as it is comes first (index 0), otherwise last (index nsearch). Build name.domain with snprintf into out, and skip it (loop on) when it does not fit or dns_name_is_valid() says no.
 */
int
search_next_name(const struct evdns_base *base,
    const struct evdns_request *req, int *index, char *out)
{
	/* Your code here. */
	(void)base; (void)req; (void)index; (void)out; return -1;
}
