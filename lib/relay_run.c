/* relay_run: the queue runner, one pass or a daemon woken by the trigger
 * FIFO and its retry timer, with at most maxproc deliveries at once; see
 * include/relay.h. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fnv.h"
#include "log.h"
#include "relay.h"
#include "relay_cache.h"
#include "str.h"

#define IDLE_MAX	3600	/* rescan at least this often (seconds) */
#define SWEEP_EVERY	3600
#define SWEEP_AGE	(36 * 3600)

#define BATCH_MAX	16	/* messages per delivery process */

struct slot {
	pid_t pid;
	size_t n;
	char id[BATCH_MAX][QID_MAX];
};

/* A due message and the domain its delivery process should share. */
struct due {
	char id[QID_MAX];
	uint64_t domain;		/* hash of its first due recipient's */
	size_t seq;			/* order found */
};

struct runner {
	const struct relay_conf *rc;
	const struct relay_opts *o;
	volatile sig_atomic_t *stop;
	struct due *due;		/* waiting for a slot, in batches */
	size_t ndue, capdue, nextdue;
	size_t *batch, nbatch, nextbatch;	/* batch sizes, in order */
	struct slot *slots;
	unsigned running;
	time_t wake;			/* earliest next attempt seen */
};

static int
in_flight(const struct runner *r, const char *id)
{
	unsigned i;
	size_t k;

	for (i = 0; i < r->o->maxproc; i++)
		for (k = 0; r->slots[i].pid > 0 && k < r->slots[i].n; k++)
			if (strcmp(r->slots[i].id[k], id) == 0)
				return 1;
	return 0;
}

static int
push_due(struct runner *r, const char *id, uint64_t domain)
{
	struct due *n;
	size_t cap;

	if (r->ndue == r->capdue) {
		cap = r->capdue ? r->capdue * 2 : 256;
		n = reallocarray(r->due, cap, sizeof *n);
		if (n == NULL)
			return -1;
		r->due = n;
		r->capdue = cap;
	}
	str_copy(r->due[r->ndue].id, QID_MAX, id);
	r->due[r->ndue].domain = domain;
	r->due[r->ndue].seq = r->ndue;
	r->ndue++;
	return 0;
}

static uint64_t
domain_hash(const char *addr)
{
	const char *at = strrchr(addr, '@');
	uint64_t h = FNV1A_INIT;
	char c;

	for (at = at ? at + 1 : addr; *at; at++) {
		c = (char)tolower((unsigned char)*at);
		h = fnv1a(h, &c, 1);
	}
	return h;
}

/* queue_each callback: is the message due, and when is it next due? */
static int
look(void *arg, const char *id)
{
	struct runner *r = arg;
	time_t now = time(NULL), first = 0;
	uint64_t domain = 0;
	struct qenv e;
	size_t i;

	if (in_flight(r, id))
		return 0;
	if (queue_env_load(r->rc->root, id, &e) < 0)
		return push_due(r, id, 0);	/* relay_message reports it */
	for (i = 0; i < e.nrcpt && !e.held; i++)
		if (e.rcpt[i].state == Q_TODO &&
		    (first == 0 || e.rcpt[i].next < first)) {
			first = e.rcpt[i].next;
			domain = domain_hash(e.rcpt[i].addr);
		}
	qenv_free(&e);
	if (first == 0)	/* finished: remove */
		return e.held ? 0 : push_due(r, id, 0);
	if (r->rc->force || first <= now)
		return push_due(r, id, domain);
	if (r->wake == 0 || first < r->wake)
		r->wake = first;
	return 0;
}

static int
by_domain(const void *a, const void *b)
{
	const struct due *x = a, *y = b;

	if (x->domain != y->domain)
		return x->domain < y->domain ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Messages per batch for a domain with n due: the slots are shared out
 * among the domains, and each domain's messages among its slots. */
static size_t
batch_size(size_t n, size_t ndom, unsigned maxproc)
{
	size_t slots = ndom < maxproc ? maxproc / ndom : 1, size;

	size = (n + slots - 1) / slots;
	return size < 1 ? 1 : size > BATCH_MAX ? BATCH_MAX : size;
}

/* Cut the due messages into batches, one delivery process each.  A batch
 * holds messages to one domain, so that its process sends them over one
 * SMTP session (relay_cache.h); the batches take the domains in turn, so
 * that a big backlog to one domain does not hold up the rest. */
static int
make_batches(struct runner *r)
{
	size_t ndom = 0, i, j, k = 0, n, keep, *beg, *end, *size, *out;
	struct due *sorted;
	int rc = -1;

	r->nbatch = r->nextbatch = 0;
	if (r->ndue == 0)
		return 0;
	qsort(r->due, r->ndue, sizeof *r->due, by_domain);
	beg = calloc(r->ndue, sizeof *beg);	/* what is left of each */
	end = calloc(r->ndue, sizeof *end);	/* domain's messages */
	size = calloc(r->ndue, sizeof *size);
	sorted = calloc(r->ndue, sizeof *sorted);
	out = reallocarray(r->batch, r->ndue, sizeof *out);
	if (out != NULL)
		r->batch = out;
	if (beg == NULL || end == NULL || size == NULL || sorted == NULL ||
	    out == NULL)
		goto done;
	for (i = 0; i < r->ndue; i++) {
		if (i > 0 && r->due[i].domain == r->due[i - 1].domain)
			continue;
		if (ndom > 0)
			end[ndom - 1] = i;
		beg[ndom++] = i;
	}
	end[ndom - 1] = r->ndue;
	for (j = 0; j < ndom; j++)
		size[j] = batch_size(end[j] - beg[j], ndom, r->o->maxproc);
	/* Round robin: each round takes one batch from every domain that
	 * has messages left, and drops the domains it empties. */
	while (ndom > 0) {
		for (j = keep = 0; j < ndom; j++) {
			n = end[j] - beg[j] < size[j] ? end[j] - beg[j] : size[j];
			memcpy(sorted + k, r->due + beg[j], n * sizeof *sorted);
			k += n;
			r->batch[r->nbatch++] = n;
			if (beg[j] + n < end[j]) {
				beg[keep] = beg[j] + n;
				end[keep] = end[j];
				size[keep++] = size[j];
			}
		}
		ndom = keep;
	}
	memcpy(r->due, sorted, r->ndue * sizeof *sorted);
	rc = 0;
done:
	free(beg);
	free(end);
	free(size);
	free(sorted);
	return rc;
}

/* -v: what a scan found. */
static void
log_scan(const struct runner *r)
{
	struct logrec lr;

	if (!r->rc->verbose)
		return;
	log_begin(&lr, "scan");
	log_num(&lr, "due", r->ndue);
	log_num(&lr, "batches", r->nbatch);
	log_num(&lr, "next_in", r->wake > time(NULL) ?
	    (uint64_t)(r->wake - time(NULL)) : 0);
	log_end(&lr);
}

static int
scan(struct runner *r)
{
	int rc;

	r->ndue = r->nextdue = 0;
	r->wake = 0;
	if (queue_each(r->rc->root, look, r) < 0)
		return -1;
	rc = make_batches(r);
	log_scan(r);
	return rc;
}

static void
reap(struct runner *r, int block)
{
	unsigned i;
	pid_t pid;
	int st;

	while (r->running > 0) {
		pid = waitpid(-1, &st, block ? 0 : WNOHANG);
		if (pid < 0 && errno == EINTR) {
			return;
		}
		if (pid <= 0)
			return;
		for (i = 0; i < r->o->maxproc; i++)
			if (r->slots[i].pid == pid) {
				r->slots[i].pid = 0;
				r->running--;
			}
		block = 0;
	}
}

/* Deliver one batch in this (child) process, with the SMTP sessions kept
 * open from one message to the next. */
static void
deliver_batch(const struct relay_conf *conf, const struct slot *s)
{
	struct relay_conf rc = *conf;
	size_t k;

	rc.cache = relay_cache_new();	/* NULL: a session per message */
	for (k = 0; k < s->n; k++)
		(void)relay_message(&rc, s->id[k], NULL);
	relay_cache_free(rc.cache);
}

/* A delivery process for the next batch of due messages. */
static void
start(struct runner *r)
{
	size_t n, k;
	struct slot *s;
	unsigned i;
	pid_t pid;

	for (i = 0; i < r->o->maxproc && r->slots[i].pid > 0; i++)
		;
	if (i == r->o->maxproc)
		return;
	s = &r->slots[i];
	n = r->nextbatch < r->nbatch ? r->batch[r->nextbatch++] : 1;
	if (n > r->ndue - r->nextdue)
		n = r->ndue - r->nextdue;
	for (k = 0; k < n; k++)
		str_copy(s->id[k], QID_MAX, r->due[r->nextdue + k].id);
	r->nextdue += n;
	s->n = n;
	pid = fork();
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		srandom((unsigned)getpid() ^ (unsigned)time(NULL));
		deliver_batch(r->rc, s);
		_exit(0);
	}
	if (pid < 0)
		return;		/* those wait for the next scan */
	s->pid = pid;
	r->running++;
}

/* Start due messages while slots are free; 1 when some still wait. */
static int
dispatch(struct runner *r)
{
	while (r->nextdue < r->ndue && !*r->stop) {
		reap(r, 0);
		if (r->running >= r->o->maxproc)
			return 1;
		start(r);
	}
	return 0;
}

static int
open_trigger(const char *root, int *wfd)
{
	char p[PATH_MAX];
	int fd;

	if (str_fmt(p, sizeof p, "%s/queue/trigger", root) < 0)
		return -1;
	fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	/* Our own writer keeps the FIFO from reporting end of file. */
	*wfd = fd >= 0 ? open(p, O_WRONLY | O_NONBLOCK | O_CLOEXEC) : -1;
	return fd;
}

/* Wait for the trigger, the timer or a child; 1 when triggered. */
static int
wait_event(struct runner *r, int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	time_t now = time(NULL);
	long ms = IDLE_MAX * 1000L;
	char drain[256];
	int trig = 0;

	if (r->wake > 0)
		ms = r->wake > now ? (long)(r->wake - now) * 1000 : 0;
	if (ms > IDLE_MAX * 1000L)
		ms = IDLE_MAX * 1000L;
	if (r->running > 0 && ms > 200)
		ms = 200;	/* poll for finished children */
	if (poll(&p, 1, (int)ms) > 0) {
		while (read(fd, drain, sizeof drain) > 0)
			;
		trig = 1;
	}
	reap(r, 0);
	return trig;
}

/* A deferred message comes back no sooner than 3/4 of retry-min. */
static void
after_scan(struct runner *r)
{
	time_t soon = time(NULL) + r->rc->retry_min - r->rc->retry_min / 4;

	if (r->ndue > 0 && (r->wake == 0 || soon < r->wake))
		r->wake = soon;
	if (r->wake == 0)
		r->wake = time(NULL) + IDLE_MAX;
}

static void
daemon_loop(struct runner *r, struct relay_conf *rc)
{
	time_t swept = 0, now;
	int fd, wfd = -1, waiting = 0, trig = 1;

	fd = open_trigger(rc->root, &wfd);
	while (!*r->stop) {
		now = time(NULL);
		if (now - swept >= SWEEP_EVERY) {
			(void)queue_sweep(rc->root, SWEEP_AGE);
			swept = now;
		}
		if (!waiting && (trig || now >= r->wake)) {
			(void)scan(r);
			rc->force = 0;	/* -f: only the first pass */
			after_scan(r);
		}
		waiting = dispatch(r);
		if (waiting)
			reap(r, 1);	/* every slot busy: wait for one */
		else if (fd >= 0)
			trig = wait_event(r, fd);
		else {
			usleep(200000);
			reap(r, 0);
		}
	}
	if (fd >= 0)
		close(fd);
	if (wfd >= 0)
		close(wfd);
}

int
relay_run(const struct relay_conf *conf, const struct relay_opts *o,
    volatile sig_atomic_t *stop)
{
	struct relay_conf rc = *conf;
	struct runner r;
	int ret = 0;

	memset(&r, 0, sizeof r);
	r.rc = &rc;
	r.o = o;
	r.stop = stop;
	r.slots = calloc(o->maxproc ? o->maxproc : 1, sizeof *r.slots);
	if (r.slots == NULL)
		return -1;
	if (o->once) {
		ret = scan(&r);
		while (dispatch(&r))
			reap(&r, 1);
	} else
		daemon_loop(&r, &rc);
	while (r.running > 0)
		reap(&r, 1);
	free(r.slots);
	free(r.due);
	free(r.batch);
	return ret;
}
