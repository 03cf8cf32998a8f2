/* connect_by_name -- connect to HOST:PORT by name, send a line, print the
 * reply: bufferevent_socket_connect_hostname() through an evdns_base.
 *
 *   connect_by_name [-s SERVER[:PORT]] [-H HOSTSFILE] HOST PORT LINE
 *
 * -s asks that DNS server (otherwise /etc/resolv.conf); -H loads a hosts
 * file as well.  The exit status is 0 when a reply arrived, 1 when the
 * name did not resolve (the DNS error is printed), 2 otherwise. */
#include <event2/bufferevent.h>
#include <event2/buffer.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int status = 2;

static void
got_reply(struct bufferevent *bev, void *arg)
{
	char *line = evbuffer_readln(bufferevent_get_input(bev), NULL,
	    EVBUFFER_EOL_LF);

	(void)arg;
	if (!line)
		return;
	printf("reply: %s\n", line);
	free(line);
	status = 0;
	event_base_loopexit(bufferevent_get_base(bev), NULL);
}

static void
got_event(struct bufferevent *bev, short what, void *arg)
{
	const char *text = arg;

	if (what & BEV_EVENT_CONNECTED) {
		printf("connected\n");
		evbuffer_add_printf(bufferevent_get_output(bev), "%s\n", text);
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		int dns = bufferevent_socket_get_dns_error(bev);

		if (dns) {
			printf("name did not resolve: %s\n", evutil_gai_strerror(dns));
			status = 1;
		} else {
			printf("connection failed\n");
		}
	}
	event_base_loopexit(bufferevent_get_base(bev), NULL);
}

int
main(int argc, char **argv)
{
	const char *server = NULL, *hosts = NULL;
	struct event_base *base;
	struct evdns_base *dns;
	struct bufferevent *bev;
	int opt;

	while ((opt = getopt(argc, argv, "s:H:")) != -1) {
		if (opt == 's')
			server = optarg;
		else if (opt == 'H')
			hosts = optarg;
		else
			return 2;
	}
	if (argc - optind != 3) {
		fprintf(stderr, "usage: connect_by_name [-s SERVER] [-H HOSTS] HOST PORT LINE\n");
		return 2;
	}
	base = event_base_new();
	dns = evdns_base_new(base, server ? 0 : EVDNS_BASE_INITIALIZE_NAMESERVERS);
	if (!dns || (server && evdns_base_nameserver_ip_add(dns, server) != 0) ||
	    (hosts && evdns_base_load_hosts(dns, hosts) != 0)) {
		fprintf(stderr, "connect_by_name: cannot set up the resolver\n");
		return 2;
	}
	// tag::connect[]
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, got_reply, NULL, got_event, argv[optind + 2]);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect_hostname(bev, dns, AF_UNSPEC, argv[optind],
	    atoi(argv[optind + 1])) < 0)
		printf("connect_by_name: the connection could not start\n");
	else
		event_base_dispatch(base);
	// end::connect[]
	bufferevent_free(bev);
	evdns_base_free(dns, 0);
	event_base_free(base);
	return status;
}
