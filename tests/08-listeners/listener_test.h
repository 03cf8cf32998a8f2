/* Shared by the chapter 08 tests: a callback that records every connection
 * it is given, loopback addresses, blocking clients, and a loop that runs
 * until a count is reached (or a generous safety timer says it never will). */
#ifndef LISTENER_TEST_H
#define LISTENER_TEST_H

#include <sys/socket.h>
#include <event2/event.h>
#include <event2/listener.h>

#define RECORD_MAX 1100
#define PAUSES_KEPT 16

/* What record_cb saw, and what it was told to do. */
struct record {
	int n;					/* connections handed over */
	struct sockaddr_storage peer[RECORD_MAX];
	int peerlen[RECORD_MAX];
	int peer_agrees;			/* getpeername() matched the address given */
	int fl[RECORD_MAX];			/* F_GETFL of each accepted socket */
	int fd_flags[RECORD_MAX];		/* F_GETFD of each */
	int keepalive[RECORD_MAX];		/* SO_KEEPALIVE of each */
	int readable_at_once[RECORD_MAX];	/* bytes were already waiting */
	int keep_open;				/* keep the sockets in fds[] */
	evutil_socket_t fds[RECORD_MAX];
	int free_at;				/* free the listener at this count */
	int disable_at;				/* disable it at this count */
	int errors;				/* record_error_cb runs */
	int last_error;				/* EVUTIL_SOCKET_ERROR() in it */
	long pause_msec[PAUSES_KEPT];		/* current_pause_msec() in it */
	int free_on_error;			/* free the listener in it */
};

/* A listener with a record, on a loopback address. */
struct server {
	struct event_base *base;
	struct record *r;
	struct evconnlistener *lev;
	struct sockaddr_storage addr;		/* where it listens */
	socklen_t len;
};

/* On sa, with exactly these flags. */
void server_start(struct server *s, const struct sockaddr *sa,
    socklen_t salen, unsigned flags);
/* On 127.0.0.1, with LEV_OPT_CLOSE_ON_FREE added to flags. */
void server_start4(struct server *s, unsigned flags);
void server_stop(struct server *s);

void record_cb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *addr, int len, void *arg);
void record_error_cb(struct evconnlistener *lev, void *arg);
void record_close_all(struct record *r);

/* How long the listener's pause lasts, in milliseconds: its resume timer's
 * deadline less the loop's cached time.  For error callbacks, which run in
 * the turn of the loop the pause began in; -1 if there is no pause. */
long current_pause_msec(struct evconnlistener *lev);

/* 127.0.0.1 and ::1 with port 0: the kernel picks a free port at bind(). */
void loopback4(struct sockaddr_in *sin);
void loopback6(struct sockaddr_in6 *sin6);
/* The address a listener (or any socket) is bound to. */
socklen_t bound_address(evutil_socket_t fd, struct sockaddr_storage *ss);
/* A blocking client connected to addr; returns when the handshake is done
 * (the connection then waits in the listener's accept queue). */
evutil_socket_t connect_client(const struct sockaddr_storage *addr,
    socklen_t len);
/* connect() with its result as errno, the socket closed again. */
int try_connect(const struct sockaddr_storage *addr, socklen_t len);
int same_address(const struct sockaddr_storage *a, const struct sockaddr *b);

/* Turn the loop until *count reaches target; 0 if it did, -1 if the safety
 * timer (ten seconds, far longer than any test needs) fired first. */
int run_until(struct event_base *base, const int *count, int target);
/* Turn the loop n times without waiting. */
void turn_loop(struct event_base *base, int n);

/* A socket of this type bound to 127.0.0.1, not listening. */
evutil_socket_t bound_socket4(int type);

int open_descriptors(void);
int int_option(evutil_socket_t fd, int level, int option);

/* Log messages the library wrote since log_capture() began. */
void log_capture(void);
int logged_messages(void);
int logged_containing(const char *text);

#endif
