/* smtp_session: the SMTP command loop; see include/smtp.h. */
#include <stdarg.h>
#include <stdio.h>
#include <errno.h>
#include <string.h>

#include "line.h"
#include "log.h"
#include "sasl.h"
#include "slots.h"
#include "smtp_session.h"
#include "str.h"
#include "tls.h"

struct command {
	const char *name;
	int (*fn)(struct smtp *, char *);
};

static const struct command commands[] = {
	{ "EHLO", smtp_cmd_ehlo },
	{ "HELO", smtp_cmd_helo },
	{ "MAIL", smtp_cmd_mail },
	{ "RCPT", smtp_cmd_rcpt },
	{ "DATA", smtp_cmd_data },
	{ "RSET", smtp_cmd_rset },
	{ "NOOP", smtp_cmd_noop },
	{ "VRFY", smtp_cmd_vrfy },
	{ "HELP", smtp_cmd_help },
	{ "QUIT", smtp_cmd_quit },
	{ "AUTH", smtp_cmd_auth },
	{ "STARTTLS", smtp_cmd_starttls },
};

static int
vreply(struct smtp *s, const char *fmt, va_list ap)
{
	char line[1024];
	int n;

	n = vsnprintf(line, sizeof line - 2, fmt, ap);
	if (n < 0)
		return -1;
	if ((size_t)n > sizeof line - 3)
		n = (int)(sizeof line - 3);
	memcpy(line + n, "\r\n", 2);
	return io_write(s->io, line, (size_t)n + 2);
}

int
smtp_reply(struct smtp *s, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vreply(s, fmt, ap);
	va_end(ap);
	return r;
}

int
smtp_bad(struct smtp *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vreply(s, fmt, ap);
	va_end(ap);
	if (++s->errors < s->c->max_errors)
		return 0;
	smtp_reply(s, "421 4.7.0 %s too many errors, closing connection",
	    s->c->me);
	s->end = "errors";
	return 1;
}

void
smtp_reset(struct smtp *s)
{
	qenv_free(&s->env);
	qenv_init(&s->env);
	s->mail = 0;
	s->utf8 = 0;
	s->rcpt_tried = 0;
}

void
smtp_reset_all(struct smtp *s)
{
	smtp_reset(s);
	s->ehlo = 0;
	s->helo[0] = '\0';
	s->authed = 0;
	s->user[0] = '\0';
}

void
smtp_log_reject(struct smtp *s, const char *what, const char *why)
{
	struct logrec r;

	log_begin(&r, "reject");
	log_str(&r, "ip", s->c->remote_ip);
	log_str(&r, "what", what);
	log_str(&r, "reason", why);
	log_end(&r);
}

static int
dispatch(struct smtp *s, char *p, size_t n, size_t raw_len)
{
	const struct command *c;
	size_t i, w = 0;

	while (w < n && p[w] != ' ')
		w++;
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		c = &commands[i];
		if (!str_case_eq(p, w, c->name, strlen(c->name)))
			continue;
		if (c->fn != smtp_cmd_auth && raw_len > SMTP_CMD_MAX)
			return smtp_bad(s, "500 5.5.2 line too long");
		return c->fn(s, p + w + (w < n));
	}
	if (raw_len > SMTP_CMD_MAX)
		return smtp_bad(s, "500 5.5.2 line too long");
	return smtp_bad(s, "500 5.5.1 command unrecognized");
}

static const char *
eof_reason(struct smtp *s, int r)
{
	if (r == 0 || s->io->err == IO_EOF)
		return "eof";
	return s->io->err == IO_TIMEOUT ? "timeout" : "io-error";
}

/* 1 when the session ends. */
static int
one_command(struct smtp *s)
{
	static char buf[SMTP_AUTH_LINE_MAX + 1];
	struct line ln;
	int r;

	r = line_read(s->io, buf, sizeof buf, &ln);
	if (r <= 0) {
		s->end = eof_reason(s, r);
		if (s->io->err == IO_TIMEOUT) {
			smtp_reply(s, "421 4.4.2 %s idle timeout, closing "
			    "connection", s->c->me);
			io_flush(s->io);
		}
		return 1;
	}
	if (ln.flags & LINE_TOO_LONG)
		r = smtp_bad(s, "500 5.5.2 line too long");
	else if (ln.flags & LINE_NUL)
		r = smtp_bad(s, "500 5.5.2 NUL byte in command refused");
	else if (!line_is_strict(&ln))
		r = smtp_bad(s, "500 5.5.2 command lines must end with CRLF; "
		    "bare CR or LF refused");
	else
		r = dispatch(s, ln.s, ln.len, ln.raw_len);
	mem_wipe(buf, ln.len);
	if (io_pending(s->io) == 0 || r != 0)
		io_flush(s->io);
	return r != 0 || s->io->err == IO_ERROR || s->io->err == IO_TIMEOUT;
}

static void
log_event(struct smtp *s, const char *event)
{
	struct logrec r;

	log_begin(&r, event);
	log_str(&r, "ip", s->c->remote_ip);
	if (strcmp(event, "connect") == 0) {
		if (s->c->remote_host[0] != '\0')
			log_str(&r, "host", s->c->remote_host);
	} else {
		log_str(&r, "end", s->end ? s->end : "quit");
		log_num(&r, "accepted", s->accepted);
		log_num(&r, "errors", s->errors);
	}
	log_end(&r);
}

static int
start_implicit_tls(struct smtp *s)
{
	s->tls = tls_server_start_logged(s->io, s->c->root, s->c->remote_ip);
	return s->tls != NULL ? 0 : -1;
}

int
smtp_session(struct io *io, const struct smtp_conf *c)
{
	struct smtp s;
	int code = 0;

	memset(&s, 0, sizeof s);
	s.c = c;
	s.io = io;
	qenv_init(&s.env);
	log_event(&s, "connect");
	if (c->implicit_tls && start_implicit_tls(&s) < 0)
		return 69;
	/* the slot stays held until this process exits */
	if (c->max_sessions > 0 && slot_take(c->root, "smtp",
	    c->max_sessions) < 0 && errno == EBUSY) {
		smtp_reply(&s, "421 4.7.0 %s too many connections, try again "
		    "later", c->me);
		io_flush(io);
		s.end = "too-many-sessions";
		log_event(&s, "disconnect");
		return 75;
	}
	smtp_reply(&s, "220 %s ESMTP mailkit", c->me);
	io_flush(io);
	while (!one_command(&s))
		;
	log_event(&s, "disconnect");
	if (s.end != NULL && strcmp(s.end, "timeout") == 0)
		code = 75;
	qenv_free(&s.env);
	if (s.tls != NULL)
		tls_end(s.tls);
	return code;
}
