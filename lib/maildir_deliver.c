/* maildir_deliver: one message into a Maildir; see include/mailbox.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "io.h"
#include "lfcopy.h"
#include "mailbox.h"
#include "str.h"

/* The host name with '/' and ':' encoded as the Maildir spec asks. */
static void
safe_host(char *out, size_t size)
{
	char h[256], *p;
	size_t o = 0;

	if (gethostname(h, sizeof h) < 0)
		(void)str_copy(h, sizeof h, "localhost");
	h[sizeof h - 1] = '\0';
	for (p = h; *p && o + 5 < size; p++) {
		if (*p == '/' || *p == ':') {
			(void)str_fmt(out + o, size - o, "\\%03o",
			    (unsigned char)*p);
			o += 4;
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
}

int
maildir_unique(char *out, size_t size)
{
	static unsigned counter;
	struct timeval tv;
	char host[300];

	gettimeofday(&tv, NULL);
	safe_host(host, sizeof host);
	return str_fmt(out, size, "%lld.M%06ldP%ldQ%u.%s",
	    (long long)tv.tv_sec, (long)tv.tv_usec, (long)getpid(),
	    ++counter, host);
}

static int
open_sub(int dfd, const char *sub)
{
	return openat(dfd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
}

static int
write_file(int tfd, const char *name, const char *prefix, size_t plen,
    const struct msgsrc *m, uint64_t *size)
{
	uint64_t body;
	int fd, saved;

	fd = openat(tfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (fd_write_all(fd, prefix, plen) < 0 ||
	    lfcopy(m, fd, 0, &body) < 0 || fsync(fd) < 0) {
		saved = errno;
		close(fd);
		unlinkat(tfd, name, 0);
		errno = saved;
		return -1;
	}
	if (close(fd) < 0) {
		saved = errno;
		unlinkat(tfd, name, 0);
		errno = saved;
		return -1;
	}
	*size = plen + body;
	return 0;
}

int
maildir_deliver(const char *path, const char *prefix, size_t plen,
    const struct msgsrc *m, uint64_t *size)
{
	char name[512], final[600];
	int dfd, tfd = -1, nfd = -1, rc = -1, saved;

	dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	tfd = open_sub(dfd, "tmp");
	nfd = open_sub(dfd, "new");
	if (tfd < 0 || nfd < 0 || maildir_unique(name, sizeof name) < 0)
		goto out;
	if (write_file(tfd, name, prefix, plen, m, size) < 0)
		goto out;
	if (str_fmt(final, sizeof final, "%s,S=%llu", name,
	    (unsigned long long)*size) < 0 ||
	    renameat(tfd, name, nfd, final) < 0) {
		saved = errno;
		unlinkat(tfd, name, 0);
		errno = saved;
		goto out;
	}
	if (fsync(nfd) < 0)
		goto out;	/* not promised durable: the caller retries */
	rc = 0;
out:
	saved = errno;
	if (tfd >= 0)
		close(tfd);
	if (nfd >= 0)
		close(nfd);
	close(dfd);
	errno = saved;
	return rc;
}
