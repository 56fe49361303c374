/* lfcopy: CRLF -> LF copy with optional mboxrd quoting; see
 * include/lfcopy.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "io.h"
#include "lfcopy.h"

#define CHUNK 65536

static const char from_[] = "From ";

void
lfstate_init(struct lfstate *s, unsigned flags)
{
	s->line_start = 1;
	s->cr = 0;
	s->gt = 0;
	s->from = 0;
	s->last_lf = 0;
	s->flags = flags;
}

/* Leave the line-start prefix state: give back the part of "From " that
 * was held while we could not yet tell.  (A run of '>' is written as it
 * comes: the extra '>' that quoting adds may as well go at its end.) */
static int
flush_prefix(struct lfstate *s, struct buf *out)
{
	int r = 0;

	if (s->from > 0) {
		r = buf_add(out, from_, s->from);
		s->last_lf = 0;
	}
	s->line_start = 0;
	s->gt = 0;
	s->from = 0;
	return r;
}

static int
emit(struct lfstate *s, char c, struct buf *out)
{
	if (buf_addc(out, c) < 0)
		return -1;
	s->last_lf = c == '\n';
	s->line_start = c == '\n';	/* so lfconvert copies the rest whole */
	if (c == '\n') {
		s->gt = 0;
		s->from = 0;
	}
	return 0;
}

/* One byte at the start of a line in mboxrd mode. */
static int
prefix_byte(struct lfstate *s, char c, struct buf *out)
{
	if (s->from == 0 && c == '>') {
		s->gt++;
		s->last_lf = 0;
		return buf_addc(out, '>');
	}
	if (c == from_[s->from]) {
		if (++s->from < 5)
			return 0;
		s->from = 0;
		s->line_start = 0;
		s->last_lf = 0;
		return buf_add(out, ">From ", 6);
	}
	if (flush_prefix(s, out) < 0)
		return -1;
	return emit(s, c, out);
}

static int
byte(struct lfstate *s, char c, struct buf *out)
{
	if (s->cr) {
		s->cr = 0;
		if (c != '\n') {
			/* a bare CR stays what it was */
			if ((s->line_start && (s->flags & LFCOPY_MBOXRD) &&
			    flush_prefix(s, out) < 0) || emit(s, '\r', out) < 0)
				return -1;
		}
	}
	if (c == '\r') {
		s->cr = 1;
		return 0;
	}
	if (s->line_start && (s->flags & LFCOPY_MBOXRD) && c != '\n')
		return prefix_byte(s, c, out);
	if (s->line_start && s->from > 0 && flush_prefix(s, out) < 0)
		return -1;
	return emit(s, c, out);
}

/* Length of the run at p that holds no CR and no LF. */
static size_t
plain_run(const char *p, size_t n)
{
	const char *lf = memchr(p, '\n', n), *cr;

	if (lf != NULL)
		n = (size_t)(lf - p);
	cr = memchr(p, '\r', n);
	return cr != NULL ? (size_t)(cr - p) : n;
}

int
lfconvert(struct lfstate *s, const char *p, size_t n, struct buf *out)
{
	size_t i = 0, k;

	while (i < n) {
		/* inside a line nothing changes until the next CR or LF:
		 * copy the run whole */
		if (!s->line_start && !s->cr) {
			k = plain_run(p + i, n - i);
			if (k > 0) {
				if (buf_add(out, p + i, k) < 0)
					return -1;
				s->last_lf = 0;
				i += k;
				continue;
			}
		}
		if (byte(s, p[i++], out) < 0)
			return -1;
	}
	return 0;
}

int
lfconvert_end(struct lfstate *s, struct buf *out)
{
	if (s->cr) {
		s->cr = 0;
		if (flush_prefix(s, out) < 0 || emit(s, '\r', out) < 0)
			return -1;
	}
	if (s->from > 0 && flush_prefix(s, out) < 0)
		return -1;
	if (!s->last_lf && emit(s, '\n', out) < 0)
		return -1;
	return 0;
}

int
lfcopy(const struct msgsrc *m, int fd, unsigned flags, uint64_t *written)
{
	struct buf out = BUF_INIT;
	struct lfstate s;
	char *chunk;
	off_t off = 0;
	ssize_t r = 0;
	int rc = -1;

	*written = 0;
	lfstate_init(&s, flags);
	chunk = malloc(CHUNK);
	if (chunk == NULL || buf_reserve(&out, CHUNK * 2) < 0)
		goto done;
	while ((r = msgsrc_pread(m, chunk, CHUNK, off)) > 0) {
		off += r;
		buf_truncate(&out, 0);
		if (lfconvert(&s, chunk, (size_t)r, &out) < 0 ||
		    fd_write_all(fd, out.s, out.len) < 0)
			goto done;
		*written += out.len;
	}
	if (r < 0)
		goto done;
	buf_truncate(&out, 0);
	if (lfconvert_end(&s, &out) < 0 || fd_write_all(fd, out.s, out.len) < 0)
		goto done;
	*written += out.len;
	rc = 0;
done:
	free(chunk);
	buf_free(&out);
	return rc;
}
