/* Chapter 09 test helpers: DNS messages built byte by byte, a real evdns
 * server on 127.0.0.1, a scripted raw UDP responder, temporary files. */
#ifndef DNS_TEST_H_INCLUDED_
#define DNS_TEST_H_INCLUDED_

#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* ---- Messages by hand (hostile ones included) ---- */
struct msg {
	unsigned char b[4096];
	size_t len;
};
void msg_u16(struct msg *m, unsigned v);
void msg_u32(struct msg *m, uint32_t v);
void msg_bytes(struct msg *m, const void *p, size_t n);
/* Labels from dotted text, then the final 0 ("" is the root). */
void msg_name(struct msg *m, const char *dotted);
void msg_label(struct msg *m, const char *label);
void msg_pointer(struct msg *m, unsigned offset);
void msg_header(struct msg *m, unsigned id, unsigned flags, unsigned qd,
    unsigned an, unsigned ns, unsigned ar);
void msg_question(struct msg *m, const char *name, unsigned type);
/* A record with owner name (or a pointer when owner_ptr >= 0). */
void msg_rr(struct msg *m, const char *owner, int owner_ptr, unsigned type,
    uint32_t ttl, const void *rdata, size_t rdlength);
void msg_patch_u16(struct msg *m, size_t at, unsigned v);

/* ---- The fixture of most tests: a fresh event base, temporary files
 * removed and the system files restored afterwards ---- */
extern struct event_base *base;
int dns_setup(void **state);
int dns_teardown(void **state);

/* ---- The loop ---- */
/* Run base until *done becomes nonzero, or fail after limit_ms. */
void run_until(struct event_base *base, const int *done, int limit_ms);
/* Run base until *value >= n, or fail after limit_ms. */
void run_until_at_least(struct event_base *base, const int *value, int n,
    int limit_ms);
/* Run the loop for ms milliseconds of real time. */
void run_for(struct event_base *base, int ms);

/* ---- Sockets and addresses ---- */
/* A nonblocking UDP socket bound to 127.0.0.1:0; its port in *port. */
int udp_socket_on_loopback(int *port);
/* "127.0.0.1:port" into buf. */
const char *loopback_addr(char *buf, size_t len, int port);

/* ---- A real evdns server answering from a table ---- */
#define TEST_SERVER_MAX_SEEN 16384
struct test_server {
	struct event_base *base;
	struct evdns_server_port *port;
	int fd, portno;
	int silent;		/* drop every query */
	int rcode;		/* respond with this (0: from the table) */
	int queries;		/* every query seen */
	int nseen;
	char *seen[64];		/* the first 64 names asked, as sent */
	int last_type;
	/* Optional: answer through this instead of the table. */
	void (*answer)(struct test_server *, struct evdns_server_request *);
	void *arg;		/* for the answer function */
};
void test_server_start(struct test_server *s, struct event_base *base);
void test_server_stop(struct test_server *s);
/* Whether name (ASCII case ignored) was asked, and in which order. */
int test_server_index_of(const struct test_server *s, const char *name);

/* ---- A scripted raw UDP responder, for hostile replies ---- */
struct raw_query {
	unsigned char b[600];
	size_t len;
	uint16_t id;
	char name[256];		/* the question as sent (case kept) */
	unsigned type;
	struct sockaddr_storage from;
	socklen_t fromlen;
};
struct raw_responder;
typedef void (*raw_script)(struct raw_responder *r, const struct raw_query *q);
struct raw_responder {
	struct event_base *base;
	struct event *ev;
	int fd, port;
	raw_script script;
	void *arg;
	int queries;
	struct raw_query last;
};
void raw_responder_start(struct raw_responder *r, struct event_base *base,
    raw_script script, void *arg);
void raw_responder_stop(struct raw_responder *r);
/* Send m to the asker of q, from the responder's own socket. */
void raw_reply(struct raw_responder *r, const struct raw_query *q,
    const struct msg *m);
/* A well-formed reply to q: the question echoed as sent, then n A records
 * of 10.0.0.1, 10.0.0.2, ... with TTL 60. */
void raw_answer_a(struct msg *m, const struct raw_query *q, unsigned flags,
    int n);

/* Send m to the asker of q from a different socket (another port). */
void raw_reply_from_elsewhere(const struct raw_query *q, const struct msg *m);

/* ---- A scripted TCP responder on 127.0.0.1:port (the same port as a
 * raw responder's UDP socket): it reads one length-prefixed query per
 * connection and lets the script answer it. ---- */
struct tcp_responder;
typedef void (*tcp_script)(struct tcp_responder *t, const struct raw_query *q,
    struct msg *reply);
struct tcp_responder {
	struct event_base *base;
	struct event *accept_ev;
	int fd;
	tcp_script script;
	int connections;
};
void tcp_responder_start(struct tcp_responder *t, struct event_base *base,
    int port, tcp_script script);
void tcp_responder_stop(struct tcp_responder *t);

/* ---- Files ---- */
/* A temporary file holding text; its path (static buffer per slot 0..7). */
const char *temp_file(int slot, const char *text);
void remove_temp_files(void);

/* ---- A resolver pointed at one or two local servers ---- */
struct evdns_base *resolver_for(struct event_base *base, int port_a,
    int port_b, const char *timeout);

/* ---- Recording callbacks ---- */
struct lookup {
	int calls;
	int result;
	char type;
	int count;
	int ttl;
	unsigned char addrs[16 * 64];
	char ptr[256];
};
void record_lookup(int result, char type, int count, int ttl, void *addresses,
    void *arg);

#endif
