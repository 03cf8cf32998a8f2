/*
 * rot13_epoll.c - a rot13 line server in one process, using epoll.
 *
 *	usage: rot13_epoll PORT		(0 = let the kernel pick; printed)
 *
 * Level-triggered epoll, nonblocking sockets, and SIGTERM delivered
 * through a signalfd, so that the loop waits in exactly one place for
 * clients, data, room to write and the request to stop.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listen.h"
#include "rot13.h"

// tag::client[]
struct client {
	struct rot13_conn conn;
	uint32_t watching;	/* the events epoll has for this fd now */
	struct client *prev, *next;	/* every live client, for shutdown */
};

static struct client *clients;

/* epoll hands back whatever pointer we registered.  Clients register
 * themselves; these two addresses stand for the other descriptors. */
static char listener_tag, signal_tag;
// end::client[]

// tag::interest[]
static uint32_t
wanted_events(const struct client *cl)
{
	uint32_t events = 0;

	if (rot13_wants_read(&cl->conn))
		events |= EPOLLIN;
	if (rot13_wants_write(&cl->conn))
		events |= EPOLLOUT;
	return events;
}

/* Tell the kernel what this client waits for now, but only when that
 * changed: each epoll_ctl() is a system call. */
static int
update_interest(int ep, struct client *cl)
{
	struct epoll_event ev;
	uint32_t want = wanted_events(cl);

	if (want == cl->watching)
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.events = want;
	ev.data.ptr = cl;
	if (epoll_ctl(ep, EPOLL_CTL_MOD, cl->conn.fd, &ev) < 0)
		return -1;
	cl->watching = want;
	return 0;
}
// end::interest[]

// tag::drop[]
static void
drop_client(struct client *cl)
{
	/* Closing the last descriptor of a socket also removes it from
	 * every epoll set, so no EPOLL_CTL_DEL is needed. */
	close(cl->conn.fd);
	if (cl->prev != NULL)
		cl->prev->next = cl->next;
	else
		clients = cl->next;
	if (cl->next != NULL)
		cl->next->prev = cl->prev;
	free(cl);
}
// end::drop[]

// tag::accept[]
static void
add_client(int ep, int fd)
{
	struct epoll_event ev;
	struct client *cl = calloc(1, sizeof(*cl));

	if (cl == NULL) {
		fprintf(stderr, "out of memory; refusing client\n");
		close(fd);
		return;
	}
	rot13_conn_init(&cl->conn, fd);
	memset(&ev, 0, sizeof(ev));
	ev.events = cl->watching = EPOLLIN;
	ev.data.ptr = cl;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		perror("epoll_ctl(ADD)");
		close(fd);
		free(cl);
		return;
	}
	cl->next = clients;
	if (clients != NULL)
		clients->prev = cl;
	clients = cl;
}

static void
accept_clients(int ep, int listener)
{
	for (;;) {
		int fd = accept4(listener, NULL, NULL,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				perror("accept");
			return;
		}
		add_client(ep, fd);	/* no FD_SETSIZE limit here */
	}
}
// end::accept[]

// tag::ready[]
static void
handle_client(int ep, struct client *cl, uint32_t events)
{
	/* An error or hangup is reported whether we asked or not; let
	 * the next recv() or send() say exactly what happened. */
	const uint32_t trouble = EPOLLERR | EPOLLHUP;
	int r = 0;

	if ((events & (EPOLLIN | trouble)) && rot13_wants_read(&cl->conn))
		r = rot13_on_readable(&cl->conn);
	/* Write without asking first: a socket almost always has room.
	 * Only what send() refuses with EAGAIN makes us watch EPOLLOUT. */
	if (r == 0 && rot13_wants_write(&cl->conn))
		r = rot13_on_writable(&cl->conn);
	if (r < 0 || rot13_finished(&cl->conn) || update_interest(ep, cl) < 0)
		drop_client(cl);
}
// end::ready[]

// tag::setup[]
static int
watch(int ep, int fd, void *tag)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = tag;
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* SIGTERM becomes a readable descriptor: block its normal delivery
 * and have the kernel queue it on a signalfd instead. */
static int
open_sigterm_fd(void)
{
	sigset_t term;

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &term, NULL) < 0)
		return -1;
	return signalfd(-1, &term, SFD_NONBLOCK | SFD_CLOEXEC);
}
// end::setup[]

// tag::loop[]
#define MAX_EVENTS 64

static int
run(int ep, int listener, int sigfd)
{
	struct epoll_event events[MAX_EVENTS];
	bool running = true;

	while (running) {
		int i, n = epoll_wait(ep, events, MAX_EVENTS, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (i = 0; i < n; i++) {
			void *tag = events[i].data.ptr;

			if (tag == &listener_tag) {
				accept_clients(ep, listener);
			} else if (tag == &signal_tag) {
				struct signalfd_siginfo si;

				while (read(sigfd, &si, sizeof(si)) > 0)
					;	/* consume it */
				running = false;
			} else {
				handle_client(ep, tag, events[i].events);
			}
		}
	}
	return 0;
}
// end::loop[]

// tag::main[]
int
main(int argc, char **argv)
{
	int listener, ep, sigfd, status = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: %s PORT\n", argv[0]);
		return 2;
	}
	sigfd = open_sigterm_fd();
	if (sigfd < 0) {
		perror("signalfd");
		return 1;
	}
	listener = open_listener(argv[1], SOCK_NONBLOCK);
	if (listener < 0) {
		close(sigfd);
		return 1;
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		perror("epoll_create1");
	else if (watch(ep, listener, &listener_tag) < 0 ||
	    watch(ep, sigfd, &signal_tag) < 0)
		perror("epoll_ctl");
	else if (run(ep, listener, sigfd) < 0)
		perror("epoll_wait");
	else
		status = 0;

	while (clients != NULL)
		drop_client(clients);
	if (ep >= 0)
		close(ep);
	close(listener);
	close(sigfd);
	return status;
}
// end::main[]
