/* tableserver -- a DNS server that answers from a table.
 *
 *   tableserver PORT TABLE
 *
 * TABLE has one record per line: "NAME TYPE VALUE [TTL]", TYPE one of A,
 * AAAA, CNAME, PTR; '#' starts a comment.  A query for a name in the
 * table gets every record of that name and type (and its CNAME), marked
 * authoritative; a name not in the table gets NXDOMAIN.  PORT 0 picks a
 * free port; the server prints "listening on 127.0.0.1:PORT" and serves
 * until SIGINT or SIGTERM. */
#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <event2/event.h>
#include <event2/util.h>

#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

struct record {
	char name[256];
	int type;
	char value[256];
	unsigned char addr[16];
	int ttl;
};

static struct record table[1024];
static int nrecords;

static int
type_of(const char *s)
{
	return !strcasecmp(s, "A") ? EVDNS_TYPE_A :
	    !strcasecmp(s, "AAAA") ? EVDNS_TYPE_AAAA :
	    !strcasecmp(s, "CNAME") ? EVDNS_TYPE_CNAME :
	    !strcasecmp(s, "PTR") ? EVDNS_TYPE_PTR : 0;
}

static int
load(const char *path)
{
	char line[600], type[16];
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && nrecords < 1024) {
		struct record *r = &table[nrecords];
		int n;

		if (line[0] == '#')
			continue;
		r->ttl = 300;
		n = sscanf(line, "%255s %15s %255s %d", r->name, type, r->value, &r->ttl);
		if (n < 3 || !(r->type = type_of(type)))
			continue;
		if ((r->type == EVDNS_TYPE_A && inet_pton(AF_INET, r->value, r->addr) != 1) ||
		    (r->type == EVDNS_TYPE_AAAA && inet_pton(AF_INET6, r->value, r->addr) != 1))
			continue;
		nrecords++;
	}
	fclose(f);
	return 0;
}

/* Add the records of one name and type; how many. */
static int
add_records(struct evdns_server_request *req, const char *name, int type)
{
	int i, n = 0;

	for (i = 0; i < nrecords; i++) {
		const struct record *r = &table[i];

		if (strcasecmp(r->name, name) != 0 || r->type != type)
			continue;
		if (type == EVDNS_TYPE_A)
			evdns_server_request_add_a_reply(req, name, 1, r->addr, r->ttl);
		else if (type == EVDNS_TYPE_AAAA)
			evdns_server_request_add_aaaa_reply(req, name, 1, r->addr, r->ttl);
		else if (type == EVDNS_TYPE_CNAME)
			evdns_server_request_add_cname_reply(req, name, r->value, r->ttl);
		else
			evdns_server_request_add_ptr_reply(req, NULL, name, r->value, r->ttl);
		n++;
	}
	return n;
}

static int
known(const char *name)
{
	int i;

	for (i = 0; i < nrecords; i++)
		if (!strcasecmp(table[i].name, name))
			return 1;
	return 0;
}

// tag::answer[]
static void
answer(struct evdns_server_request *req, void *arg)
{
	int i, rcode = DNS_ERR_NONE;

	(void)arg;
	for (i = 0; i < req->nquestions; i++) {
		const struct evdns_server_question *q = req->questions[i];
		const char *name = q->name;
		int j;

		if (!known(name)) {
			rcode = DNS_ERR_NOTEXIST;
			continue;
		}
		/* Follow one CNAME, as a server answering for both names would. */
		for (j = 0; j < nrecords; j++)
			if (!strcasecmp(table[j].name, name) &&
			    table[j].type == EVDNS_TYPE_CNAME && q->type != EVDNS_TYPE_CNAME) {
				add_records(req, name, EVDNS_TYPE_CNAME);
				name = table[j].value;
				break;
			}
		add_records(req, name, q->type);
	}
	evdns_server_request_set_flags(req, EVDNS_FLAGS_AA);
	evdns_server_request_respond(req, rcode);
}
// end::answer[]

static void
stop(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopexit(arg, NULL);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	struct event_base *base;
	struct evdns_server_port *port;
	struct event *sigint, *sigterm;
	int fd;

	if (argc != 3 || load(argv[2]) < 0) {
		fprintf(stderr, "usage: tableserver PORT TABLE\n");
		return 2;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(argv[1]));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0) {
		perror("tableserver");
		return 1;
	}
	base = event_base_new();
	port = evdns_add_server_port_with_base(base, fd, 0, answer, NULL);
	sigint = evsignal_new(base, SIGINT, stop, base);
	sigterm = evsignal_new(base, SIGTERM, stop, base);
	evsignal_add(sigint, NULL);
	evsignal_add(sigterm, NULL);
	printf("listening on 127.0.0.1:%d with %d records\n", ntohs(sin.sin_port),
	    nrecords);
	fflush(stdout);
	event_base_dispatch(base);
	evdns_close_server_port(port);		/* it closes fd */
	event_free(sigint);
	event_free(sigterm);
	event_base_free(base);
	return 0;
}
