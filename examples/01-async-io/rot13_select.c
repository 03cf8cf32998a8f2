/*
 * rot13_select.c - a rot13 line server in one process, using select().
 *
 *	usage: rot13_select PORT	(0 = let the kernel pick; printed)
 *
 * Every socket is nonblocking; the only place the process sleeps is
 * pselect().  SIGTERM ends the loop; the server then closes every
 * connection, frees every buffer and exits 0.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listen.h"
#include "rot13.h"

// tag::table[]
/* One slot per possible descriptor number: an fd_set can only name
 * descriptors below FD_SETSIZE, so neither can this table. */
static struct rot13_conn *conns[FD_SETSIZE];
// end::table[]

// tag::drop[]
static volatile sig_atomic_t stop_requested;

static void
on_sigterm(int signo)
{
	(void)signo;
	stop_requested = 1;
}

static void
drop_conn(int fd)
{
	close(fd);
	free(conns[fd]);
	conns[fd] = NULL;
}
// end::drop[]

// tag::accept[]
/* The listener is readable: accept every queued connection. */
static void
accept_clients(int listener)
{
	for (;;) {
		int fd = accept4(listener, NULL, NULL,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				perror("accept");
			return;		/* queue empty (or a real error) */
		}
		if (fd >= FD_SETSIZE) {
			/* FD_SET on this fd would write past the end of
			 * the fd_set.  Refuse the client instead. */
			fprintf(stderr, "refusing client: fd %d is not below "
			    "FD_SETSIZE (%d)\n", fd, FD_SETSIZE);
			close(fd);
			continue;
		}
		conns[fd] = malloc(sizeof(*conns[fd]));
		if (conns[fd] == NULL) {
			fprintf(stderr, "out of memory; refusing client\n");
			close(fd);
			continue;
		}
		rot13_conn_init(conns[fd], fd);
	}
}
// end::accept[]

// tag::sets[]
/* Ask each connection what it is waiting for.  Returns the highest
 * descriptor put in a set, which select() needs as nfds - 1. */
static int
fill_sets(int listener, fd_set *readable, fd_set *writable)
{
	int fd, maxfd = listener;

	FD_ZERO(readable);
	FD_ZERO(writable);
	FD_SET(listener, readable);
	for (fd = 0; fd < FD_SETSIZE; fd++) {
		if (conns[fd] == NULL)
			continue;
		if (rot13_wants_read(conns[fd]))
			FD_SET(fd, readable);
		if (rot13_wants_write(conns[fd]))
			FD_SET(fd, writable);
		if (fd > maxfd)
			maxfd = fd;
	}
	return maxfd;
}
// end::sets[]

// tag::dispatch[]
/* Act on what select() reported, descriptor by descriptor. */
static void
handle_ready(int maxfd, fd_set *readable, fd_set *writable)
{
	int fd;

	for (fd = 0; fd <= maxfd; fd++) {
		struct rot13_conn *c = conns[fd];
		int r = 0;

		if (c == NULL)
			continue;
		if (FD_ISSET(fd, readable))
			r = rot13_on_readable(c);
		if (r == 0 && FD_ISSET(fd, writable))
			r = rot13_on_writable(c);
		if (r < 0 || rot13_finished(c))
			drop_conn(fd);
	}
}
// end::dispatch[]

// tag::loop[]
static int
run(int listener)
{
	struct sigaction sa;
	sigset_t term, while_waiting;

	/*
	 * SIGTERM stays blocked except inside pselect(), which unblocks
	 * it and sleeps in one atomic step.  A signal that arrives while
	 * we are busy waits, pending, and interrupts the next pselect();
	 * it can never slip in between our check of stop_requested and
	 * the moment we fall asleep.
	 */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &term, &while_waiting) < 0)
		return -1;
	sigdelset(&while_waiting, SIGTERM);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigterm;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) < 0)
		return -1;

	while (!stop_requested) {
		fd_set readable, writable;
		int maxfd = fill_sets(listener, &readable, &writable);

		if (pselect(maxfd + 1, &readable, &writable, NULL, NULL,
		    &while_waiting) < 0) {
			if (errno == EINTR)
				continue;	/* the loop test looks */
			return -1;
		}
		if (FD_ISSET(listener, &readable))
			accept_clients(listener);
		handle_ready(maxfd, &readable, &writable);
	}
	return 0;
}
// end::loop[]

// tag::main[]
int
main(int argc, char **argv)
{
	int listener, fd, status;

	if (argc != 2) {
		fprintf(stderr, "usage: %s PORT\n", argv[0]);
		return 2;
	}
	listener = open_listener(argv[1], SOCK_NONBLOCK);
	if (listener < 0)
		return 1;
	if (listener >= FD_SETSIZE) {
		fprintf(stderr, "listener fd %d does not fit in an fd_set\n",
		    listener);
		close(listener);
		return 1;
	}
	status = 0;
	if (run(listener) < 0) {
		perror("rot13_select");
		status = 1;
	}
	for (fd = 0; fd < FD_SETSIZE; fd++) {
		if (conns[fd] != NULL)
			drop_conn(fd);
	}
	close(listener);
	return status;
}
// end::main[]
