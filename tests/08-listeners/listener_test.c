#include <stdarg.h>
#include <stdlib.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>
#include <cmocka.h>
#include "listener_test.h"

void
record_cb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *addr, int len, void *arg)
{
	struct record *r = arg;
	struct sockaddr_storage real;
	socklen_t real_len = sizeof(real);
	char byte;
	int i = r->n++;

	assert_true(i < RECORD_MAX);
	assert_true(len > 0 && (size_t)len <= sizeof(r->peer[i]));
	memcpy(&r->peer[i], addr, (size_t)len);
	r->peerlen[i] = len;
	if (getpeername(fd, (struct sockaddr *)&real, &real_len) == 0 &&
	    (int)real_len == len && memcmp(&real, addr, (size_t)len) == 0)
		r->peer_agrees++;
	r->fl[i] = fcntl(fd, F_GETFL);
	r->fd_flags[i] = fcntl(fd, F_GETFD);
	r->keepalive[i] = int_option(fd, SOL_SOCKET, SO_KEEPALIVE);
	r->readable_at_once[i] = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 1;
	if (r->keep_open)
		r->fds[i] = fd;
	else
		evutil_closesocket(fd);
	if (r->disable_at == r->n)
		evconnlistener_disable(lev);
	if (r->free_at == r->n)
		evconnlistener_free(lev);
}

void
record_error_cb(struct evconnlistener *lev, void *arg)
{
	struct record *r = arg;

	r->last_error = EVUTIL_SOCKET_ERROR();
	if (r->errors < PAUSES_KEPT)
		r->pause_msec[r->errors] = current_pause_msec(lev);
	r->errors++;
	if (r->free_on_error)
		evconnlistener_free(lev);
}

/* The resume timer is the listener's event that does not wait for EV_READ. */
struct timer_search {
	struct evconnlistener *lev;
	struct event *timer;
};

static int
find_resume_timer(const struct event_base *base, const struct event *ev,
    void *arg)
{
	struct timer_search *s = arg;

	(void)base;
	if (event_get_callback_arg(ev) == s->lev &&
	    !(event_get_events(ev) & EV_READ))
		s->timer = (struct event *)ev;
	return 0;
}

long
current_pause_msec(struct evconnlistener *lev)
{
	struct event_base *base = evconnlistener_get_base(lev);
	struct timer_search s = { lev, NULL };
	struct timeval due, now;

	event_base_foreach_event(base, find_resume_timer, &s);
	if (s.timer == NULL || !event_pending(s.timer, EV_TIMEOUT, &due))
		return -1;
	event_base_gettimeofday_cached(base, &now);
	return (due.tv_sec - now.tv_sec) * 1000 +
	    (due.tv_usec - now.tv_usec + 500) / 1000;
}

void
record_close_all(struct record *r)
{
	int i;

	for (i = 0; r->keep_open && i < r->n; i++)
		evutil_closesocket(r->fds[i]);
}

void
loopback4(struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

void
loopback6(struct sockaddr_in6 *sin6)
{
	memset(sin6, 0, sizeof(*sin6));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_addr = in6addr_loopback;
}

socklen_t
bound_address(evutil_socket_t fd, struct sockaddr_storage *ss)
{
	socklen_t len = sizeof(*ss);

	memset(ss, 0, sizeof(*ss));
	assert_int_equal(getsockname(fd, (struct sockaddr *)ss, &len), 0);
	return len;
}

evutil_socket_t
connect_client(const struct sockaddr_storage *addr, socklen_t len)
{
	evutil_socket_t fd = socket(addr->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (const struct sockaddr *)addr, len), 0);
	return fd;
}

int
try_connect(const struct sockaddr_storage *addr, socklen_t len)
{
	evutil_socket_t fd = socket(addr->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int r, err;

	assert_true(fd >= 0);
	r = connect(fd, (const struct sockaddr *)addr, len);
	err = r == 0 ? 0 : errno;
	close(fd);
	return err;
}

/* Same family, address and port (or path). */
int
same_address(const struct sockaddr_storage *a, const struct sockaddr *b)
{
	if (a->ss_family != b->sa_family)
		return 0;
	if (b->sa_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port &&
		    x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (b->sa_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
		return x->sin6_port == y->sin6_port &&
		    memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
	}
	return 1;
}

static void
safety_fired(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	*(int *)arg = 1;
}

int
run_until(struct event_base *base, const int *count, int target)
{
	struct timeval ten = { 10, 0 };
	int expired = 0;
	struct event *safety = evtimer_new(base, safety_fired, &expired);

	evtimer_add(safety, &ten);
	while (*count < target && !expired)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(safety);
	return *count >= target ? 0 : -1;
}

void
turn_loop(struct event_base *base, int n)
{
	while (n-- > 0)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

void
server_start(struct server *s, const struct sockaddr *sa, socklen_t salen,
    unsigned flags)
{
	s->base = event_base_new();
	s->r = calloc(1, sizeof(*s->r));
	assert_non_null(s->base);
	assert_non_null(s->r);
	s->lev = evconnlistener_new_bind(s->base, record_cb, s->r, flags, -1,
	    sa, (int)salen);
	assert_non_null(s->lev);
	s->len = bound_address(evconnlistener_get_fd(s->lev), &s->addr);
}

void
server_start4(struct server *s, unsigned flags)
{
	struct sockaddr_in sin;

	loopback4(&sin);
	server_start(s, (struct sockaddr *)&sin, sizeof(sin),
	    flags | LEV_OPT_CLOSE_ON_FREE);
}

void
server_stop(struct server *s)
{
	evconnlistener_free(s->lev);
	event_base_free(s->base);
	free(s->r);
}

evutil_socket_t
bound_socket4(int type)
{
	struct sockaddr_in sin;
	evutil_socket_t fd = socket(AF_INET, type, 0);

	assert_true(fd >= 0);
	loopback4(&sin);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

int
open_descriptors(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

int
int_option(evutil_socket_t fd, int level, int option)
{
	int value = -1;
	socklen_t len = sizeof(value);

	if (getsockopt(fd, level, option, &value, &len) < 0)
		return -errno;
	return value;
}

#define LOG_KEEP 16
static int log_count;
static char log_text[LOG_KEEP][256];

static void
capture(int severity, const char *msg)
{
	(void)severity;
	if (log_count < LOG_KEEP)
		snprintf(log_text[log_count], sizeof(log_text[0]), "%s", msg);
	log_count++;
}

void
log_capture(void)
{
	log_count = 0;
	event_set_log_callback(capture);
}

int
logged_messages(void)
{
	return log_count;
}

int
logged_containing(const char *text)
{
	int i, n = 0;

	for (i = 0; i < log_count && i < LOG_KEEP; i++)
		n += strstr(log_text[i], text) != NULL;
	return n;
}
