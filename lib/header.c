/* header: RFC 5322 header fields; see include/header.h. */
#include <string.h>

#include "header.h"
#include "str.h"

/* Length of the line at p (through its LF, or to the end). */
static size_t
line_span(const char *p, size_t n)
{
	const char *lf = memchr(p, '\n', n);

	return lf ? (size_t)(lf - p) + 1 : n;
}

static int
is_blank_line(const char *p, size_t n)
{
	return (n >= 1 && p[0] == '\n') || (n >= 2 && p[0] == '\r' &&
	    p[1] == '\n') || (n == 1 && p[0] == '\r');
}

static size_t
strip_eol(const char *p, size_t n)
{
	if (n && p[n - 1] == '\n')
		n--;
	if (n && p[n - 1] == '\r')
		n--;
	return n;
}

int
hdr_next(const char *p, size_t n, size_t *off, struct hdr_field *f)
{
	const char *s, *colon;
	size_t left, first, i, total;

	/* before any pointer arithmetic: an empty block may be (NULL, 0) */
	if (*off >= n)
		return 0;
	s = p + *off;
	left = n - *off;
	if (is_blank_line(s, left))
		return 0;
	first = line_span(s, left);
	colon = memchr(s, ':', strip_eol(s, first));
	if (colon == NULL || colon == s)
		return -1;
	for (i = 0; s + i < colon; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 32 || c >= 127)
			return -1;
	}
	total = first;
	while (total < left && (s[total] == ' ' || s[total] == '\t'))
		total += line_span(s + total, left - total);
	f->name = s;
	f->name_len = (size_t)(colon - s);
	f->value = colon + 1;
	f->value_len = strip_eol(s, total) - f->name_len - 1;
	f->raw_len = total;
	*off += total;
	return 1;
}

size_t
hdr_unfold(const char *v, size_t n, char *out, size_t size)
{
	size_t i, o = 0;
	int space = 0;

	if (size == 0)
		return 0;
	for (i = 0; i < n; i++) {
		char c = v[i];
		if (c == '\r' || c == '\n')
			continue;
		if (c == ' ' || c == '\t') {
			space = 1;
			continue;
		}
		/* a space only when the byte after it fits too: no trailing
		 * space, no words glued together */
		if (o + (space && o > 0) >= size - 1)
			break;
		if (space && o > 0)
			out[o++] = ' ';
		space = 0;
		out[o++] = c;
	}
	out[o] = '\0';
	return o;
}

int
hdr_name_is(const struct hdr_field *f, const char *name)
{
	return str_case_eq(f->name, f->name_len, name, strlen(name));
}

int
hdr_find(const char *p, size_t n, const char *name, struct hdr_field *f)
{
	size_t off = 0;

	while (hdr_next(p, n, &off, f) == 1)
		if (hdr_name_is(f, name))
			return 1;
	return 0;
}

size_t
hdr_block_len(const char *p, size_t n)
{
	size_t off = 0, k;

	while (off < n) {
		k = line_span(p + off, n - off);
		if (is_blank_line(p + off, k))
			return off + k;
		off += k;
	}
	return n;
}

/* Move one line (through its LF, or what there is before EOF or max) from
 * io to b.  1 a whole line, 0 EOF or max first, -1 error. */
static int
take_line(struct io *io, struct buf *b, size_t max)
{
	const char *p, *lf;
	size_t avail, k;
	int r;

	for (;;) {
		r = io_fill(io);
		if (r <= 0)
			return r;
		p = io->in + io->in_pos;
		avail = io->in_len - io->in_pos;
		lf = memchr(p, '\n', avail);
		k = lf ? (size_t)(lf - p) + 1 : avail;
		if (k > max - b->len)
			k = max - b->len;
		if (buf_add(b, p, k) < 0)
			return -1;
		io->in_pos += k;
		if (lf && p + k > lf)
			return 1;
		if (b->len >= max)
			return 0;
	}
}

int
hdr_read_block(struct io *io, struct buf *b, size_t max)
{
	size_t start;
	int r;

	/* Line by line, so the body stays in io untouched. */
	while (b->len < max) {
		start = b->len;
		r = take_line(io, b, max);
		if (r <= 0)
			return r;
		if (is_blank_line(b->s + start, b->len - start))
			return 1;
	}
	return 0;
}
