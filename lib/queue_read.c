/* queue_read: finding, locking, updating and removing queued messages;
 * see include/queue.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "io.h"
#include "queue.h"
#include "safefile.h"
#include "str.h"

#define ENV_MAX (16u << 20)	/* an envelope larger than this is broken */

/* The subdirectory digit for an ID. */
static unsigned
bucket(const char *id)
{
	unsigned h = 0;

	for (; *id; id++)
		h = h * 31 + (unsigned char)*id;
	return h & 15;
}

static int
valid_id(const char *id)
{
	size_t n = strlen(id);

	return n > 0 && n < QID_MAX && strspn(id, "0123456789abcdef") == n;
}

/* queue/env/H/ID with suffix: the envelope (""), or the message (".msg")
 * beside it, so that one directory sync makes both names durable (see
 * queue_new_commit). */
static int
id_path(char *out, size_t size, const char *root, const char *id,
    const char *suffix)
{
	if (!valid_id(id))
		return errno = EINVAL, -1;
	return str_fmt(out, size, "%s/queue/env/%x/%s%s", root, bucket(id),
	    id, suffix);
}

int
queue_mess_path(const char *root, const char *id, char *out, size_t size)
{
	return id_path(out, size, root, id, ".msg");
}

int
queue_env_path(const char *root, const char *id, char *out, size_t size)
{
	return id_path(out, size, root, id, "");
}

int
queue_each(const char *root, int (*fn)(void *arg, const char *id),
    void *arg)
{
	char dir[PATH_MAX];
	struct dirent *d;
	unsigned h;
	DIR *dp;
	int r = 0;

	for (h = 0; h < 16 && r == 0; h++) {
		if (str_fmt(dir, sizeof dir, "%s/queue/env/%x", root, h) < 0)
			return -1;
		dp = opendir(dir);
		if (dp == NULL) {
			if (errno == ENOENT)
				continue;
			return -1;
		}
		while (r == 0 && (d = readdir(dp)) != NULL)
			if (valid_id(d->d_name))
				r = fn(arg, d->d_name);
		closedir(dp);
	}
	return r;
}

int
queue_lock(const char *root, const char *id)
{
	char p[PATH_MAX];
	int fd, saved;

	if (queue_mess_path(root, id, p, sizeof p) < 0)
		return -1;
	fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
queue_env_load(const char *root, const char *id, struct qenv *e)
{
	struct buf b = BUF_INIT;
	char p[PATH_MAX];
	int r;

	qenv_init(e);
	if (queue_env_path(root, id, p, sizeof p) < 0 ||
	    sf_read_small(p, ENV_MAX, &b) < 0) {
		buf_free(&b);
		return -1;
	}
	r = qenv_parse(b.s ? b.s : "", b.len, e);
	buf_free(&b);
	if (r == 0 && strcmp(e->id, id) != 0) {
		qenv_free(e);
		return errno = EINVAL, -1;
	}
	return r;
}

/* The envelope is rewritten in queue/tmp/ and renamed over the old one, so
 * a crash in the middle leaves garbage only where queue_sweep() looks. */
int
queue_env_save(const char *root, const struct qenv *e)
{
	struct buf b = BUF_INIT;
	char p[PATH_MAX], tmp[PATH_MAX];
	int fd, r = -1, saved;

	if (queue_env_path(root, e->id, p, sizeof p) < 0 ||
	    str_fmt(tmp, sizeof tmp, "%s/queue/tmp/%s.env.%ld", root, e->id,
	    (long)getpid()) < 0 || qenv_format(e, &b) < 0)
		goto out;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0640);
	if (fd < 0)
		goto out;
	r = fd_write_all(fd, b.s, b.len) < 0 || fsync(fd) < 0 ? -1 : 0;
	if (close(fd) < 0)
		r = -1;
	if (r == 0)
		r = sf_rename_durable(tmp, p);
	if (r < 0) {
		saved = errno;
		unlink(tmp);
		errno = saved;
	}
out:
	buf_free(&b);
	return r;
}

int
queue_remove(const char *root, const char *id)
{
	char env[PATH_MAX], mess[PATH_MAX];

	if (queue_env_path(root, id, env, sizeof env) < 0 ||
	    queue_mess_path(root, id, mess, sizeof mess) < 0)
		return -1;
	if (unlink(env) < 0 && errno != ENOENT)
		return -1;
	if (sf_fsync_parent(env) < 0)
		return -1;
	if (unlink(mess) < 0 && errno != ENOENT)
		return -1;
	return 0;
}

int
queue_quarantine(const char *root, const char *id)
{
	char from[PATH_MAX], to[PATH_MAX];
	int r = 0;

	if (queue_env_path(root, id, from, sizeof from) < 0 ||
	    str_fmt(to, sizeof to, "%s/queue/bad/%s.env", root, id) < 0)
		return -1;
	if (rename(from, to) < 0 && errno != ENOENT)
		r = -1;
	if (queue_mess_path(root, id, from, sizeof from) < 0 ||
	    str_fmt(to, sizeof to, "%s/queue/bad/%s", root, id) < 0)
		return -1;
	if (rename(from, to) < 0 && errno != ENOENT)
		r = -1;
	if (str_fmt(to, sizeof to, "%s/queue/bad", root) == 0)
		(void)sf_fsync_dir(to);
	return r;
}

/* Remove path when it is older than cutoff; 1 removed, 0 kept. */
static int
remove_old(const char *path, time_t cutoff)
{
	struct stat st;

	if (lstat(path, &st) < 0 || st.st_mtime > cutoff)
		return 0;
	return unlink(path) == 0;
}

/* In env/H, a message file "ID.msg" whose envelope "ID" is gone. */
static int
is_orphan(const char *root, const char *name)
{
	char id[QID_MAX], env[PATH_MAX];
	const char *dot = strrchr(name, '.');
	struct stat st;

	if (dot == NULL || strcmp(dot, ".msg") != 0 ||
	    (size_t)(dot - name) >= sizeof id)
		return 0;
	memcpy(id, name, (size_t)(dot - name));
	id[dot - name] = '\0';
	return queue_env_path(root, id, env, sizeof env) == 0 &&
	    stat(env, &st) < 0 && errno == ENOENT;
}

static int
sweep_dir(const char *root, const char *dir, time_t cutoff, int orphans)
{
	char p[PATH_MAX];
	struct dirent *d;
	DIR *dp;
	int n = 0;

	dp = opendir(dir);
	if (dp == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		if (orphans && !is_orphan(root, d->d_name))
			continue;
		if (str_fmt(p, sizeof p, "%s/%s", dir, d->d_name) < 0)
			continue;
		n += remove_old(p, cutoff);
	}
	closedir(dp);
	return n;
}

int
queue_sweep(const char *root, time_t age)
{
	time_t cutoff = time(NULL) - age;
	char dir[PATH_MAX];
	unsigned h;
	int n, total;

	if (str_fmt(dir, sizeof dir, "%s/queue/tmp", root) < 0)
		return -1;
	total = sweep_dir(root, dir, cutoff, 0);
	if (total < 0)
		return -1;
	for (h = 0; h < 16; h++) {
		if (str_fmt(dir, sizeof dir, "%s/queue/env/%x", root, h) < 0)
			return -1;
		n = sweep_dir(root, dir, cutoff, 1);
		if (n < 0)
			return -1;
		total += n;
	}
	return total;
}
