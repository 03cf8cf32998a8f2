/*
 * Exercise 8.3: write set_listener_socket_options().
 *
 * Read "On a new socket" in chapters/08-listeners/08-listeners.adoc.
 * This file stands in for the chunk ⟨Choose socket options from the flags⟩ when you run
 *     make exercise EX=8.3
 * Hint: setsockopt SO_KEEPALIVE to 1 on every socket; then one helper per flag: evutil_make_listen_socket_reuseable (REUSEABLE), _reuseable_port (REUSEABLE_PORT), evutil_make_tcp_listen_socket_deferred (DEFERRED_ACCEPT, AF_INET and AF_INET6 only), evutil_make_listen_socket_ipv6only (BIND_IPV6ONLY, AF_INET6 only). Any failure returns -1.
 */
static int
set_listener_socket_options(evutil_socket_t fd, int family, unsigned flags)
{
	/* Your code here. */
	(void)fd; (void)family; (void)flags; return 0;
}
