/*
 * rot13_fork.c - a rot13 line server that forks one process per client.
 *
 *	usage: rot13_fork PORT		(0 = let the kernel pick; printed)
 *
 * Each child serves one connection with plain blocking calls; the
 * parent only accepts, forks and reaps.  SIGTERM stops the parent,
 * which then stops its children and waits for them.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "listen.h"
#include "rot13.h"

// tag::child[]
/* The whole life of a connection, in the child: block, work, repeat. */
static void
serve_client(int fd)
{
	struct rot13_conn conn;

	rot13_conn_init(&conn, fd);
	while (!rot13_finished(&conn)) {
		int r;

		/* On a blocking socket "writable" and "readable" mean
		 * "go ahead and sleep in send() or recv() until it is". */
		if (rot13_wants_write(&conn))
			r = rot13_on_writable(&conn);
		else
			r = rot13_on_readable(&conn);
		if (r < 0)
			break;
	}
	close(fd);
}
// end::child[]

// tag::children[]
/* A fixed table of live children: each one is a whole process, so the
 * server caps how many it is willing to run at once. */
#define MAX_CHILDREN 64

static pid_t children[MAX_CHILDREN];
static int nchildren;

static volatile sig_atomic_t stop_requested;

static void
on_sigterm(int signo)
{
	(void)signo;
	stop_requested = 1;
}

static void
on_sigchld(int signo)
{
	/* Nothing to do here: arriving is enough, because it interrupts
	 * accept() with EINTR and the main loop then calls reap(). */
	(void)signo;
}

static void
forget_child(pid_t pid)
{
	int i;

	for (i = 0; i < nchildren; i++) {
		if (children[i] == pid) {
			children[i] = children[--nchildren];
			return;
		}
	}
}

/* Collect the exit status of finished children, so the kernel can
 * free their process table entries (until then they are zombies). */
static void
reap(int options)
{
	pid_t pid;

	while (nchildren > 0) {
		pid = waitpid(-1, NULL, options);
		if (pid > 0) {
			forget_child(pid);
			continue;
		}
		if (pid < 0 && errno == EINTR)
			continue;
		break;		/* 0: none finished yet; -1: none left */
	}
}
// end::children[]

// tag::signals[]
static int
install_handler(int signo, void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: the signal must interrupt a blocked accept(),
	 * or the loop would not notice it until the next client. */
	sa.sa_flags = 0;
	return sigaction(signo, &sa, NULL);
}
// end::signals[]

// tag::spawn[]
static void
spawn_child(int listener, int fd)
{
	pid_t pid;

	if (nchildren == MAX_CHILDREN) {
		fprintf(stderr, "too many clients; turning one away\n");
		close(fd);
		return;
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		close(fd);
		return;
	}
	if (pid == 0) {
		/* The child: plain default signal behaviour, no listener
		 * (only the parent accepts), then serve and vanish.  _exit
		 * skips atexit handlers and stdio flushing that belong to
		 * the parent. */
		signal(SIGTERM, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		close(listener);
		serve_client(fd);
		_exit(0);
	}
	/* The parent: the child has its own reference to the connection.
	 * Keeping ours would hold the socket open after the child closes
	 * it, and the client would never see the end of the stream. */
	children[nchildren++] = pid;
	close(fd);
}
// end::spawn[]

// tag::main[]
int
main(int argc, char **argv)
{
	int listener, i, status = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s PORT\n", argv[0]);
		return 2;
	}
	if (install_handler(SIGTERM, on_sigterm) < 0 ||
	    install_handler(SIGCHLD, on_sigchld) < 0) {
		perror("sigaction");
		return 1;
	}
	listener = open_listener(argv[1], 0);
	if (listener < 0)
		return 1;

	while (!stop_requested) {
		int fd;

		reap(WNOHANG);
		fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("accept");
			status = 1;
			break;
		}
		spawn_child(listener, fd);
	}

	close(listener);
	for (i = 0; i < nchildren; i++)
		kill(children[i], SIGTERM);
	reap(0);
	return status;
}
// end::main[]
