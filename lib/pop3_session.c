/* pop3_session: the POP3 command loop; see include/pop3.h. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "line.h"
#include "log.h"
#include "pop3_session.h"
#include "slots.h"
#include "sasl.h"
#include "str.h"
#include "tls.h"

struct command {
	const char *name;
	int (*fn)(struct pop3 *, char *);
	int in_auth, in_trans;
};

static const struct command commands[] = {
	{ "CAPA", pop3_cmd_capa, 1, 1 },
	{ "USER", pop3_cmd_user, 1, 0 },
	{ "PASS", pop3_cmd_pass, 1, 0 },
	{ "AUTH", pop3_cmd_auth, 1, 0 },
	{ "STLS", pop3_cmd_stls, 1, 0 },
	{ "QUIT", pop3_cmd_quit, 1, 1 },
	{ "STAT", pop3_cmd_stat, 0, 1 },
	{ "LIST", pop3_cmd_list, 0, 1 },
	{ "UIDL", pop3_cmd_uidl, 0, 1 },
	{ "RETR", pop3_cmd_retr, 0, 1 },
	{ "TOP", pop3_cmd_top, 0, 1 },
	{ "DELE", pop3_cmd_dele, 0, 1 },
	{ "RSET", pop3_cmd_rset, 0, 1 },
	{ "NOOP", pop3_cmd_noop, 0, 1 },
};

int
pop3_reply(struct pop3 *p, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n > sizeof line - 3)
		n = (int)(sizeof line - 3);
	memcpy(line + n, "\r\n", 2);
	return io_write(p->io, line, (size_t)n + 2);
}

static int
bad(struct pop3 *p, const char *why)
{
	if (++p->errors >= POP3_MAX_ERRORS) {
		pop3_reply(p, "-ERR %s; too many errors, goodbye", why);
		p->end = "errors";
		return 1;
	}
	pop3_reply(p, "-ERR %s", why);
	return 0;
}

static int
dispatch(struct pop3 *p, char *s, size_t n)
{
	const struct command *c;
	size_t i, w = 0;

	while (w < n && s[w] != ' ')
		w++;
	if (n > POP3_CMD_MAX - 2 && !str_case_eq(s, w, "AUTH", 4))
		return bad(p, "command line too long");
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		c = &commands[i];
		if (!str_case_eq(s, w, c->name, strlen(c->name)))
			continue;
		if (p->state == POP3_AUTHORIZATION ? !c->in_auth : !c->in_trans)
			return bad(p, p->state == POP3_AUTHORIZATION ?
			    "log in first" :
			    "command not valid in this state");
		return c->fn(p, s + w + (w < n));
	}
	return bad(p, "unknown command");
}

/* 1 when the session ends. */
static int
one_command(struct pop3 *p)
{
	char buf[POP3_AUTH_LINE_MAX];
	struct line ln;
	int r;

	r = line_read(p->io, buf, sizeof buf, &ln);
	if (r <= 0) {
		p->end = r == 0 || p->io->err == IO_EOF ? "eof" :
		    p->io->err == IO_TIMEOUT ? "timeout" : "io-error";
		if (p->io->err == IO_TIMEOUT) {
			pop3_reply(p, "-ERR idle timeout, goodbye");
			io_flush(p->io);
		}
		return 1;
	}
	if (ln.flags & LINE_TOO_LONG)
		r = bad(p, "command line too long");
	else if (ln.flags & LINE_NUL)
		r = bad(p, "NUL byte in command");
	else if (!line_is_strict(&ln))
		r = bad(p, "command lines must end with CRLF");
	else
		r = dispatch(p, ln.s, ln.len);
	mem_wipe(buf, ln.len);
	if (io_pending(p->io) == 0 || r != 0)
		io_flush(p->io);
	return r != 0 || p->io->err == IO_ERROR || p->io->err == IO_TIMEOUT;
}

static void
log_logout(struct pop3 *p)
{
	struct logrec r;

	log_begin(&r, "logout");
	log_str(&r, "user", p->have_user ? p->user : "");
	log_str(&r, "ip", p->c->remote_ip);
	log_str(&r, "end", p->end ? p->end : "quit");
	log_num(&r, "retrieved", p->retrieved);
	log_num(&r, "retrieved_octets", p->retrieved_octets);
	log_num(&r, "deleted", p->deleted);
	log_end(&r);
}

int
pop3_session(struct io *io, const struct pop3_conf *c)
{
	struct pop3 p;
	int code = 0, one = 1;

	/* replies are batched here already; Nagle would only add a delayed
	 * ACK's wait at the end of every pipelined burst */
	(void)setsockopt(io->fd_out, IPPROTO_TCP, TCP_NODELAY, &one,
	    sizeof one);
	memset(&p, 0, sizeof p);
	p.c = c;
	p.io = io;
	p.mbx.dirfd = p.mbx.fd = p.mbx.lockfd = p.mbx.msgfd = -1;
	if (c->implicit_tls && pop3_tls_start(&p) < 0)
		return 69;
	/* the slot stays held until this process exits */
	if (c->max_sessions > 0 && slot_take(c->root, "pop3",
	    c->max_sessions) < 0 && errno == EBUSY) {
		pop3_reply(&p, "-ERR [SYS/TEMP] too many connections, try "
		    "again later");
		io_flush(io);
		return 75;
	}
	pop3_reply(&p, "+OK mailkit POP3 server ready");
	io_flush(io);
	while (!one_command(&p))
		;
	if (p.state == POP3_TRANSACTION) {
		log_logout(&p);
		mbx_close(&p.mbx);
	}
	if (p.end != NULL && strcmp(p.end, "quit") != 0)
		code = strcmp(p.end, "timeout") == 0 ? 75 : 0;
	if (p.tls != NULL)
		tls_end(p.tls);
	return code;
}
