#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include "events_test.h"

void
log_cb(evutil_socket_t fd, short what, void *arg)
{
	struct logged *l = arg;
	char buf[64];

	if (l->log->n < LOG_MAX) {
		l->log->id[l->log->n] = l->id;
		l->log->what[l->log->n] = what;
		l->log->n++;
	}
	l->runs++;
	if (l->drain_fd && (what & EV_READ))
		(void)recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (l->del_after && l->runs == l->del_after)
		event_del(l->ev);
	if (l->break_after && l->runs == l->break_after)
		event_base_loopbreak(event_get_base(l->ev));
}

void
make_pair(evutil_socket_t pair[2])
{
	assert_int_equal(evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
	assert_int_equal(evutil_make_socket_nonblocking(pair[0]), 0);
	assert_int_equal(evutil_make_socket_nonblocking(pair[1]), 0);
}

void
close_pair(evutil_socket_t pair[2])
{
	evutil_closesocket(pair[0]);
	evutil_closesocket(pair[1]);
}

void
write_byte(evutil_socket_t fd)
{
	assert_int_equal(send(fd, "x", 1, 0), 1);
}
