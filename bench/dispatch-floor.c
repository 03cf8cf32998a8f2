/* bench/dispatch-floor.c -- the floor under bench/dispatch.c: the same
 * workload written straight on epoll, with no library in between.
 *
 * The same N nonblocking socketpairs, the read end of each registered with
 * EPOLLIN (level-triggered, as a persistent read event is); the same rounds:
 * A pairs made readable, then each ready descriptor gets its one-byte read
 * and, while the round has writes left, a one-byte write into the next pair.
 * Each iteration is one epoll_wait with a zero timeout, as
 * EVLOOP_ONCE|EVLOOP_NONBLOCK asks for.  The ready record carries the pair's
 * index, so there is no lookup at all.  What a library adds on top of this is
 * its own cost: the system calls are the same.
 *
 *   dispatch-floor N A W ROUNDS
 *
 * Prints the same measurement name as bench/dispatch.c, so bench/compare.sh
 * can set the two side by side.
 */
#include <stdint.h>
#include <sys/epoll.h>
#include "dispatch.h"

static struct dispatch_workload w;
static int epfd;
static struct epoll_event *ready;
static int nready;

static void
run_loop(int want)
{
	int fired = 0, writes_left = w.nwrites, i, n;

	while (fired < want) {
		n = epoll_wait(epfd, ready, nready, 0);
		for (i = 0; i < n; i++) {
			int idx = (int)ready[i].data.u32;
			char c;
			if (read(w.pairs[idx][0], &c, 1) == 1)
				fired++;
			if (writes_left > 0) {
				writes_left--;
				dispatch_write_next(&w, idx);
			}
		}
	}
}

int
main(int argc, char **argv)
{
	int i;

	dispatch_parse(&w, argc, argv);
	dispatch_make_pairs(&w);
	nready = w.npairs < 4096 ? w.npairs : 4096;
	ready = calloc((size_t)nready, sizeof(*ready));
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!ready || epfd < 0)
		return 1;
	for (i = 0; i < w.npairs; i++) {
		struct epoll_event ev;
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.u32 = (uint32_t)i;
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, w.pairs[i][0], &ev) < 0)
			return 1;
	}
	dispatch_run_rounds(&w, run_loop);
	close(epfd);
	dispatch_close_pairs(&w);
	free(ready);
	return 0;
}
