/* mboxlock: dot-lock + fcntl for mbox files; see include/mboxlock.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mboxlock.h"
#include "str.h"

static void
nap(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

static int
remove_if_stale(const char *dotlock)
{
	struct stat st;

	if (stat(dotlock, &st) == 0 &&
	    time(NULL) - st.st_mtime > MBOXLOCK_STALE)
		return unlink(dotlock);
	return -1;
}

/* One attempt at the dot-lock: 1 taken, 0 busy, -1 error. */
static int
try_dotlock(const char *dotlock, const char *unique)
{
	struct stat st;
	int fd, r;

	fd = open(unique, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
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

int
mboxlock_take(struct mboxlock *l, const char *path, int fd, int timeout_s)
{
	char unique[PATH_MAX + 64];
	time_t deadline = time(NULL) + timeout_s;
	int r;

	l->fd = -1;
	l->dotlocked = 0;
	if (str_fmt(l->dotlock, sizeof l->dotlock, "%s.lock", path) < 0 ||
	    str_fmt(unique, sizeof unique, "%s.lock.%ld.%ld", path,
	    (long)getpid(), (long)time(NULL)) < 0)
		return -1;
	for (;;) {
		r = try_dotlock(l->dotlock, unique);
		if (r < 0)
			return -1;
		if (r == 1)
			break;
		if (remove_if_stale(l->dotlock) == 0)
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
	return 0;
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
