/* smtp_data: DATA, read line by line with line.h: only CRLF "." CRLF ends
 * the message; a bare CR, bare LF, NUL or an over-long line spoils it, and
 * the refusal comes after the end, with nothing queued.  See
 * include/smtp_session.h. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "inject.h"
#include "line.h"
#include "log.h"
#include "smtp_received.h"
#include "smtp_session.h"
#include "str.h"
#include "tls.h"

#define HEADER_BUFFER_MAX	65536
#define RECEIVED_MAX		100

struct data {
	struct qnew q;
	uint64_t max;
	struct buf hdr;		/* the header block until its end */
	int in_hdr;
	unsigned received;
	const char *bad;	/* the reply after the end, or NULL */
	char qid[QID_MAX];
};

static int
put(struct data *d, const void *p, size_t n)
{
	if (d->bad != NULL)
		return 0;
	if (queue_new_write(&d->q, p, n, d->max) == 0)
		return 0;
	d->bad = errno == EFBIG ? "552 5.3.4 message too big" :
	    "451 4.3.0 cannot write the message";
	return -1;
}

/* The header block is complete: add what an authenticated submission
 * lacks, then write it out. */
static void
end_header(struct smtp *s, struct data *d)
{
	struct inject_hdr h = { s->c->me, d->q.id, NULL, NULL, "\r\n",
	    time(NULL) };
	struct buf add = BUF_INIT;

	d->in_hdr = 0;
	if (s->authed && inject_headers(d->hdr.s, d->hdr.len, &h, &add) < 0)
		d->bad = "451 4.3.0 out of memory";
	put(d, d->hdr.s, d->hdr.len);
	put(d, add.s, add.len);
	buf_free(&add);
	buf_free(&d->hdr);
}

static void
header_line(struct smtp *s, struct data *d, const char *p, size_t n)
{
	if (n == 0) {
		end_header(s, d);
		put(d, "\r\n", 2);
		return;
	}
	if (str_case_prefix(p, n, "Received:") && ++d->received >
	    RECEIVED_MAX && d->bad == NULL)
		d->bad = "554 5.4.6 too many Received: fields, mail loop";
	if (buf_add(&d->hdr, p, n) < 0 || buf_add(&d->hdr, "\r\n", 2) < 0)
		d->bad = d->bad ? d->bad : "451 4.3.0 out of memory";
	if (d->hdr.len > HEADER_BUFFER_MAX)
		end_header(s, d);
}

static void
body_line(struct smtp *s, struct data *d, struct line *ln)
{
	const char *p = ln->s;
	size_t n = ln->len;

	if (d->bad != NULL)
		return;
	if (ln->flags & LINE_NUL)
		d->bad = "554 5.6.0 NUL byte in message refused";
	else if (ln->flags & LINE_TOO_LONG)
		d->bad = "500 5.5.2 line too long in message (limit 998 "
		    "octets)";
	else if (!line_is_strict(ln))
		d->bad = "554 5.6.2 bare CR or LF in message refused: lines "
		    "must end with CRLF";
	if (d->bad != NULL)
		return;
	if (n > 0 && p[0] == '.') {
		p++;
		n--;
	}
	if (d->in_hdr)
		header_line(s, d, p, n);
	else if (put(d, p, n) == 0)
		put(d, "\r\n", 2);
}

static int
write_received(struct smtp *s, struct data *d)
{
	char tlsinfo[128];
	struct received r;
	struct buf b = BUF_INIT;
	int rc;

	memset(&r, 0, sizeof r);
	r.helo = s->helo;
	r.ip = s->c->remote_ip;
	r.host = s->c->remote_host[0] ? s->c->remote_host : NULL;
	r.me = s->c->me;
	r.id = d->q.id;
	if (s->tls != NULL && str_fmt(tlsinfo, sizeof tlsinfo, "%s %s",
	    tls_version(s->tls), tls_cipher(s->tls)) == 0)
		r.tls = tlsinfo;
	r.auth = s->authed ? s->user : NULL;
	r.rcpt = s->env.nrcpt == 1 ? s->env.rcpt[0].addr : NULL;
	r.esmtp = s->ehlo == 2;
	r.utf8 = s->utf8;
	r.when = time(NULL);
	r.eol = "\r\n";
	rc = received_format(&r, &b) < 0 ? -1 : put(d, b.s, b.len);
	buf_free(&b);
	return rc;
}

static int
open_queue(struct smtp *s, struct data *d)
{
	if (queue_new(s->c->root, &d->q) == 0)
		return 0;
	if (queue_init(s->c->root) < 0 || queue_new(s->c->root, &d->q) < 0)
		return -1;
	return 0;
}

/* 1 at the end of the data, 0 for more, -1 when the client is gone. */
static int
read_line(struct smtp *s, struct data *d)
{
	static char buf[SMTP_DATA_LINE_MAX - 1];
	struct line ln;

	if (line_read(s->io, buf, sizeof buf, &ln) <= 0 ||
	    ln.end == LINE_END_EOF)
		return -1;
	if (ln.end == LINE_END_CRLF && ln.flags == 0 && ln.len == 1 &&
	    buf[0] == '.')
		return 1;
	body_line(s, d, &ln);
	return 0;
}

static void
log_accept(struct smtp *s, const struct data *d)
{
	struct logrec r;

	log_begin(&r, "accept");
	log_str(&r, "ip", s->c->remote_ip);
	log_str(&r, "qid", d->qid);
	log_str(&r, "from", s->env.sender);
	log_num(&r, "rcpts", s->env.nrcpt);
	log_num(&r, "size", d->q.size);
	if (s->authed)
		log_str(&r, "auth", s->user);
	if (s->tls != NULL)
		log_str(&r, "tls", tls_version(s->tls));
	log_end(&r);
}

static int
finish(struct smtp *s, struct data *d)
{
	char why[256];
	enum inject_result r;

	if (d->in_hdr)
		end_header(s, d);
	if (d->bad != NULL) {
		queue_new_abort(&d->q);
		smtp_log_reject(s, "data", d->bad);
		return smtp_bad(s, "%s", d->bad);
	}
	r = inject_commit(s->c->root, &d->q, &s->env, s->c->filter_timeout_ms,
	    why, sizeof why);
	/* the filter's output is a new queue file: report its ID */
	(void)str_copy(d->qid, sizeof d->qid, d->q.id);
	if (r == INJECT_OK) {
		log_accept(s, d);
		s->accepted++;
		return smtp_reply(s, "250 2.0.0 ok: queued as %s", d->qid), 0;
	}
	smtp_log_reject(s, "data", why);
	if (r == INJECT_TEMP)
		return smtp_reply(s, "451 4.3.0 %s", why), 0;
	return smtp_bad(s, "550 5.7.1 %s", why);
}

static int
precheck(struct smtp *s, const char *arg)
{
	if (*arg != '\0')
		return smtp_bad(s, "501 5.5.4 DATA takes no parameters");
	if (!s->mail)
		return smtp_bad(s, "503 5.5.1 need MAIL before DATA");
	if (s->env.nrcpt == 0 && s->rcpt_tried > 0)
		return smtp_bad(s, "554 5.5.1 no valid recipients");
	if (s->env.nrcpt == 0)
		return smtp_bad(s, "503 5.5.1 need RCPT before DATA");
	return -1;
}

int
smtp_cmd_data(struct smtp *s, char *arg)
{
	struct data d;
	int r;

	if ((r = precheck(s, arg)) >= 0)
		return r;
	r = 0;
	memset(&d, 0, sizeof d);
	d.in_hdr = 1;
	if (open_queue(s, &d) < 0) {
		smtp_reply(s, "451 4.3.0 queue unavailable");
		smtp_reset(s);
		return 0;
	}
	(void)write_received(s, &d);
	if (__builtin_add_overflow(s->c->max_size, d.q.size, &d.max))
		d.max = 0;
	smtp_reply(s, "354 end data with <CR><LF>.<CR><LF>");
	if (io_pending(s->io) == 0 && io_flush(s->io) < 0)
		r = -1;
	while (r == -1 ? 0 : (r = read_line(s, &d)) == 0)
		;
	if (r < 0) {
		queue_new_abort(&d.q);
		buf_free(&d.hdr);
		smtp_log_reject(s, "data", "connection lost during DATA");
		s->end = s->io->err == IO_TIMEOUT ? "timeout" : "eof";
		if (s->io->err == IO_TIMEOUT)
			smtp_reply(s, "421 4.4.2 %s timeout during DATA",
			    s->c->me);
		return 1;
	}
	r = finish(s, &d);
	buf_free(&d.hdr);
	smtp_reset(s);
	return r;
}
