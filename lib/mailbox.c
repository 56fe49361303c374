/* mailbox: finding, creating and measuring mailboxes; see
 * include/mailbox.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "line.h"
#include "mailbox.h"
#include "safefile.h"
#include "str.h"

static int
make_maildir(const char *path)
{
	static const char *const sub[] = { "tmp", "new", "cur" };
	char p[PATH_MAX];
	int i;

	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -1;
	for (i = 0; i < 3; i++)
		if (str_fmt(p, sizeof p, "%s/%s", path, sub[i]) < 0 ||
		    (mkdir(p, 0700) < 0 && errno != EEXIST))
			return -1;
	return sf_fsync_parent(path);
}

static int
make_mbox(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);

	if (fd < 0)
		return errno == EEXIST ? 0 : -1;
	close(fd);
	return sf_fsync_parent(path);
}

/* The domain directory must be a real directory too. */
static int
check_parent(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat st;

	if (slash == NULL || str_copyn(dir, sizeof dir, path,
	    (size_t)(slash - path)) < 0)
		return errno = EINVAL, -1;
	if (lstat(dir, &st) < 0) {
		if (errno != ENOENT)
			return -1;
		return sf_mkdirs(dir, 0700);
	}
	if (S_ISLNK(st.st_mode))
		return errno = ELOOP, -1;
	return S_ISDIR(st.st_mode) ? 0 : (errno = ENOTDIR, -1);
}

int
mailbox_prepare(const char *path, enum mailbox_format want,
    enum mailbox_format *got)
{
	struct stat st;

	if (check_parent(path) < 0)
		return -1;
	if (lstat(path, &st) < 0) {
		if (errno != ENOENT)
			return -1;
		*got = want;
		return want == MAILBOX_MBOX ? make_mbox(path)
					    : make_maildir(path);
	}
	if (S_ISLNK(st.st_mode))
		return errno = ELOOP, -1;
	if (S_ISDIR(st.st_mode)) {
		*got = MAILBOX_MAILDIR;
		return make_maildir(path);	/* repairs missing tmp/new/cur */
	}
	if (S_ISREG(st.st_mode)) {
		*got = MAILBOX_MBOX;
		return 0;
	}
	return errno = EINVAL, -1;
}

/* Size from a ",S=NNN" in a Maildir name, or by stat(). */
static uint64_t
maildir_file_size(int dfd, const char *name)
{
	const char *s = strstr(name, ",S=");
	struct stat st;
	uint64_t v;
	size_t n;

	if (s != NULL) {
		s += 3;
		n = strspn(s, "0123456789");
		if (str_to_u64(s, n, &v) == 0)
			return v;
	}
	return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ?
	    (uint64_t)st.st_size : 0;
}

static int
maildir_dir_usage(const char *path, const char *sub, uint64_t *bytes,
    uint64_t *count)
{
	char p[PATH_MAX];
	struct dirent *d;
	DIR *dp;

	if (str_fmt(p, sizeof p, "%s/%s", path, sub) < 0)
		return -1;
	dp = opendir(p);
	if (dp == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		*bytes += maildir_file_size(dirfd(dp), d->d_name);
		(*count)++;
	}
	closedir(dp);
	return 0;
}

static int
mbox_count(const char *path, uint64_t *count)
{
	struct io *io = malloc(sizeof *io);
	struct line ln;
	char b[8];
	int fd, r;

	if (io == NULL)
		return -1;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		free(io);
		return -1;
	}
	io_init(io, fd, -1, 0);
	/* a message begins with "From " at the start of a line; such lines
	 * inside messages were quoted with '>' when they were written */
	while ((r = line_read(io, b, sizeof b, &ln)) == 1)
		if (ln.len >= 5 && memcmp(ln.s, "From ", 5) == 0)
			(*count)++;
	close(fd);
	free(io);
	return r < 0 ? -1 : 0;
}

int
mailbox_usage(const char *path, enum mailbox_format fmt, uint64_t *bytes,
    uint64_t *count)
{
	uint64_t n = 0;
	struct stat st;

	*bytes = 0;
	if (fmt == MAILBOX_MAILDIR) {
		if (maildir_dir_usage(path, "new", bytes, &n) < 0 ||
		    maildir_dir_usage(path, "cur", bytes, &n) < 0)
			return -1;
		if (count)
			*count = n;
		return 0;
	}
	if (lstat(path, &st) < 0)
		return -1;
	*bytes = (uint64_t)st.st_size;
	if (count) {
		*count = 0;
		return mbox_count(path, count);
	}
	return 0;
}
