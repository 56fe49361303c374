/* line: the one line reader; see include/line.h. */
#include <string.h>

#include "line.h"

/* Scan bytes [p, p+n) of one line (no LF inside) for NUL and CR.  A CR
 * that is the last byte may be the CR of a CRLF: *cr_last tells the caller
 * so it can decide once it sees what follows. */
static unsigned
scan_flags(const char *p, size_t n, int *cr_last)
{
	unsigned f = 0;
	const char *c;

	if (memchr(p, '\0', n) != NULL)
		f |= LINE_NUL;
	*cr_last = 0;
	for (c = memchr(p, '\r', n); c != NULL;
	    c = memchr(c + 1, '\r', (size_t)(p + n - c - 1))) {
		if (c == p + n - 1)
			*cr_last = 1;
		else
			f |= LINE_BARE_CR;
	}
	return f;
}

static void
keep(struct line *ln, char *buf, size_t size, const char *p, size_t n)
{
	size_t room = size - 1 - ln->len;

	if (n > room) {
		ln->flags |= LINE_TOO_LONG;
		n = room;
	}
	memcpy(buf + ln->len, p, n);
	ln->len += n;
}

static int line_read_1(struct io *, char *, size_t, struct line *);

int
line_read(struct io *io, char *buf, size_t size, struct line *ln)
{
	int r;

	if (io->timeout_ms > 0)
		io_set_deadline(io, io->timeout_ms);
	r = line_read_1(io, buf, size, ln);
	io_set_deadline(io, 0);
	return r;
}

static int
line_read_1(struct io *io, char *buf, size_t size, struct line *ln)
{
	int pending_cr = 0, cr_last, r;
	const char *p, *lf;
	size_t n, seg;

	ln->s = buf;
	ln->len = ln->raw_len = 0;
	ln->flags = 0;
	ln->end = LINE_END_EOF;
	buf[0] = '\0';
	for (;;) {
		r = io_fill(io);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		p = io->in + io->in_pos;
		n = io->in_len - io->in_pos;
		lf = memchr(p, '\n', n);
		seg = lf ? (size_t)(lf - p) : n;
		/* a CR held back from the previous chunk was bare unless the
		 * LF comes right now */
		if (pending_cr && lf != p) {
			ln->flags |= LINE_BARE_CR;
			keep(ln, buf, size, "\r", 1);
			pending_cr = 0;
		}
		ln->flags |= scan_flags(p, seg, &cr_last);
		if (lf == p && pending_cr) {
			ln->end = LINE_END_CRLF;
			pending_cr = 0;
		} else if (lf) {
			ln->end = (seg > 0 && cr_last) ? LINE_END_CRLF
						       : LINE_END_LF;
			keep(ln, buf, size, p,
			    ln->end == LINE_END_CRLF ? seg - 1 : seg);
		} else {
			keep(ln, buf, size, p, cr_last ? seg - 1 : seg);
			pending_cr = cr_last;
		}
		ln->raw_len += lf ? seg + 1 : seg;
		io->in_pos += lf ? seg + 1 : seg;
		if (lf)
			break;
	}
	if (pending_cr) {
		/* the stream ended right after a CR */
		ln->flags |= LINE_BARE_CR;
		keep(ln, buf, size, "\r", 1);
	}
	buf[ln->len] = '\0';
	if (ln->raw_len == 0 && ln->end == LINE_END_EOF)
		return 0;
	return 1;
}

int
line_is_strict(const struct line *ln)
{
	return ln->end == LINE_END_CRLF &&
	    (ln->flags & (LINE_BARE_CR | LINE_NUL | LINE_TOO_LONG)) == 0;
}
