/* dnslookup -- a small dig: ask a DNS server for the records of names.
 *
 *   dnslookup [-s SERVER[:PORT]] [-t A|AAAA|PTR|ANY] NAME...
 *
 * With -s, asks that server; otherwise the servers of /etc/resolv.conf.
 * -t ANY (the default) runs evdns_getaddrinfo and prints every address;
 * the other types run one evdns_base_resolve_* call per name.  For PTR,
 * NAME is an IPv4 or IPv6 address.  All lookups run at once; the exit
 * status is 0 when every one succeeded. */
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct lookup {
	const char *name;
	int *pending;
	int *failures;
	struct event_base *base;
};

static void
finished(struct lookup *l, int ok)
{
	if (!ok)
		++*l->failures;
	if (--*l->pending == 0)
		event_base_loopexit(l->base, NULL);
	free(l);
}

static void
got_records(int result, char type, int count, int ttl, void *addresses,
    void *arg)
{
	struct lookup *l = arg;
	char text[INET6_ADDRSTRLEN];
	int i;

	if (result != DNS_ERR_NONE) {
		printf("%s\t%s\n", l->name, evdns_err_to_string(result));
		finished(l, 0);
		return;
	}
	for (i = 0; i < count; i++) {
		if (type == DNS_IPv4_A)
			inet_ntop(AF_INET, (char *)addresses + 4 * i, text, sizeof(text));
		else if (type == DNS_IPv6_AAAA)
			inet_ntop(AF_INET6, (char *)addresses + 16 * i, text, sizeof(text));
		printf("%s\t%d\tIN\t%s\t%s\n", l->name, ttl,
		    type == DNS_IPv4_A ? "A" : type == DNS_IPv6_AAAA ? "AAAA" : "PTR",
		    type == DNS_PTR ? *(char **)addresses : text);
	}
	finished(l, 1);
}

static void
got_addresses(int result, struct evutil_addrinfo *res, void *arg)
{
	struct lookup *l = arg;
	struct evutil_addrinfo *ai;
	char text[INET6_ADDRSTRLEN];

	if (result != 0) {
		printf("%s\t%s\n", l->name, evutil_gai_strerror(result));
		finished(l, 0);
		return;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		const void *addr = ai->ai_family == AF_INET ?
		    (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr :
		    (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;

		printf("%s\t%s\t%s\n", l->name,
		    ai->ai_canonname ? ai->ai_canonname : l->name,
		    inet_ntop(ai->ai_family, addr, text, sizeof(text)));
	}
	evutil_freeaddrinfo(res);
	finished(l, 1);
}

// tag::start[]
/* Start one lookup; 0 when it could not even start. */
static int
start(struct evdns_base *dns, const char *type, struct lookup *l)
{
	struct evutil_addrinfo hints;
	struct in_addr a;
	struct in6_addr a6;

	if (!strcmp(type, "A"))
		return evdns_base_resolve_ipv4(dns, l->name, 0, got_records, l) != NULL;
	if (!strcmp(type, "AAAA"))
		return evdns_base_resolve_ipv6(dns, l->name, 0, got_records, l) != NULL;
	if (!strcmp(type, "PTR") && inet_pton(AF_INET, l->name, &a) == 1)
		return evdns_base_resolve_reverse(dns, &a, 0, got_records, l) != NULL;
	if (!strcmp(type, "PTR") && inet_pton(AF_INET6, l->name, &a6) == 1)
		return evdns_base_resolve_reverse_ipv6(dns, &a6, 0, got_records, l) != NULL;
	if (strcmp(type, "ANY") != 0)
		return 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;	/* one entry per address */
	hints.ai_flags = EVUTIL_AI_CANONNAME;
	evdns_getaddrinfo(dns, l->name, NULL, &hints, got_addresses, l);
	return 1;				/* its callback always runs */
}
// end::start[]

int
main(int argc, char **argv)
{
	const char *server = NULL, *type = "ANY";
	struct event_base *base;
	struct evdns_base *dns;
	int opt, i, pending = 0, failures = 0;

	while ((opt = getopt(argc, argv, "s:t:")) != -1) {
		if (opt == 's')
			server = optarg;
		else if (opt == 't')
			type = optarg;
		else
			return 2;
	}
	if (optind == argc) {
		fprintf(stderr, "usage: dnslookup [-s SERVER[:PORT]] [-t A|AAAA|PTR|ANY] NAME...\n");
		return 2;
	}
	base = event_base_new();
	dns = evdns_base_new(base, server ? 0 : EVDNS_BASE_INITIALIZE_NAMESERVERS);
	if (!dns || (server && evdns_base_nameserver_ip_add(dns, server) != 0)) {
		fprintf(stderr, "dnslookup: cannot use name server %s\n",
		    server ? server : "(system)");
		return 2;
	}
	pending = argc - optind + 1;		/* one more, released below */
	for (i = optind; i < argc; i++) {
		struct lookup *l = malloc(sizeof(*l));

		*l = (struct lookup){ argv[i], &pending, &failures, base };
		if (!start(dns, type, l)) {
			printf("%s\tcannot ask (bad name or type)\n", argv[i]);
			failures++;
			pending--;
			free(l);
		}
	}
	if (--pending > 0)	/* answers without the network came already */
		event_base_dispatch(base);
	evdns_base_free(dns, 0);
	event_base_free(base);
	return failures ? 1 : 0;
}
