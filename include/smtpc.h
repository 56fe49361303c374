/*
 * smtpc: the SMTP client of mail-relay (RFC 5321, 3207, 2920, 1870, 4954).
 *
 *	struct smtpc c;
 *	smtpc_init(&c, NULL);                    // RFC 5321 4.5.3.2 timeouts
 *	if (smtpc_connect(&c, &sa) < 0) ...      // c.last says why
 *	code = smtpc_greeting(&c);               // 220 wanted
 *	code = smtpc_ehlo(&c, me);               // EHLO, HELO on 5xx
 *	if (c.ext & SMTPC_STARTTLS) smtpc_starttls(&c, host, verify), ehlo..
 *	smtpc_send(&c, sender, rcpts, n, res, msgfd, size);
 *	smtpc_quit(&c);                          // QUIT and close
 *
 * Every function returns the reply code (>= 100) of the step, or -1
 * when the connection broke or the peer spoke something that is not SMTP;
 * c.last holds the reply (or a made-up "421 4.4.2 ..." text for a broken
 * connection).  A multiline reply longer than SMTPC_LINES_MAX lines is a
 * protocol error.
 *
 * smtpc_send() runs one transaction: MAIL (with SIZE= when offered, and
 * BODY=8BITMIME when offered and c.body_8bit is set), one
 * RCPT per recipient and DATA, pipelined when PIPELINING is offered, then
 * the message from msgfd with bare LF turned into CRLF and leading dots
 * doubled.  res[i] gets the outcome of recipient i: the RCPT reply when it
 * was refused, else the reply to the final dot.  Code 0 in res[i] means
 * "unknown": the connection broke before the outcome was known (retry;
 * the message may then arrive twice, but is never lost).
 */
#ifndef MAILKIT_SMTPC_H
#define MAILKIT_SMTPC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "io.h"

#define SMTPC_TEXT_MAX	512
#define SMTPC_LINES_MAX	100

#define SMTPC_PIPELINING	0x01
#define SMTPC_SIZE		0x02
#define SMTPC_STARTTLS		0x04
#define SMTPC_AUTH		0x08
#define SMTPC_8BITMIME		0x10

#define SMTPC_AUTH_PLAIN	0x01
#define SMTPC_AUTH_LOGIN	0x02

struct smtpc_reply {
	int code;			/* 0: none (connection broke) */
	char status[16];		/* "5.1.1": enhanced code or derived */
	char text[SMTPC_TEXT_MAX];	/* first line, "550 5.1.1 ..." */
};

struct smtpc_timeouts {		/* milliseconds */
	int connect, greeting, ehlo, mail, rcpt, data, block, final;
};

struct tls;

struct smtpc {
	int fd;
	struct io io;
	struct tls *tls;
	unsigned ext, auth_mechs;
	uint64_t size_max;		/* SIZE n; 0 = none declared */
	int body_8bit;			/* set by the caller: BODY=8BITMIME
					 * when the server offers it */
	struct smtpc_timeouts t;
	struct smtpc_reply last;
};

/* t NULL: the RFC 5321 defaults; cap_ms > 0 caps every timeout. */
void smtpc_init(struct smtpc *c, const struct smtpc_timeouts *t);
void smtpc_cap_timeouts(struct smtpc *c, int cap_ms);
int smtpc_connect(struct smtpc *c, const struct sockaddr_storage *sa);
/* Connect on an already open descriptor (tests, implicit TLS set-ups). */
void smtpc_attach(struct smtpc *c, int fd);
int smtpc_greeting(struct smtpc *c);
int smtpc_ehlo(struct smtpc *c, const char *me);
/* STARTTLS then TLS handshake: 220 on success (then EHLO again), the
 * refusal code, or -1 (handshake failed; the connection is unusable). */
int smtpc_starttls(struct smtpc *c, const char *sni, int verify);
/* Implicit TLS (port 465): handshake at once. 0 or -1. */
int smtpc_tls_now(struct smtpc *c, const char *sni, int verify);
/* AUTH PLAIN or LOGIN, as offered. 235 on success. */
int smtpc_auth(struct smtpc *c, const char *user, const char *pass);
int smtpc_send(struct smtpc *c, const char *sender, char *const *rcpts,
    size_t n, struct smtpc_reply *res, int msgfd, uint64_t size);
int smtpc_rset(struct smtpc *c);
void smtpc_quit(struct smtpc *c);
/* Close without QUIT. */
void smtpc_close(struct smtpc *c);

/* Parse one reply line "NNN-text" / "NNN text": code, *more set when
 * another line follows.  0, or -1 when the line is not an SMTP reply. */
int smtpc_parse_line(const char *s, size_t n, int *code, int *more);
/* Fill r->status from the text or, when absent, from the code. */
void smtpc_status(struct smtpc_reply *r);

/* Inside the module: read one whole reply into c->last, passing each line
 * to fn; mark the session broken with a reason. */
int smtpc_read_reply(struct smtpc *c, int timeout_ms,
    void (*fn)(struct smtpc *, const char *, size_t));
void smtpc_broken(struct smtpc *c, const char *why);

#endif
