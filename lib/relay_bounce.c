/* relay_bounce: queue a DSN for failed recipients through
 * mail-bounce | mail-submit, with the loop rules; see include/relay.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buf.h"
#include "dsn.h"
#include "header.h"
#include "log.h"
#include "relay.h"
#include "str.h"

#define HEAD_MAX 65536

static void
note(const struct qenv *e, const char *event, const char *key,
    const char *value)
{
	struct logrec r;

	log_begin(&r, event);
	log_str(&r, "qid", e->id);
	log_str(&r, "sender", e->sender);
	log_str(&r, key, value);
	log_end(&r);
}

/* RFC 3834: an automatic reply (a vacation notice...) is not answered
 * with a bounce, which could start a loop between two robots. */
static int
auto_replied(int fd)
{
	char head[HEAD_MAX], v[64];
	struct hdr_field f;
	ssize_t n = pread(fd, head, sizeof head, 0);

	if (n <= 0)
		return 0;
	if (hdr_find(head, hdr_block_len(head, (size_t)n), "Auto-Submitted",
	    &f) != 1)
		return 0;
	hdr_unfold(f.value, f.value_len, v, sizeof v);
	return strncasecmp(v, "auto-replied", 12) == 0;
}

/* The failure records in b, as a file mail-bounce can open. */
static int
records_fd(struct buf *b)
{
	int fd = memfd_create("mailkit-failures", 0);

	if (fd >= 0 && fd_write_all(fd, b->s, b->len) < 0) {
		close(fd);
		fd = -1;
	}
	buf_free(b);
	return fd;
}

static int
add_record(struct buf *b, const char *rcpt, const char *status,
    const char *diag, const char *remote)
{
	struct dsn_rcpt r;

	memset(&r, 0, sizeof r);
	str_copy(r.rcpt, sizeof r.rcpt, rcpt);
	str_copy(r.status, sizeof r.status, status);
	str_copy(r.diag, sizeof r.diag, diag);
	str_copy(r.remote, sizeof r.remote, remote);
	r.last = time(NULL);
	return dsn_format_record(&r, b);
}

/* This attempt's failures. */
static int
failure_records(const struct qenv *e, const struct relay_result *res,
    const size_t *idx, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		if (add_record(&b, e->rcpt[idx[i]].addr, res[idx[i]].status,
		    res[idx[i]].diag, res[idx[i]].host) < 0) {
			buf_free(&b);
			return -1;
		}
	return records_fd(&b);
}

/* The recipients still to do, with the last status the envelope holds;
 * *n gets their number. */
static int
delay_records(const struct qenv *e, size_t *n)
{
	struct buf b = BUF_INIT;
	const struct qrcpt *q;
	size_t i;

	*n = 0;
	for (i = 0; i < e->nrcpt; i++) {
		q = &e->rcpt[i];
		if (q->state != Q_TODO || q->status[0] != '4')
			continue;
		if (add_record(&b, q->addr, q->status, q->diag, "") < 0) {
			buf_free(&b);
			return -1;
		}
		(*n)++;
	}
	return records_fd(&b);
}

/* mail-bounce ... < message | mail-submit -f '' to.  0 when both said 0. */
static int
pipeline(const struct relay_conf *rc, const struct qenv *e, int recfd,
    const char *to, int warn)
{
	char bounce[PATH_MAX], submit[PATH_MAX], failfile[64], arrival[32];
	char size[32], mess[PATH_MAX];
	char *bargv[] = { bounce, "-r", (char *)rc->root, "-f", (char *)to,
	    "-F", failfile, "-a", arrival, "-q", (char *)e->id, "-l", size,
	    warn ? "-w" : NULL, NULL };
	char *sargv[] = { submit, "-r", (char *)rc->root, "-f", "",
	    (char *)to, NULL };
	int p[2] = { -1, -1 }, in = -1, rb = -1, rs = -1;
	pid_t pb = -1, ps = -1;

	if (relay_prog(rc, "mail-bounce", bounce, sizeof bounce) < 0 ||
	    relay_prog(rc, "mail-submit", submit, sizeof submit) < 0 ||
	    str_fmt(failfile, sizeof failfile, "/dev/fd/%d", recfd) < 0 ||
	    str_fmt(arrival, sizeof arrival, "%lld",
	    (long long)e->arrival) < 0 ||
	    str_fmt(size, sizeof size, "%llu", rc->bounce_size) < 0 ||
	    queue_mess_path(rc->root, e->id, mess, sizeof mess) < 0)
		return -1;
	if ((in = open(mess, O_RDONLY | O_CLOEXEC)) >= 0 &&
	    pipe2(p, O_CLOEXEC) == 0 &&
	    (pb = relay_spawn(bargv, in, p[1], -1)) > 0)
		ps = relay_spawn(sargv, p[0], -1, -1);
	if (in >= 0)
		close(in);
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	if (pb > 0)
		rb = relay_wait(pb);
	if (ps > 0)
		rs = relay_wait(ps);
	return rb == 0 && rs == 0 ? 0 : -1;
}

int
relay_bounce(const struct relay_conf *rc, const struct qenv *e, int msgfd,
    const struct relay_result *res, const size_t *idx, size_t n)
{
	char postmaster[300];
	const char *to = e->sender;
	size_t i, pm = 0;
	int fd, r;

	if (n == 0)
		return 0;
	if (str_fmt(postmaster, sizeof postmaster, "postmaster@%s",
	    rc->me) < 0)
		return -1;
	if (to[0] == '\0') {
		for (i = 0; i < n; i++)
			pm += strcasecmp(e->rcpt[idx[i]].addr, postmaster) == 0;
		if (pm == n) {
			note(e, "double-bounce-dropped", "reason",
			    "a bounce to the postmaster failed");
			return 0;
		}
		to = postmaster;	/* a bounce failed: double bounce */
	} else if (auto_replied(msgfd)) {
		note(e, "bounce-suppressed", "reason",
		    "Auto-Submitted: auto-replied");
		return 0;
	}
	fd = failure_records(e, res, idx, n);
	if (fd < 0)
		return -1;
	r = pipeline(rc, e, fd, to, 0);
	close(fd);
	if (r < 0)
		note(e, "bounce-deferred", "reason",
		    "mail-bounce or mail-submit failed");
	else
		note(e, to == e->sender ? "bounce" : "double-bounce", "to", to);
	return r;
}

int
relay_warn(const struct relay_conf *rc, const struct qenv *e, int msgfd)
{
	size_t n;
	int fd, r;

	if (e->sender[0] == '\0' || e->dsn)
		return 0;	/* nobody to warn, or a bounce itself */
	if (auto_replied(msgfd)) {
		note(e, "delay-warning-suppressed", "reason",
		    "Auto-Submitted: auto-replied");
		return 0;
	}
	fd = delay_records(e, &n);
	if (fd < 0)
		return -1;
	r = n > 0 ? pipeline(rc, e, fd, e->sender, 1) : 0;
	close(fd);
	if (r < 0)
		note(e, "delay-warning-deferred", "reason",
		    "mail-bounce or mail-submit failed");
	else if (n > 0)
		note(e, "delay-warning", "to", e->sender);
	return r;
}
