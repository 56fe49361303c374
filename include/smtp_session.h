/*
 * smtp_session: the state shared by the SMTP command handlers inside
 * lib/smtp_*.c.  Not for programs: they use smtp.h.
 *
 * A handler gets the argument text after the command word (NUL-
 * terminated, may be empty), writes its reply with smtp_reply() and
 * returns 0 to go on or 1 to end the session.  Replies are flushed by
 * the command loop only when no pipelined input is waiting.
 */
#ifndef MAILKIT_SMTP_SESSION_H
#define MAILKIT_SMTP_SESSION_H

#include <stdint.h>

#include "addr.h"
#include "io.h"
#include "queue.h"
#include "smtp.h"

struct smtp {
	const struct smtp_conf *c;
	struct io *io;
	struct tls *tls;
	int ehlo;			/* 0 none, 1 HELO, 2 EHLO */
	char helo[256];
	int authed;
	char user[ADDR_MAX + 1];
	unsigned errors;
	unsigned auth_failures;
	/* the transaction */
	int mail;
	int utf8;
	struct qenv env;
	unsigned rcpt_tried;
	unsigned accepted;
	const char *end;		/* why the session ended, for the log */
};

int smtp_reply(struct smtp *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Reply, count an error, and end the session (1) past the limit. */
int smtp_bad(struct smtp *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Forget MAIL and RCPT. */
void smtp_reset(struct smtp *s);
/* Forget EHLO, AUTH and the transaction (after STARTTLS). */
void smtp_reset_all(struct smtp *s);
/* Log one event with the session's ip. */
void smtp_log_reject(struct smtp *s, const char *what, const char *why);

int smtp_cmd_helo(struct smtp *s, char *arg);
int smtp_cmd_ehlo(struct smtp *s, char *arg);
int smtp_cmd_mail(struct smtp *s, char *arg);
int smtp_cmd_rcpt(struct smtp *s, char *arg);
int smtp_cmd_data(struct smtp *s, char *arg);
int smtp_cmd_rset(struct smtp *s, char *arg);
int smtp_cmd_noop(struct smtp *s, char *arg);
int smtp_cmd_vrfy(struct smtp *s, char *arg);
int smtp_cmd_help(struct smtp *s, char *arg);
int smtp_cmd_quit(struct smtp *s, char *arg);
int smtp_cmd_auth(struct smtp *s, char *arg);
int smtp_cmd_starttls(struct smtp *s, char *arg);

/* 1 when AUTH may be offered now (TLS or loopback, not yet done). */
int smtp_auth_offered(const struct smtp *s);

/* 1 when addr (local@domain, a local domain) is an account, an alias,
 * or postmaster; 0 not; -1 error. */
int smtp_local_exists(const char *root, const char *addr);
/* 1 when user may send as sender: the address itself or an alias that
 * resolves to it; 0 not; -1 error. */
int smtp_sender_ok(const char *root, const char *user, const char *sender);

#endif
