/* inject_addrlist: the addresses of an RFC 5322 address list; see
 * include/inject.h. */
#include <string.h>

#include "inject.h"

struct alist {
	struct buf plain;	/* text outside comments and <> */
	struct buf angle;	/* text inside <> */
	int has_angle;
};

static int
emit(struct alist *a, int (*fn)(void *, const char *, size_t), void *arg)
{
	struct buf *b = a->has_angle ? &a->angle : &a->plain;
	const char *p = b->s ? b->s : "";
	size_t n = b->len;
	int r = 0;

	while (n > 0 && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++, n--;
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' ||
	    p[n - 1] == '\r' || p[n - 1] == '\n'))
		n--;
	if (n > 0)
		r = fn(arg, p, n);
	buf_truncate(&a->plain, 0);
	buf_truncate(&a->angle, 0);
	a->has_angle = 0;
	return r;
}

int
inject_addrlist(const char *v, size_t n,
    int (*fn)(void *arg, const char *addr, size_t len), void *arg)
{
	struct alist a = { BUF_INIT, BUF_INIT, 0 };
	int quote = 0, angle = 0, comment = 0, r = 0;
	size_t i;

	for (i = 0; i < n && r == 0; i++) {
		char c = v[i];
		struct buf *b = angle ? &a.angle : &a.plain;

		if (quote) {
			if (c == '\\' && i + 1 < n)
				r = buf_addc(b, c) < 0 ? -1 : buf_addc(b, v[++i]);
			else {
				quote = c != '"';
				r = buf_addc(b, c);
			}
		} else if (comment) {
			if (c == '\\' && i + 1 < n)
				i++;
			else
				comment += c == '(' ? 1 : c == ')' ? -1 : 0;
		} else if (c == '(') {
			comment = 1;
		} else if (c == '"') {
			quote = 1;
			r = buf_addc(b, c);
		} else if (c == '<' && !angle) {
			angle = 1;
			a.has_angle = 1;
			buf_truncate(&a.angle, 0);
		} else if (c == '>' && angle) {
			angle = 0;
		} else if (!angle && c == ':') {
			buf_truncate(&a.plain, 0);	/* a group's name */
		} else if (!angle && (c == ',' || c == ';')) {
			r = emit(&a, fn, arg);
		} else {
			r = buf_addc(b, c);
		}
	}
	if (r == 0)
		r = emit(&a, fn, arg);
	buf_free(&a.plain);
	buf_free(&a.angle);
	return r;
}
