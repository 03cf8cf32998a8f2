/* Threads: BEV_OPT_THREADSAFE shares one lock with the buffers, callbacks
 * hold it unless BEV_OPT_UNLOCK_CALLBACKS, other threads may write, and a
 * bufferevent may be freed from another thread while the loop moves its
 * bytes. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include "bev_test.h"
#include "bufferevent-internal.h"
#include "evbuffer-internal.h"

static void
test_a_threadsafe_bufferevent_locks_its_buffers_too(void **state)
{
	struct event_base *base = event_base_new();
	struct bufferevent *bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_THREADSAFE);
	struct bufferevent_state *st = bev_state(bev);

	(void)state;
	assert_non_null(st->lock);
	assert_ptr_equal(bufferevent_get_input(bev)->lock, st->lock);
	assert_ptr_equal(bufferevent_get_output(bev)->lock, st->lock);
	/* Recursive: the program may lock around calls that lock again. */
	bufferevent_lock(bev);
	bufferevent_lock(bev);
	assert_int_equal(bufferevent_write(bev, "x", 1), 0);
	bufferevent_unlock(bev);
	bufferevent_unlock(bev);
	bufferevent_free(bev);
	event_base_free(base);
}

/* A helper thread tries the bufferevent's lock while a callback runs. */
struct probe {
	struct bufferevent *bev;
	int blocking;		/* 1: bufferevent_lock(); 0: a try */
	volatile int got_it;
	volatile int done;
	pthread_t th;
};

static void *
probe_lock(void *arg)
{
	struct probe *p = arg;
	struct bufferevent_state *st = bev_state(p->bev);

	if (p->blocking) {
		bufferevent_lock(p->bev);
		p->got_it = 1;
		bufferevent_unlock(p->bev);
	} else if (evthread_lock(st->lock, EVTHREAD_TRY) == 0) {
		p->got_it = 1;
		evthread_unlock(st->lock, 0);
	}
	p->done = 1;
	return NULL;
}

static void
probe_from_callback(struct bufferevent *bev, void *arg)
{
	struct probe *p = arg;
	int i;

	evbuffer_drain(bufferevent_get_input(bev), 1 << 20);
	p->bev = bev;
	pthread_create(&p->th, NULL, probe_lock, p);
	/* Bounded: a lock that is held never lets the probe finish. */
	for (i = 0; i < 5000 && !p->done; i++)
		usleep(1000);
}

static int
other_thread_gets_the_lock_in_callback(int options, int blocking)
{
	struct event_base *base = event_base_new();
	struct probe p = { .blocking = blocking };
	struct bufferevent *bev;
	evutil_socket_t fds[2];

	make_socketpair(fds);
	bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE |
	    BEV_OPT_THREADSAFE | options);
	bufferevent_setcb(bev, probe_from_callback, NULL, NULL, &p);
	bufferevent_enable(bev, EV_READ);
	send(fds[1], "x", 1, 0);
	event_base_loop(base, EVLOOP_ONCE);
	pthread_join(p.th, NULL);
	bufferevent_free(bev);
	close(fds[1]);
	event_base_free(base);
	return p.got_it;
}

static void
test_unlocked_callbacks_let_other_threads_take_the_lock(void **state)
{
	(void)state;
	assert_int_equal(other_thread_gets_the_lock_in_callback(
	    BEV_OPT_DEFER_CALLBACKS | BEV_OPT_UNLOCK_CALLBACKS, 1), 1);
}

static void
test_callbacks_hold_the_lock_otherwise(void **state)
{
	(void)state;
	assert_int_equal(other_thread_gets_the_lock_in_callback(
	    BEV_OPT_DEFER_CALLBACKS, 0), 0);
	assert_int_equal(other_thread_gets_the_lock_in_callback(0, 0), 0);
}

/* The loop runs in its own thread; the main thread writes. */
struct loop_thread {
	struct event_base *base;
	pthread_t th;
};

static void *
run_loop(void *arg)
{
	struct loop_thread *lt = arg;

	event_base_loop(lt->base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

static void
start_loop(struct loop_thread *lt, struct event_base *base)
{
	lt->base = base;
	pthread_create(&lt->th, NULL, run_loop, lt);
}

static void
stop_loop(struct loop_thread *lt)
{
	event_base_loopbreak(lt->base);
	pthread_join(lt->th, NULL);
}

static void
test_writes_from_another_thread_all_arrive_in_order(void **state)
{
	struct event_base *base = event_base_new();
	struct loop_thread lt;
	struct bufferevent *bev;
	evutil_socket_t fds[2];
	static unsigned char chunk[1000], got[100 * 1000];
	size_t i;

	(void)state;
	make_socketpair(fds);
	evutil_make_socket_nonblocking(fds[1]);
	bev = bufferevent_socket_new(base, fds[0],
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_THREADSAFE);
	start_loop(&lt, base);
	for (i = 0; i < 100; i++) {
		fill_pattern(chunk, sizeof(chunk), i * sizeof(chunk));
		assert_int_equal(bufferevent_write(bev, chunk, sizeof(chunk)), 0);
	}
	assert_int_equal(read_fully(fds[1], got, sizeof(got)), sizeof(got));
	for (i = 0; i < sizeof(got); i++)
		if (got[i] != pattern_at(i))
			fail_msg("byte %zu differs", i);
	stop_loop(&lt);
	bufferevent_free(bev);
	close(fds[1]);
	event_base_free(base);
}

/* A feeder thread keeps the echo busy while the main thread frees it. */
struct feeder {
	evutil_socket_t fd;
	volatile int stop;
	volatile size_t echoed;
	pthread_t th;
};

static void *
feed(void *arg)
{
	struct feeder *f = arg;
	char buf[4096];
	ssize_t n;

	memset(buf, 'f', sizeof(buf));
	while (!f->stop) {
		if (send(f->fd, buf, 512, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
		    errno != EAGAIN)
			break;
		while ((n = recv(f->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
			f->echoed += (size_t)n;
		if (n == 0)
			break;
		usleep(100);
	}
	return NULL;
}

static void
echo_back(struct bufferevent *bev, void *arg)
{
	(void)arg;
	bufferevent_write_buffer(bev, bufferevent_get_input(bev));
}

static void
do_nothing(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
}

static void
test_freeing_from_another_thread_while_bytes_move_is_safe(void **state)
{
	struct event_base *base = event_base_new();
	struct loop_thread lt;
	struct feeder f = { 0 };
	struct bufferevent *bev;
	struct event *tick = evtimer_new(base, do_nothing, NULL);
	struct timeval now = { 0, 0 };
	evutil_socket_t fds[2];
	int round, i;

	(void)state;
	for (round = 0; round < 20; round++) {
		make_socketpair(fds);
		bev = bufferevent_socket_new(base, fds[0],
		    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_THREADSAFE |
		    (round % 2 ? BEV_OPT_DEFER_CALLBACKS |
			BEV_OPT_UNLOCK_CALLBACKS : 0));
		bufferevent_setcb(bev, echo_back, NULL, NULL, NULL);
		bufferevent_enable(bev, EV_READ);
		f.fd = fds[1];
		f.stop = 0;
		f.echoed = 0;
		start_loop(&lt, base);
		pthread_create(&f.th, NULL, feed, &f);
		for (i = 0; i < 30000 && f.echoed < 1024; i++)
			usleep(1000);
		if (f.echoed < 1024)
			fail_msg("round %d: %zu bytes echoed", round, (size_t)f.echoed);
		bufferevent_free(bev);
		f.stop = 1;
		pthread_join(f.th, NULL);
		stop_loop(&lt);
		/* Let the loop apply the deletion of the closed descriptor
		 * before a new socketpair may reuse its number: with the
		 * changelist (chapter 3) the two would merge.  A loop with
		 * nothing to wait for returns before the backend runs, so it
		 * is given a timer. */
		event_add(tick, &now);
		event_base_loop(base, EVLOOP_NONBLOCK);
		close(fds[1]);
	}
	event_free(tick);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_threadsafe_bufferevent_locks_its_buffers_too),
		cmocka_unit_test(test_unlocked_callbacks_let_other_threads_take_the_lock),
		cmocka_unit_test(test_callbacks_hold_the_lock_otherwise),
		cmocka_unit_test(test_writes_from_another_thread_all_arrive_in_order),
		cmocka_unit_test(test_freeing_from_another_thread_while_bytes_move_is_safe),
	};

	signal(SIGPIPE, SIG_IGN);
	if (evthread_use_pthreads() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
