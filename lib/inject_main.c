/* inject_main: the sendmail-compatible injector: read a message on fd 0,
 * find its recipients, add missing header fields, queue it durably; see
 * include/inject.h and mail-submit(8). */
#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "conf.h"
#include "header.h"
#include "inject.h"
#include "smtp_received.h"
#include "str.h"

struct inj {
	const struct inject_opts *o;
	char me[256];
	char domain[256];
	char sender[ADDR_MAX + 1];
	struct qenv env;
	struct buf msg;
	uint64_t max;
	char *why;
	size_t whysize;
};

static int
fail(struct inj *j, int code, const char *what, const char *detail)
{
	(void)str_fmt(j->why, j->whysize, "%s%s%s", what, detail ? ": " : "",
	    detail ? detail : "");
	return code;
}

/* A line "." ends the message (unless -i): where it starts, searched from
 * the line that begins at from. */
static int
find_dot(const struct buf *b, size_t from, size_t *at)
{
	size_t p = from;

	while (p < b->len) {
		if (b->s[p] == '.' && p + 1 < b->len && (b->s[p + 1] == '\n' ||
		    (b->s[p + 1] == '\r' && p + 2 < b->len &&
		    b->s[p + 2] == '\n')))
			return *at = p, 1;
		while (p < b->len && b->s[p] != '\n')
			p++;
		p++;
	}
	return 0;
}

static size_t
last_line_start(const struct buf *b)
{
	size_t p = b->len;

	while (p > 0 && b->s[p - 1] != '\n')
		p--;
	return p;
}

static int
read_message(struct inj *j)
{
	char chunk[65536];
	size_t from = 0, at;
	ssize_t n;

	for (;;) {
		n = read(0, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail(j, EX_IOERR, "cannot read the message",
			    strerror(errno));
		if (n == 0)
			break;
		if (buf_add(&j->msg, chunk, (size_t)n) < 0)
			return fail(j, EX_TEMPFAIL, "out of memory", NULL);
		if (j->max && j->msg.len > j->max)
			return fail(j, EX_DATAERR, "message too big", NULL);
		if (!j->o->ignore_dots && find_dot(&j->msg, from, &at)) {
			buf_truncate(&j->msg, at);
			break;
		}
		from = last_line_start(&j->msg);
	}
	if (memchr(j->msg.s ? j->msg.s : "", '\0', j->msg.len) != NULL)
		return fail(j, EX_DATAERR, "NUL byte in the message", NULL);
	return 0;
}

/* "user" becomes "user@domain"; "" and "<>" the null sender. */
static int
qualify(struct inj *j, const char *s, size_t n, char *out, size_t size)
{
	struct addr a;
	const char *err;
	char tmp[ADDR_MAX + 1];

	if (n >= 2 && s[0] == '<' && s[n - 1] == '>')
		s++, n -= 2;
	if (addr_parse(s, n, ADDR_NO_DOMAIN | ADDR_UTF8, &a, &err) < 0)
		return -1;
	if (a.domain_len == 0 && str_fmt(tmp, sizeof tmp, "%s@%s", a.local,
	    j->domain) == 0)
		return str_copy(out, size, tmp);
	return addr_format(&a, out, size);
}

static int
add_rcpt(void *arg, const char *s, size_t n)
{
	struct inj *j = arg;
	char r[ADDR_MAX + 1];
	size_t i;

	if (qualify(j, s, n, r, sizeof r) < 0 || r[0] == '\0') {
		(void)str_fmt(j->why, j->whysize, "bad recipient address: %.*s",
		    (int)(n > 80 ? 80 : n), s);
		return -1;
	}
	for (i = 0; i < j->env.nrcpt; i++)
		if (str_case_eq(j->env.rcpt[i].addr, strlen(j->env.rcpt[i].addr),
		    r, strlen(r)))
			return 0;
	return qenv_add_rcpt(&j->env, r) < 0 ? (str_copy(j->why, j->whysize,
	    "out of memory"), -1) : 0;
}

static int
set_sender(struct inj *j)
{
	const struct passwd *pw;
	const char *s = j->o->sender;

	if (s == NULL) {
		pw = getpwuid(getuid());
		s = pw != NULL ? pw->pw_name : "nobody";
	}
	if (*s == '\0' || strcmp(s, "<>") == 0)
		return j->sender[0] = '\0', 0;
	if (qualify(j, s, strlen(s), j->sender, sizeof j->sender) < 0)
		return fail(j, EX_USAGE, "bad sender address", s);
	return 0;
}

static int
is_rcpt_field(const struct hdr_field *f)
{
	return hdr_name_is(f, "To") || hdr_name_is(f, "Cc") ||
	    hdr_name_is(f, "Bcc");
}

/* Copy the header block of the message to out without Bcc:, taking the
 * recipients from To:, Cc: and Bcc: with -t.  *hlen is where the header
 * fields end. */
static int
scan_header(struct inj *j, struct buf *out, size_t *hlen)
{
	struct hdr_field f;
	size_t off = 0, start;

	for (start = 0; hdr_next(j->msg.s, j->msg.len, &off, &f) == 1;
	    start = off) {
		if (j->o->extract && is_rcpt_field(&f) &&
		    inject_addrlist(f.value, f.value_len, add_rcpt, j) < 0)
			return EX_DATAERR;
		if (!hdr_name_is(&f, "Bcc") &&
		    buf_add(out, j->msg.s + start, off - start) < 0)
			return fail(j, EX_TEMPFAIL, "out of memory", NULL);
	}
	*hlen = start;
	return 0;
}

static const char *
eol_of(const struct buf *b)
{
	const char *nl = b->s ? memchr(b->s, '\n', b->len) : NULL;

	return nl != NULL && nl > b->s && nl[-1] == '\r' ? "\r\n" : "\n";
}

static int
build(struct inj *j, struct qnew *q, const struct buf *hdr, size_t hlen)
{
	struct received r;
	struct inject_hdr h;
	struct buf out = BUF_INIT;
	const char *eol = eol_of(&j->msg);
	int rc;

	memset(&r, 0, sizeof r);
	r.me = j->me;
	r.id = q->id;
	r.uid = (unsigned)getuid();
	r.when = time(NULL);
	r.eol = eol;
	h.me = j->me;
	h.id = q->id;
	h.from = j->sender[0] ? j->sender : NULL;
	h.fullname = j->o->fullname;
	h.eol = eol;
	h.when = r.when;
	rc = received_format(&r, &out) < 0 || buf_add(&out, hdr->s,
	    hdr->len) < 0 || inject_headers(hdr->s, hdr->len, &h, &out) < 0 ||
	    queue_new_write(q, out.s, out.len, 0) < 0 ||
	    queue_new_write(q, j->msg.s + hlen, j->msg.len - hlen, 0) < 0;
	buf_free(&out);
	return rc ? -1 : 0;
}

static int
queue_it(struct inj *j, const struct buf *hdr, size_t hlen, int ms)
{
	const char *root = j->o->root;
	enum inject_result r;
	struct qnew q;

	if (queue_new(root, &q) < 0 && (queue_init(root) < 0 ||
	    queue_new(root, &q) < 0))
		return fail(j, EX_TEMPFAIL, "cannot create a queue file",
		    strerror(errno));
	if (build(j, &q, hdr, hlen) < 0) {
		queue_new_abort(&q);
		return fail(j, EX_TEMPFAIL, "cannot write the queue file",
		    strerror(errno));
	}
	(void)str_copy(j->env.sender, sizeof j->env.sender, j->sender);
	r = inject_commit(root, &q, &j->env, ms, j->why, j->whysize);
	if (r == INJECT_OK)
		return 0;
	return r == INJECT_TEMP ? EX_TEMPFAIL : EX_DATAERR;
}

static int
setup(struct inj *j)
{
	unsigned long long max;
	int r;

	if (conf_me(j->o->root, j->me, sizeof j->me) < 0 ||
	    conf_number(j->o->root, "etc/maxsize", CONF_MAXSIZE_DEFAULT,
	    &max) < 0)
		return fail(j, EX_CONFIG, "cannot read the configuration",
		    strerror(errno));
	j->max = max;
	r = conf_first(j->o->root, "etc/domains", j->domain, sizeof j->domain);
	if (r <= 0 && str_copy(j->domain, sizeof j->domain, j->me) < 0)
		return fail(j, EX_CONFIG, "host name too long", NULL);
	return set_sender(j);
}

static int
run(struct inj *j)
{
	struct buf hdr = BUF_INIT;
	unsigned long long secs;
	size_t hlen = 0;
	int i, r;

	if ((r = setup(j)) != 0 || (r = read_message(j)) != 0)
		return r;
	for (i = 0; i < j->o->nrcpt; i++)
		if (inject_addrlist(j->o->rcpt[i], strlen(j->o->rcpt[i]),
		    add_rcpt, j) < 0)
			return EX_DATAERR;
	if ((r = scan_header(j, &hdr, &hlen)) == 0) {
		if (j->env.nrcpt == 0)
			r = fail(j, EX_USAGE, "no recipients", NULL);
		else if (conf_number(j->o->root, "etc/filtertimeout", 120,
		    &secs) < 0)
			r = fail(j, EX_CONFIG, "cannot read etc/filtertimeout",
			    NULL);
		else
			r = queue_it(j, &hdr, hlen, (int)(secs > 3600 ? 3600 :
			    secs ? secs : 1) * 1000);
	}
	buf_free(&hdr);
	return r;
}

int
inject_main(const struct inject_opts *o, char *why, size_t size)
{
	struct inj j;
	int r;

	memset(&j, 0, sizeof j);
	j.o = o;
	j.why = why;
	j.whysize = size;
	why[0] = '\0';
	qenv_init(&j.env);
	r = run(&j);
	qenv_free(&j.env);
	buf_free(&j.msg);
	return r;
}
