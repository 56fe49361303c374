/*
 * smtp_received: the trace header fields mailkit adds (RFC 5321 4.4,
 * RFC 3848 "with" keywords, RFC 8314 TLS comment) and RFC 5322 dates.
 *
 *	struct received r = { .helo = "client.example", .ip = "192.0.2.1",
 *	    .me = "mx.example.test", .id = qid, .esmtp = 1, ... };
 *	received_format(&r, &b);      appends "Received: ...\r\n" to b
 *
 * The "with" keyword is SMTP for HELO, else ESMTP plus S (TLS) and A
 * (AUTH), with UTF8 in front for SMTPUTF8: ESMTPSA, UTF8SMTPS, ...
 * Fields taken from the client are cut at 64 octets and stripped of
 * anything but printable ASCII, so they cannot break the header.
 */
#ifndef MAILKIT_SMTP_RECEIVED_H
#define MAILKIT_SMTP_RECEIVED_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

struct received {
	const char *helo;	/* NULL: a local injection */
	const char *ip;
	const char *host;	/* TCPREMOTEHOST or NULL */
	const char *me;
	const char *id;
	const char *tls;	/* "TLSv1.3 TLS_AES_256_GCM_SHA384" or NULL */
	const char *auth;	/* the AUTH user or NULL */
	const char *rcpt;	/* "for <...>" when one recipient, or NULL */
	unsigned uid;		/* local injection: the invoking uid */
	int esmtp, utf8;
	time_t when;
	const char *eol;	/* "\r\n" or "\n" */
};

int received_format(const struct received *r, struct buf *out);

/* "Mon, 23 Nov 2026 21:53:21 +0000" into out. 0 or -1. */
int received_date(time_t t, char *out, size_t size);

#endif
