/* dsn_write: the RFC 3464 multipart/report message; see include/dsn.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dsn.h"
#include "header.h"
#include "str.h"

int
dsn_date(time_t t, char *out, size_t size)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(out, size, "%a, %d %b %Y %H:%M:%S %z", &tm) == 0)
		return -1;
	return 0;
}

static int
contains(const char *p, size_t n, const char *s)
{
	return memmem(p, n, s, strlen(s)) != NULL;
}

static int
make_boundary(const struct dsn *d, const char *msg, size_t n, char *b,
    size_t size)
{
	unsigned i;

	for (i = 0; i < 100; i++) {
		if (str_fmt(b, size, "=_mailkit_%lld_%ld_%u",
		    (long long)d->now, (long)getpid(), (unsigned)random()) < 0)
			return -1;
		if (!contains(msg, n, b))
			return 0;
	}
	return -1;
}

static int
add_date_field(struct buf *o, const char *name, time_t t)
{
	char date[64];

	if (t <= 0)
		return 0;
	if (dsn_date(t, date, sizeof date) < 0)
		return -1;
	return buf_addf(o, "%s: %s\n", name, date);
}

static int
top_header(const struct dsn *d, const char *bnd, struct buf *o)
{
	if (buf_addf(o, "From: Mail Delivery System <MAILER-DAEMON@%s>\n",
	    d->me) < 0 ||
	    (d->to[0] ? buf_addf(o, "To: <%s>\n", d->to) :
	    buf_addf(o, "To: <postmaster@%s>\n", d->me)) < 0 ||
	    buf_addf(o, "Subject: %s\n", d->warn ?
	    "Delayed Mail (still being retried)" :
	    "Undelivered Mail Returned to Sender") < 0 ||
	    add_date_field(o, "Date", d->now) < 0 ||
	    buf_addf(o, "Message-ID: <%lld.%ld.%u.dsn@%s>\n",
	    (long long)d->now, (long)getpid(), (unsigned)random(), d->me) < 0)
		return -1;
	return buf_addf(o, "Auto-Submitted: auto-replied\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status;\n"
	    "\tboundary=\"%s\"\n\n"
	    "This is a MIME-encapsulated delivery status notification.\n\n",
	    bnd);
}

/* The diagnostic's text without its "type; " prefix. */
static const char *
diag_text(const char *diag)
{
	const char *semi = strstr(diag, "; ");

	if (semi != NULL && (size_t)(semi - diag) < 20 &&
	    strcspn(diag, " ") > (size_t)(semi - diag))
		return semi + 2;
	return diag;
}

/* text as lines of at most 72 columns, each after four spaces. */
static int
add_wrapped(struct buf *o, const char *text)
{
	size_t len = strlen(text), start = 0, end, brk;

	while (start < len) {
		end = start + 68 < len ? start + 68 : len;
		brk = end;
		if (end < len) {
			while (brk > start && text[brk] != ' ')
				brk--;
			if (brk == start)
				brk = end;
		}
		if (buf_addf(o, "    %.*s\n", (int)(brk - start),
		    text + start) < 0)
			return -1;
		start = brk;
		while (start < len && text[start] == ' ')
			start++;
	}
	return 0;
}

static int
human_part(const struct dsn *d, const char *bnd, struct buf *o)
{
	size_t i;

	if (buf_addf(o, "--%s\nContent-Description: Notification\n"
	    "Content-Type: text/plain; charset=us-ascii\n\n"
	    "This is the mail system at host %s.\n\n", bnd, d->me) < 0)
		return -1;
	if (buf_adds(o, d->warn ?
	    "Your message has not been delivered yet to the recipients\n"
	    "listed below. The mail system will keep trying; you do not need\n"
	    "to send it again. You will be told if it finally fails.\n\n" :
	    "I'm sorry to have to tell you that your message could not be\n"
	    "delivered to one or more recipients. It is attached below.\n"
	    "If you need help, please forward this message to your mail\n"
	    "administrator (postmaster).\n\n") < 0)
		return -1;
	for (i = 0; i < d->n; i++) {
		if (buf_addf(o, "<%s>:\n", d->r[i].rcpt) < 0 ||
		    add_wrapped(o, dsn_explain(d->r[i].status)) < 0)
			return -1;
		if (d->r[i].remote[0] && buf_addf(o,
		    "    The mail server %s said: %s\n", d->r[i].remote,
		    diag_text(d->r[i].diag)) < 0)
			return -1;
		if (!d->r[i].remote[0] && buf_addf(o,
		    "    Reason: %s\n", diag_text(d->r[i].diag)) < 0)
			return -1;
		if (buf_addc(o, '\n') < 0)
			return -1;
	}
	return 0;
}

/* "smtp; ..." stays; bare text gets a type. */
static int
add_diag(struct buf *o, const char *diag)
{
	if (diag_text(diag) != diag)
		return buf_addf(o, "Diagnostic-Code: %s\n", diag);
	if (diag[0] >= '2' && diag[0] <= '5' && strspn(diag, "0123456789") == 3)
		return buf_addf(o, "Diagnostic-Code: smtp; %s\n", diag);
	return buf_addf(o, "Diagnostic-Code: X-mailkit; %s\n", diag);
}

static int
status_part(const struct dsn *d, const char *bnd, struct buf *o)
{
	const struct dsn_rcpt *r;
	size_t i;

	if (buf_addf(o, "--%s\nContent-Description: Delivery report\n"
	    "Content-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; %s\n", bnd, d->me) < 0 ||
	    (d->envid && buf_addf(o, "X-Mailkit-Queue-ID: %s\n",
	    d->envid) < 0) ||
	    add_date_field(o, "Arrival-Date", d->arrival) < 0)
		return -1;
	for (i = 0; i < d->n; i++) {
		r = &d->r[i];
		if (buf_addf(o, "\nFinal-Recipient: rfc822; %s\n"
		    "Action: %s\nStatus: %s\n", r->rcpt,
		    d->warn ? "delayed" : r->status[0] == '2' ? "delivered" :
		    "failed", r->status) < 0 ||
		    (r->remote[0] && buf_addf(o, "Remote-MTA: dns; %s\n",
		    r->remote) < 0) ||
		    add_diag(o, r->diag) < 0 ||
		    add_date_field(o, "Last-Attempt-Date",
		    r->last ? r->last : d->now) < 0)
			return -1;
	}
	return buf_addc(o, '\n');
}

/* Append msg with CRLF turned into LF, ending with a LF. */
static int
add_lf(struct buf *o, const char *p, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n') {
			if (buf_add(o, p + start, i - start) < 0)
				return -1;
			start = i + 1;
		}
	}
	if (buf_add(o, p + start, n - start) < 0)
		return -1;
	if (o->len > 0 && o->s[o->len - 1] != '\n')
		return buf_addc(o, '\n');
	return 0;
}

static int
has_8bit(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] >= 0x80)
			return 1;
	return 0;
}

static int
original_part(const struct dsn *d, const char *bnd, const char *msg,
    size_t n, struct buf *o)
{
	int full = n <= d->full_max;
	size_t len = full ? n : hdr_block_len(msg, n);

	if (len > d->full_max)	/* a header alone above the limit: cut */
		len = d->full_max;
	if (buf_addf(o, "--%s\nContent-Description: %s\n"
	    "Content-Type: %s\n%s\n", bnd,
	    full ? "Undelivered message" : "Undelivered message header",
	    full ? "message/rfc822" : "text/rfc822-headers",
	    has_8bit(msg, len) ? "Content-Transfer-Encoding: 8bit\n" : "") < 0)
		return -1;
	if (add_lf(o, msg, len) < 0)
		return -1;
	return buf_addf(o, "\n--%s--\n", bnd);
}

int
dsn_write(const struct dsn *d, const char *msg, size_t n, struct buf *out)
{
	char bnd[96];

	if (make_boundary(d, msg, n, bnd, sizeof bnd) < 0)
		return -1;
	if (top_header(d, bnd, out) < 0 || human_part(d, bnd, out) < 0 ||
	    status_part(d, bnd, out) < 0 ||
	    original_part(d, bnd, msg, n, out) < 0)
		return -1;
	return 0;
}
