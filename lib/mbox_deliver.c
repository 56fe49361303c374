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

int
mbox_deliver(const char *path, const char *from_line, const char *prefix,
    size_t plen, const struct msgsrc *m, int lock_timeout, uint64_t *size)
{
	struct mboxlock lk;
	struct stat st;
	off_t old;
	int fd, saved, rc = -1;

	fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (mboxlock_take(&lk, path, fd, lock_timeout) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (errno == 0)
			errno = EINVAL;
		goto out;
	}
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
