/* A key and a self-signed certificate for "localhost", made with the
 * OpenSSL API (no files, no network), for every program of the project
 * that needs a TLS server: chapter 10's tests, its allocation-failure
 * workload, its fuzz target and its benchmark.  Header only, so that each
 * of those links nothing more.
 *
 * self_signed_identity() returns 0 and sets *key and *cert (the caller
 * frees them with EVP_PKEY_free and X509_free), or returns -1. */
#ifndef SELF_SIGNED_H_INCLUDED_
#define SELF_SIGNED_H_INCLUDED_

#include <openssl/evp.h>
#include <openssl/x509.h>

static inline int
self_signed_identity(EVP_PKEY **key, X509 **cert)
{
	X509_NAME *name;

	*key = EVP_EC_gen("P-256");
	*cert = X509_new();
	if (*key == NULL || *cert == NULL)
		goto fail;
	X509_set_version(*cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(*cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(*cert), -3600);
	X509_gmtime_adj(X509_getm_notAfter(*cert), 24 * 3600);
	X509_set_pubkey(*cert, *key);
	name = X509_get_subject_name(*cert);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"localhost", -1, -1, 0);
	X509_set_issuer_name(*cert, name);
	if (X509_sign(*cert, *key, EVP_sha256()) > 0)
		return 0;
fail:
	EVP_PKEY_free(*key);
	X509_free(*cert);
	*key = NULL;
	*cert = NULL;
	return -1;
}

/* A server context with that identity, and a client context; -1 if
 * either could not be made. */
#include <openssl/ssl.h>

static inline int
self_signed_contexts(SSL_CTX **server, SSL_CTX **client)
{
	EVP_PKEY *key;
	X509 *cert;
	int ok;

	if (self_signed_identity(&key, &cert) < 0)
		return -1;
	*server = SSL_CTX_new(TLS_server_method());
	*client = SSL_CTX_new(TLS_client_method());
	ok = *server != NULL && *client != NULL &&
	    SSL_CTX_use_certificate(*server, cert) == 1 &&
	    SSL_CTX_use_PrivateKey(*server, key) == 1;
	X509_free(cert);
	EVP_PKEY_free(key);
	return ok ? 0 : -1;
}

#endif
