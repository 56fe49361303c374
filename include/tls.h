/*
 * tls: OpenSSL underneath an io (io.h).
 *
 * Server side (STARTTLS, STLS, implicit TLS on 465/995): certificate and
 * key from ROOT/etc/tls/cert.pem and key.pem.  Client side (mail-relay):
 * SNI sent for a host name, verification against the system CA store
 * when asked.
 *
 *	if (!tls_server_available(root)) reply 454;
 *	io_discard_input(io);              // never process pipelined bytes
 *	t = tls_server_start(io, root, err, sizeof err);
 *	if (t == NULL) ... the session cannot continue (io->err is set)
 *	... io_read/line_read/io_write now go through TLS ...
 *	tls_end(t);
 *
 * The handshake and every later read or write are bounded by
 * io->timeout_ms.  Protocol versions below TLS 1.2 are refused.
 */
#ifndef MAILKIT_TLS_H
#define MAILKIT_TLS_H

#include <stddef.h>
#include "io.h"

struct tls;

/* 1 when ROOT/etc/tls/cert.pem and key.pem both exist. */
int tls_server_available(const char *root);

/* Handshake as server on io's descriptors.  NULL on failure, with a
 * reason in err. */
struct tls *tls_server_start(struct io *io, const char *root, char *err,
    size_t errsize);
/* The same for a server program: a failure is logged as one line,
 * event=tls-failed ip=IP error=REASON. */
struct tls *tls_server_start_logged(struct io *io, const char *root,
    const char *ip);

/* Handshake as client.  sni, the peer's name, may be NULL.  A host name
 * is sent as SNI; an IP address is not (RFC 6066).  verify: check the
 * peer's certificate chain against the system CA store (OpenSSL's
 * default paths: SSL_CERT_FILE and SSL_CERT_DIR name others) and that it
 * names sni, host name or IP address (so verify needs sni).  NULL on
 * failure, with a reason in err ("certificate not trusted: hostname
 * mismatch", ...). */
struct tls *tls_client_start(struct io *io, const char *sni, int verify,
    char *err, size_t errsize);

/* "TLSv1.3", "TLS_AES_256_GCM_SHA384", ... for logs and Received:. */
const char *tls_version(const struct tls *t);
const char *tls_cipher(const struct tls *t);

/* Send close_notify (best effort), detach from io, free. */
void tls_end(struct tls *t);

#endif
