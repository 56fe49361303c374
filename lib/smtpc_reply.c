/* smtpc_reply: reading and parsing SMTP replies; see include/smtpc.h. */
#include <string.h>

#include "line.h"
#include "smtpc.h"
#include "str.h"

int
smtpc_parse_line(const char *s, size_t n, int *code, int *more)
{
	if (n < 3 || s[0] < '2' || s[0] > '5' || s[1] < '0' || s[1] > '9' ||
	    s[2] < '0' || s[2] > '9')
		return -1;
	if (n > 3 && s[3] != ' ' && s[3] != '-')
		return -1;
	*code = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	*more = n > 3 && s[3] == '-';
	return 0;
}

/* "d.d.d" at the start of s with the reply's class; its length or 0. */
static size_t
enhanced_len(const char *s, int code)
{
	size_t i = 0, digits;
	int part;

	if (s[0] != '0' + code / 100 || s[1] != '.')
		return 0;
	for (part = 0; part < 3; part++) {
		if (part > 0 && s[i++] != '.')
			return 0;
		for (digits = 0; s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
		if (digits == 0 || digits > 3)
			return 0;
	}
	return s[i] == ' ' || s[i] == '\0' ? i : 0;
}

void
smtpc_status(struct smtpc_reply *r)
{
	const char *t = strlen(r->text) > 4 ? r->text + 4 : "";
	size_t n = enhanced_len(t, r->code);

	if (n > 0 && n < sizeof r->status)
		str_copyn(r->status, sizeof r->status, t, n);
	else
		str_fmt(r->status, sizeof r->status, "%d.0.0",
		    r->code >= 200 && r->code < 600 ? r->code / 100 : 4);
}

void
smtpc_broken(struct smtpc *c, const char *why)
{
	c->last.code = 0;
	str_copy(c->last.status, sizeof c->last.status, "4.4.2");
	str_fmt(c->last.text, sizeof c->last.text, "%s", why);
}

int
smtpc_read_reply(struct smtpc *c, int timeout_ms,
    void (*fn)(struct smtpc *, const char *, size_t))
{
	char buf[1024];
	struct line ln;
	int code, first = -1, more = 1, lines = 0, r;

	c->io.timeout_ms = timeout_ms;
	while (more) {
		r = line_read(&c->io, buf, sizeof buf, &ln);
		if (r <= 0) {
			smtpc_broken(c, c->io.err == IO_TIMEOUT ?
			    "timeout waiting for the server's reply" :
			    "connection closed by the server");
			return -1;
		}
		ln.len = str_rtrim(buf, ln.len);
		if ((ln.flags & LINE_NUL) || ++lines > SMTPC_LINES_MAX ||
		    smtpc_parse_line(buf, ln.len, &code, &more) < 0 ||
		    (first >= 0 && code != first)) {
			smtpc_broken(c, lines > SMTPC_LINES_MAX ?
			    "reply with too many lines" :
			    "server did not speak SMTP");
			return -1;
		}
		if (first < 0) {
			first = code;
			c->last.code = code;
			str_copyn(c->last.text, sizeof c->last.text, buf,
			    ln.len < sizeof c->last.text ? ln.len :
			    sizeof c->last.text - 1);
		}
		if (fn != NULL)
			fn(c, buf, ln.len);
	}
	smtpc_status(&c->last);
	return c->last.code;
}
