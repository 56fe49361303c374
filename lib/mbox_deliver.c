/* mbox_deliver: one message appended to an mbox; see include/mailbox.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"
#include "lfcopy.h"
#include "mailbox.h"
#include "mboxlock.h"

/* An mbox left without a final LF by someone else would glue our "From "
 * line to its last line. */
static int
end_with_newline(int fd, off_t size)
{
	char c;

	if (size == 0)
		return 0;
	if (pread(fd, &c, 1, size - 1) != 1)
		return -1;
	return c == '\n' ? 0 : fd_write_all(fd, "\n", 1);
}

/* Append everything at the end; 0 or -1. */
static int
append(int fd, const char *from_line, const char *prefix, size_t plen,
    const struct msgsrc *m, uint64_t *size)
{
	uint64_t body;

	if (fd_write_all(fd, from_line, strlen(from_line)) < 0 ||
	    fd_write_all(fd, prefix, plen) < 0 ||
	    lfcopy(m, fd, LFCOPY_MBOXRD, &body) < 0 ||
	    fd_write_all(fd, "\n", 1) < 0 || fsync(fd) < 0)
		return -1;
	*size = strlen(from_line) + plen + body + 1;
	return 0;
}

/* Open the mbox and take both locks on the file that is at path now.  A
 * POP3 UPDATE replaces the mbox by renaming a new file over it: a writer
 * that opened the old file before it waited for the lock would append to
 * an unlinked file and the message would be lost.  So once locked, the
 * descriptor must still be the file at path; if not, start again. */
static int
open_locked(const char *path, int lock_timeout, struct mboxlock *lk)
{
	struct stat a, b;
	int fd, tries, same, saved;

	for (tries = 0; tries < 10; tries++) {
		fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return -1;
		if (mboxlock_take(lk, path, fd, lock_timeout) < 0) {
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		same = fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
		if (same && S_ISREG(a.st_mode))
			return fd;
		mboxlock_release(lk);
		close(fd);
		if (same)
			return errno = EINVAL, -1;	/* not a regular file */
	}
	return errno = EAGAIN, -1;
}

int
mbox_deliver(const char *path, const char *from_line, const char *prefix,
    size_t plen, const struct msgsrc *m, int lock_timeout, uint64_t *size)
{
	struct mboxlock lk;
	struct stat st;
	off_t old;
	int fd, saved, rc = -1;

	fd = open_locked(path, lock_timeout, &lk);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto out;
	old = st.st_size;
	if (lseek(fd, old, SEEK_SET) < 0 || end_with_newline(fd, old) < 0 ||
	    append(fd, from_line, prefix, plen, m, size) < 0) {
		saved = errno;
		/* leave the mailbox exactly as it was */
		if (ftruncate(fd, old) == 0)
			(void)fsync(fd);
		errno = saved;
		goto out;
	}
	rc = 0;
out:
	saved = errno;
	mboxlock_release(&lk);
	close(fd);
	errno = saved;
	return rc;
}
