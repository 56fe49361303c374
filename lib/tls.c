/* tls: OpenSSL under an io; see include/tls.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "conf.h"
#include "log.h"
#include "ossl.h"
#include "str.h"
#include "tls.h"

struct tls {
	SSL_CTX *ctx;
	SSL *ssl;
	struct io *io;
	struct io_transport tr;
};

static void
say(char *err, size_t errsize, const char *what)
{
	unsigned long e = ossl.ERR_get_error();
	char detail[256];

	if (e != 0) {
		ossl.ERR_error_string_n(e, detail, sizeof detail);
		(void)str_fmt(err, errsize, "%s: %s", what, detail);
	} else {
		(void)str_fmt(err, errsize, "%s", what);
	}
	ossl.ERR_clear_error();
}

/* Map an SSL result to the io transport convention. */
static ssize_t
ssl_result(SSL *ssl, int r)
{
	switch (ossl.SSL_get_error(ssl, r)) {
	case SSL_ERROR_NONE:
		return r;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		errno = EAGAIN;
		return -1;
	default:
		ossl.ERR_clear_error();
		if (errno == 0)
			errno = EPROTO;
		return -1;
	}
}

static ssize_t
tr_read(void *ctx, void *p, size_t n)
{
	struct tls *t = ctx;
	int r;

	if (n > INT_MAX)
		n = INT_MAX;
	errno = 0;
	r = ossl.SSL_read(t->ssl, p, (int)n);
	return r > 0 ? r : ssl_result(t->ssl, r);
}

static ssize_t
tr_write(void *ctx, const void *p, size_t n)
{
	struct tls *t = ctx;
	int r;

	if (n > INT_MAX)
		n = INT_MAX;
	errno = 0;
	r = ossl.SSL_write(t->ssl, p, (int)n);
	return r > 0 ? r : ssl_result(t->ssl, r);
}

static size_t
tr_pending(void *ctx)
{
	struct tls *t = ctx;
	int n = ossl.SSL_pending(t->ssl);

	return n > 0 ? (size_t)n : 0;
}

/* Bound blocking socket calls inside OpenSSL by the io timeout; on
 * descriptors that are not sockets this quietly does nothing. */
static void
set_socket_timeouts(struct io *io)
{
	struct timeval tv;

	if (io->timeout_ms <= 0)
		return;
	tv.tv_sec = io->timeout_ms / 1000;
	tv.tv_usec = (io->timeout_ms % 1000) * 1000;
	(void)setsockopt(io->fd_in, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	(void)setsockopt(io->fd_out, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static struct tls *
tls_new(struct io *io, SSL_CTX *ctx)
{
	struct tls *t = calloc(1, sizeof *t);

	if (t == NULL)
		return NULL;
	t->ctx = ctx;
	t->io = io;
	t->ssl = ossl.SSL_new(ctx);
	if (t->ssl == NULL || ossl.SSL_set_rfd(t->ssl, io->fd_in) != 1 ||
	    ossl.SSL_set_wfd(t->ssl, io->fd_out) != 1) {
		if (t->ssl)
			ossl.SSL_free(t->ssl);
		free(t);
		return NULL;
	}
	t->tr.read = tr_read;
	t->tr.write = tr_write;
	t->tr.pending = tr_pending;
	t->tr.ctx = t;
	set_socket_timeouts(io);
	return t;
}

static void
tls_free(struct tls *t)
{
	ossl.SSL_free(t->ssl);
	ossl.SSL_CTX_free(t->ctx);
	free(t);
}

/* Finish a handshake: hook the transport into io, or fail cleanly. */
static struct tls *
attach(struct tls *t, int r, char *err, size_t errsize)
{
	long v;

	if (r != 1) {
		v = ossl.SSL_get_verify_result(t->ssl);
		if (v != X509_V_OK)
			(void)str_fmt(err, errsize, "certificate not trusted: %s",
			    ossl.X509_verify_cert_error_string(v));
		else
			say(err, errsize, "TLS handshake failed");
		ossl.ERR_clear_error();
		t->io->err = IO_ERROR;
		tls_free(t);
		return NULL;
	}
	io_set_transport(t->io, &t->tr);
	return t;
}

/* Before a handshake: what io buffered is written in plain text first,
 * and OpenSSL is loaded. 0, or -1 with the reason in err. */
static int
ready(struct io *io, char *err, size_t errsize)
{
	if (io_flush(io) < 0) {
		(void)str_copy(err, errsize, "write failed before TLS");
		return -1;
	}
	return ossl_load(err, errsize);
}

int
tls_server_available(const char *root)
{
	char cert[PATH_MAX], key[PATH_MAX];
	struct stat st;

	return conf_path(cert, sizeof cert, root, "etc/tls/cert.pem") == 0 &&
	    conf_path(key, sizeof key, root, "etc/tls/key.pem") == 0 &&
	    stat(cert, &st) == 0 && stat(key, &st) == 0;
}

static SSL_CTX *
server_ctx(const char *root, char *err, size_t errsize)
{
	char cert[PATH_MAX], key[PATH_MAX];
	SSL_CTX *ctx;

	if (conf_path(cert, sizeof cert, root, "etc/tls/cert.pem") < 0 ||
	    conf_path(key, sizeof key, root, "etc/tls/key.pem") < 0) {
		(void)str_copy(err, errsize, "TLS path too long");
		return NULL;
	}
	ctx = ossl.SSL_CTX_new(ossl.TLS_server_method());
	if (ctx == NULL ||
	    ossl.SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION,
	    TLS1_2_VERSION, NULL) != 1 ||
	    ossl.SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    ossl.SSL_CTX_use_PrivateKey_file(ctx, key,
	    SSL_FILETYPE_PEM) != 1 ||
	    ossl.SSL_CTX_check_private_key(ctx) != 1) {
		say(err, errsize, "cannot load etc/tls/cert.pem and key.pem");
		ossl.SSL_CTX_free(ctx);
		return NULL;
	}
	ossl.SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF |
	    SSL_OP_NO_RENEGOTIATION);
	return ctx;
}

struct tls *
tls_server_start(struct io *io, const char *root, char *err, size_t errsize)
{
	SSL_CTX *ctx;
	struct tls *t;

	if (ready(io, err, errsize) < 0)
		return NULL;
	ctx = server_ctx(root, err, errsize);
	if (ctx == NULL)
		return NULL;
	t = tls_new(io, ctx);
	if (t == NULL) {
		ossl.SSL_CTX_free(ctx);
		say(err, errsize, "cannot set up TLS");
		return NULL;
	}
	return attach(t, ossl.SSL_accept(t->ssl), err, errsize);
}

struct tls *
tls_server_start_logged(struct io *io, const char *root, const char *ip)
{
	struct logrec r;
	struct tls *t;
	char err[256];

	t = tls_server_start(io, root, err, sizeof err);
	if (t != NULL)
		return t;
	log_begin(&r, "tls-failed");
	log_str(&r, "ip", ip);
	log_str(&r, "error", err);
	log_end(&r);
	return NULL;
}

static int
is_ip_literal(const char *s)
{
	unsigned char a[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

/* The peer's name: SNI and, when verifying, what its certificate must
 * name.  An IP address is never sent as SNI (RFC 6066 section 3); the
 * certificate must then carry that address.  0 or -1. */
static int
peer_name(struct tls *t, const char *name, int verify)
{
	if (is_ip_literal(name)) {
		if (verify && ossl.X509_VERIFY_PARAM_set1_ip_asc(
		    ossl.SSL_get0_param(t->ssl), name) != 1)
			return -1;
		return 0;
	}
	if (ossl.SSL_ctrl(t->ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME,
	    TLSEXT_NAMETYPE_host_name, (void *)name) != 1)
		return -1;
	return verify && ossl.SSL_set1_host(t->ssl, name) != 1 ? -1 : 0;
}

struct tls *
tls_client_start(struct io *io, const char *sni, int verify, char *err,
    size_t errsize)
{
	SSL_CTX *ctx;
	struct tls *t;
	int bad;

	if (ready(io, err, errsize) < 0)
		return NULL;
	ctx = ossl.SSL_CTX_new(ossl.TLS_client_method());
	if (ctx == NULL ||
	    ossl.SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION,
	    TLS1_2_VERSION, NULL) != 1 ||
	    (verify && ossl.SSL_CTX_set_default_verify_paths(ctx) != 1)) {
		say(err, errsize, "cannot set up TLS");
		ossl.SSL_CTX_free(ctx);
		return NULL;
	}
	ossl.SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	ossl.SSL_CTX_set_verify(ctx,
	    verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
	t = tls_new(io, ctx);
	if (t == NULL) {
		ossl.SSL_CTX_free(ctx);
		say(err, errsize, "cannot set up TLS");
		return NULL;
	}
	if (sni == NULL || *sni == '\0')
		bad = verify;	/* no name to check the certificate against */
	else
		bad = peer_name(t, sni, verify) < 0;
	if (bad) {
		(void)str_fmt(err, errsize, "cannot set up TLS for the peer "
		    "name \"%s\"", sni ? sni : "");
		ossl.ERR_clear_error();
		tls_free(t);
		return NULL;
	}
	return attach(t, ossl.SSL_connect(t->ssl), err, errsize);
}

const char *
tls_version(const struct tls *t)
{
	return ossl.SSL_get_version(t->ssl);
}

const char *
tls_cipher(const struct tls *t)
{
	return ossl.SSL_CIPHER_get_name(ossl.SSL_get_current_cipher(t->ssl));
}

void
tls_end(struct tls *t)
{
	if (t == NULL)
		return;
	(void)io_flush(t->io);
	(void)ossl.SSL_shutdown(t->ssl);
	io_set_transport(t->io, NULL);
	tls_free(t);
}
