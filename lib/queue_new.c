/* queue_new: putting a new message into the queue; see include/queue.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"
#include "io.h"
#include "queue.h"
#include "safefile.h"
#include "str.h"

int
queue_init(const char *root)
{
	static const char *const dirs[] = { "tmp", "env", "bad" };
	char p[PATH_MAX];
	unsigned i, h;

	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		if (str_fmt(p, sizeof p, "%s/queue/%s", root, dirs[i]) < 0 ||
		    sf_mkdirs(p, 0750) < 0)
			return -1;
	}
	for (h = 0; h < 16; h++) {
		if (str_fmt(p, sizeof p, "%s/queue/env/%x", root, h) < 0 ||
		    (mkdir(p, 0750) < 0 && errno != EEXIST))
			return -1;
	}
	if (str_fmt(p, sizeof p, "%s/queue/trigger", root) < 0 ||
	    (mkfifo(p, 0620) < 0 && errno != EEXIST))
		return -1;
	return queue_upgrade(root);
}

/* Time in microseconds and the pid: unique across processes, and across
 * restarts as long as the clock does not run backwards; O_EXCL catches
 * the rest. */
static int
make_id(char *id, size_t size, unsigned salt)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return str_fmt(id, size, "%09llx%05lx%06lx%x",
	    (unsigned long long)tv.tv_sec, (unsigned long)tv.tv_usec,
	    (unsigned long)getpid() & 0xffffff, salt & 0xf);
}

int
queue_new(const char *root, struct qnew *q)
{
	unsigned salt;

	q->fd = -1;
	q->size = 0;
	q->wlen = 0;
	for (salt = 0; salt < 16; salt++) {
		if (make_id(q->id, sizeof q->id, salt) < 0 ||
		    str_fmt(q->tmp, sizeof q->tmp, "%s/queue/tmp/%s", root,
		    q->id) < 0)
			return -1;
		q->fd = open(q->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0640);
		if (q->fd >= 0)
			return 0;
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

int
queue_new_write(struct qnew *q, const void *p, size_t n, uint64_t max)
{
	uint64_t size;

	if (__builtin_add_overflow(q->size, (uint64_t)n, &size) ||
	    (max && size > max))
		return errno = EFBIG, -1;
	if (n == 0)		/* p may be NULL: an empty buffer's bytes */
		return 0;
	if (n > sizeof q->wbuf - q->wlen && queue_new_flush(q) < 0)
		return -1;
	if (n >= sizeof q->wbuf) {
		if (fd_write_all(q->fd, p, n) < 0)
			return -1;
	} else {
		memcpy(q->wbuf + q->wlen, p, n);
		q->wlen += n;
	}
	q->size = size;
	return 0;
}

int
queue_new_flush(struct qnew *q)
{
	size_t n = q->wlen;

	q->wlen = 0;
	return n > 0 ? fd_write_all(q->fd, q->wbuf, n) : 0;
}

/* How a commit is made durable: ROOT/etc/queuesync says "fsync" (the
 * default: fsync of each file and directory) or "syncfs" (one syncfs() of
 * the spool file system after each step: concurrent sessions then share
 * the flushes, a group commit, at the price of flushing whatever else is
 * dirty on that file system).  Read once per process. */
static int
use_syncfs(const char *root)
{
	static int mode = -1;
	char v[32];

	if (mode < 0)
		mode = conf_first(root, "etc/queuesync", v, sizeof v) == 1 &&
		    strcmp(v, "syncfs") == 0;
	return mode;
}

/* syncfs mode: make everything written so far durable. */
static int
flush_fs(const char *root)
{
	char p[PATH_MAX];
	int fd, r;

	if (str_fmt(p, sizeof p, "%s/queue", root) < 0)
		return -1;
	fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = syncfs(fd);
	close(fd);
	return r;
}

static int
write_env_tmp(const char *path, const struct qenv *e, int sync)
{
	struct buf b = BUF_INIT;
	int fd, r = -1;

	if (qenv_format(e, &b) < 0)
		goto out;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0)
		goto out;
	r = fd_write_all(fd, b.s, b.len) < 0 || (sync && fsync(fd) < 0) ? -1
	    : 0;
	if (close(fd) < 0)
		r = -1;
out:
	buf_free(&b);
	return r;
}

/* rename(), and when the target directory is missing (a queue that
 * another process is creating right now), create the queue and retry. */
static int
rename_in(const char *root, const char *from, const char *to)
{
	if (rename(from, to) == 0)
		return 0;
	if (errno != ENOENT || access(from, F_OK) < 0 || queue_init(root) < 0)
		return -1;
	return rename(from, to);
}

/* Both files are complete and synced before either is renamed in; the
 * message is renamed first, and both names live in env/H, so one sync
 * of that directory makes the pair durable before the writer says yes:
 * three syncs in fsync mode.  A crash before that sync may leave an
 * envelope without its message (never acknowledged: mail-relay moves it
 * to bad/) or a message without its envelope (swept).  The tmp/
 * directory needs no sync: a rename out of it that a crash forgets
 * leaves only a name there for queue_sweep().  In syncfs mode the files
 * are flushed before the renames for the same reason: an envelope must
 * never name a message that a crash could leave short. */
int
queue_new_commit(const char *root, struct qnew *q, struct qenv *e)
{
	char envtmp[PATH_MAX], mess[PATH_MAX], env[PATH_MAX];
	int fs = use_syncfs(root), saved, r;

	if (str_copy(e->id, sizeof e->id, q->id) < 0 ||
	    str_fmt(envtmp, sizeof envtmp, "%s.env", q->tmp) < 0 ||
	    queue_mess_path(root, q->id, mess, sizeof mess) < 0 ||
	    queue_env_path(root, q->id, env, sizeof env) < 0)
		return -1;
	r = queue_new_flush(q) < 0 || (!fs && fsync(q->fd) < 0) ? -1 : 0;
	if (close(q->fd) < 0)
		r = -1;
	q->fd = -1;
	if (r < 0 || write_env_tmp(envtmp, e, !fs) < 0 ||
	    (fs && flush_fs(root) < 0) || rename_in(root, q->tmp, mess) < 0)
		goto fail;
	if (rename(envtmp, env) < 0) {
		saved = errno;
		unlink(mess);
		unlink(envtmp);
		errno = saved;
		return -1;
	}
	if ((fs ? flush_fs(root) : sf_fsync_parent(env)) < 0)
		return -1;	/* queued, but we cannot promise it: say no */
	return 0;
fail:
	saved = errno;
	unlink(envtmp);
	unlink(q->tmp);
	errno = saved;
	return -1;
}

void
queue_new_abort(struct qnew *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	unlink(q->tmp);
}

void
queue_trigger(const char *root)
{
	char p[PATH_MAX];
	int fd;

	if (str_fmt(p, sizeof p, "%s/queue/trigger", root) < 0)
		return;
	fd = open(p, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	(void)!write(fd, "!", 1);
	close(fd);
}
