/* received: the Received: field and RFC 5322 dates; see
 * include/smtp_received.h. */
#include <string.h>
#include <time.h>

#include "smtp_received.h"
#include "str.h"

int
received_date(time_t t, char *out, size_t size)
{
	static const char days[][4] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char months[][4] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	long off;

	if (localtime_r(&t, &tm) == NULL)
		return -1;
	off = tm.tm_gmtoff / 60;
	return str_fmt(out, size, "%s, %d %s %d %02d:%02d:%02d %c%02ld%02ld",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60,
	    (off < 0 ? -off : off) % 60);
}

/* Client-supplied text, made safe for a header comment. */
static void
clean(const char *in, char *out, size_t size, int space)
{
	size_t i, j = 0;

	for (i = 0; in[i] != '\0' && j + 1 < size && i < 64; i++) {
		unsigned char c = (unsigned char)in[i];
		int ok = (c > ' ' || (space && c == ' ')) && c < 0x7f &&
		    c != '(' && c != ')' && c != '\\';

		out[j++] = ok ? (char)c : '_';
	}
	out[j] = '\0';
}

static const char *
with(const struct received *r)
{
	static const char *const k[] = { "ESMTP", "ESMTPA", "ESMTPS",
	    "ESMTPSA", "UTF8SMTP", "UTF8SMTPA", "UTF8SMTPS", "UTF8SMTPSA" };

	if (!r->esmtp)
		return "SMTP";
	return k[(r->utf8 ? 4 : 0) + (r->tls ? 2 : 0) + (r->auth ? 1 : 0)];
}

static int
from_part(const struct received *r, struct buf *out)
{
	char helo[72], host[72];

	if (r->helo == NULL)
		return buf_addf(out, "Received: (mailkit invoked by uid %u)%s",
		    r->uid, r->eol);
	clean(r->helo, helo, sizeof helo, 0);
	clean(r->host ? r->host : "", host, sizeof host, 0);
	return buf_addf(out, "Received: from %s (%s%s[%s])%s\tby %s (mailkit) "
	    "with %s id %s%s", helo, host, *host ? " " : "", r->ip, r->eol,
	    r->me, with(r), r->id, r->eol);
}

int
received_format(const struct received *r, struct buf *out)
{
	char date[64], v[72];

	if (received_date(r->when, date, sizeof date) < 0 ||
	    from_part(r, out) < 0)
		return -1;
	if (r->helo == NULL)
		return buf_addf(out, "\tby %s (mailkit) id %s; %s%s", r->me,
		    r->id, date, r->eol);
	if (r->tls != NULL) {
		clean(r->tls, v, sizeof v, 1);
		if (buf_addf(out, "\t(%s)%s", v, r->eol) < 0)
			return -1;
	}
	if (r->auth != NULL && buf_addf(out, "\t(authenticated sender %s)%s",
	    r->auth, r->eol) < 0)
		return -1;
	if (r->rcpt != NULL && buf_addf(out, "\tfor <%s>%s", r->rcpt,
	    r->eol) < 0)
		return -1;
	return buf_addf(out, "\t; %s%s", date, r->eol);
}
