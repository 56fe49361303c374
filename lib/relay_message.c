/* relay_message: one delivery attempt for the due recipients of one
 * queued message; see include/relay.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "relay.h"
#include "str.h"

#define BATCH_MAX 100		/* recipients per SMTP transaction */

struct job {
	const struct relay_conf *rc;
	struct qenv e;
	int fd;
	uint64_t size;
	time_t now;
	struct relay_result *res;	/* per recipient, this run */
	char *tried;			/* 1 when tried this run */
	int dirty;
};

static void
logline(const struct job *j, size_t i)
{
	const struct relay_result *r = &j->res[i];
	struct logrec lr;

	log_begin(&lr, "delivery");
	log_str(&lr, "qid", j->e.id);
	log_str(&lr, "rcpt", j->e.rcpt[i].addr);
	log_str(&lr, "relay", r->host[0] ? r->host : "-");
	if (r->ip[0])
		log_str(&lr, "ip", r->ip);
	log_str(&lr, "tls", r->tls ? "yes" : "no");
	log_num(&lr, "delay", (uint64_t)(j->now > j->e.arrival ?
	    j->now - j->e.arrival : 0));
	log_str(&lr, "result", r->kind == RELAY_OK ? "sent" :
	    r->kind == RELAY_TEMP ? "deferred" : "failed");
	log_str(&lr, "status", r->status);
	log_str(&lr, "reply", r->diag);
	log_end(&lr);
}

static const char *
domain_of(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at ? at + 1 : "";
}

static int
due(const struct job *j, size_t i)
{
	const struct qrcpt *q = &j->e.rcpt[i];

	return q->state == Q_TODO && (j->rc->force || q->next <= j->now);
}

/* Record an attempt's outcome in the envelope. */
static void
record(struct job *j, size_t i)
{
	struct relay_result *r = &j->res[i];
	struct qrcpt *q = &j->e.rcpt[i];
	const char *d = r->diag;
	char msg[QDIAG_MAX];

	j->tried[i] = 1;
	q->attempts++;
	if (r->kind == RELAY_TEMP && j->now - j->e.arrival >= j->rc->lifetime) {
		str_fmt(msg, sizeof msg, "x-mailkit; delivery time expired "
		    "(last error: %s)", r->diag);
		relay_set(r, RELAY_PERM, "4.4.7", "%s", msg);
	}
	logline(j, i);
	/* The envelope holds no TAB/CR/LF: the reply text was one line. */
	if (strstr(d, "; ") != NULL && strcspn(d, " ") > (size_t)(strstr(d,
	    "; ") - d))
		d = strstr(d, "; ") + 2;
	str_copy(q->status, sizeof q->status, r->status);
	str_copyn(q->diag, sizeof q->diag, d, strcspn(d, "\t\r\n"));
	if (r->kind == RELAY_OK)
		q->state = Q_DONE;
	else
		q->next = relay_backoff(j->rc, q->attempts, j->now);
	j->dirty = 1;
}

static int finished(const struct qenv *e);

/* A message with nothing left to do is removed instead: saving it first
 * would only cost two more fsyncs. */
static void
save(struct job *j)
{
	if (j->dirty && finished(&j->e))
		return;
	if (j->dirty && queue_env_save(j->rc->root, &j->e) < 0) {
		struct logrec lr;

		log_begin(&lr, "error");
		log_str(&lr, "qid", j->e.id);
		log_str(&lr, "reason", "cannot save the envelope");
		log_str(&lr, "errno", strerror(errno));
		log_end(&lr);
	}
	j->dirty = 0;
}

static void
do_local(struct job *j)
{
	size_t i;

	for (i = 0; i < j->e.nrcpt; i++) {
		if (!due(j, i) || j->tried[i] ||
		    !conf_is_local_domain(j->rc->root,
		    domain_of(j->e.rcpt[i].addr)))
			continue;
		relay_local(j->rc, &j->e, j->e.rcpt[i].addr, &j->res[i]);
		record(j, i);
		save(j);
	}
}

/* The due, untried recipients of the first untried domain, at most
 * BATCH_MAX.  Number found. */
static size_t
next_batch(struct job *j, size_t *idx, char **rcpts, const char **domain)
{
	size_t i, n = 0;

	*domain = NULL;
	for (i = 0; i < j->e.nrcpt && n < BATCH_MAX; i++) {
		if (!due(j, i) || j->tried[i])
			continue;
		if (*domain == NULL)
			*domain = domain_of(j->e.rcpt[i].addr);
		else if (strcasecmp(*domain, domain_of(j->e.rcpt[i].addr)))
			continue;
		idx[n] = i;
		rcpts[n++] = j->e.rcpt[i].addr;
	}
	return n;
}

static void
do_remote(struct job *j, volatile sig_atomic_t *stop)
{
	struct relay_result res[BATCH_MAX];
	size_t idx[BATCH_MAX], n, k;
	char *rcpts[BATCH_MAX];
	const char *domain;

	while ((stop == NULL || !*stop) &&
	    (n = next_batch(j, idx, rcpts, &domain)) > 0) {
		relay_remote(j->rc, &j->e, domain, rcpts, n, j->fd, j->size,
		    res);
		for (k = 0; k < n; k++) {
			j->res[idx[k]] = res[k];
			record(j, idx[k]);
		}
		save(j);
	}
}

static void
bounce_failures(struct job *j)
{
	size_t *idx, i, n = 0;

	idx = calloc(j->e.nrcpt ? j->e.nrcpt : 1, sizeof *idx);
	if (idx == NULL)
		return;
	for (i = 0; i < j->e.nrcpt; i++)
		if (j->tried[i] && j->res[i].kind == RELAY_PERM)
			idx[n++] = i;
	if (n > 0 && relay_bounce(j->rc, &j->e, j->fd, j->res, idx, n) == 0) {
		for (i = 0; i < n; i++)
			j->e.rcpt[idx[i]].state = Q_FAILED;
		j->dirty = 1;
		save(j);
	}
	free(idx);
}

/* Once a recipient has waited delay_warning seconds, its sender hears
 * that the mail is late: one warning per message, for the recipients
 * then still to do. */
static void
warn_delayed(struct job *j)
{
	time_t after = j->rc->delay_warning;
	size_t i, late = 0;

	if (after == 0 || j->e.warned || j->now - j->e.arrival < after)
		return;
	for (i = 0; i < j->e.nrcpt; i++)
		late += j->tried[i] && j->e.rcpt[i].state == Q_TODO;
	if (late == 0 || relay_warn(j->rc, &j->e, j->fd) < 0)
		return;
	j->e.warned = 1;
	j->dirty = 1;
	save(j);
}

static int
finished(const struct qenv *e)
{
	size_t i;

	for (i = 0; i < e->nrcpt; i++)
		if (e->rcpt[i].state == Q_TODO)
			return 0;
	return 1;
}

static void
broken(const struct relay_conf *rc, const char *id, const char *why)
{
	struct logrec lr;

	log_begin(&lr, "quarantine");
	log_str(&lr, "qid", id);
	log_str(&lr, "reason", why);
	log_end(&lr);
	(void)queue_quarantine(rc->root, id);
}

static int
load(struct job *j, const char *id)
{
	char env[PATH_MAX];
	struct stat st;

	j->fd = queue_lock(j->rc->root, id);
	if (j->fd < 0) {
		if (errno == ENOENT && queue_env_path(j->rc->root, id, env,
		    sizeof env) == 0 && stat(env, &st) == 0)
			broken(j->rc, id, "envelope without message file");
		return -1;
	}
	if (queue_env_load(j->rc->root, id, &j->e) < 0) {
		if (errno == EINVAL)
			broken(j->rc, id, "envelope truncated or unreadable");
		return -1;
	}
	if (fstat(j->fd, &st) < 0)
		return -1;
	j->size = (uint64_t)st.st_size;
	return 0;
}

int
relay_message(const struct relay_conf *rc, const char *id,
    volatile sig_atomic_t *stop)
{
	struct job j;
	int r = 0;

	memset(&j, 0, sizeof j);
	j.rc = rc;
	j.now = time(NULL);
	qenv_init(&j.e);
	if (load(&j, id) < 0) {
		r = errno == EWOULDBLOCK || errno == ENOENT ? 0 : -1;
		goto out;
	}
	if (j.e.held)
		goto out;
	j.res = calloc(j.e.nrcpt ? j.e.nrcpt : 1, sizeof *j.res);
	j.tried = calloc(j.e.nrcpt ? j.e.nrcpt : 1, 1);
	if (j.res == NULL || j.tried == NULL) {
		r = -1;
		goto out;
	}
	do_local(&j);
	do_remote(&j, stop);
	bounce_failures(&j);
	warn_delayed(&j);
	if (finished(&j.e) && queue_remove(rc->root, id) < 0)
		r = -1;
out:
	if (j.fd >= 0)
		close(j.fd);
	free(j.res);
	free(j.tried);
	qenv_free(&j.e);
	return r;
}
