/* log: key=value event lines on stderr; see include/log.h. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "log.h"

static char program[64] = "mailkit";

void
log_set_program(const char *name)
{
	size_t n = strlen(name);

	if (n >= sizeof program)
		n = sizeof program - 1;
	memcpy(program, name, n);
	program[n] = '\0';
}

const char *
log_program(void)
{
	return program;
}

/* Append, or mark the record truncated: once cut, nothing more goes in,
 * so a record is cut at its end, never in the middle. */
static int
put(struct logrec *r, const char *p, size_t n)
{
	/* keep room for a closing quote and " trunc=1\n" */
	if (r->truncated || r->len + n > sizeof r->s - 10) {
		r->truncated = 1;
		return -1;
	}
	memcpy(r->s + r->len, p, n);
	r->len += n;
	return 0;
}

/* " key=" and, when it fits whole, an unquoted value; all or nothing. */
static int
put_field(struct logrec *r, const char *key, const char *v, size_t n)
{
	size_t start = r->len;

	if (put(r, " ", 1) < 0 || put(r, key, strlen(key)) < 0 ||
	    put(r, "=", 1) < 0 || put(r, v, n) < 0) {
		r->len = start;
		return -1;
	}
	return 0;
}

static int
needs_quotes(const char *v, size_t n)
{
	size_t i;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c <= ' ' || c >= 127 || c == '"' || c == '=' || c == '\\')
			return 1;
	}
	return 0;
}

void
log_mem(struct logrec *r, const char *key, const char *v, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char esc[4];
	size_t i;

	if (r->truncated)
		return;
	/* a plain value too long for the line is written quoted and cut */
	if (!needs_quotes(v, n) && put_field(r, key, v, n) == 0)
		return;
	r->truncated = 0;
	if (put_field(r, key, "\"", 1) < 0)
		return;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		int k;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			k = put(r, esc, 2);
		} else if (c < ' ' || c >= 127) {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[c >> 4];
			esc[3] = hex[c & 15];
			k = put(r, esc, 4);
		} else {
			k = put(r, (const char *)&c, 1);
		}
		if (k < 0)
			break;
	}
	/* put() always leaves room for this quote */
	r->s[r->len++] = '"';
}

void
log_str(struct logrec *r, const char *key, const char *value)
{
	log_mem(r, key, value ? value : "", value ? strlen(value) : 0);
}

void
log_num(struct logrec *r, const char *key, uint64_t value)
{
	char s[24];
	int n = snprintf(s, sizeof s, "%llu", (unsigned long long)value);

	(void)put_field(r, key, s, (size_t)n);
}

void
log_begin(struct logrec *r, const char *event)
{
	char pid[24];
	int n;

	r->len = 0;
	r->truncated = 0;
	put(r, "prog=", 5);
	put(r, program, strlen(program));
	n = snprintf(pid, sizeof pid, " pid=%ld", (long)getpid());
	put(r, pid, (size_t)n);
	log_str(r, "event", event);
}

void
log_end(struct logrec *r)
{
	if (r->truncated) {
		memcpy(r->s + r->len, " trunc=1", 8);
		r->len += 8;
	}
	r->s[r->len++] = '\n';
	(void)fd_write_all(2, r->s, r->len);
}
