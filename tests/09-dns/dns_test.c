/* Chapter 09 test helpers (see dns_test.h). */
#include "dns_test.h"

#include <event2/util.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

/* ---- Messages by hand ---- */

void
msg_bytes(struct msg *m, const void *p, size_t n)
{
	assert_true(m->len + n <= sizeof(m->b));
	memcpy(m->b + m->len, p, n);
	m->len += n;
}

void
msg_u16(struct msg *m, unsigned v)
{
	unsigned char b[2] = { (unsigned char)(v >> 8), (unsigned char)v };

	msg_bytes(m, b, 2);
}

void
msg_u32(struct msg *m, uint32_t v)
{
	msg_u16(m, v >> 16);
	msg_u16(m, v & 0xffff);
}

void
msg_patch_u16(struct msg *m, size_t at, unsigned v)
{
	m->b[at] = (unsigned char)(v >> 8);
	m->b[at + 1] = (unsigned char)v;
}

void
msg_label(struct msg *m, const char *label)
{
	unsigned char n = (unsigned char)strlen(label);

	msg_bytes(m, &n, 1);
	msg_bytes(m, label, n);
}

void
msg_name(struct msg *m, const char *dotted)
{
	char copy[1024], *save = NULL, *label;

	snprintf(copy, sizeof(copy), "%s", dotted);
	for (label = strtok_r(copy, ".", &save); label;
	    label = strtok_r(NULL, ".", &save))
		msg_label(m, label);
	msg_bytes(m, "", 1);
}

void
msg_pointer(struct msg *m, unsigned offset)
{
	msg_u16(m, 0xc000 | offset);
}

void
msg_header(struct msg *m, unsigned id, unsigned flags, unsigned qd,
    unsigned an, unsigned ns, unsigned ar)
{
	msg_u16(m, id);
	msg_u16(m, flags);
	msg_u16(m, qd);
	msg_u16(m, an);
	msg_u16(m, ns);
	msg_u16(m, ar);
}

void
msg_question(struct msg *m, const char *name, unsigned type)
{
	msg_name(m, name);
	msg_u16(m, type);
	msg_u16(m, 1);
}

void
msg_rr(struct msg *m, const char *owner, int owner_ptr, unsigned type,
    uint32_t ttl, const void *rdata, size_t rdlength)
{
	if (owner_ptr >= 0)
		msg_pointer(m, (unsigned)owner_ptr);
	else
		msg_name(m, owner);
	msg_u16(m, type);
	msg_u16(m, 1);
	msg_u32(m, ttl);
	msg_u16(m, (unsigned)rdlength);
	msg_bytes(m, rdata, rdlength);
}

/* ---- The loop ---- */

static void
set_flag(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	*(int *)arg = 1;
}

void
run_until(struct event_base *base, const int *done, int limit_ms)
{
	struct timeval tv = { limit_ms / 1000, (limit_ms % 1000) * 1000 };
	int expired = 0;
	struct event *guard = evtimer_new(base, set_flag, &expired);

	evtimer_add(guard, &tv);
	while (!*done && !expired)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(guard);
	assert_true(*done);
}

void
run_until_at_least(struct event_base *base, const int *value, int n,
    int limit_ms)
{
	struct timeval tv = { limit_ms / 1000, (limit_ms % 1000) * 1000 };
	int expired = 0;
	struct event *guard = evtimer_new(base, set_flag, &expired);

	evtimer_add(guard, &tv);
	while (*value < n && !expired)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(guard);
	assert_true(*value >= n);
}

void
run_for(struct event_base *base, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	int expired = 0;
	struct event *t = evtimer_new(base, set_flag, &expired);

	evtimer_add(t, &tv);
	while (!expired)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(t);
}

/* ---- Sockets ---- */

int
udp_socket_on_loopback(int *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

const char *
loopback_addr(char *buf, size_t len, int port)
{
	snprintf(buf, len, "127.0.0.1:%d", port);
	return buf;
}

/* ---- The raw responder ---- */

/* Queries from the client are never compressed: read labels plainly. */
static int
read_query(struct raw_query *q)
{
	size_t at = 12, n = 0;

	if (q->len < 12)
		return -1;
	q->id = (uint16_t)(q->b[0] << 8 | q->b[1]);
	while (at < q->len && q->b[at] != 0) {
		unsigned l = q->b[at];

		if (at + 1 + l > q->len || n + l + 1 >= sizeof(q->name))
			return -1;
		if (n > 0)
			q->name[n++] = '.';
		memcpy(q->name + n, q->b + at + 1, l);
		n += l;
		at += 1 + l;
	}
	q->name[n] = '\0';
	if (at + 5 > q->len)
		return -1;
	q->type = (unsigned)(q->b[at + 1] << 8 | q->b[at + 2]);
	return 0;
}

static void
raw_readable(evutil_socket_t fd, short what, void *arg)
{
	struct raw_responder *r = arg;
	struct raw_query q;
	ssize_t n;

	(void)what;
	for (;;) {
		memset(&q, 0, sizeof(q));
		q.fromlen = sizeof(q.from);
		n = recvfrom(fd, q.b, sizeof(q.b), 0, (struct sockaddr *)&q.from,
		    &q.fromlen);
		if (n < 0)
			return;
		q.len = (size_t)n;
		if (read_query(&q) < 0)
			continue;
		r->queries++;
		r->last = q;
		if (r->script)
			r->script(r, &q);
	}
}

void
raw_responder_start(struct raw_responder *r, struct event_base *base,
    raw_script script, void *arg)
{
	memset(r, 0, sizeof(*r));
	r->base = base;
	r->script = script;
	r->arg = arg;
	r->fd = udp_socket_on_loopback(&r->port);
	r->ev = event_new(base, r->fd, EV_READ | EV_PERSIST, raw_readable, r);
	event_add(r->ev, NULL);
}

void
raw_responder_stop(struct raw_responder *r)
{
	event_free(r->ev);
	close(r->fd);
}

void
raw_reply(struct raw_responder *r, const struct raw_query *q,
    const struct msg *m)
{
	assert_int_equal(sendto(r->fd, m->b, m->len, 0,
	    (const struct sockaddr *)&q->from, q->fromlen), (ssize_t)m->len);
}

void
raw_answer_a(struct msg *m, const struct raw_query *q, unsigned flags, int n)
{
	int i;

	m->len = 0;
	msg_header(m, q->id, flags, 1, (unsigned)n, 0, 0);
	msg_question(m, q->name, q->type);
	for (i = 0; i < n; i++) {
		unsigned char a[4] = { 10, 0, 0, (unsigned char)(i + 1) };

		msg_rr(m, NULL, 12, 1, 60, a, 4);
	}
}

void
raw_reply_from_elsewhere(const struct raw_query *q, const struct msg *m)
{
	int port, fd = udp_socket_on_loopback(&port);

	assert_int_equal(sendto(fd, m->b, m->len, 0,
	    (const struct sockaddr *)&q->from, q->fromlen), (ssize_t)m->len);
	close(fd);
}

/* ---- The TCP responder ---- */

struct tcp_conn {
	struct tcp_responder *t;
	struct event *ev;
	int fd;
	unsigned char in[2 + 600];
	size_t got;
};

static void
tcp_conn_readable(evutil_socket_t fd, short what, void *arg)
{
	struct tcp_conn *c = arg;
	struct raw_query q;
	struct msg reply;
	unsigned char len[2];
	ssize_t n = recv(fd, c->in + c->got, sizeof(c->in) - c->got, 0);
	size_t want;

	(void)what;
	if (n > 0)
		c->got += (size_t)n;
	want = c->got >= 2 ? 2 + (size_t)(c->in[0] << 8 | c->in[1]) : 0;
	if (n > 0 && (want == 0 || c->got < want))
		return;
	if (n > 0) {
		memset(&q, 0, sizeof(q));
		q.len = want - 2;
		memcpy(q.b, c->in + 2, q.len);
		reply.len = 0;
		if (read_query(&q) == 0 && c->t->script) {
			c->t->script(c->t, &q, &reply);
			len[0] = (unsigned char)(reply.len >> 8);
			len[1] = (unsigned char)reply.len;
			if (reply.len > 0) {
				assert_int_equal(send(fd, len, 2, 0), 2);
				assert_int_equal(send(fd, reply.b, reply.len, 0),
				    (ssize_t)reply.len);
			}
		}
	}
	event_free(c->ev);
	close(fd);
	free(c);
}

static void
tcp_acceptable(evutil_socket_t fd, short what, void *arg)
{
	struct tcp_responder *t = arg;
	struct tcp_conn *c;
	int s = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	(void)what;
	if (s < 0)
		return;
	t->connections++;
	c = calloc(1, sizeof(*c));
	c->t = t;
	c->fd = s;
	c->ev = event_new(t->base, s, EV_READ | EV_PERSIST, tcp_conn_readable, c);
	event_add(c->ev, NULL);
}

void
tcp_responder_start(struct tcp_responder *t, struct event_base *base,
    int port, tcp_script script)
{
	struct sockaddr_in sin;
	int one = 1;

	memset(t, 0, sizeof(*t));
	t->base = base;
	t->script = script;
	t->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	assert_true(t->fd >= 0);
	setsockopt(t->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(t->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(t->fd, 8), 0);
	t->accept_ev = event_new(base, t->fd, EV_READ | EV_PERSIST,
	    tcp_acceptable, t);
	event_add(t->accept_ev, NULL);
}

void
tcp_responder_stop(struct tcp_responder *t)
{
	event_free(t->accept_ev);
	close(t->fd);
}

/* ---- Files ---- */

static char temp_paths[8][64];

const char *
temp_file(int slot, const char *text)
{
	char *path = temp_paths[slot];
	int fd;

	if (path[0])
		unlink(path);
	snprintf(path, 64, "/tmp/litevent-dns-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

void
remove_temp_files(void)
{
	int i;

	for (i = 0; i < 8; i++)
		if (temp_paths[i][0]) {
			unlink(temp_paths[i]);
			temp_paths[i][0] = '\0';
		}
}

