/* mbox_index: one pass over an mbox that finds its messages and their
 * unique ids; see include/mailbox_read.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fnv.h"
#include "mailbox_read.h"
#include "str.h"

#define IDX_BUF		(1u << 20)
#define CARRY		8
#define FROM_MAX	1000

enum state { S_BODY, S_HEADER };

struct scan {
	struct mbx *m;
	int fd;
	const char *buf;	/* into the mapped window */
	void *map;
	size_t map_len;
	size_t len;
	uint64_t base;		/* file offset of buf[0] */
	uint64_t size;
	int eof;
	enum state state;
	int long_line;		/* skipping the rest of an over-long line */
	int have_cur;		/* a message is open */
	int uid_done;
	uint64_t hash;
	size_t uidl_len;
	char uidl[MBX_UID_MAX + 1];
};

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "From sender Mon Nov 23 21:44:25 2026", also with a time zone or
 * "remote from" after it: starts "From ", has a time "hh:mm" and after
 * it a 4-digit year.  A body line that merely starts "From " rarely
 * has both. */
static int
from_line_ok(const char *p, size_t n)
{
	size_t i, t = 0;

	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n < 11 || n > FROM_MAX || memcmp(p, "From ", 5) != 0)
		return 0;
	for (i = 6; i + 2 < n && t == 0; i++)
		if (p[i] == ':' && is_digit(p[i - 1]) && is_digit(p[i + 1]) &&
		    is_digit(p[i + 2]))
			t = i;
	if (t == 0)
		return 0;
	for (i = t; i + 4 <= n; i++)
		if (p[i] == ' ' && is_digit(p[i + 1]) && is_digit(p[i + 2]) &&
		    is_digit(p[i + 3]) && is_digit(p[i + 4]) &&
		    (i + 5 == n || p[i + 5] == ' '))
			return 1;
	return 0;
}

static void
take_uidl(struct scan *s, const char *p, size_t n)
{
	size_t i;

	p += 7;
	n -= 7;
	while (n > 0 && (*p == ' ' || *p == '\t'))
		p++, n--;
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' ||
	    p[n - 1] == '\r' || p[n - 1] == '\n'))
		n--;
	if (n == 0 || n > MBX_UID_MAX)
		return;
	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x21 || (unsigned char)p[i] > 0x7e)
			return;
	memcpy(s->uidl, p, n);
	s->uidl_len = n;
}

static int
set_uid(struct scan *s)
{
	struct mbx *m = s->m;
	char hex[17];

	if (!s->have_cur || s->uid_done)
		return 0;
	s->uid_done = 1;
	if (s->uidl_len > 0)
		return mbx_add_name(m, s->uidl, s->uidl_len,
		    &m->msg[m->n - 1].uid);
	(void)str_fmt(hex, sizeof hex, "%016llx", (unsigned long long)s->hash);
	return mbx_add_name(m, hex, 16, &m->msg[m->n - 1].uid);
}

static int
end_message(struct scan *s, uint64_t end)
{
	struct mbx_msg *msg;

	if (!s->have_cur)
		return 0;
	if (set_uid(s) < 0)
		return -1;
	msg = &s->m->msg[s->m->n - 1];
	msg->end = end < msg->start ? msg->start : end;
	msg->size = msg->end - msg->start;
	s->have_cur = 0;
	return 0;
}

/* A From_ line at buf[c], its line ending just before buf[next]. */
static int
begin_message(struct scan *s, size_t c, size_t next)
{
	struct mbx_msg *msg;

	if (!s->have_cur && s->m->n == 0)
		s->m->prefix_end = s->base + c;
	if (mbx_add_msg(s->m, &msg) < 0)
		return -1;
	msg->from = s->base + c;
	msg->start = s->base + next;
	s->have_cur = 1;
	s->uid_done = 0;
	s->uidl_len = 0;
	s->hash = fnv1a(FNV1A_INIT, s->buf + c, next - c);
	s->state = S_HEADER;
	return 0;
}

/* Header lines from *p.  0: state changed; 1: more data needed. */
static int
header(struct scan *s, size_t *p)
{
	const char *line, *lf;
	size_t n;

	for (;;) {
		line = s->buf + *p;
		lf = memchr(line, '\n', s->len - *p);
		if (lf == NULL) {
			if (s->eof || s->len - *p > IDX_BUF / 2) {
				s->long_line = !s->eof;
				*p = s->len;
			}
			return 1;
		}
		n = (size_t)(lf - line);
		*p += n + 1;
		if (s->long_line) {
			s->long_line = 0;
			continue;
		}
		if (n == 0 || (n == 1 && line[0] == '\r')) {
			s->state = S_BODY;
			*p -= 2;	/* the body search needs "\n\n" */
			return set_uid(s) < 0 ? -1 : 0;
		}
		s->hash = fnv1a(s->hash, line, n + 1);
		if (s->uidl_len == 0 && n > 7 &&
		    str_case_prefix(line, n, "X-UIDL:"))
			take_uidl(s, line, n);
	}
}

/* The first "\n\nFrom " in p[0, n), or NULL.  A capital F is rare in
 * text, so memchr() for it outruns memmem() for the whole pattern. */
static const char *
find_from(const char *p, size_t n)
{
	const char *f = p + 2, *end = p + n;

	if (n < 7)
		return NULL;
	while ((f = memchr(f, 'F', (size_t)(end - f))) != NULL) {
		if (end - f >= 5 && f[-1] == '\n' && f[-2] == '\n' &&
		    memcmp(f, "From ", 5) == 0)
			return f - 2;
		if (end - f < 5)
			return NULL;
		f++;
	}
	return NULL;
}

/* Search the body from *p for "\n\nFrom ".  0: a new message began;
 * 1: more data needed. */
static int
body(struct scan *s, size_t *p)
{
	const char *hit, *lf;
	size_t c, next;

	for (;;) {
		hit = find_from(s->buf + *p, s->len - *p);
		if (hit == NULL) {
			if (s->len - *p > 6)
				*p = s->len - 6;
			if (s->eof)
				*p = s->len;
			return 1;
		}
		c = (size_t)(hit - s->buf) + 2;
		lf = memchr(s->buf + c, '\n', s->len - c);
		if (lf == NULL && !s->eof && s->len - c <= FROM_MAX) {
			*p = c - 2;
			return 1;
		}
		next = lf ? (size_t)(lf - s->buf) + 1 : s->len;
		if (!from_line_ok(s->buf + c, next - c - (lf != NULL))) {
			*p = c - 1;
			continue;
		}
		if (end_message(s, s->base + c - 1) < 0 ||
		    begin_message(s, c, next) < 0)
			return -1;
		*p = next;
		return 0;
	}
}

/* Map the next window of the file, keeping the bytes from *p - CARRY
 * on.  The file is read through a mapping of IDX_BUF bytes at a time (the
 * mbox lock is held, so nobody truncates it under us): no copy, and the
 * memory stays that of one window. */
static int
refill(struct scan *s, size_t *p)
{
	size_t keep = *p > CARRY ? *p - CARRY : 0;
	uint64_t from = s->base + keep, moff, mend;
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE);

	if (s->map != NULL)
		munmap(s->map, s->map_len);
	s->map = NULL;
	moff = from - from % pg;
	mend = moff + IDX_BUF < s->size ? moff + IDX_BUF : s->size;
	s->buf = "";
	if (mend > moff) {
		s->map_len = (size_t)(mend - moff);
		s->map = mmap(NULL, s->map_len, PROT_READ,
		    MAP_SHARED | MAP_POPULATE, s->fd, (off_t)moff);
		if (s->map == MAP_FAILED) {
			s->map = NULL;
			return -1;
		}
		s->buf = (const char *)s->map + (from - moff);
	}
	s->len = mend > from ? (size_t)(mend - from) : 0;
	s->base = from;
	*p -= keep;
	s->eof = mend >= s->size;
	return 0;
}

/* The start of the file: a message when it begins with a From_ line. */
static int
first(struct scan *s, size_t *p)
{
	const char *lf = memchr(s->buf, '\n', s->len);
	size_t next = lf ? (size_t)(lf - s->buf) + 1 : s->len;

	if (from_line_ok(s->buf, next - (lf != NULL)))
		return begin_message(s, 0, next) < 0 ? -1 : (*p = next, 0);
	return 0;
}

static int
finish(struct scan *s)
{
	uint64_t end = s->size;

	/* the empty line that ends every message is not part of it */
	if (s->len >= 2 && s->buf[s->len - 1] == '\n' &&
	    s->buf[s->len - 2] == '\n')
		end--;
	if (!s->have_cur && s->m->n == 0)
		s->m->prefix_end = s->size;
	return end_message(s, end);
}

static int
scan(struct scan *s)
{
	size_t p = 0;
	int r;

	if (refill(s, &p) < 0 || first(s, &p) < 0)
		return -1;
	for (;;) {
		r = s->state == S_HEADER ? header(s, &p) : body(s, &p);
		if (r < 0)
			return -1;
		if (r == 0)
			continue;
		if (s->eof)
			return finish(s);
		if (refill(s, &p) < 0)
			return -1;
	}
}

static int
uid_cmp(const void *a, const void *b, void *arg)
{
	const struct mbx *m = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcmp(m->names.s + m->msg[i].uid, m->names.s + m->msg[j].uid);

	return c ? c : (i < j ? -1 : i > j);
}

/* 1 when a message already has the id u (a generated "x-2" may also be
 * some message's own X-UIDL, or the name made for another run). */
static int
uid_taken(const struct mbx *m, const char *u)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (strcmp(m->names.s + m->msg[i].uid, u) == 0)
			return 1;
	return 0;
}

/* Make repeated ids unique: the second copy gets "-2", and so on. */
static int
dedupe(struct mbx *m)
{
	char u[MBX_UID_MAX + 1], base[61];
	size_t *ord, i, k = 1;

	if (m->n < 2)
		return 0;
	ord = calloc(m->n, sizeof *ord);
	if (ord == NULL)
		return -1;
	for (i = 0; i < m->n; i++)
		ord[i] = i;
	qsort_r(ord, m->n, sizeof *ord, uid_cmp, m);
	for (i = 1; i < m->n; i++) {
		if (strcmp(m->names.s + m->msg[ord[i]].uid,
		    m->names.s + m->msg[ord[i - 1]].uid) != 0) {
			k = 1;
			continue;
		}
		(void)str_copyn(base, sizeof base, m->names.s +
		    m->msg[ord[i - 1]].uid, strnlen(m->names.s +
		    m->msg[ord[i - 1]].uid, sizeof base - 1));
		do {
			if (str_fmt(u, sizeof u, "%s-%zu", base, ++k) < 0) {
				free(ord);
				return -1;
			}
		} while (uid_taken(m, u));
		if (mbx_add_name(m, u, strlen(u),
		    &m->msg[ord[i]].uid) < 0) {
			free(ord);
			return -1;
		}
		/* the new name differs from the run's: keep comparing the
		 * run by its original */
		ord[i] = ord[i - 1];
	}
	free(ord);
	return 0;
}

int
mbox_index(struct mbx *m, int fd, uint64_t size)
{
	struct scan s;
	int r;

	memset(&s, 0, sizeof s);
	s.m = m;
	s.fd = fd;
	s.size = size;
	s.state = S_BODY;
	m->indexed_end = size;
	m->prefix_end = 0;
	r = scan(&s);
	if (s.map != NULL)
		munmap(s.map, s.map_len);
	if (r == 0)
		r = dedupe(m);
	return r;
}
