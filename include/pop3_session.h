/*
 * pop3_session: the state shared by the POP3 command handlers inside
 * lib/pop3_*.c.  Not for programs: they use pop3.h.
 *
 * Each handler gets the argument text after the command word (NUL-
 * terminated, may be empty) and writes its reply to p->io; it returns 0
 * to go on, or 1 to end the session after flushing.
 */
#ifndef MAILKIT_POP3_SESSION_H
#define MAILKIT_POP3_SESSION_H

#include <stdint.h>

#include "addr.h"
#include "io.h"
#include "mailbox_read.h"
#include "pop3.h"

enum pop3_state { POP3_AUTHORIZATION, POP3_TRANSACTION };

struct pop3 {
	const struct pop3_conf *c;
	struct io *io;
	struct tls *tls;
	enum pop3_state state;
	int have_user;
	char user[ADDR_MAX + 1];
	unsigned failures, errors;
	struct mbx mbx;
	uint64_t retrieved, retrieved_octets, deleted;
	const char *end;	/* why the session ended, for the log */
};

int pop3_reply(struct pop3 *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* TLS handshake as server on p's connection (STLS, or -T at once); a
 * failure is logged.  0, or -1: the session cannot go on. */
int pop3_tls_start(struct pop3 *p);

/* Authorization state: USER, PASS, AUTH, STLS, CAPA. */
int pop3_cmd_user(struct pop3 *p, char *arg);
int pop3_cmd_pass(struct pop3 *p, char *arg);
int pop3_cmd_auth(struct pop3 *p, char *arg);
int pop3_cmd_stls(struct pop3 *p, char *arg);
int pop3_cmd_capa(struct pop3 *p, char *arg);

/* Transaction state. */
int pop3_cmd_stat(struct pop3 *p, char *arg);
int pop3_cmd_list(struct pop3 *p, char *arg);
int pop3_cmd_uidl(struct pop3 *p, char *arg);
int pop3_cmd_retr(struct pop3 *p, char *arg);
int pop3_cmd_top(struct pop3 *p, char *arg);
int pop3_cmd_dele(struct pop3 *p, char *arg);
int pop3_cmd_rset(struct pop3 *p, char *arg);
int pop3_cmd_noop(struct pop3 *p, char *arg);
int pop3_cmd_quit(struct pop3 *p, char *arg);

#endif
