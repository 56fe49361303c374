/*
 * relay: the queue runner behind mail-relay(8).
 *
 *	struct relay_conf rc;
 *	relay_conf_load(&rc, root, bindir);      // etc/ files, see below
 *	relay_message(&rc, id, &stop);           // deliver what is due of ID
 *	relay_run(&rc, &opts, &stop);            // one pass or the daemon
 *
 * relay_message() locks the message (a second runner skips it), tries
 * every due recipient once: local domains through mail-deliver, others by
 * route or MX over SMTP, one transaction per domain; records the outcome
 * of each attempt in the envelope (attempts, next, status, diagnostic),
 * logs one line per recipient and attempt, hands permanent failures to
 * mail-bounce | mail-submit, and removes the message when no recipient is
 * left to do.  A temporary failure waits retry_min * 2^(attempts-1)
 * (at most retry_max) with +-25% jitter; after lifetime seconds in the
 * queue it becomes the permanent "4.4.7 delivery time expired".
 *
 * Configuration (ROOT/etc, all optional; seconds unless said):
 *	queuelifetime (432000), retry-min (900), retry-max (14400),
 *	smtpport (25), ipv4only (0), smtp-timeout (cap on every SMTP wait),
 *	bounce-size (bytes of the original quoted whole in a bounce),
 *	delaywarning (0: off; else a delay warning DSN goes to the sender
 *	once, on the first failed attempt this long after arrival).
 */
#ifndef MAILKIT_RELAY_H
#define MAILKIT_RELAY_H

#include <limits.h>
#include <signal.h>
#include <sys/types.h>
#include <time.h>

#include "queue.h"

enum relay_kind { RELAY_OK = 0, RELAY_TEMP, RELAY_PERM };

struct relay_cache;

struct relay_conf {
	const char *root;
	char bindir[PATH_MAX];
	char me[256];
	time_t lifetime, retry_min, retry_max;
	unsigned smtpport;
	int v4only;
	int timeout_cap_ms;		/* 0: RFC 5321 timeouts */
	unsigned long long bounce_size;
	time_t delay_warning;		/* 0: no delay warnings */
	int force;			/* every todo recipient is due */
	int verbose;			/* -v: log scans and SMTP sessions */
	struct relay_cache *cache;	/* sessions kept open between the
					 * messages of one delivery process;
					 * NULL: none (relay_cache.h) */
};

struct relay_result {
	enum relay_kind kind;
	char status[16];
	char diag[QDIAG_MAX];		/* "smtp; 550 ...", "x-unix; ..." */
	char host[256];			/* relay host, "" local */
	char ip[64];
	int tls;
};

struct relay_opts {
	int once;			/* -1: one pass, then exit */
	unsigned maxproc;		/* -c N */
	int verbose;
};

/* 0, or -1 with errno (a bad number in an etc/ file: EINVAL). */
int relay_conf_load(struct relay_conf *rc, const char *root,
    const char *bindir);
/* BINDIR/name into out. 0 or -1. */
int relay_prog(const struct relay_conf *rc, const char *name, char *out,
    size_t size);

/* 0 done (or nothing due, or busy elsewhere), -1 an error worth logging.
 * When *stop becomes non-zero no further domain is started. */
int relay_message(const struct relay_conf *rc, const char *id,
    volatile sig_atomic_t *stop);

/* The queue runner: 0, or -1 when the queue cannot be read. *stop set by
 * a signal handler ends it (in-flight deliveries are waited for). */
int relay_run(const struct relay_conf *rc, const struct relay_opts *o,
    volatile sig_atomic_t *stop);

/* Pieces used by relay_message. */
void relay_local(const struct relay_conf *rc, const struct qenv *e,
    const char *rcpt, struct relay_result *res);
void relay_remote(const struct relay_conf *rc, const struct qenv *e,
    const char *domain, char *const *rcpts, size_t n, int msgfd,
    uint64_t size, struct relay_result *res);
/* Queue a DSN for the failed recipients of e: 0 queued (or rightly not
 * sent: null sender loop, Auto-Submitted), -1 try again later. */
int relay_bounce(const struct relay_conf *rc, const struct qenv *e,
    int msgfd, const struct relay_result *res, const size_t *idx, size_t n);
/* Queue a delay warning (Action: delayed) for the recipients of e still
 * to do, with their last status and reply: 0 queued (or rightly not
 * sent: null sender, Auto-Submitted), -1 try again later. */
int relay_warn(const struct relay_conf *rc, const struct qenv *e,
    int msgfd);
/* fork and execve argv[0] with fds in/out/err as 0/1/2 (-1: keep) and
 * every other descriptor left to close-on-exec.  pid or -1. */
pid_t relay_spawn(char *const *argv, int in, int out, int err);
/* waitpid for pid; the exit code, or 128+signal, or -1. */
int relay_wait(pid_t pid);
/* Next attempt after a temporary failure. */
time_t relay_backoff(const struct relay_conf *rc, unsigned attempts,
    time_t now);
void relay_set(struct relay_result *r, enum relay_kind kind,
    const char *status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
