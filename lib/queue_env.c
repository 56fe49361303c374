/* queue_env: the envelope's text form; see include/queue.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "queue.h"
#include "str.h"

static const char *const state_names[] = { "todo", "done", "failed" };

void
qenv_init(struct qenv *e)
{
	memset(e, 0, sizeof *e);
}

void
qenv_free(struct qenv *e)
{
	free(e->rcpt);
	qenv_init(e);
}

static struct qrcpt *
grow(struct qenv *e)
{
	struct qrcpt *r;
	size_t cap, bytes;

	if (e->nrcpt == e->cap) {
		cap = e->cap ? e->cap * 2 : 8;
		if (size_mul(cap, sizeof *r, &bytes) < 0)
			return NULL;
		r = realloc(e->rcpt, bytes);
		if (r == NULL)
			return NULL;
		e->rcpt = r;
		e->cap = cap;
	}
	r = &e->rcpt[e->nrcpt++];
	memset(r, 0, sizeof *r);
	return r;
}

int
qenv_has_rcpt(const struct qenv *e, const char *addr)
{
	size_t i, n = strlen(addr);

	for (i = 0; i < e->nrcpt; i++)
		if (str_case_eq(e->rcpt[i].addr, strlen(e->rcpt[i].addr), addr,
		    n))
			return 1;
	return 0;
}

int
qenv_add_rcpt(struct qenv *e, const char *addr)
{
	struct qrcpt *r = grow(e);

	if (r == NULL)
		return -1;
	if (str_copy(r->addr, sizeof r->addr, addr) < 0) {
		e->nrcpt--;
		return -1;
	}
	return 0;
}

/* A field may not hold the separators of the format. */
static int
clean(const char *s)
{
	for (; *s; s++)
		if (*s == '\t' || *s == '\r' || *s == '\n')
			return 0;
	return 1;
}

static const char *
or_dash(const char *s)
{
	return *s ? s : "-";
}

int
qenv_format(const struct qenv *e, struct buf *out)
{
	const struct qrcpt *r;
	size_t i;

	if (!clean(e->id) || !clean(e->sender) || !clean(e->auth))
		return errno = EINVAL, -1;
	if (buf_addf(out, "mailkit-queue 1\nid\t%s\narrival\t%lld\n"
	    "sender\t%s\n", e->id, (long long)e->arrival, e->sender) < 0)
		return -1;
	if ((*e->auth && buf_addf(out, "auth\t%s\n", e->auth) < 0) ||
	    (e->held && buf_adds(out, "held\t1\n") < 0) ||
	    (e->dsn && buf_adds(out, "dsn\t1\n") < 0) ||
	    (e->warned && buf_adds(out, "warned\t1\n") < 0))
		return -1;
	for (i = 0; i < e->nrcpt; i++) {
		r = &e->rcpt[i];
		if (!clean(r->addr) || !clean(r->status) || !clean(r->diag) ||
		    r->state > Q_FAILED)
			return errno = EINVAL, -1;
		if (buf_addf(out, "rcpt\t%s\t%s\t%u\t%lld\t%s\t%s\n", r->addr,
		    state_names[r->state], r->attempts, (long long)r->next,
		    or_dash(r->status), or_dash(r->diag)) < 0)
			return -1;
	}
	return 0;
}

/* Split line into at most max TAB-separated fields (NUL-terminating them
 * in place); returns the count. */
static int
split(char *line, char **f, int max)
{
	int n = 0;

	f[n++] = line;
	for (; *line && n < max; line++)
		if (*line == '\t') {
			*line = '\0';
			f[n++] = line + 1;
		}
	return n;
}

static int
parse_time(const char *s, time_t *t)
{
	uint64_t v;

	if (str_to_u64(s, strlen(s), &v) < 0 || v > (uint64_t)INT64_MAX)
		return -1;
	*t = (time_t)v;
	return 0;
}

static int
parse_state(const char *s, enum qstate *st)
{
	int i;

	for (i = 0; i <= Q_FAILED; i++)
		if (strcmp(s, state_names[i]) == 0) {
			*st = (enum qstate)i;
			return 0;
		}
	return -1;
}

static int
copy_field(char *dst, size_t size, const char *s)
{
	return str_copy(dst, size, strcmp(s, "-") == 0 ? "" : s);
}

static int
parse_rcpt(struct qenv *e, char **f, int n)
{
	struct qrcpt *r;
	uint64_t att;

	if (n != 7)
		return -1;
	r = grow(e);
	if (r == NULL || str_copy(r->addr, sizeof r->addr, f[1]) < 0 ||
	    parse_state(f[2], &r->state) < 0 ||
	    str_to_u64(f[3], strlen(f[3]), &att) < 0 || att > 1000000 ||
	    parse_time(f[4], &r->next) < 0 ||
	    copy_field(r->status, sizeof r->status, f[5]) < 0 ||
	    copy_field(r->diag, sizeof r->diag, f[6]) < 0)
		return -1;
	r->attempts = (unsigned)att;
	return 0;
}

static int
parse_record(struct qenv *e, char *line)
{
	char *f[8];
	int n = split(line, f, 8);

	if (strcmp(f[0], "rcpt") == 0)
		return parse_rcpt(e, f, n);
	if (n != 2)
		return -1;
	if (strcmp(f[0], "id") == 0)
		return str_copy(e->id, sizeof e->id, f[1]);
	if (strcmp(f[0], "arrival") == 0)
		return parse_time(f[1], &e->arrival);
	if (strcmp(f[0], "sender") == 0)
		return str_copy(e->sender, sizeof e->sender, f[1]);
	if (strcmp(f[0], "auth") == 0)
		return str_copy(e->auth, sizeof e->auth, f[1]);
	if (strcmp(f[0], "held") == 0)
		return e->held = strcmp(f[1], "1") == 0, 0;
	if (strcmp(f[0], "dsn") == 0)
		return e->dsn = strcmp(f[1], "1") == 0, 0;
	if (strcmp(f[0], "warned") == 0)
		return e->warned = strcmp(f[1], "1") == 0, 0;
	return 0;	/* unknown records from a newer version: kept out */
}

int
qenv_parse(const char *p, size_t n, struct qenv *e)
{
	struct buf b = BUF_INIT;
	char *line, *nl;
	int r = 0;

	qenv_init(e);
	/* no NUL, and no CR: qenv_format never writes one in a field */
	if (memchr(p, '\0', n) != NULL || memchr(p, '\r', n) != NULL ||
	    buf_set(&b, p, n) < 0)
		return errno = EINVAL, -1;
	line = b.s;
	nl = strchr(line, '\n');
	if (nl == NULL || (size_t)(nl - line) != 15 ||
	    memcmp(line, "mailkit-queue 1", 15) != 0 || b.s[b.len - 1] != '\n')
		r = -1;
	for (line = nl ? nl + 1 : NULL; r == 0 && line && *line; line = nl + 1) {
		nl = strchr(line, '\n');
		*nl = '\0';
		r = parse_record(e, line);
	}
	buf_free(&b);
	if (r == 0 && (e->id[0] == '\0' || e->nrcpt == 0))
		r = -1;
	if (r < 0) {
		qenv_free(e);
		return errno = EINVAL, -1;
	}
	return 0;
}
