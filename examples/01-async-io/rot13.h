/*
 * rot13.h - one rot13 connection: its buffer and the two things that
 * can happen to it (the socket became readable, the socket became
 * writable).  The three rot13 servers of chapter 1 share this file and
 * differ only in how they learn that a socket is ready.
 *
 * The protocol: every byte a client sends comes back rot13-encoded
 * (letters rotated by 13 places, every other byte unchanged), one
 * whole line at a time, once the line's newline has arrived.
 */
#ifndef ROT13_H
#define ROT13_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

// tag::state[]
#define ROT13_BUFSIZE 4096

struct rot13_conn {
	int fd;
	/*
	 * One buffer, three regions, 0 <= sent <= ready <= len:
	 *   [0, sent)      already written to the client
	 *   [sent, ready)  encoded whole lines waiting to be written
	 *   [ready, len)   the encoded start of a line still missing its '\n'
	 */
	char bytes[ROT13_BUFSIZE];
	size_t sent, ready, len;
	bool peer_done;		/* the client sent EOF: nothing more will come */
};
// end::state[]

// tag::byte[]
static inline char
rot13_byte(char c)
{
	/* Explicit ASCII ranges: rot13 is defined on the 52 ASCII
	 * letters only, and a locale-aware test could also match
	 * accented letters in a single-byte character set. */
	if (c >= 'a' && c <= 'z')
		return (char)('a' + (c - 'a' + 13) % 26);
	if (c >= 'A' && c <= 'Z')
		return (char)('A' + (c - 'A' + 13) % 26);
	return c;
}

static inline void
rot13_conn_init(struct rot13_conn *c, int fd)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
}
// end::byte[]

// tag::wants[]
/* Room to read into, and a client that may still send. */
static inline bool
rot13_wants_read(const struct rot13_conn *c)
{
	return !c->peer_done && c->len < sizeof(c->bytes);
}

/* Whole lines (or the final piece after EOF) waiting to go out. */
static inline bool
rot13_wants_write(const struct rot13_conn *c)
{
	return c->sent < c->ready;
}

/* The client is done and has every byte of its answer. */
static inline bool
rot13_finished(const struct rot13_conn *c)
{
	return c->peer_done && c->sent == c->len;
}
// end::wants[]

// tag::settle[]
/*
 * Restore the invariant the servers rely on: a connection that is not
 * finished wants to read or to write (or both), so it can never be
 * forgotten by a loop that only watches what connections want.
 */
static inline void
rot13_settle(struct rot13_conn *c)
{
	if (c->sent == c->ready && c->sent > 0) {
		/* Everything before the partial line is written: slide
		 * the partial line to the front to make room. */
		memmove(c->bytes, c->bytes + c->ready, c->len - c->ready);
		c->len -= c->ready;
		c->sent = c->ready = 0;
	}
	if (c->len == sizeof(c->bytes) && c->ready == 0) {
		/* A line longer than the whole buffer: send what we have
		 * rather than wait forever for a newline. */
		c->ready = c->len;
	}
}
// end::settle[]

// tag::readable[]
/*
 * The socket is readable: take one recv() worth of bytes.  Returns 0,
 * or -1 when the connection has failed and must be closed.  One call
 * per readiness report is deliberate: a client that sends without
 * pause cannot starve the others.
 */
static inline int
rot13_on_readable(struct rot13_conn *c)
{
	size_t room = sizeof(c->bytes) - c->len;
	ssize_t n;
	size_t i;

	if (room == 0)
		return 0;
	n = recv(c->fd, c->bytes + c->len, room, 0);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;	/* a stale report; wait for the next */
		return -1;
	}
	if (n == 0) {
		/* EOF: whatever partial line we hold is all there is. */
		c->peer_done = true;
		c->ready = c->len;
		return 0;
	}
	for (i = c->len; i < c->len + (size_t)n; i++) {
		c->bytes[i] = rot13_byte(c->bytes[i]);
		if (c->bytes[i] == '\n')
			c->ready = i + 1;
	}
	c->len += (size_t)n;
	rot13_settle(c);
	return 0;
}
// end::readable[]

// tag::writable[]
/*
 * The socket is writable: send waiting lines until they are all gone
 * or the kernel's send buffer is full (EAGAIN).  Returns 0, or -1 when
 * the connection has failed.  MSG_NOSIGNAL turns "client went away"
 * into an EPIPE error instead of a SIGPIPE that would kill the server.
 */
static inline int
rot13_on_writable(struct rot13_conn *c)
{
	while (c->sent < c->ready) {
		ssize_t n = send(c->fd, c->bytes + c->sent,
		    c->ready - c->sent, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;	/* partial write: the rest waits */
			return -1;
		}
		c->sent += (size_t)n;
	}
	rot13_settle(c);
	return 0;
}
// end::writable[]

#endif /* ROT13_H */
