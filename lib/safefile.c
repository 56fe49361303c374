/* safefile: durable writes; see include/safefile.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "io.h"
#include "safefile.h"
#include "str.h"

int
sf_fsync_dir(const char *path)
{
	int fd, r;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

int
sf_parent(const char *path, char *out, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return str_copy(out, size, ".");
	if (slash == path)
		return str_copy(out, size, "/");
	return str_copyn(out, size, path, (size_t)(slash - path));
}

int
sf_fsync_parent(const char *path)
{
	char dir[PATH_MAX];

	if (sf_parent(path, dir, sizeof dir) < 0)
		return -1;
	return sf_fsync_dir(dir);
}

int
sf_rename_durable(const char *from, const char *to)
{
	char a[PATH_MAX], b[PATH_MAX];

	if (rename(from, to) < 0)
		return -1;
	if (sf_parent(from, a, sizeof a) < 0 || sf_parent(to, b, sizeof b) < 0)
		return -1;
	if (sf_fsync_dir(b) < 0)
		return -1;
	return strcmp(a, b) == 0 ? 0 : sf_fsync_dir(a);
}

int
sf_write_atomic(const char *path, const void *data, size_t n, mode_t mode)
{
	char tmp[PATH_MAX];
	int fd, saved;

	if (str_fmt(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) < 0)
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    mode);
	if (fd < 0)
		return -1;
	/* the mode asked for, whatever the umask */
	if (fchmod(fd, mode) < 0 || fd_write_all(fd, data, n) < 0 ||
	    fsync(fd) < 0) {
		saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		return -1;
	}
	if (close(fd) < 0 || sf_rename_durable(tmp, path) < 0) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}

int
sf_mkdirs(const char *path, mode_t mode)
{
	char p[PATH_MAX];
	struct stat st;
	size_t i, n;

	if (str_copy(p, sizeof p, path) < 0)
		return -1;
	n = strlen(p);
	if (n == 0)
		return errno = ENOENT, -1;
	for (i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		p[i] = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return -1;
		p[i] = i < n ? '/' : '\0';
	}
	/* EEXIST above may have been a file */
	if (stat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return errno = ENOTDIR, -1;
	return 0;
}

int
sf_read_small(const char *path, size_t max, struct buf *out)
{
	char chunk[4096];
	size_t start = out->len;
	ssize_t r;
	int fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		r = read(fd, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (out->len - start + (size_t)r > max) {
			errno = EFBIG;
			r = -1;
			break;
		}
		if (buf_add(out, chunk, (size_t)r) < 0) {
			r = -1;
			break;
		}
	}
	saved = errno;
	close(fd);
	errno = saved;
	return r < 0 ? -1 : 0;
}
