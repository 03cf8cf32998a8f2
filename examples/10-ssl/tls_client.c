/*
 * tls_client.c -- chapter 10's client: one line over TLS, its echo back.
 *
 *     tls_client PORT CAFILE NAME MESSAGE
 *
 * Connects to 127.0.0.1:PORT with a TLS bufferevent made on no socket
 * (fd -1) and bufferevent_socket_connect_hostname(), trusts only the
 * certificate in CAFILE and checks that it names NAME, sends MESSAGE and a
 * newline, prints what comes back, and ends with the manual's lazy
 * shutdown.  Exits 0 when the echo matched, 1 otherwise (a certificate that
 * did not verify, among other reasons, with OpenSSL's reason printed).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>

struct exchange {
	const char *message;
	int status;		/* exit status: 1 until the echo matches */
};

static void
got_line(struct bufferevent *bev, void *arg)
{
	struct exchange *x = arg;
	char *line = evbuffer_readln(bufferevent_get_input(bev), NULL,
	    EVBUFFER_EOL_LF);
	SSL *ssl = bufferevent_openssl_get_ssl(bev);

	if (line == NULL)
		return;
	printf("%s\n", line);
	x->status = strcmp(line, x->message) == 0 ? 0 : 1;
	free(line);
	/* The lazy shutdown: act as if the server's close_notify had
	 * come, send ours, and go without waiting for the answer. */
	SSL_set_shutdown(ssl, SSL_RECEIVED_SHUTDOWN);
	SSL_shutdown(ssl);
	bufferevent_free(bev);
}

static void
event(struct bufferevent *bev, short what, void *arg)
{
	struct exchange *x = arg;
	unsigned long e;

	if (what & BEV_EVENT_CONNECTED) {
		bufferevent_write(bev, x->message, strlen(x->message));
		bufferevent_write(bev, "\n", 1);
		return;
	}
	while ((e = bufferevent_get_openssl_error(bev)) != 0)
		fprintf(stderr, "tls: %s\n", ERR_reason_error_string(e));
	if ((what & BEV_EVENT_ERROR) && EVUTIL_SOCKET_ERROR() != 0)
		fprintf(stderr, "socket: %s\n",
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	bufferevent_free(bev);
}

int
main(int argc, char **argv)
{
	struct exchange x = { NULL, 1 };
	struct event_base *base;
	struct bufferevent *bev;
	SSL_CTX *ctx;
	SSL *ssl;

	if (argc != 5) {
		fprintf(stderr, "usage: %s PORT CAFILE NAME MESSAGE\n", argv[0]);
		return 2;
	}
	x.message = argv[4];
	signal(SIGPIPE, SIG_IGN);
	ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL || SSL_CTX_load_verify_locations(ctx, argv[2], NULL) != 1) {
		fprintf(stderr, "cannot read %s\n", argv[2]);
		return 1;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	ssl = SSL_new(ctx);
	SSL_set1_host(ssl, argv[3]);		/* the name to check */
	SSL_set_tlsext_host_name(ssl, argv[3]);	/* and to ask for (SNI) */
	base = event_base_new();
	bev = bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		SSL_free(ssl);
		return 1;
	}
	bufferevent_setcb(bev, got_line, NULL, event, &x);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect_hostname(bev, NULL, AF_INET,
	    "127.0.0.1", atoi(argv[1])) < 0) {
		bufferevent_free(bev);
		return 1;
	}
	event_base_dispatch(base);
	event_base_free(base);
	SSL_CTX_free(ctx);
	return x.status;
}
