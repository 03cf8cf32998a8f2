/* bench/dns.c -- the DNS resolver and server, built unchanged against
 * litevent and against the system's libevent 2.1 (see bench/compare.sh).
 *
 *   dns lookups N INFLIGHT     N lookups, INFLIGHT at a time, each answered
 *                              with one A record
 *   dns replies N INFLIGHT     the same, each reply carrying a CNAME and 16
 *                              A records: most of the cost is reading the
 *                              reply (the parser, the CNAME chain, matching)
 *
 * The server is an evdns server port in a child process (fork), on
 * 127.0.0.1; the client is an evdns_base in the parent.  Both sides run
 * the library under test.  Prints NAME<TAB>nanoseconds per lookup, twice:
 * wall-clock time, and the CPU time (user and system) both processes
 * spent, which a loaded machine disturbs less.  Under bench/counts.sh the
 * client's lookups and the server's answers are counted as two regions
 * (count_begin/count_end of bench/bench.h). */
#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <event2/event.h>
#include <event2/util.h>

#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static int records_per_reply;
static int lookups;			/* for the server's count */
static char server_label[128];

static double
cpu_ns(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return ((double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec) * 1e9 +
	    ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) * 1e3;
}

/* Wall-clock time: the client waits for the server, and that is the cost. */
static double
wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void
die(const char *what)
{
	fprintf(stderr, "bench/dns: %s failed\n", what);
	exit(1);
}

static void
answer(struct evdns_server_request *req, void *arg)
{
	const char *name = req->questions[0]->name;
	unsigned char a[4] = { 10, 0, 0, 0 };
	int i;

	(void)arg;
	if (records_per_reply > 1)
		evdns_server_request_add_cname_reply(req, name, "target.bench.test", 60);
	for (i = 0; i < records_per_reply; i++) {
		a[3] = (unsigned char)i;
		evdns_server_request_add_a_reply(req, records_per_reply > 1 ?
		    "target.bench.test" : name, 1, a, 60);
	}
	evdns_server_request_respond(req, 0);
}

static void
stop_serving(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopexit(arg, NULL);
}

/* Fork a server; its port is written to the pipe.  SIGTERM ends it. */
static pid_t
start_server(int *port)
{
	int p[2];
	pid_t pid;

	if (pipe(p) < 0 || (pid = fork()) < 0)
		die("fork");
	if (pid == 0) {
		struct sockaddr_in sin;
		socklen_t len = sizeof(sin);
		struct event_base *base = event_base_new();
		struct event *term;
		int fd = socket(AF_INET, SOCK_DGRAM, 0), big = 1 << 20;

		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
		    getsockname(fd, (struct sockaddr *)&sin, &len) < 0)
			_exit(1);
		evutil_make_socket_nonblocking(fd);
		evdns_add_server_port_with_base(base, fd, 0, answer, NULL);
		term = evsignal_new(base, SIGTERM, stop_serving, base);
		if (!term || evsignal_add(term, NULL) < 0)
			_exit(1);
		*port = ntohs(sin.sin_port);
		if (write(p[1], port, sizeof(*port)) != sizeof(*port))
			_exit(1);
		count_begin();
		event_base_dispatch(base);
		count_end(server_label, lookups);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], port, sizeof(*port)) != sizeof(*port))
		die("reading the server's port");
	close(p[0]);
	return pid;
}

struct run {
	struct evdns_base *dns;
	struct event_base *base;
	int started, finished, total, good, expect;
};

static void start_one(struct run *r);

static void
got(int result, char type, int count, int ttl, void *addrs, void *arg)
{
	struct run *r = arg;

	(void)type; (void)ttl; (void)addrs;
	r->good += result == DNS_ERR_NONE && count == r->expect;
	if (++r->finished == r->total)
		event_base_loopexit(r->base, NULL);
	else if (r->started < r->total)
		start_one(r);
}

static void
start_one(struct run *r)
{
	char name[64];

	snprintf(name, sizeof(name), "host%d.bench.test", r->started++);
	if (!evdns_base_resolve_ipv4(r->dns, name, DNS_QUERY_NO_SEARCH, got, r))
		die("evdns_base_resolve_ipv4");
}

static void
bench(const char *label, int n, int inflight, int records)
{
	struct run r;
	char addr[64], depth[16];
	double t0, t1, c0, c1;
	int port, i, status;
	pid_t pid;

	records_per_reply = records;
	lookups = n;
	snprintf(server_label, sizeof(server_label), "%s (server)", label);
	pid = start_server(&port);
	memset(&r, 0, sizeof(r));
	r.total = n;
	r.expect = records;
	r.base = event_base_new();
	r.dns = evdns_base_new(r.base, 0);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	snprintf(depth, sizeof(depth), "%d", inflight);
	if (!r.dns || evdns_base_nameserver_ip_add(r.dns, addr) != 0 ||
	    evdns_base_set_option(r.dns, "max-inflight", depth) != 0)
		die("configuring the resolver");
	t0 = wall_ns();
	c0 = cpu_ns(RUSAGE_SELF);
	count_begin();
	for (i = 0; i < inflight && i < n; i++)
		start_one(&r);
	event_base_dispatch(r.base);
	count_end(label, n);
	t1 = wall_ns();
	c1 = cpu_ns(RUSAGE_SELF);
	if (r.good != n) {
		fprintf(stderr, "bench/dns: %d of %d lookups failed\n", n - r.good, n);
		exit(1);
	}
	evdns_base_free(r.dns, 0);
	event_base_free(r.base);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	/* The server's CPU time: all of it is serving (it waited in epoll
	 * before the first query, which costs nothing). */
	printf("%s\t%.1f\n", label, (t1 - t0) / n);
	printf("%s (cpu, both)\t%.1f\n", label,
	    (c1 - c0 + cpu_ns(RUSAGE_CHILDREN)) / n);
}

int
main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 10000;
	int inflight = argc > 3 ? atoi(argv[3]) : 100;
	char label[96];

	if (argc < 2 || n <= 0 || inflight <= 0) {
		fprintf(stderr, "usage: dns lookups|replies N INFLIGHT\n");
		return 2;
	}
	if (!strcmp(argv[1], "lookups")) {
		snprintf(label, sizeof(label), "dns: %d lookups, %d in flight", n, inflight);
		bench(label, n, inflight, 1);
	} else if (!strcmp(argv[1], "replies")) {
		snprintf(label, sizeof(label), "dns: %d replies of CNAME + 16 A", n);
		bench(label, n, inflight, 16);
	} else {
		return 2;
	}
	return 0;
}
