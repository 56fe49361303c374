/* mboxlock: dot-lock + fcntl for mbox files; see include/mboxlock.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <signal.h>
#include <unistd.h>

#include "io.h"

#include "mboxlock.h"
#include "str.h"

static void
nap(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/* The dot-lock holds "PID SIZE": who took it and how long the mbox was
 * then.  0 and the fields, or -1 when unreadable. */
static int
read_dotlock(const char *dotlock, long *pid, long long *size)
{
	char b[64];
	ssize_t n;
	int fd;

	fd = open(dotlock, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, b, sizeof b - 1);
	close(fd);
	if (n <= 0)
		return -1;
	b[n] = '\0';
	return sscanf(b, "%ld %lld", pid, size) == 2 && *pid > 0 &&
	    *size >= 0 ? 0 : -1;
}

/* A dot-lock whose process is gone (or that is older than MBOXLOCK_STALE)
 * was left by a crash: remove it, and remember the size the mbox had when
 * it was taken, so a half-written append can be cut off. */
static int
remove_if_stale(struct mboxlock *l)
{
	struct stat st;
	long pid;
	long long size;
	int dead;

	if (stat(l->dotlock, &st) < 0)
		return -1;
	dead = read_dotlock(l->dotlock, &pid, &size) == 0 &&
	    kill((pid_t)pid, 0) < 0 && errno == ESRCH;
	if (!dead && time(NULL) - st.st_mtime <= MBOXLOCK_STALE)
		return -1;
	if (dead)
		l->recover_size = size;
	return unlink(l->dotlock);
}

/* One attempt at the dot-lock: 1 taken, 0 busy, -1 error. */
static int
try_dotlock(const char *dotlock, const char *unique, int mfd)
{
	struct stat st;
	char who[64];
	int fd, r, n;

	if (fstat(mfd, &st) < 0)
		return -1;
	fd = open(unique, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	n = snprintf(who, sizeof who, "%ld %lld\n", (long)getpid(),
	    (long long)st.st_size);
	if (fd_write_all(fd, who, (size_t)n) < 0) {
		close(fd);
		unlink(unique);
		return -1;
	}
	close(fd);
	r = link(unique, dotlock);
	/* link() may report failure over NFS although it worked: the link
	 * count of the unique file is the truth */
	if (stat(unique, &st) == 0 && st.st_nlink == 2)
		r = 1;
	else
		r = (r < 0 && errno != EEXIST) ? -1 : 0;
	unlink(unique);
	return r;
}

static int
try_fcntl(int fd)
{
	struct flock fl;

	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &fl) == 0)
		return 1;
	return (errno == EACCES || errno == EAGAIN) ? 0 : -1;
}

/* Cut off what a crashed writer appended after the size it recorded. */
static int
recover(struct mboxlock *l)
{
	struct stat st;
	int saved;

	if (l->recover_size < 0 || fstat(l->fd, &st) < 0 ||
	    st.st_size <= l->recover_size)
		return 0;
	if (ftruncate(l->fd, l->recover_size) < 0 || fsync(l->fd) < 0) {
		saved = errno;
		mboxlock_release(l);
		errno = saved;
		return -1;
	}
	l->recovered = 1;
	return 0;
}

int
mboxlock_take(struct mboxlock *l, const char *path, int fd, int timeout_s)
{
	char unique[PATH_MAX + 64];
	time_t deadline = time(NULL) + timeout_s;
	int r;

	l->fd = -1;
	l->dotlocked = 0;
	l->recover_size = -1;
	l->recovered = 0;
	if (str_fmt(l->dotlock, sizeof l->dotlock, "%s.lock", path) < 0 ||
	    str_fmt(unique, sizeof unique, "%s.lock.%ld.%ld", path,
	    (long)getpid(), (long)time(NULL)) < 0)
		return -1;
	for (;;) {
		r = try_dotlock(l->dotlock, unique, fd);
		if (r < 0)
			return -1;
		if (r == 1)
			break;
		if (remove_if_stale(l) == 0)
			continue;
		if (time(NULL) >= deadline)
			return errno = ETIMEDOUT, -1;
		nap();
	}
	l->dotlocked = 1;
	for (;;) {
		r = try_fcntl(fd);
		if (r == 1)
			break;
		if (r < 0 || time(NULL) >= deadline) {
			if (r == 0)
				errno = ETIMEDOUT;
			r = errno;
			mboxlock_release(l);
			errno = r;
			return -1;
		}
		nap();
	}
	l->fd = fd;
	return recover(l);
}

void
mboxlock_release(struct mboxlock *l)
{
	struct flock fl;

	if (l->fd >= 0) {
		memset(&fl, 0, sizeof fl);
		fl.l_type = F_UNLCK;
		fl.l_whence = SEEK_SET;
		(void)fcntl(l->fd, F_SETLK, &fl);
		l->fd = -1;
	}
	if (l->dotlocked) {
		unlink(l->dotlock);
		l->dotlocked = 0;
	}
}
