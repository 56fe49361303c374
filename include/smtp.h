/*
 * smtp: the ESMTP server session (RFC 5321) on an io, for mail-submit -bs.
 *
 *	struct smtp_conf c;
 *	smtp_conf_load(&c, root);        ROOT/etc settings, tcpserver env
 *	c.submission = 1;                -S: AUTH before MAIL
 *	c.implicit_tls = 1;              -T: TLS handshake first
 *	code = smtp_session(&io, &c);    runs to QUIT, EOF, timeout, errors
 *
 * Settings read by smtp_conf_load (all optional, see mail-submit(8)):
 *	ROOT/etc/me          host name in the greeting and Received:
 *	ROOT/etc/maxsize     largest message in bytes (35882577)
 *	ROOT/etc/maxrcpt     recipients per message (100)
 *	ROOT/etc/maxerrors   bad commands before disconnect (10)
 *	ROOT/etc/maxsessions sessions at once, 421 beyond (0: no limit)
 *	ROOT/etc/timeout     idle timeout in seconds (300)
 *	ROOT/etc/authpause   pause after a failed AUTH in ms (2000)
 *	ROOT/etc/filtertimeout  content filter time limit in seconds (120)
 * From the environment: TCPREMOTEIP, TCPREMOTEHOST, RELAYCLIENT.  Without
 * TCPREMOTEIP the peer of fd 0 is used (inetd, systemd); when fd 0 is no
 * socket the client is a local program (sendmail -bs): loopback, and
 * trusted to relay like the injector.  The client is on loopback when its
 * address is in 127.0.0.0/8 or ::1.
 */
#ifndef MAILKIT_SMTP_H
#define MAILKIT_SMTP_H

#include <stdint.h>

#include "io.h"

#define SMTP_CMD_MAX		512	/* octets with CRLF (RFC 5321) */
#define SMTP_AUTH_LINE_MAX	12288	/* RFC 4954 */
#define SMTP_DATA_LINE_MAX	1000	/* octets with CRLF */

struct smtp_conf {
	const char *root;
	char me[256];
	int submission;
	int implicit_tls;
	int relayclient;
	int loopback;
	int local;		/* a pipe, not a socket */
	char remote_ip[64];
	char remote_host[256];
	uint64_t max_size;
	unsigned max_rcpt;
	unsigned max_errors;
	unsigned max_sessions;		/* 0: no limit */
	unsigned auth_pause_ms;
	int timeout_ms;
	int filter_timeout_ms;
};

/* 0 or -1 (a configuration file is unreadable). */
int smtp_conf_load(struct smtp_conf *c, const char *root);

/* A sysexits code: 0 after QUIT, else why the session ended. */
int smtp_session(struct io *io, const struct smtp_conf *c);

/* 1 when ip is loopback (127.0.0.0/8, ::1, ::ffff:127.x.x.x). */
int smtp_is_loopback(const char *ip);

#endif
