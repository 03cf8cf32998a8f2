/*
 * Exercise 2.3: write evutil_parse_sockaddr_port().
 *
 * Read "An address with a port" in chapters/02-evutil/02-evutil.adoc.
 * This file stands in for the chunk ⟨Parse an address with an optional port⟩ when you run
 *     make exercise EX=2.3
 * Hint: split_host_and_port() tells you the family and where the port is; parse_port_number() rejects malformed ports, and a written port must be at least 1; store_ipv4()/store_ipv6() do the rest.
 */
int
evutil_parse_sockaddr_port(const char *str, struct sockaddr *out, int *outlen)
{
	/* Your code here. */
	(void)str; (void)out; (void)outlen; return -1;
}
