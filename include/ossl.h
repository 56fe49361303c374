/*
 * ossl: the OpenSSL entry points mailkit uses, loaded at first use.
 *
 * Programs are not linked against libssl and libcrypto: most sessions
 * never start TLS, and loading those two libraries at every exec (one
 * process per connection under tcpserver) cost more than the rest of an
 * SMTP session.  tls.c calls ossl_load() when a handshake is about to
 * happen and then calls OpenSSL through the table:
 *
 *	if (ossl_load(err, sizeof err) < 0) ... TLS is not available
 *	ctx = ossl.SSL_CTX_new(ossl.TLS_server_method());
 *
 * The library is the shared libssl of the OpenSSL major version whose
 * headers mailkit was built with (libssl.so.3 for OpenSSL 3), so the
 * system's security updates of OpenSSL apply as they would to a linked
 * program.  Only real functions are in the table; OpenSSL's macros that
 * wrap SSL_ctrl/SSL_CTX_ctrl are spelled out by the caller.
 */
#ifndef MAILKIT_OSSL_H
#define MAILKIT_OSSL_H

#include <stddef.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#define OSSL_FUNCS(X)							\
	X(ERR_get_error) X(ERR_error_string_n) X(ERR_clear_error)	\
	X(TLS_server_method) X(TLS_client_method)			\
	X(SSL_CTX_new) X(SSL_CTX_free) X(SSL_CTX_ctrl)			\
	X(SSL_CTX_set_options) X(SSL_CTX_set_verify)			\
	X(SSL_CTX_use_certificate_chain_file)				\
	X(SSL_CTX_use_PrivateKey_file) X(SSL_CTX_check_private_key)	\
	X(SSL_CTX_set_default_verify_paths)				\
	X(SSL_new) X(SSL_free) X(SSL_set_rfd) X(SSL_set_wfd)		\
	X(SSL_ctrl) X(SSL_set1_host) X(SSL_accept) X(SSL_connect)	\
	X(SSL_read) X(SSL_write) X(SSL_pending) X(SSL_get_error)	\
	X(SSL_shutdown) X(SSL_get_version) X(SSL_get_current_cipher)	\
	X(SSL_CIPHER_get_name) X(SSL_get0_param)			\
	X(X509_VERIFY_PARAM_set1_ip_asc) X(SSL_get_verify_result)	\
	X(X509_verify_cert_error_string)

struct ossl {
#define OSSL_MEMBER(f) __typeof__(&f) f;
	OSSL_FUNCS(OSSL_MEMBER)
#undef OSSL_MEMBER
};

/* Valid after ossl_load() returned 0. */
extern struct ossl ossl;

/* Load the library and every entry point once.  0, or -1 with the reason
 * in err (the library is missing, or lacks a function).  A failure is
 * remembered: later calls fail the same way without trying again. */
int ossl_load(char *err, size_t errsize);

#endif
