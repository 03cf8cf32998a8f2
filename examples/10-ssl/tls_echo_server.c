/*
 * tls_echo_server.c -- chapter 10's first program: a TLS echo server.
 *
 *     tls_echo_server PORT [CERTFILE]
 *
 * Listens on 127.0.0.1:PORT (0: any free port, printed as "listening on N"),
 * makes itself a key and a self-signed certificate for "localhost" with the
 * OpenSSL API, writes the certificate to CERTFILE if given (so a client can
 * trust it), and echoes back whatever each client sends, over TLS.  SIGTERM
 * ends it; it prints "served N", the connections that completed a handshake.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>

static int served;

/* A key and a certificate that signs itself, valid for a day. */
static int
make_identity(SSL_CTX *ctx, const char *certfile)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *cert = X509_new();
	X509_NAME *name;
	FILE *f;
	int ok = key != NULL && cert != NULL;

	if (ok) {
		ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
		X509_gmtime_adj(X509_getm_notBefore(cert), -60);
		X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
		X509_set_pubkey(cert, key);
		name = X509_get_subject_name(cert);
		X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
		    (const unsigned char *)"localhost", -1, -1, 0);
		X509_set_issuer_name(cert, name);
		ok = X509_sign(cert, key, EVP_sha256()) > 0 &&
		    SSL_CTX_use_certificate(ctx, cert) == 1 &&
		    SSL_CTX_use_PrivateKey(ctx, key) == 1;
	}
	if (ok && certfile != NULL) {
		ok = (f = fopen(certfile, "w")) != NULL;
		if (ok) {
			ok = PEM_write_X509(f, cert) == 1;
			ok = fclose(f) == 0 && ok;
		}
	}
	X509_free(cert);
	EVP_PKEY_free(key);
	return ok ? 0 : -1;
}

// tag::echo[]
static void
echo_read(struct bufferevent *bev, void *arg)
{
	(void)arg;
	/* Plaintext in, plaintext out: the bufferevent does the TLS. */
	bufferevent_write_buffer(bev, bufferevent_get_input(bev));
}

static void
echo_event(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	if (what & BEV_EVENT_CONNECTED) {
		served++;
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		unsigned long e = bufferevent_get_openssl_error(bev);

		if (e != 0)
			fprintf(stderr, "client failed: %s\n",
			    ERR_reason_error_string(e));
	}
	/* EOF or error: the connection is over.  Freeing sends our
	 * close_notify (if the handshake finished) and closes the socket. */
	bufferevent_free(bev);
}
// end::echo[]

// tag::accept[]
static void
accept_client(struct evconnlistener *listener, evutil_socket_t fd,
    struct sockaddr *addr, int addrlen, void *arg)
{
	SSL_CTX *ctx = arg;
	SSL *ssl = SSL_new(ctx);
	struct bufferevent *bev = NULL;

	(void)addr;
	(void)addrlen;
	if (ssl != NULL)
		bev = bufferevent_openssl_socket_new(
		    evconnlistener_get_base(listener), fd, ssl,
		    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		/* A failed constructor takes nothing: both are still ours. */
		SSL_free(ssl);
		evutil_closesocket(fd);
		return;
	}
	bufferevent_setcb(bev, echo_read, NULL, echo_event, NULL);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}
// end::accept[]

static void
stop(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(arg);
}

int
main(int argc, char **argv)
{
	struct event_base *base;
	struct evconnlistener *listener;
	struct event *term;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	SSL_CTX *ctx;

	if (argc < 2) {
		fprintf(stderr, "usage: %s PORT [CERTFILE]\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL || make_identity(ctx, argc > 2 ? argv[2] : NULL) < 0) {
		fprintf(stderr, "cannot make a certificate\n");
		return 1;
	}
	base = event_base_new();
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listener = evconnlistener_new_bind(base, accept_client, ctx,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, -1,
	    (struct sockaddr *)&sin, sizeof(sin));
	if (listener == NULL) {
		perror("listen");
		return 1;
	}
	getsockname(evconnlistener_get_fd(listener), (struct sockaddr *)&sin,
	    &len);
	printf("listening on %d\n", ntohs(sin.sin_port));
	fflush(stdout);
	term = evsignal_new(base, SIGTERM, stop, base);
	event_add(term, NULL);
	event_base_dispatch(base);
	printf("served %d\n", served);
	event_free(term);
	evconnlistener_free(listener);
	event_base_free(base);
	SSL_CTX_free(ctx);
	return 0;
}
