/* Chapter 10: threads -- the manual's OpenSSL locking setup (locking and
 * thread-id callbacks, which OpenSSL 3 accepts and ignores) followed by
 * evthread_use_pthreads(); BEV_OPT_THREADSAFE TLS bufferevents written to
 * from other threads while the loop runs in this one, and freed from
 * another thread. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <event2/bufferevent_ssl.h>
#include "tls_test.h"

/* The manual's setup for OpenSSL before 1.1, as a program written then
 * still does it; with OpenSSL 3 CRYPTO_num_locks() is 1 and the setters
 * do nothing. */
static pthread_mutex_t *ssl_locks;
static int ssl_num_locks;

static unsigned long
thread_id(void)
{
	return (unsigned long)pthread_self();
}

static void
lock_cb(int mode, int which, const char *file, int line)
{
	(void)file;
	(void)line;
	if (which < ssl_num_locks) {
		if (mode & CRYPTO_LOCK)
			pthread_mutex_lock(&ssl_locks[which]);
		else
			pthread_mutex_unlock(&ssl_locks[which]);
	}
}

static int
init_ssl_locking(void)
{
	int i;

	ssl_num_locks = CRYPTO_num_locks();
	ssl_locks = calloc((size_t)ssl_num_locks, sizeof(pthread_mutex_t));
	if (ssl_locks == NULL)
		return -1;
	for (i = 0; i < ssl_num_locks; i++)
		pthread_mutex_init(&ssl_locks[i], NULL);
	CRYPTO_set_id_callback(thread_id);
	CRYPTO_set_locking_callback(lock_cb);
	(void)lock_cb;
	(void)thread_id;
	return 0;
}

static struct event_base *base;

static int
setup(void **state)
{
	(void)state;
	if (init_ssl_locking() < 0 || evthread_use_pthreads() < 0)
		return -1;
	base = event_base_new();
	return base ? 0 : -1;
}

static int
teardown(void **state)
{
	int i;

	(void)state;
	event_base_free(base);
	for (i = 0; i < ssl_num_locks; i++)
		pthread_mutex_destroy(&ssl_locks[i]);
	free(ssl_locks);
	return 0;
}

#define WRITERS 4
#define PER_WRITER (256 * 1024)

struct writer {
	struct bufferevent *bev;
	int id;
};

/* Each writer sends records "<id><16-bit counter><61 bytes>" of 64
 * bytes; the reader checks each writer's counters arrive in order. */
static void *
write_records(void *arg)
{
	struct writer *w = arg;
	unsigned char rec[64];
	unsigned i;

	for (i = 0; i < PER_WRITER / sizeof(rec); i++) {
		memset(rec, w->id, sizeof(rec));
		rec[1] = (unsigned char)(i >> 8);
		rec[2] = (unsigned char)i;
		bufferevent_lock(w->bev);
		bufferevent_write(w->bev, rec, sizeof(rec));
		bufferevent_unlock(w->bev);
		if (i % 256 == 0)
			usleep(100);
	}
	return NULL;
}

static int
records_in_order(struct evbuffer *got)
{
	unsigned next[WRITERS] = { 0 };
	unsigned char rec[64];

	while (evbuffer_remove(got, rec, sizeof(rec)) == (int)sizeof(rec)) {
		unsigned id = rec[0], n = (unsigned)rec[1] << 8 | rec[2];

		if (id >= WRITERS || n != (next[id] & 0xffff))
			return 0;
		next[id]++;
	}
	return 1;
}

static void
threads_write_while_the_loop_runs(enum tls_mode mode)
{
	struct link l;
	pthread_t t[WRITERS];
	struct writer w[WRITERS];
	int i;

	link_open(&l, base, mode, mode, client_ctx(VERIFY_NONE, 0),
	    server_ctx(0), BEV_OPT_CLOSE_ON_FREE | BEV_OPT_THREADSAFE);
	assert_true(run_until(base, &l.client.connected, 1, 10));
	for (i = 0; i < WRITERS; i++) {
		w[i].bev = l.client.bev;
		w[i].id = i;
		assert_int_equal(pthread_create(&t[i], NULL, write_records,
		    &w[i]), 0);
	}
	assert_true(run_until_got(base, &l.server,
	    (size_t)WRITERS * PER_WRITER, 60));
	for (i = 0; i < WRITERS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(evbuffer_get_length(l.server.got),
	    (size_t)WRITERS * PER_WRITER);
	assert_true(records_in_order(l.server.got));
	link_close(&l);
}

static void
threads_write_to_a_socket_mode_bufferevent(void **state)
{
	(void)state;
	threads_write_while_the_loop_runs(MODE_SOCKET);
}

static void
threads_write_to_a_filter_over_a_pair(void **state)
{
	(void)state;
	threads_write_while_the_loop_runs(MODE_FILTER_PAIR);
}

struct freer {
	struct bufferevent *bev;
	int done;
};

static void *
free_it(void *arg)
{
	struct freer *f = arg;

	bufferevent_free(f->bev);
	__atomic_store_n(&f->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Freed from another thread mid-transfer; the peer hears a clean end. */
static void
free_from_another_thread(void **state)
{
	struct link l;
	struct freer f;
	pthread_t t;

	(void)state;
	link_open(&l, base, MODE_SOCKET, MODE_SOCKET,
	    client_ctx(VERIFY_NONE, 0), server_ctx(0),
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_THREADSAFE);
	assert_true(run_until(base, &l.server.connected, 1, 10));
	side_send(&l.client, 200000);
	run_for(base, 5);
	f.bev = l.client.bev;
	f.done = 0;
	l.client.bev = NULL;
	l.client.to_send = 0;
	assert_int_equal(pthread_create(&t, NULL, free_it, &f), 0);
	assert_true(run_until(base, &l.server.eof, 1, 20) || l.server.error);
	pthread_join(t, NULL);
	assert_true(f.done);
	link_close(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(threads_write_to_a_socket_mode_bufferevent),
		cmocka_unit_test(threads_write_to_a_filter_over_a_pair),
		cmocka_unit_test(free_from_another_thread),
	};
	int r;

	signal(SIGPIPE, SIG_IGN);
	r = cmocka_run_group_tests(tests, setup, teardown);
	tls_test_cleanup();
	return r;
}
