/*
 * dsn: RFC 3464 delivery status notifications (bounces and delay
 * warnings), and the failure records that feed them.
 *
 * A failure record is one line, fields separated by TAB (see
 * mail-bounce(8)):
 *
 *	RECIPIENT TAB STATUS TAB DIAGNOSTIC [TAB REMOTE-MTA [TAB LAST-ATTEMPT]]
 *
 * STATUS is an enhanced status code ("5.1.1"), DIAGNOSTIC "TYPE; text"
 * ("smtp; 550 5.1.1 no such user") or plain text, REMOTE-MTA a host name
 * or "-", LAST-ATTEMPT a UNIX time or "-".
 *
 *	struct dsn d;
 *	dsn_init(&d);
 *	d.me = "mx.example"; d.to = "alice@example"; ...
 *	dsn_add_line(&d, line, len);            // per record; -1 = malformed
 *	dsn_write(&d, msg, msglen, &out);       // the whole DSN, LF endings
 *	dsn_free(&d);
 *
 * The original message goes in whole (message/rfc822) when it is at most
 * d.full_max bytes, else only its header (text/rfc822-headers).
 */
#ifndef MAILKIT_DSN_H
#define MAILKIT_DSN_H

#include <stddef.h>
#include <time.h>

#include "addr.h"
#include "buf.h"

#define DSN_TEXT_MAX	1024
#define DSN_FULL_MAX	(256u * 1024)

struct dsn_rcpt {
	char rcpt[ADDR_MAX + 1];
	char status[16];
	char diag[DSN_TEXT_MAX];	/* "type; text" */
	char remote[256];		/* "" when unknown */
	time_t last;			/* 0 when unknown */
};

struct dsn {
	const char *me;		/* Reporting-MTA, From: MAILER-DAEMON@me */
	const char *to;		/* the DSN's recipient ("" = postmaster) */
	const char *envid;	/* queue id or NULL */
	time_t arrival;		/* 0: unknown */
	time_t now;
	int warn;		/* delay warning (Action: delayed) */
	size_t full_max;
	size_t n, cap;
	struct dsn_rcpt *r;
};

void dsn_init(struct dsn *d);
void dsn_free(struct dsn *d);

/* Parse one failure record (no line ending) into r. 0, or -1 with *err. */
int dsn_parse_record(const char *s, size_t n, struct dsn_rcpt *r,
    const char **err);
/* Parse and append one record. 0 or -1 (*err says why). */
int dsn_add_line(struct dsn *d, const char *s, size_t n, const char **err);
/* Format one record as a line (with LF) for a FAILFILE. 0 or -1. */
int dsn_format_record(const struct dsn_rcpt *r, struct buf *out);

/* Plain-language explanation of a status code, one sentence. */
const char *dsn_explain(const char *status);

/* RFC 5322 date of t into out. 0 or -1. */
int dsn_date(time_t t, char *out, size_t size);

/* The whole notification for the original message msg[0..n). 0 or -1. */
int dsn_write(const struct dsn *d, const char *msg, size_t n,
    struct buf *out);

#endif
