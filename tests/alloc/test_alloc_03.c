/* Chapter 03 under allocation failure: a base on each backend, the fd
 * table grown to descriptors far apart, readiness reported, a regular
 * file (which epoll refuses and the backend must track itself), and a
 * signal delivered through the base's socketpair.
 *
 * Chapter 3 has no event_add() yet, so, as its own tests do, this puts
 * hand-made events into the fd and signal tables (fd_table_add,
 * signal_table_add) and calls the backend's dispatch directly.
 * A descriptor the table refused must never be reported; every one it
 * took must be.
 */
#include <event2/event.h>
#include "event-internal.h"
#include "evmap-internal.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "alloc_inject.h"

#define NPAIRS 40

static void
noop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
}

static void
init_event(struct event *ev, struct event_base *base, int fd, short what)
{
	memset(ev, 0, sizeof(*ev));
	ev->ev_base = base;
	ev->ev_fd = fd;
	ev->ev_events = what;
	ev->ev_callback = noop_cb;
	ev->ev_closure = (what & EV_SIGNAL) ? EV_CLOSURE_EVENT_SIGNAL :
	    EV_CLOSURE_EVENT;
	ev->ev_flags = EVLIST_INIT;
	ev->ev_heap_idx = -1;
}

/* Put ev into its table; 1 if it went in, 0 if a refused allocation kept
 * it out. */
static int
watch(struct event *ev)
{
	long m = alloc_mark();
	int r;

	if (ev->ev_events & EV_SIGNAL)
		r = signal_table_add(ev->ev_base, (int)ev->ev_fd, ev);
	else
		r = fd_table_add(ev->ev_base, ev->ev_fd, ev);
	if (!ALLOC_OK(m, r >= 0))
		return 0;
	ev->ev_flags |= (ev->ev_events & EV_SIGNAL) ? EVLIST_SIGNAL : EVLIST_INSERTED;
	return 1;
}

static void
unwatch(struct event *ev)
{
	if (ev->ev_flags & EVLIST_ACTIVE)
		event_base_unqueue_active(ev->ev_base, &ev->ev_evcallback);
	if (ev->ev_flags & EVLIST_SIGNAL)
		assert_true(signal_table_del(ev->ev_base, (int)ev->ev_fd, ev) >= 0);
	else if (ev->ev_flags & EVLIST_INSERTED)
		assert_true(fd_table_del(ev->ev_base, ev->ev_fd, ev) >= 0);
	ev->ev_flags &= ~(EVLIST_INSERTED | EVLIST_SIGNAL);
}

/* Run the base's internal callbacks that are active (the signal pair's
 * reader), as the loop of chapter 4 would. */
static void
run_internal(struct event_base *base)
{
	int i;

	for (i = 0; i < base->nactivequeues; i++) {
		struct event_callback *evcb = base->activequeues[i].first, *next;

		for (; evcb; evcb = next) {
			struct event *ev = event_callback_to_event(evcb);

			next = evcb->evcb_active_next;
			if (!(evcb->evcb_flags & EVLIST_INTERNAL))
				continue;
			event_base_unqueue_active(base, evcb);
			ev->ev_callback(ev->ev_fd, ev->ev_res, ev->ev_arg);
		}
	}
}

static struct event_base *
base_on(const char *method, int changelist)
{
	static const char *const all[] = { "epoll", "poll", "select" };
	struct event_config *cfg;
	struct event_base *base = NULL;
	long m = alloc_mark();
	size_t i;

	cfg = event_config_new();
	if (!ALLOC_OK(m, cfg != NULL))
		return NULL;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		m = alloc_mark();
		if (strcmp(all[i], method) != 0 &&
		    !ALLOC_OK(m, event_config_avoid_method(cfg, all[i]) == 0))
			goto out;
	}
	assert_int_equal(event_config_set_flag(cfg, EVENT_BASE_FLAG_IGNORE_ENV |
	    (changelist ? EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST : 0)), 0);
	m = alloc_mark();
	base = event_base_new_with_config(cfg);
	if (ALLOC_OK(m, base != NULL))
		assert_string_equal(event_base_get_method(base),
		    changelist ? "epoll (with changelist)" : method);
out:
	event_config_free(cfg);
	return base;
}

/* NPAIRS socketpairs, each read end moved up so that the table must grow
 * more than once; a byte waits on each, and the file is always ready. */
static struct {
	int read_end[NPAIRS], write_end[NPAIRS];
	int file;
	struct event ev[NPAIRS + 1], sig;
	int watched[NPAIRS + 1], sig_watched;
} w;

static void
open_descriptors(void)
{
	int i, pair[2];

	alloc_pause();
	for (i = 0; i < NPAIRS; i++) {
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0, pair), 0);
		w.read_end[i] = fcntl(pair[0], F_DUPFD_CLOEXEC, 100 + 7 * i);
		assert_true(w.read_end[i] >= 0);
		close(pair[0]);
		w.write_end[i] = pair[1];
		assert_int_equal(write(pair[1], "x", 1), 1);
	}
	w.file = memfd_create("alloc", MFD_CLOEXEC);
	assert_true(w.file >= 0);
	alloc_resume();
}

static void
close_descriptors(void)
{
	int i;

	for (i = 0; i < NPAIRS; i++) {
		close(w.read_end[i]);
		close(w.write_end[i]);
	}
	close(w.file);
}

/* Dispatch until everything watched is reported (a full event array may
 * hold some back for a round): nothing unwatched may be. */
static void
dispatch_and_check(struct event_base *base)
{
	int round, i, missing = 1;

	for (round = 0; round < 4 && missing; round++) {
		assert_true(base->evsel->dispatch(base, &(struct timeval){ 0, 0 }) >= 0);
		run_internal(base);
		missing = w.sig_watched && !(w.sig.ev_flags & EVLIST_ACTIVE);
		for (i = 0; i <= NPAIRS; i++) {
			int active = (w.ev[i].ev_flags & EVLIST_ACTIVE) != 0;

			if (!w.watched[i])
				assert_false(active);
			missing |= w.watched[i] && !active;
		}
	}
	assert_false(missing);
}

static void
one_backend(const char *method, int changelist)
{
	struct event_base *base = base_on(method, changelist);
	struct sigaction before, after;
	int i;

	if (base == NULL)
		return;
	open_descriptors();
	for (i = 0; i < NPAIRS; i++) {
		init_event(&w.ev[i], base, w.read_end[i], EV_READ);
		w.watched[i] = watch(&w.ev[i]);
	}
	init_event(&w.ev[NPAIRS], base, w.file, EV_READ);
	w.watched[NPAIRS] = watch(&w.ev[NPAIRS]);
	assert_int_equal(sigaction(SIGUSR1, NULL, &before), 0);
	init_event(&w.sig, base, SIGUSR1, EV_SIGNAL);
	w.sig_watched = watch(&w.sig);
	if (w.sig_watched)
		assert_int_equal(raise(SIGUSR1), 0);
	else	/* refused: the program's handler is still in place */
		assert_true(sigaction(SIGUSR1, NULL, &after) == 0 &&
		    after.sa_handler == before.sa_handler);
	dispatch_and_check(base);
	for (i = 0; i <= NPAIRS; i++)
		unwatch(&w.ev[i]);
	unwatch(&w.sig);
	assert_true(sigaction(SIGUSR1, NULL, &after) == 0 &&
	    after.sa_handler == before.sa_handler);
	event_base_free(base);
	close_descriptors();
}

static void
epoll_base(void)
{
	one_backend("epoll", 0);
}

static void
epoll_changelist_base(void)
{
	one_backend("epoll", 1);
}

static void
poll_base(void)
{
	one_backend("poll", 0);
}

static void
select_base(void)
{
	one_backend("select", 0);
}

static const struct alloc_workload workloads[] = {
	{ "epoll_base", epoll_base },
	{ "epoll_changelist_base", epoll_changelist_base },
	{ "poll_base", poll_base },
	{ "select_base", select_base },
};

int
main(void)
{
	return ALLOC_RUN_WORKLOADS(workloads);
}
