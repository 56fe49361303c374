/* mime_words: RFC 2047 encoded words in header values; see mime.h. */
#include <string.h>

#include "mime.h"
#include "str.h"

/* Decode one "=?cs?X?text?=" at p; its length, or 0 when it is none. */
static size_t
one_word(const char *p, size_t n, struct buf *out, int *err)
{
	const char *q1, *q2, *end;
	char cs[64];
	struct buf raw = BUF_INIT;
	size_t i, cl;
	int r;

	if (n < 8 || p[0] != '=' || p[1] != '?')
		return 0;
	q1 = memchr(p + 2, '?', n - 2);
	if (q1 == NULL || q1 + 3 >= p + n || q1[2] != '?')
		return 0;
	q2 = q1 + 3;
	end = NULL;
	for (i = (size_t)(q2 - p); i + 1 < n; i++)
		if (p[i] == '?' && p[i + 1] == '=') {
			end = p + i;
			break;
		}
	if (end == NULL)
		return 0;
	cl = (size_t)(q1 - p - 2);
	if (cl == 0 || cl >= sizeof cs)
		return 0;
	memcpy(cs, p + 2, cl);
	cs[cl] = '\0';
	str_lower(cs, cl);
	if (memchr(cs, '*', cl))	/* RFC 2231 language suffix */
		*(char *)memchr(cs, '*', cl) = '\0';
	if (q1[1] == 'B' || q1[1] == 'b')
		r = mime_b64_decode(q2, (size_t)(end - q2), &raw);
	else if (q1[1] == 'Q' || q1[1] == 'q') {
		r = 0;
		for (i = 0; r == 0 && q2 + i < end; i++)
			r = buf_addc(&raw, q2[i] == '_' ? ' ' : q2[i]);
		if (r == 0) {
			struct buf dq = BUF_INIT;
			r = mime_qp_decode(raw.s, raw.len, &dq);
			buf_free(&raw);
			raw = dq;
		}
	} else
		return 0;
	if (r == 0)
		r = mime_to_utf8(cs, raw.s ? raw.s : "", raw.len, out);
	buf_free(&raw);
	if (r < 0)
		*err = 1;
	return (size_t)(end + 2 - p);
}

int
mime_words_decode(const char *in, size_t n, struct buf *out)
{
	size_t i = 0, k, j;
	int err = 0, last_word = 0;

	while (i < n) {
		if (in[i] == '=' && (k = one_word(in + i, n - i, out, &err))) {
			if (err)
				return -1;
			i += k;
			last_word = 1;
			continue;
		}
		/* White space between two encoded words is dropped. */
		if (last_word && (in[i] == ' ' || in[i] == '\t' ||
		    in[i] == '\r' || in[i] == '\n')) {
			for (j = i; j < n && (in[j] == ' ' || in[j] == '\t' ||
			    in[j] == '\r' || in[j] == '\n'); j++)
				;
			if (j + 1 < n && in[j] == '=' && in[j + 1] == '?') {
				i = j;
				continue;
			}
		}
		last_word = 0;
		if (buf_addc(out, in[i++]) < 0)
			return -1;
	}
	return 0;
}
