#include "backend_test.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "evmap-internal.h"

const char *
expected_method(void)
{
	if (!getenv("EVENT_NOEPOLL"))
		return getenv("EVENT_EPOLL_USE_CHANGELIST") ?
		    "epoll (with changelist)" : "epoll";
	if (!getenv("EVENT_NOPOLL"))
		return "poll";
	return "select";
}

void
make_pair(int pair[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair), 0);
}

static void
noop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
}

void
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

int
watch(struct event *ev)
{
	int r;

	if (ev->ev_events & EV_SIGNAL)
		r = signal_table_add(ev->ev_base, (int)ev->ev_fd, ev);
	else
		r = fd_table_add(ev->ev_base, ev->ev_fd, ev);
	if (r < 0)
		return -1;
	ev->ev_flags |= (ev->ev_events & EV_SIGNAL) ? EVLIST_SIGNAL : EVLIST_INSERTED;
	return 0;
}

int
unwatch(struct event *ev)
{
	int r;

	if (ev->ev_flags & EVLIST_ACTIVE)
		event_base_unqueue_active(ev->ev_base, &ev->ev_evcallback);
	if (ev->ev_events & EV_SIGNAL)
		r = signal_table_del(ev->ev_base, (int)ev->ev_fd, ev);
	else
		r = fd_table_del(ev->ev_base, ev->ev_fd, ev);
	ev->ev_flags &= ~(EVLIST_INSERTED | EVLIST_SIGNAL);
	return r < 0 ? -1 : 0;
}

int
dispatch_once(struct event_base *base, long usec)
{
	struct timeval tv;

	if (usec < 0)
		return base->evsel->dispatch(base, NULL);
	tv.tv_sec = usec / 1000000;
	tv.tv_usec = usec % 1000000;
	return base->evsel->dispatch(base, &tv);
}

void
run_internal(struct event_base *base)
{
	int i;

	for (i = 0; i < base->nactivequeues; i++) {
		struct event_callback *evcb = base->activequeues[i].first, *next;
		for (; evcb; evcb = next) {
			struct event *ev;
			next = evcb->evcb_active_next;
			if (!(evcb->evcb_flags & EVLIST_INTERNAL))
				continue;
			ev = event_callback_to_event(evcb);
			event_base_unqueue_active(base, evcb);
			ev->ev_callback(ev->ev_fd, ev->ev_res, ev->ev_arg);
		}
	}
}

int
is_active(const struct event *ev)
{
	return (ev->ev_flags & EVLIST_ACTIVE) != 0;
}

int
clear_active(struct event_base *base)
{
	int i, n = 0;

	for (i = 0; i < base->nactivequeues; i++)
		while (base->activequeues[i].first) {
			event_base_unqueue_active(base, base->activequeues[i].first);
			n++;
		}
	return n;
}

long
raise_fd_limit(long want)
{
	struct rlimit rl;

	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if ((long)rl.rlim_cur < want) {
		rl.rlim_cur = (rlim_t)want;
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
			rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	}
	return (long)rl.rlim_cur;
}
