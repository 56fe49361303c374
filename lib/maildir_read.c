/* maildir_read: a Maildir for POP3; see include/mailbox_read.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fnv.h"
#include "mailbox_read.h"
#include "safefile.h"
#include "str.h"

static int
create_maildir(const char *path)
{
	char sub[PATH_MAX];
	static const char *const dirs[] = { "tmp", "new", "cur" };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (str_fmt(sub, sizeof sub, "%s/%s", path, dirs[i]) < 0 ||
		    sf_mkdirs(sub, 0700) < 0)
			return -1;
	}
	return 0;
}

/* Move every file of new/ to cur/ with an empty info ":2,". */
static int
move_new(int mdfd, int curfd)
{
	char to[NAME_MAX + 8];
	struct dirent *d;
	DIR *dir;
	int fd;

	fd = openat(mdfd, "new", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return errno == ENOENT ? 0 : -1;
	}
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		if (str_fmt(to, sizeof to, "%s%s", d->d_name,
		    strchr(d->d_name, ':') ? "" : ":2,") < 0)
			continue;
		if (renameat(dirfd(dir), d->d_name, curfd, to) < 0 &&
		    errno != ENOENT) {
			closedir(dir);
			return -1;
		}
	}
	closedir(dir);
	return 0;
}

/* The size from ",S=NNN" in the base name, or -1. */
static int
size_from_name(const char *name, size_t base_len, uint64_t *size)
{
	const char *p = name, *end = name + base_len, *q;

	while ((p = memchr(p, ',', (size_t)(end - p))) != NULL) {
		p++;
		if (end - p > 2 && p[0] == 'S' && p[1] == '=') {
			p += 2;
			for (q = p; q < end && *q >= '0' && *q <= '9'; q++)
				;
			return str_to_u64(p, (size_t)(q - p), size);
		}
	}
	return -1;
}

static int
uid_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > MBX_UID_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

static int
add_file(struct mbx *m, int curfd, const char *name)
{
	const char *colon = strchr(name, ':');
	size_t base = colon ? (size_t)(colon - name) : strlen(name);
	struct mbx_msg *msg;
	struct stat st;
	uint64_t size;
	char hex[17];

	if (size_from_name(name, base, &size) < 0) {
		if (fstatat(curfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return errno == ENOENT ? 0 : -1;
		if (!S_ISREG(st.st_mode))
			return 0;
		size = (uint64_t)st.st_size;
	}
	if (mbx_add_msg(m, &msg) < 0)
		return -1;
	msg->size = size;
	if (mbx_add_name(m, name, strlen(name), &msg->name) < 0)
		return -1;
	if (uid_ok(name, base))
		return mbx_add_name(m, name, base, &msg->uid);
	(void)str_fmt(hex, sizeof hex, "%016llx", (unsigned long long)
	    fnv1a(FNV1A_INIT, name, base));
	return mbx_add_name(m, hex, 16, &msg->uid);
}

static int
by_name(const void *a, const void *b, void *arg)
{
	const char *names = arg;

	return strverscmp(names + ((const struct mbx_msg *)a)->name,
	    names + ((const struct mbx_msg *)b)->name);
}

static int
list_cur(struct mbx *m)
{
	struct dirent *d;
	DIR *dir;
	int fd;

	fd = dup(m->dirfd);
	if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.' || d->d_type == DT_DIR)
			continue;
		if (add_file(m, m->dirfd, d->d_name) < 0) {
			closedir(dir);
			return -1;
		}
	}
	closedir(dir);
	if (m->n > 1)
		qsort_r(m->msg, m->n, sizeof *m->msg, by_name, m->names.s);
	return 0;
}

int
maildir_open(struct mbx *m, const char **err)
{
	*err = "cannot open the Maildir";
	if (access(m->path, F_OK) < 0 && create_maildir(m->path) < 0)
		return -1;
	m->lockfd = open(m->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (m->lockfd < 0)
		return -1;
	if (flock(m->lockfd, LOCK_EX | LOCK_NB) < 0) {
		*err = "mailbox in use by another session";
		if (errno != EWOULDBLOCK)
			*err = "cannot lock the Maildir";
		return -1;
	}
	if (mkdirat(m->lockfd, "cur", 0700) < 0 && errno != EEXIST)
		return -1;
	m->dirfd = openat(m->lockfd, "cur", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC);
	if (m->dirfd < 0 || maildir_journal_replay(m, err) < 0)
		return -1;
	*err = "cannot open the Maildir";
	if (move_new(m->lockfd, m->dirfd) < 0)
		return -1;
	*err = "cannot list the Maildir";
	return list_cur(m);
}

/* Unlink the deleted files of cur/ and sync it.  0 or -1. */
static int
unlink_deleted(struct mbx *m)
{
	size_t i;
	int failed = 0, first = 1;

	for (i = 0; i < m->n; i++) {
		if (!m->msg[i].deleted)
			continue;
		if (unlinkat(m->dirfd, m->names.s + m->msg[i].name, 0) < 0 &&
		    errno != ENOENT)
			failed = 1;
		if (first)
			mbx_test_crash("pop3-update-mid-unlink");
		first = 0;
	}
	if (fsync(m->dirfd) < 0)
		failed = 1;
	return failed ? -1 : 0;
}

/* Decided by the journal, done by the unlinks; a crash in between is
 * completed by the next login (maildir_journal_replay). */
int
maildir_update(struct mbx *m, const char **err)
{
	size_t i;

	for (i = 0; i < m->n && !m->msg[i].deleted; i++)
		;
	if (i == m->n)
		return 0;
	*err = "cannot write the UPDATE journal; nothing deleted";
	if (maildir_journal_write(m) < 0)
		return -1;
	mbx_test_crash("pop3-update-after-journal");
	if (unlink_deleted(m) < 0) {
		*err = "some messages could not be removed yet; the next "
		    "login removes them";
		return -1;
	}
	/* the deletions are durable; a journal left behind only names
	 * files that are gone */
	(void)maildir_journal_remove(m);
	return 0;
}
