/* relay_conf: mail-relay's settings from ROOT/etc; see include/relay.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "dsn.h"
#include "relay.h"
#include "str.h"

static int
number(const char *root, const char *rel, unsigned long long def,
    unsigned long long max, unsigned long long *v)
{
	if (conf_number(root, rel, def, v) < 0)
		return -1;
	if (*v > max)
		return errno = EINVAL, -1;
	return 0;
}

/* The directory of our own executable. */
static int
self_dir(char *out, size_t size)
{
	char p[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", p, sizeof p - 1);
	char *slash;

	if (n <= 0)
		return -1;
	p[n] = '\0';
	slash = strrchr(p, '/');
	if (slash == NULL)
		return -1;
	*slash = '\0';
	return str_copy(out, size, p[0] ? p : "/");
}

int
relay_conf_load(struct relay_conf *rc, const char *root, const char *bindir)
{
	unsigned long long life, rmin, rmax, port, v4, cap, bsize, warn;
	const char *env = getenv("MAILKIT_BIN");

	memset(rc, 0, sizeof *rc);
	rc->root = root;
	if (bindir == NULL && env != NULL && env[0] != '\0')
		bindir = env;
	if (bindir != NULL ? str_copy(rc->bindir, sizeof rc->bindir,
	    bindir) < 0 : self_dir(rc->bindir, sizeof rc->bindir) < 0)
		return -1;
	if (conf_me(root, rc->me, sizeof rc->me) < 0 ||
	    number(root, "etc/queuelifetime", 432000, 1ULL << 32, &life) < 0 ||
	    number(root, "etc/retry-min", 900, 1ULL << 32, &rmin) < 0 ||
	    number(root, "etc/retry-max", 14400, 1ULL << 32, &rmax) < 0 ||
	    number(root, "etc/smtpport", 25, 65535, &port) < 0 ||
	    number(root, "etc/ipv4only", 0, 1, &v4) < 0 ||
	    number(root, "etc/smtp-timeout", 0, 3600, &cap) < 0 ||
	    number(root, "etc/bounce-size", DSN_FULL_MAX, 1ULL << 30,
	    &bsize) < 0 ||
	    number(root, "etc/delaywarning", 0, 1ULL << 32, &warn) < 0)
		return -1;
	if (port == 0 || rmin == 0)
		return errno = EINVAL, -1;
	rc->lifetime = (time_t)life;
	rc->retry_min = (time_t)rmin;
	rc->retry_max = (time_t)(rmax < rmin ? rmin : rmax);
	rc->smtpport = (unsigned)port;
	rc->v4only = (int)v4;
	rc->timeout_cap_ms = (int)cap * 1000;
	rc->bounce_size = bsize;
	rc->delay_warning = (time_t)warn;
	return 0;
}

int
relay_prog(const struct relay_conf *rc, const char *name, char *out,
    size_t size)
{
	return str_fmt(out, size, "%s/%s", rc->bindir, name);
}

time_t
relay_backoff(const struct relay_conf *rc, unsigned attempts, time_t now)
{
	time_t d = rc->retry_min;
	unsigned i;

	for (i = 1; i < attempts && d < rc->retry_max; i++)
		d *= 2;
	if (d > rc->retry_max)
		d = rc->retry_max;
	/* +-25% so that messages that failed together spread out. */
	return now + d - d / 4 + (time_t)(random() % (d / 2 + 1));
}

void
relay_set(struct relay_result *r, enum relay_kind kind, const char *status,
    const char *fmt, ...)
{
	va_list ap;

	r->kind = kind;
	str_copy(r->status, sizeof r->status, status);
	va_start(ap, fmt);
	vsnprintf(r->diag, sizeof r->diag, fmt, ap);
	va_end(ap);
}
