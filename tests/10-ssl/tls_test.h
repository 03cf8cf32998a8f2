/* Shared by the chapter 10 tests: a key and self-signed certificate made
 * with the OpenSSL API, SSL_CTXs, connected pairs of TLS bufferevents in
 * every mode, a recorder for their callbacks, and a bounded loop. */
#ifndef TLS_TEST_H
#define TLS_TEST_H

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>

/* Made once per test program: an EC P-256 key and a certificate for
 * "localhost" signed by itself. */
extern EVP_PKEY *test_key;
extern X509 *test_cert;
void tls_test_init(void);
void tls_test_cleanup(void);

/* A server context with the certificate; a client context that verifies
 * nothing (VERIFY_NONE), trusts the certificate (VERIFY_TRUSTED) or
 * verifies against an empty store (VERIFY_UNTRUSTED).  max_version 0 is
 * OpenSSL's default (TLS 1.3). */
enum verify_mode { VERIFY_NONE, VERIFY_TRUSTED, VERIFY_UNTRUSTED };
SSL_CTX *server_ctx(int max_version);
SSL_CTX *client_ctx(enum verify_mode verify, int max_version);

/* How one end of a link is made. */
enum tls_mode {
	MODE_SOCKET,		/* bufferevent_openssl_socket_new on a socketpair */
	MODE_FILTER_SOCKET,	/* filter over a socket bufferevent */
	MODE_FILTER_PAIR,	/* filter over one end of a bufferevent pair */
	MODE_SOCKET_TCP		/* socket mode over loopback TCP */
};

/* What one end's callbacks saw. */
struct side {
	struct bufferevent *bev;
	struct evbuffer *got;		/* everything read */
	int connected;			/* BEV_EVENT_CONNECTED count */
	int eof, error, timeout;	/* events seen */
	short last_what;
	int last_errno;
	unsigned long ssl_error;	/* first bufferevent_get_openssl_error */
	int reads, writes;
	int echo;			/* write back what is read */
	int keep_input;			/* leave the input in place */
	char free_on;			/* free bev at: C R W E X (0: never) */
	size_t to_send;			/* pattern bytes still to write */
	size_t sent;			/* pattern bytes written so far */
	size_t chunk;			/* write this much per write callback */
	int renegotiate_at;		/* bytes read before renegotiating */
	int key_update_at;		/* bytes read before SSL_key_update */
};

struct link {
	struct event_base *base;
	struct side client, server;
	SSL_CTX *cctx, *sctx;
	evutil_socket_t raw[2];		/* the transport's descriptors, or -1 */
	struct bufferevent *under[2];	/* filter mode: what is underneath */
};

/* Make both ends (client first) with options; each side's SSL from its
 * context; each end's callbacks are the recorder's.  Returns 0. */
int link_open(struct link *l, struct event_base *base, enum tls_mode cmode,
    enum tls_mode smode, SSL_CTX *cctx, SSL_CTX *sctx, int options);
/* Free whatever is still there, contexts included. */
void link_close(struct link *l);

void side_init(struct side *s);
void side_setcb(struct side *s);
void side_read(struct bufferevent *bev, void *arg);
void side_write(struct bufferevent *bev, void *arg);
void side_event(struct bufferevent *bev, short what, void *arg);
/* Queue n pattern bytes (written chunk at a time from the write cb). */
void side_send(struct side *s, size_t n);

/* Run the loop until *flag reaches at_least, or seconds pass; returns
 * whether it did. */
int run_until(struct event_base *base, const int *flag, int at_least,
    int seconds);
/* Run until the side has read n bytes. */
int run_until_got(struct event_base *base, struct side *s, size_t n,
    int seconds);
/* Run until done(arg), or seconds pass; returns done(arg). */
int run_until_cond(struct event_base *base, int (*done)(const void *),
    const void *arg, int seconds);
/* Run until buf holds something. */
int run_until_buffer_has_bytes(struct event_base *base, struct evbuffer *buf,
    int seconds);
/* Run the loop for ms milliseconds (for waits whose outcome is checked to
 * be "nothing happened": never as a deadline for something to happen). */
void run_for(struct event_base *base, int ms);

/* Does got hold exactly the pattern's first n bytes? */
int pattern_matches(struct evbuffer *got, size_t n);
void fill_pattern(unsigned char *buf, size_t len, size_t offset);

/* A nonblocking AF_UNIX stream socketpair. */
void make_socketpair(evutil_socket_t fds[2]);
/* A connected loopback TCP pair, both nonblocking. */
void make_tcp_pair(evutil_socket_t fds[2]);
/* Is fd an open descriptor? */
int fd_is_open(evutil_socket_t fd);
/* The bytes moved in the big transfers: 16 MiB, less under valgrind. */
size_t big_transfer_size(void);

#endif
