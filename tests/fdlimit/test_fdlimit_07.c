/* Chapter 07 with the descriptor table full: a socket bufferevent that
 * connects to a listening socket of the test's on 127.0.0.1, sends "ping"
 * and reads the "pong" the test answers.  Short of a descriptor for the
 * bufferevent's own socket, bufferevent_socket_connect() returns -1 with
 * EMFILE and calls nothing back (libevent's #597 rule: a call that fails
 * has run no callback), while bufferevent_socket_connect_hostname(), which
 * has already returned 0, reports BEV_EVENT_ERROR with EMFILE from the
 * loop.  Either way nothing stays open and the bufferevent can be freed. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

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

struct talk {
	evutil_socket_t listener;	/* the test's, on 127.0.0.1 */
	int in_call;			/* inside a connect call */
	int connected, errors, error, pongs;
};

/* The server side, in plain sockets: accept, read the ping, answer. */
static void
answer(struct talk *t)
{
	char ping[4];
	evutil_socket_t fd = accept(t->listener, NULL, NULL);

	if (fd < 0) {
		t->errors++;
		t->error = errno;
		return;
	}
	FD_CHECK(recv(fd, ping, 4, MSG_WAITALL) == 4 && !memcmp(ping, "ping", 4));
	FD_CHECK(send(fd, "pong", 4, 0) == 4);
	close(fd);
}

static void
event_seen(struct bufferevent *bev, short what, void *arg)
{
	struct talk *t = arg;

	FD_CHECK(!t->in_call);		/* never from inside the call */
	if (what & BEV_EVENT_CONNECTED) {
		t->connected++;
		FD_CHECK(bufferevent_write(bev, "ping", 4) == 0);
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		t->errors++;
		t->error = EVUTIL_SOCKET_ERROR();
	}
	event_base_loopbreak(bufferevent_get_base(bev));
}

static void
pong_read(struct bufferevent *bev, void *arg)
{
	struct talk *t = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	if (evbuffer_get_length(in) < 4)
		return;
	FD_CHECK(!memcmp(evbuffer_pullup(in, 4), "pong", 4));
	t->pongs++;
	event_base_loopbreak(bufferevent_get_base(bev));
}

static void
ping_written(struct bufferevent *bev, void *arg)
{
	struct talk *t = arg;

	answer(t);
	if (t->errors)		/* no descriptor for the accepted socket */
		event_base_loopbreak(bufferevent_get_base(bev));
}

/* Connect by ADDRESS or, when by_name, by its numeric name with the
 * blocking resolver; then ping and pong. */
static int
connect_and_talk(int by_name)
{
	struct talk t = { -1, 0, 0, 0, 0, 0 };
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	struct event_base *base = event_base_new();
	struct bufferevent *bev = NULL;
	int r = -1, started;

	if (base == NULL)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	t.listener = socket(AF_INET, SOCK_STREAM, 0);
	if (t.listener < 0)
		goto out;	/* the test's own: errno says EMFILE */
	FD_CHECK(bind(t.listener, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    listen(t.listener, 1) == 0 &&
	    getsockname(t.listener, (struct sockaddr *)&sin, &len) == 0);
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	FD_CHECK(bev != NULL);
	bufferevent_setcb(bev, pong_read, ping_written, event_seen, &t);
	FD_CHECK(bufferevent_enable(bev, EV_READ | EV_WRITE) == 0);
	t.in_call = 1;
	started = by_name ?
	    bufferevent_socket_connect_hostname(bev, NULL, AF_INET, "127.0.0.1",
		ntohs(sin.sin_port)) :
	    bufferevent_socket_connect(bev, (struct sockaddr *)&sin, sizeof(sin));
	t.in_call = 0;
	if (started < 0) {
		FD_CHECK(!by_name && errno == EMFILE);
		FD_CHECK(t.connected + t.errors == 0);
		FD_CHECK(bufferevent_getfd(bev) < 0);
		goto out;
	}
	FD_CHECK(event_base_dispatch(base) == 0);
	if (t.errors) {
		FD_CHECK(t.error == EMFILE && t.pongs == 0);
		errno = t.error;
		goto out;
	}
	FD_CHECK(t.connected == 1 && t.pongs == 1);
	r = 0;
out:
	if (bev)
		bufferevent_free(bev);
	if (t.listener >= 0)
		close(t.listener);
	event_base_free(base);
	return r;
}

static int
connect_by_address(void)
{
	return connect_and_talk(0);
}

static int
connect_by_name(void)
{
	return connect_and_talk(1);
}

static void
test_connect_by_address_under_emfile(void **state)
{
	static const struct fd_scenario s = {
	    "bufferevent_socket_connect + ping/pong", connect_by_address };

	(void)state;
	/* The base's epoll descriptor, the listening socket, the
	 * bufferevent's socket and the accepted one. */
	assert_int_equal(fdlimit_check(&s), 4);
}

static void
test_connect_by_name_under_emfile(void **state)
{
	static const struct fd_scenario s = {
	    "bufferevent_socket_connect_hostname + ping/pong", connect_by_name };

	(void)state;
	assert_int_equal(fdlimit_check(&s), 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_by_address_under_emfile),
		cmocka_unit_test(test_connect_by_name_under_emfile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
