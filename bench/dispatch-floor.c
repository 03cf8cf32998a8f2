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
 * its own cost: the syscalls are the same.
 *
 *   dispatch-floor N A W ROUNDS
 *
 * Prints the same measurement name as bench/dispatch.c, so bench/compare.sh
 * can set the two side by side.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include "bench.h"

static int npairs, nactive, nwrites;
static int (*pairs)[2];
static int epfd;
static struct epoll_event *ready;
static int nready;

static double
one_round(const char *name)
{
	int space = npairs / nactive, i, n, want = nactive + nwrites;
	int fired = 0, writes_left = nwrites;
	double start, took;

	for (i = 0; i < nactive; i++)
		if (write(pairs[(i * space) % npairs][1], "e", 1) != 1)
			exit(2);
	start = now_ns();
	if (name)
		count_begin();
	while (fired < want) {
		n = epoll_wait(epfd, ready, nready, 0);
		for (i = 0; i < n; i++) {
			int idx = (int)ready[i].data.u32;
			char c;
			if (read(pairs[idx][0], &c, 1) == 1)
				fired++;
			if (writes_left > 0) {
				writes_left--;
				if (write(pairs[(idx + 1) % npairs][1], "w", 1) != 1)
					exit(2);
			}
		}
	}
	took = now_ns() - start;
	if (name)
		count_end(name, want);
	return took / want;
}

int
main(int argc, char **argv)
{
	char name[64];
	double *t;
	int rounds, i;

	if (argc != 5) {
		fprintf(stderr, "usage: dispatch-floor N ACTIVE WRITES ROUNDS\n");
		return 1;
	}
	npairs = atoi(argv[1]);
	nactive = atoi(argv[2]);
	nwrites = atoi(argv[3]);
	rounds = atoi(argv[4]);
	snprintf(name, sizeof(name), "dispatch n=%d a=%d w=%d", npairs, nactive,
	    nwrites);
	raise_fd_limit();
	nready = npairs < 4096 ? npairs : 4096;
	pairs = calloc((size_t)npairs, sizeof(*pairs));
	ready = calloc((size_t)nready, sizeof(*ready));
	t = calloc((size_t)rounds, sizeof(*t));
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!pairs || !ready || !t || epfd < 0)
		return 1;
	for (i = 0; i < npairs; i++) {
		struct epoll_event ev;
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, pairs[i]) < 0) {
			fprintf(stderr, "socketpair %d: %s\n", i, strerror(errno));
			return 1;
		}
		fcntl(pairs[i][0], F_SETFL, O_NONBLOCK);
		fcntl(pairs[i][1], F_SETFL, O_NONBLOCK);
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.u32 = (uint32_t)i;
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, pairs[i][0], &ev) < 0)
			return 1;
	}
	one_round(NULL);	/* warm up */
	for (i = 0; i < rounds; i++)
		t[i] = one_round(name);
	printf("%s\t%.1f\n", name, median(t, rounds));
	for (i = 0; i < npairs; i++) {
		close(pairs[i][0]);
		close(pairs[i][1]);
	}
	close(epfd);
	free(ready);
	free(pairs);
	free(t);
	return 0;
}
