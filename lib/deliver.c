/* deliver: one address of mail-deliver; see include/deliver.h. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "account.h"
#include "addr.h"
#include "conf.h"
#include "deliver.h"
#include "header.h"
#include "mailbox.h"
#include "str.h"

#define ALIAS_DEPTH	8
#define RECEIVED_MAX	100

static void
set(struct deliver_result *r, int code, const char *text, const char *why)
{
	r->code = code;
	if (why != NULL)
		(void)str_fmt(r->text, sizeof r->text, "%s: %s", text, why);
	else
		(void)str_copy(r->text, sizeof r->text, text);
}

int
deliver_worst(int a, int b)
{
	int ra = a == 0 ? 0 : a == EX_TEMPFAIL ? 1 : 2;
	int rb = b == 0 ? 0 : b == EX_TEMPFAIL ? 1 : 2;

	return rb > ra ? b : a;
}

/* Map a failed write to its result: nothing here is the sender's fault,
 * so all of it is temporary. */
static void
set_io_error(struct deliver_result *r, int err)
{
	switch (err) {
	case ETIMEDOUT:
		set(r, EX_TEMPFAIL, "4.2.0 mailbox is locked by another "
		    "process; try again later", NULL);
		break;
	case ENOSPC:
	case EDQUOT:
		set(r, EX_TEMPFAIL, "4.3.1 mail system full", strerror(err));
		break;
	case ELOOP:
		set(r, EX_TEMPFAIL, "4.3.0 mailbox or its directory is a "
		    "symbolic link; refusing to follow it", NULL);
		break;
	default:
		set(r, EX_TEMPFAIL, "4.3.0 cannot write mailbox",
		    strerror(err));
	}
}

static int
is_loop(const struct msgsrc *m, const char *address)
{
	const char *p = m->head.s ? m->head.s : "";
	struct hdr_field f;
	char v[ADDR_MAX + 8];
	size_t off = 0;
	int received = 0;

	while (hdr_next(p, m->head.len, &off, &f) == 1) {
		if (hdr_name_is(&f, "Received"))
			received++;
		if (!hdr_name_is(&f, "Delivered-To"))
			continue;
		hdr_unfold(f.value, f.value_len, v, sizeof v);
		if (str_case_eq(v, strlen(v), address, strlen(address)))
			return 1;
	}
	return received > RECEIVED_MAX ? 2 : 0;
}

static int
over_quota(const struct account *a, const char *path,
    enum mailbox_format fmt, const struct msgsrc *m, int *err)
{
	uint64_t bytes, count = 0;

	*err = 0;
	if (a->quota_bytes == 0 && a->quota_messages == 0)
		return 0;
	if (mailbox_usage(path, fmt, &bytes, a->quota_messages ? &count
	    : NULL) < 0) {
		*err = errno;
		return 0;
	}
	return (a->quota_bytes && bytes + (uint64_t)m->size > a->quota_bytes)
	    || (a->quota_messages && count + 1 > a->quota_messages);
}

static void
write_mailbox(const struct deliver_opts *o, const struct msgsrc *m,
    const struct account *a, const char *path, enum mailbox_format fmt,
    struct deliver_result *res)
{
	char prefix[2 * ADDR_MAX + 256], uid[512], from[ADDR_MAX + 64];
	char date[32], who[ADDR_MAX + 1];
	uint64_t size;
	time_t now = time(NULL);
	int rc;

	if (maildir_unique(uid, sizeof uid) < 0 ||
	    str_fmt(prefix, sizeof prefix, "Return-Path: <%s>\n"
	    "Delivered-To: %s\n%s%s%s", o->sender, a->address,
	    fmt == MAILBOX_MBOX ? "X-UIDL: " : "",
	    fmt == MAILBOX_MBOX ? uid : "", fmt == MAILBOX_MBOX ? "\n" : "")
	    < 0) {
		set(res, EX_TEMPFAIL, "4.3.0 address too long for headers",
		    NULL);
		return;
	}
	if (fmt == MAILBOX_MAILDIR) {
		rc = maildir_deliver(path, prefix, strlen(prefix), m, &size);
	} else {
		/* asctime layout, always in English and UTC */
		strftime(date, sizeof date, "%a %b %e %H:%M:%S %Y",
		    gmtime(&now));
		(void)str_copy(who, sizeof who,
		    *o->sender ? o->sender : "MAILER-DAEMON");
		for (char *p = who; *p; p++)	/* one word on that line */
			if (*p == ' ' || *p == '\t')
				*p = '_';
		(void)str_fmt(from, sizeof from, "From %s %s\n", who, date);
		rc = mbox_deliver(path, from, prefix, strlen(prefix), m,
		    o->lock_timeout, &size);
	}
	if (rc < 0)
		set_io_error(res, errno);
	else
		set(res, 0, "2.0.0 delivered", NULL);
}

static void
to_account(const struct deliver_opts *o, const struct msgsrc *m,
    const struct account *a, struct deliver_result *res)
{
	enum mailbox_format fmt;
	char path[PATH_MAX];
	int loop, err;

	loop = is_loop(m, a->address);
	if (loop) {
		set(res, EX_DATAERR, loop == 1 ? "5.4.6 mail loop: message "
		    "was already delivered to this address" : "5.4.6 mail "
		    "loop: too many Received: header fields", NULL);
		return;
	}
	if (account_mailbox_path(o->root, a->address, path, sizeof path) < 0) {
		set(res, EX_NOUSER, "5.1.3 address cannot name a mailbox",
		    NULL);
		return;
	}
	if (mailbox_prepare(path, a->format, &fmt) < 0) {
		set_io_error(res, errno);
		return;
	}
	if (over_quota(a, path, fmt, m, &err)) {
		if (a->quota_tempfail)
			set(res, EX_TEMPFAIL, "4.2.2 mailbox full", NULL);
		else
			set(res, EX_UNAVAILABLE, "5.2.2 mailbox full", NULL);
		return;
	}
	if (err) {
		set_io_error(res, err);
		return;
	}
	write_mailbox(o, m, a, path, fmt, res);
}

static void resolve(const struct deliver_opts *, const struct msgsrc *,
    const char *, int, struct deliver_result *);

static void
to_alias(const struct deliver_opts *o, const struct msgsrc *m,
    const struct buf *targets, int n, int depth, struct deliver_result *res)
{
	struct deliver_result one;
	const char *t = targets->s;
	int i;

	set(res, 0, "2.0.0 delivered", NULL);
	for (i = 0; i < n; i++, t += strlen(t) + 1) {
		resolve(o, m, t, depth + 1, &one);
		if (deliver_worst(res->code, one.code) != res->code)
			*res = one;
	}
}

static void
resolve(const struct deliver_opts *o, const struct msgsrc *m,
    const char *address, int depth, struct deliver_result *res)
{
	struct buf targets = BUF_INIT;
	struct account a;
	struct addr ad;
	char lower[ADDR_MAX + 1];
	const char *why;
	int r;

	if (addr_parse(address, strlen(address), ADDR_UTF8, &ad, &why) < 0) {
		set(res, EX_NOUSER, "5.1.3 bad address syntax", why);
		return;
	}
	(void)addr_format(&ad, lower, sizeof lower);
	str_lower(lower, strlen(lower));
	r = account_lookup(o->root, lower, &a);
	if (r < 0) {
		set(res, EX_TEMPFAIL, "4.3.5 cannot read etc/users",
		    strerror(errno));
		return;
	}
	if (r == 1) {
		to_account(o, m, &a, res);
		return;
	}
	r = depth < ALIAS_DEPTH ? conf_alias(o->root, lower, &targets) : -2;
	if (r > 0)
		to_alias(o, m, &targets, r, depth, res);
	else if (r == -1)
		set(res, EX_TEMPFAIL, "4.3.5 cannot read etc/aliases",
		    strerror(errno));
	else if (r == -2)
		set(res, EX_DATAERR, "5.4.6 alias loop or aliases nested "
		    "too deep", NULL);
	else
		set(res, EX_NOUSER, "5.1.1 no such mailbox here", NULL);
	buf_free(&targets);
}

void
deliver_one(const struct deliver_opts *o, const struct msgsrc *m,
    const char *address, struct deliver_result *res)
{
	if (m->bad != NULL) {
		set(res, EX_DATAERR, m->bad, NULL);
		return;
	}
	resolve(o, m, address, 0, res);
}
