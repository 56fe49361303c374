/* queue_list: the queue listing, tab-separated or JSON Lines; see
 * include/queue_list.h. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io.h"
#include "queue_list.h"
#include "str.h"

static const char *const state_names[] = { "todo", "done", "failed" };

/* A TSV field: control bytes (none should be there) shown as '?'. */
static int
tsv_field(struct buf *out, const char *s, const char *empty)
{
	const unsigned char *p = (const unsigned char *)s;

	if (*s == '\0')
		return buf_adds(out, empty);
	for (; *p; p++)
		if (buf_addc(out, *p < 0x20 || *p == 0x7f ? '?' : (char)*p) < 0)
			return -1;
	return 0;
}

/* Length of the valid UTF-8 sequence at p, or 0. */
static size_t
utf8_len(const unsigned char *p)
{
	size_t n, i;

	if (*p < 0x80)
		return 1;
	if (*p >= 0xc2 && *p <= 0xdf)
		n = 2;
	else if (*p >= 0xe0 && *p <= 0xef)
		n = 3;
	else if (*p >= 0xf0 && *p <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((*p == 0xe0 && p[1] < 0xa0) || (*p == 0xed && p[1] > 0x9f) ||
	    (*p == 0xf0 && p[1] < 0x90) || (*p == 0xf4 && p[1] > 0x8f))
		return 0;	/* overlong, surrogate, beyond U+10FFFF */
	return n;
}

static int
json_str(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;
	int r = buf_addc(out, '"');

	while (r == 0 && *p) {
		n = utf8_len(p);
		if (n == 0) {
			r = buf_adds(out, "\\ufffd");
			p++;
		} else if (*p == '"' || *p == '\\') {
			r = buf_addf(out, "\\%c", *p);
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			r = buf_addf(out, "\\u%04x", *p);
			p++;
		} else {
			r = buf_add(out, p, n);
			p += n;
		}
	}
	return r < 0 ? -1 : buf_addc(out, '"');
}

static int
json_str_or_null(struct buf *out, const char *s)
{
	return *s ? json_str(out, s) : buf_adds(out, "null");
}

static int
tsv_message(const struct qenv *e, uint64_t size, long long age,
    struct buf *out)
{
	const char *flags = e->held ? (e->dsn ? "held,dsn" : "held") :
	    (e->dsn ? "dsn" : "-");
	const struct qrcpt *r;
	size_t i;

	if (buf_addf(out, "message\t%s\t%llu\t%lld\t%lld\t", e->id,
	    (unsigned long long)size, age, (long long)e->arrival) < 0 ||
	    tsv_field(out, e->sender, "<>") < 0 ||
	    buf_addf(out, "\t%s\n", flags) < 0)
		return -1;
	for (i = 0; i < e->nrcpt; i++) {
		r = &e->rcpt[i];
		if (buf_addf(out, "rcpt\t%s\t", e->id) < 0 ||
		    tsv_field(out, r->addr, "-") < 0 ||
		    buf_addf(out, "\t%s\t%u\t%lld\t",
		    state_names[r->state <= Q_FAILED ? r->state : 0],
		    r->attempts, (long long)r->next) < 0 ||
		    tsv_field(out, r->status, "-") < 0 ||
		    buf_addc(out, '\t') < 0 ||
		    tsv_field(out, r->diag, "-") < 0 ||
		    buf_addc(out, '\n') < 0)
			return -1;
	}
	return 0;
}

static int
json_rcpt(const struct qrcpt *r, struct buf *out)
{
	if (buf_adds(out, "{\"address\":") < 0 || json_str(out, r->addr) < 0 ||
	    buf_addf(out, ",\"state\":\"%s\",\"attempts\":%u,\"next\":%lld,"
	    "\"status\":", state_names[r->state <= Q_FAILED ? r->state : 0],
	    r->attempts, (long long)r->next) < 0 ||
	    json_str_or_null(out, r->status) < 0 ||
	    buf_adds(out, ",\"diagnostic\":") < 0 ||
	    json_str_or_null(out, r->diag) < 0)
		return -1;
	return buf_addc(out, '}');
}

static int
json_message(const struct qenv *e, uint64_t size, long long age,
    struct buf *out)
{
	size_t i;

	if (buf_adds(out, "{\"id\":") < 0 || json_str(out, e->id) < 0 ||
	    buf_addf(out, ",\"size\":%llu,\"age\":%lld,\"arrival\":%lld,"
	    "\"sender\":", (unsigned long long)size, age,
	    (long long)e->arrival) < 0 || json_str(out, e->sender) < 0 ||
	    buf_addf(out, ",\"held\":%s,\"dsn\":%s,\"recipients\":[",
	    e->held ? "true" : "false", e->dsn ? "true" : "false") < 0)
		return -1;
	for (i = 0; i < e->nrcpt; i++)
		if ((i > 0 && buf_addc(out, ',') < 0) ||
		    json_rcpt(&e->rcpt[i], out) < 0)
			return -1;
	return buf_adds(out, "]}\n");
}

int
queue_list_format(const struct qenv *e, uint64_t size, time_t now,
    enum qlist_format fmt, struct buf *out)
{
	long long age = now > e->arrival ? (long long)(now - e->arrival) : 0;

	return fmt == QLIST_JSON ? json_message(e, size, age, out) :
	    tsv_message(e, size, age, out);
}

struct idlist {
	char (*id)[QID_MAX];
	size_t n, cap;
};

static int
collect(void *arg, const char *id)
{
	struct idlist *l = arg;
	char (*p)[QID_MAX];
	size_t cap, bytes;

	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 64;
		if (size_mul(cap, sizeof *p, &bytes) < 0)
			return -1;
		p = realloc(l->id, bytes);
		if (p == NULL)
			return -1;
		l->id = p;
		l->cap = cap;
	}
	return str_copy(l->id[l->n++], QID_MAX, id);
}

static int
cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* One message into out: 1 listed, 0 gone, -1 unreadable. */
static int
list_one(const char *root, const char *id, time_t now,
    enum qlist_format fmt, struct buf *out)
{
	char mess[PATH_MAX];
	struct stat st;
	struct qenv e;
	int r;

	if (queue_mess_path(root, id, mess, sizeof mess) < 0)
		return -1;
	if (queue_env_load(root, id, &e) < 0)
		return errno == ENOENT ? 0 : -1;
	if (stat(mess, &st) < 0)
		r = errno == ENOENT ? 0 : -1;
	else
		r = queue_list_format(&e, (uint64_t)st.st_size, now, fmt,
		    out) < 0 ? -2 : 1;
	qenv_free(&e);
	return r;
}

int
queue_list_print(const char *root, int fd, enum qlist_format fmt)
{
	struct idlist l = { NULL, 0, 0 };
	struct buf out = BUF_INIT;
	time_t now = time(NULL);
	int bad = 0, r = 0;
	size_t i;

	if (queue_each(root, collect, &l) != 0) {
		free(l.id);
		return -1;
	}
	if (l.n > 0)
		qsort(l.id, l.n, sizeof *l.id, cmp_id);
	for (i = 0; i < l.n && r == 0; i++) {
		buf_truncate(&out, 0);
		switch (list_one(root, l.id[i], now, fmt, &out)) {
		case -2: r = -1; break;
		case -1: bad++; break;
		case 1: r = fd_write_all(fd, out.s, out.len); break;
		}
	}
	buf_free(&out);
	free(l.id);
	return r < 0 ? -1 : bad;
}
