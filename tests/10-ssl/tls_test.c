/* The chapter 10 tests' shared parts (see tls_test.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <valgrind/valgrind.h>
#include <openssl/x509.h>
#include <openssl/evp.h>
#include <event2/bufferevent_ssl.h>
#include "tls_test.h"
#include "../harness/self_signed.h"

EVP_PKEY *test_key;
X509 *test_cert;

void
tls_test_init(void)
{
	if (test_key == NULL)
		assert_int_equal(self_signed_identity(&test_key, &test_cert), 0);
}

void
tls_test_cleanup(void)
{
	X509_free(test_cert);
	EVP_PKEY_free(test_key);
	test_cert = NULL;
	test_key = NULL;
}

SSL_CTX *
server_ctx(int max_version)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	tls_test_init();
	assert_non_null(ctx);
	assert_int_equal(SSL_CTX_use_certificate(ctx, test_cert), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey(ctx, test_key), 1);
	if (max_version)
		SSL_CTX_set_max_proto_version(ctx, max_version);
	return ctx;
}

SSL_CTX *
client_ctx(enum verify_mode verify, int max_version)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	tls_test_init();
	assert_non_null(ctx);
	if (verify != VERIFY_NONE)
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (verify == VERIFY_TRUSTED)
		X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), test_cert);
	if (max_version)
		SSL_CTX_set_max_proto_version(ctx, max_version);
	return ctx;
}

void
make_socketpair(evutil_socket_t fds[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	evutil_make_socket_nonblocking(fds[0]);
	evutil_make_socket_nonblocking(fds[1]);
}

void
make_tcp_pair(evutil_socket_t fds[2])
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	evutil_socket_t lfd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(lfd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &len), 0);
	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(fds[0], (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	fds[1] = accept(lfd, NULL, NULL);
	assert_true(fds[1] >= 0);
	close(lfd);
	evutil_make_socket_nonblocking(fds[0]);
	evutil_make_socket_nonblocking(fds[1]);
}

int
fd_is_open(evutil_socket_t fd)
{
	return fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

size_t
big_transfer_size(void)
{
	return RUNNING_ON_VALGRIND ? (size_t)1 << 20 : (size_t)16 << 20;
}

static unsigned char
pattern_at(size_t i)
{
	return (unsigned char)(i * 7 + (i >> 9) * 13 + (i >> 17));
}

void
fill_pattern(unsigned char *buf, size_t len, size_t offset)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = pattern_at(offset + i);
}

int
pattern_matches(struct evbuffer *got, size_t n)
{
	struct evbuffer_ptr pos;
	struct evbuffer_iovec v[16];
	size_t off = 0, i;
	int k, j;

	if (evbuffer_get_length(got) != n)
		return 0;
	evbuffer_ptr_set(got, &pos, 0, EVBUFFER_PTR_SET);
	while (off < n) {
		k = evbuffer_peek(got, -1, &pos, v, 16);
		if (k <= 0)
			return 0;
		for (j = 0; j < k && j < 16; j++) {
			const unsigned char *p = v[j].iov_base;

			for (i = 0; i < v[j].iov_len; i++)
				if (p[i] != pattern_at(off + i))
					return 0;
			off += v[j].iov_len;
		}
		if (evbuffer_ptr_set(got, &pos, off, EVBUFFER_PTR_SET) < 0)
			break;
	}
	return off == n;
}

void
side_init(struct side *s)
{
	memset(s, 0, sizeof(*s));
	s->got = evbuffer_new();
	s->chunk = 64 * 1024;
}

static void
side_maybe_free(struct side *s, char at)
{
	if (s->free_on == at && s->bev != NULL) {
		bufferevent_free(s->bev);
		s->bev = NULL;
	}
}

static void
side_push(struct side *s)
{
	unsigned char buf[16384];
	size_t goal = s->chunk, n;

	while (s->to_send > 0 && goal > 0 && s->bev != NULL) {
		n = s->to_send < sizeof(buf) ? s->to_send : sizeof(buf);
		if (n > goal)
			n = goal;
		fill_pattern(buf, n, s->sent);
		assert_int_equal(bufferevent_write(s->bev, buf, n), 0);
		s->sent += n;
		s->to_send -= n;
		goal -= n;
	}
}

void
side_send(struct side *s, size_t n)
{
	s->to_send += n;
	side_push(s);
}

void
side_read(struct bufferevent *bev, void *arg)
{
	struct side *s = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	SSL *ssl = bufferevent_openssl_get_ssl(bev);

	s->reads++;
	if (s->keep_input)
		return;
	if (s->echo)
		bufferevent_write_buffer(bev, in);
	else
		evbuffer_add_buffer(s->got, in);
	if (s->renegotiate_at > 0 &&
	    evbuffer_get_length(s->got) >= (size_t)s->renegotiate_at) {
		s->renegotiate_at = 0;
		assert_int_equal(bufferevent_ssl_renegotiate(bev), 0);
	}
	if (s->key_update_at > 0 &&
	    evbuffer_get_length(s->got) >= (size_t)s->key_update_at) {
		s->key_update_at = 0;
		assert_int_equal(SSL_key_update(ssl, SSL_KEY_UPDATE_REQUESTED),
		    1);
	}
	side_maybe_free(s, 'R');
}

void
side_write(struct bufferevent *bev, void *arg)
{
	struct side *s = arg;

	(void)bev;
	s->writes++;
	side_push(s);
	if (s->to_send == 0)
		side_maybe_free(s, 'W');
}

void
side_event(struct bufferevent *bev, short what, void *arg)
{
	struct side *s = arg;
	unsigned long e;

	s->last_what = what;
	s->last_errno = EVUTIL_SOCKET_ERROR();
	if (what & BEV_EVENT_CONNECTED) {
		s->connected++;
		side_maybe_free(s, 'C');
		return;
	}
	if (what & BEV_EVENT_TIMEOUT)
		s->timeout++;
	if (what & BEV_EVENT_EOF) {
		s->eof++;
		side_maybe_free(s, 'E');
	}
	if (what & BEV_EVENT_ERROR) {
		s->error++;
		e = bufferevent_get_openssl_error(bev);
		if (s->ssl_error == 0)
			s->ssl_error = e;
		while (bufferevent_get_openssl_error(bev) != 0)
			;
		side_maybe_free(s, 'X');
	}
}

void
side_setcb(struct side *s)
{
	bufferevent_setcb(s->bev, side_read, side_write, side_event, s);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
}

static struct bufferevent *
make_end(struct link *l, int which, enum tls_mode mode, evutil_socket_t fd,
    struct bufferevent *pair_end, SSL *ssl, int options)
{
	enum bufferevent_ssl_state state = which == 0 ?
	    BUFFEREVENT_SSL_CONNECTING : BUFFEREVENT_SSL_ACCEPTING;
	int under_options = BEV_OPT_CLOSE_ON_FREE |
	    (options & BEV_OPT_THREADSAFE);

	switch (mode) {
	case MODE_SOCKET:
	case MODE_SOCKET_TCP:
		return bufferevent_openssl_socket_new(l->base, fd, ssl, state,
		    options);
	case MODE_FILTER_SOCKET:
		l->under[which] = bufferevent_socket_new(l->base, fd,
		    under_options);
		break;
	case MODE_FILTER_PAIR:
		l->under[which] = pair_end;
		break;
	}
	assert_non_null(l->under[which]);
	return bufferevent_openssl_filter_new(l->base, l->under[which], ssl,
	    state, options);
}

int
link_open(struct link *l, struct event_base *base, enum tls_mode cmode,
    enum tls_mode smode, SSL_CTX *cctx, SSL_CTX *sctx, int options)
{
	struct bufferevent *pair[2] = { NULL, NULL };
	evutil_socket_t fds[2] = { -1, -1 };

	memset(l, 0, sizeof(*l));
	l->base = base;
	l->cctx = cctx;
	l->sctx = sctx;
	side_init(&l->client);
	side_init(&l->server);
	if (cmode == MODE_FILTER_PAIR || smode == MODE_FILTER_PAIR)
		assert_int_equal(bufferevent_pair_new(base, BEV_OPT_CLOSE_ON_FREE |
		    (options & BEV_OPT_THREADSAFE), pair), 0);
	else if (cmode == MODE_SOCKET_TCP || smode == MODE_SOCKET_TCP)
		make_tcp_pair(fds);
	else
		make_socketpair(fds);
	l->raw[0] = fds[0];
	l->raw[1] = fds[1];
	l->client.bev = make_end(l, 0, cmode, fds[0], pair[0], SSL_new(cctx),
	    options);
	l->server.bev = make_end(l, 1, smode, fds[1], pair[1], SSL_new(sctx),
	    options);
	assert_non_null(l->client.bev);
	assert_non_null(l->server.bev);
	side_setcb(&l->client);
	side_setcb(&l->server);
	return 0;
}

void
link_close(struct link *l)
{
	if (l->client.bev)
		bufferevent_free(l->client.bev);
	if (l->server.bev)
		bufferevent_free(l->server.bev);
	l->client.bev = l->server.bev = NULL;
	evbuffer_free(l->client.got);
	evbuffer_free(l->server.got);
	SSL_CTX_free(l->cctx);
	SSL_CTX_free(l->sctx);
	/* Let the finalizers run. */
	event_base_loop(l->base, EVLOOP_NONBLOCK);
}

static void
give_up(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	*(int *)arg = 1;
}

int
run_until_cond(struct event_base *base, int (*done)(const void *),
    const void *arg, int seconds)
{
	int expired = 0;
	struct event *t = evtimer_new(base, give_up, &expired);
	struct timeval tv = { seconds, 0 };

	evtimer_add(t, &tv);
	while (!done(arg) && !expired)
		if (event_base_loop(base, EVLOOP_ONCE) < 0)
			break;
	event_free(t);
	return done(arg);
}

struct flag_goal {
	const int *flag;
	int at_least;
};

static int
flag_reached(const void *arg)
{
	const struct flag_goal *g = arg;

	return *g->flag >= g->at_least;
}

int
run_until(struct event_base *base, const int *flag, int at_least, int seconds)
{
	struct flag_goal g = { flag, at_least };

	return run_until_cond(base, flag_reached, &g, seconds);
}

struct got_goal {
	struct side *s;
	size_t n;
};

static int
got_reached(const void *arg)
{
	const struct got_goal *g = arg;

	return evbuffer_get_length(g->s->got) >= g->n || g->s->error ||
	    g->s->eof;
}

int
run_until_got(struct event_base *base, struct side *s, size_t n, int seconds)
{
	struct got_goal g = { s, n };

	run_until_cond(base, got_reached, &g, seconds);
	return evbuffer_get_length(s->got) >= n;
}

void
run_for(struct event_base *base, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static int
has_bytes(const void *arg)
{
	return evbuffer_get_length((struct evbuffer *)arg) > 0;
}

int
run_until_buffer_has_bytes(struct event_base *base, struct evbuffer *buf,
    int seconds)
{
	return run_until_cond(base, has_bytes, buf, seconds);
}
