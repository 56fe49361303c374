/* pop3_stream: a stored message as a POP3 multi-line body, in constant
 * memory; see include/mailbox_read.h. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "mailbox_read.h"

#define IN_SIZE		(256 * 1024)
#define OUT_SIZE	(256 * 1024)

struct stream {
	struct io *io;
	int unquote;
	int bol;		/* at the beginning of a line */
	int cr_held;		/* a CR ended a partial line */
	int in_header;
	int64_t lines;		/* body lines still wanted; < 0: all */
	size_t out_len;
	char out[OUT_SIZE];
	char in[IN_SIZE];
};

/* Static: the stream buffers are the session's only large memory, and
 * one message is sent at a time. */
static struct stream st;

static int
out_flush(struct stream *s)
{
	size_t n = s->out_len;

	s->out_len = 0;
	return n ? io_write(s->io, s->out, n) : 0;
}

static int
emit(struct stream *s, const char *p, size_t n)
{
	if (s->out_len + n > OUT_SIZE) {
		if (out_flush(s) < 0)
			return -1;
		if (n > OUT_SIZE)
			return io_write(s->io, p, n);
	}
	memcpy(s->out + s->out_len, p, n);
	s->out_len += n;
	return 0;
}

/* ">>From " -> ">From " (mboxrd); 1 when the first '>' is to drop. */
static int
is_quoted_from(const char *p, size_t n)
{
	size_t k = 0;

	while (k < n && p[k] == '>')
		k++;
	return k > 0 && n - k >= 5 && memcmp(p + k, "From ", 5) == 0;
}

static int
line_start(struct stream *s, const char **p, size_t *n)
{
	if (s->unquote && *n > 0 && **p == '>' && is_quoted_from(*p, *n)) {
		(*p)++;
		(*n)--;
	}
	if (*n > 0 && **p == '.')
		return emit(s, ".", 1);
	return 0;
}

/* One piece of a line; complete when its LF was seen (not included). */
static int
put(struct stream *s, const char *p, size_t n, int complete)
{
	if (s->cr_held) {
		s->cr_held = 0;
		if (!(complete && n == 0) && emit(s, "\r", 1) < 0)
			return -1;
	}
	if (s->bol && line_start(s, &p, &n) < 0)
		return -1;
	if (!complete) {
		if (n > 0 && p[n - 1] == '\r') {
			s->cr_held = 1;
			n--;
		}
		s->bol = 0;
		return emit(s, p, n);
	}
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (s->in_header && s->bol && n == 0)
		s->in_header = 0;
	else if (!s->in_header && s->lines > 0)
		s->lines--;
	s->bol = 1;
	if (emit(s, p, n) < 0 || emit(s, "\r\n", 2) < 0)
		return -1;
	return 0;
}

/* The common case of RETR, inline: a whole line that needs only its
 * CRLF and fits the output buffer.  1 when done here. */
static inline int
plain_line(struct stream *s, const char *p, size_t n)
{
	if (s->lines >= 0 || s->cr_held || !s->bol ||
	    (n > 0 && (p[0] == '.' || p[0] == '>')) ||
	    s->out_len + n + 2 > OUT_SIZE)
		return 0;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	memcpy(s->out + s->out_len, p, n);
	s->out[s->out_len + n] = '\r';
	s->out[s->out_len + n + 1] = '\n';
	s->out_len += n + 2;
	return 1;
}

/* 1 when TOP has sent all it should. */
static int
done(const struct stream *s)
{
	return !s->in_header && s->lines == 0;
}

static ssize_t
fill(struct stream *s, size_t *len, int fd, uint64_t *off, uint64_t end)
{
	size_t want = IN_SIZE - *len;
	ssize_t r;

	if (end != UINT64_MAX && end - *off < want)
		want = (size_t)(end - *off);
	if (want == 0)
		return 0;
	do
		r = pread(fd, s->in + *len, want, (off_t)*off);
	while (r < 0 && errno == EINTR);
	if (r > 0) {
		*len += (size_t)r;
		*off += (uint64_t)r;
	}
	return r;
}

/* Complete lines of in[*pos, len): 0, 1 when done, -1 io error. */
static int
put_lines(struct stream *s, size_t *pos, size_t len)
{
	const char *lf;

	const char *p;
	size_t n;

	while (!done(s) &&
	    (lf = memchr(s->in + *pos, '\n', len - *pos)) != NULL) {
		p = s->in + *pos;
		n = (size_t)(lf - p);
		*pos += n + 1;
		if (plain_line(s, p, n))
			continue;
		if (put(s, p, n, 1) < 0)
			return -1;
	}
	return done(s);
}

static int
body(struct stream *s, int fd, uint64_t off, uint64_t end)
{
	size_t pos = 0, len = 0;
	ssize_t r;
	int d;

	for (;;) {
		if (pos > 0)
			memmove(s->in, s->in + pos, len - pos);
		len -= pos;
		pos = 0;
		r = fill(s, &len, fd, &off, end);
		if (r < 0 || (r == 0 && end != UINT64_MAX && off < end))
			return -1;
		d = put_lines(s, &pos, len);
		if (d != 0)
			return d < 0 ? -2 : 0;
		if (r == 0 || off == end) {
			if (pos < len && put(s, s->in + pos, len - pos, 0) < 0)
				return -2;
			return 0;
		}
		if (pos == 0 && len == IN_SIZE) {
			if (put(s, s->in, len, 0) < 0)
				return -2;
			pos = len;
		}
	}
}

int
pop3_stream(struct io *io, int fd, uint64_t off, uint64_t end, int unquote,
    int64_t lines)
{
	struct stream *s = &st;
	int r;

	s->io = io;
	s->unquote = unquote;
	s->bol = 1;
	s->cr_held = 0;
	s->in_header = lines >= 0;
	s->lines = lines;
	s->out_len = 0;
	r = body(s, fd, off, end);
	if (r == -1) {
		s->out_len = 0;
		return -1;
	}
	if (r == 0 && !s->bol && emit(s, "\r\n", 2) < 0)
		r = -2;
	if (r == 0 && emit(s, ".\r\n", 3) < 0)
		r = -2;
	if (out_flush(s) < 0)
		r = -2;
	return r;
}
