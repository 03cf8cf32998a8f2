/* Chapter 08 with the descriptor table full: a listener on 127.0.0.1, one
 * client, one accept.  Short of a descriptor for the listening socket,
 * evconnlistener_new_bind() fails with EMFILE and leaves nothing open;
 * short of one for the accepted socket, the error callback hears EMFILE
 * (the listener pauses instead of spinning) and the client stays queued. */
#include <event2/event.h>
#include <event2/listener.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fdlimit.h"

struct outcome {
	int accepted;
	int errors;
	int error;		/* errno in the error callback */
};

static void
take(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *addr,
    int len, void *arg)
{
	struct outcome *o = arg;

	(void)len;
	FD_CHECK(addr->sa_family == AF_INET);
	evutil_closesocket(fd);
	o->accepted++;
	event_base_loopbreak(evconnlistener_get_base(lev));
}

static void
told(struct evconnlistener *lev, void *arg)
{
	struct outcome *o = arg;

	o->error = EVUTIL_SOCKET_ERROR();
	o->errors++;
	event_base_loopbreak(evconnlistener_get_base(lev));
}

static int
listen_and_accept_one(void)
{
	struct outcome o = { 0, 0, 0 };
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	struct event_base *base = event_base_new();
	struct evconnlistener *lev;
	evutil_socket_t client;
	int r = 0;

	if (base == NULL)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lev = evconnlistener_new_bind(base, take, &o, LEV_OPT_CLOSE_ON_FREE, -1,
	    (struct sockaddr *)&sin, sizeof(sin));
	if (lev == NULL) {
		FD_CHECK(errno == EMFILE);
		event_base_free(base);
		return -1;
	}
	evconnlistener_set_error_cb(lev, told);
	FD_CHECK(getsockname(evconnlistener_get_fd(lev),
	    (struct sockaddr *)&sin, &len) == 0);
	client = socket(AF_INET, SOCK_STREAM, 0);
	if (client < 0) {
		r = -1;		/* the test's own socket: errno says EMFILE */
		goto out;
	}
	FD_CHECK(connect(client, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	FD_CHECK(event_base_dispatch(base) == 0);
	FD_CHECK(o.accepted + o.errors == 1);
	if (o.errors) {
		FD_CHECK(o.error == EMFILE);
		errno = o.error;
		r = -1;
	}
	close(client);
out:
	evconnlistener_free(lev);
	event_base_free(base);
	return r;
}

static void
test_listener_under_emfile(void **state)
{
	static const struct fd_scenario s = { "evconnlistener_new_bind + accept",
	    listen_and_accept_one };

	(void)state;
	/* The base's epoll descriptor, the listening socket, the client and
	 * the accepted socket. */
	assert_int_equal(fdlimit_check(&s), 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listener_under_emfile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
