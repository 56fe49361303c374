/* relay_run: the queue runner, one pass or a daemon woken by the trigger
 * FIFO and its retry timer, with at most maxproc deliveries at once; see
 * include/relay.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "relay.h"
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

struct runner {
	const struct relay_conf *rc;
	const struct relay_opts *o;
	volatile sig_atomic_t *stop;
	char (*due)[QID_MAX];		/* IDs waiting for a slot */
	size_t ndue, capdue, nextdue;
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
push_due(struct runner *r, const char *id)
{
	char (*n)[QID_MAX];
	size_t cap;

	if (r->ndue == r->capdue) {
		cap = r->capdue ? r->capdue * 2 : 256;
		n = realloc(r->due, cap * QID_MAX);
		if (n == NULL)
			return -1;
		r->due = n;
		r->capdue = cap;
	}
	str_copy(r->due[r->ndue++], QID_MAX, id);
	return 0;
}

/* queue_each callback: is the message due, and when is it next due? */
static int
look(void *arg, const char *id)
{
	struct runner *r = arg;
	time_t now = time(NULL), first = 0;
	struct qenv e;
	size_t i;

	if (in_flight(r, id))
		return 0;
	if (queue_env_load(r->rc->root, id, &e) < 0)
		return push_due(r, id);	/* relay_message reports it */
	for (i = 0; i < e.nrcpt && !e.held; i++)
		if (e.rcpt[i].state == Q_TODO &&
		    (first == 0 || e.rcpt[i].next < first))
			first = e.rcpt[i].next;
	qenv_free(&e);
	if (first == 0)
		return e.held ? 0 : push_due(r, id);	/* finished: remove */
	if (r->rc->force || first <= now)
		return push_due(r, id);
	if (r->wake == 0 || first < r->wake)
		r->wake = first;
	return 0;
}

static int
scan(struct runner *r)
{
	r->ndue = r->nextdue = 0;
	r->wake = 0;
	return queue_each(r->rc->root, look, r) < 0 ? -1 : 0;
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

/* A delivery process for the next few due messages: a share of what is
 * waiting, so that forks are few on a big queue and slots stay busy. */
static void
start(struct runner *r)
{
	size_t left = r->ndue - r->nextdue, n, k;
	struct slot *s;
	unsigned i;
	pid_t pid;

	for (i = 0; i < r->o->maxproc && r->slots[i].pid > 0; i++)
		;
	if (i == r->o->maxproc)
		return;
	s = &r->slots[i];
	n = left / (r->o->maxproc * 4);
	n = n < 1 ? 1 : n > BATCH_MAX ? BATCH_MAX : n;
	for (k = 0; k < n; k++)
		str_copy(s->id[k], QID_MAX, r->due[r->nextdue + k]);
	r->nextdue += n;
	pid = fork();
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		srandom((unsigned)getpid() ^ (unsigned)time(NULL));
		for (k = 0; k < n; k++)
			(void)relay_message(r->rc, s->id[k], NULL);
		_exit(0);
	}
	if (pid < 0)
		return;		/* those wait for the next scan */
	s->pid = pid;
	s->n = n;
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
	return ret;
}
