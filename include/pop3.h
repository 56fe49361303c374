/*
 * pop3: the POP3 server session (RFC 1939, 2449, 2595, 5034) on an io.
 *
 *	struct pop3_conf c;
 *	pop3_conf_load(&c, root);          ROOT/etc settings, TCPREMOTEIP
 *	c.implicit_tls = 1;                -T
 *	c.checkpassword = path;            -a
 *	code = pop3_session(&io, &c);      runs to QUIT, EOF or timeout
 *
 * Settings read by pop3_conf_load (all optional):
 *	ROOT/etc/pop3-plaintext   exists: USER/PASS/AUTH allowed without TLS
 *	ROOT/etc/authpause        pause after a failed login, ms (2000)
 *	ROOT/etc/pop3timeout      idle timeout, seconds (600)
 *	ROOT/etc/pop3maxsessions  sessions at once, -ERR beyond (0: no limit)
 * Plaintext logins are allowed without TLS also when the client is on
 * loopback (TCPREMOTEIP 127.0.0.0/8 or ::1, or the peer of fd 0 when
 * TCPREMOTEIP is unset) or when fd 0 is not a socket.
 */
#ifndef MAILKIT_POP3_H
#define MAILKIT_POP3_H

#include "io.h"

#define POP3_MAX_ERRORS		10
#define POP3_CMD_MAX		255	/* octets with CRLF (RFC 2449) */
#define POP3_AUTH_LINE_MAX	1024

struct pop3_conf {
	const char *root;
	const char *checkpassword;	/* NULL: ROOT/etc/users */
	int implicit_tls;
	int plaintext_ok;		/* loopback, local or configured */
	unsigned auth_pause_ms;
	int timeout_ms;
	unsigned max_sessions;		/* 0: no limit */
	char remote_ip[64];
};

/* 0 or -1 (a configuration file is unreadable). */
int pop3_conf_load(struct pop3_conf *c, const char *root);

/* A sysexits code: 0 after QUIT, else why the session ended. */
int pop3_session(struct io *io, const struct pop3_conf *c);

/* Check a login.  1 good, 0 bad, -1 temporary failure.  With prog, run
 * it as a checkpassword program ("user\0password\0timestamp\0" on fd 3,
 * /bin/true as the program it runs on success). */
int pop3_verify(const struct pop3_conf *c, const char *user,
    const char *password);
int pop3_checkpassword(const char *prog, const char *user,
    const char *password);

/* 1 when ip is loopback (127.0.0.0/8, ::1, ::ffff:127.x.x.x). */
int pop3_is_loopback(const char *ip);

#endif
