/* ground_floor.c -- a program that uses only chapter 2 of litevent: the
 * version, the log callback, an address parser and secure random bytes.
 *
 *   ground_floor [ADDRESS]     (default "[::1]:8080")
 */
#include <event2/event.h>
#include <event2/util.h>
#include <stdio.h>

static void
log_to_stdout(int severity, const char *msg)
{
	printf("libevent says (%d): %s\n", severity, msg);
}

int
main(int argc, char **argv)
{
	const char *address = argc > 1 ? argv[1] : "[::1]:8080";
	struct sockaddr_storage where;
	int where_len = (int)sizeof(where);
	unsigned char token[16];
	char text[64];

	event_set_log_callback(log_to_stdout);
	printf("running on %s\n", event_get_version());

	if (evutil_parse_sockaddr_port(address, (struct sockaddr *)&where,
	    &where_len) < 0) {
		printf("not an address: %s\n", address);
		return 1;
	}
	printf("%s is an %s address\n", address,
	    where.ss_family == AF_INET6 ? "IPv6" : "IPv4");

	evutil_secure_rng_get_bytes(token, sizeof(token));
	evutil_snprintf(text, sizeof(text), "token starts %02x%02x", token[0],
	    token[1]);
	puts(text);
	return 0;
}
