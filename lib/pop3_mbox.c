/* pop3_mbox: opening an mbox for a POP3 session and committing its
 * deletions by writing the kept messages to a new file that replaces the
 * old one; see include/mailbox_read.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailbox_read.h"
#include "mboxlock.h"
#include "safefile.h"
#include "str.h"

#define LOCK_WAIT_S 30

/* mkdir -p of the directory that holds path. */
static int
mkdirs_parent(const char *path)
{
	char dir[PATH_MAX];
	char *slash;

	if (str_copy(dir, sizeof dir, path) < 0 ||
	    (slash = strrchr(dir, '/')) == NULL)
		return -1;
	*slash = '\0';
	return sf_mkdirs(dir, 0700);
}

/* The new mbox is written here.  One name per mailbox is enough: the
 * session lock admits one session, so one rewrite, at a time; and a
 * copy left by a crash is found (and removed) by the next session. */
static int
tmp_path(const struct mbx *m, char *tmp, size_t size)
{
	return str_fmt(tmp, size, "%s.pop3tmp", m->path);
}

static int
session_lock(struct mbx *m, const char **err)
{
	char lp[PATH_MAX];

	*err = "cannot lock the mailbox";
	if (str_fmt(lp, sizeof lp, "%s.pop3lock", m->path) < 0)
		return -1;
	m->lockfd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (m->lockfd < 0 && errno == ENOENT && mkdirs_parent(lp) == 0)
		m->lockfd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
		    0600);
	if (m->lockfd < 0)
		return -1;
	if (flock(m->lockfd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			*err = "mailbox in use by another session";
		return -1;
	}
	return 0;
}

static int
lock_mbox(struct mbx *m, struct mboxlock *l, const char **err)
{
	if (mboxlock_take(l, m->path, m->fd, LOCK_WAIT_S) == 0)
		return 0;
	*err = "cannot lock the mailbox";
	if (errno == ETIMEDOUT) {
		*err = "mailbox locked by another program";
		errno = EWOULDBLOCK;
	}
	return -1;
}

int
mbox_open(struct mbx *m, const char **err)
{
	char tmp[PATH_MAX];
	struct mboxlock l;
	struct stat st;
	int r;

	if (session_lock(m, err) < 0)
		return -1;
	/* a rewrite that a crash cut short: the mbox itself is whole */
	if (tmp_path(m, tmp, sizeof tmp) == 0)
		(void)unlink(tmp);
	m->fd = open(m->path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (m->fd < 0) {
		*err = "cannot open the mailbox";
		return errno == ENOENT ? 0 : -1;
	}
	if (lock_mbox(m, &l, err) < 0)
		return -1;
	r = fstat(m->fd, &st);
	if (r == 0) {
		m->dev = st.st_dev;
		m->ino = st.st_ino;
		r = mbox_index(m, m->fd, (uint64_t)st.st_size);
	}
	mboxlock_release(&l);
	*err = "cannot read the mailbox";
	return r;
}

static int
has_from_at(int fd, uint64_t off)
{
	char b[5];

	return pread(fd, b, 5, (off_t)off) == 5 && memcmp(b, "From ", 5) == 0;
}

/* The file is still the one indexed, with nothing removed or moved. */
static int
unchanged(struct mbx *m, const struct stat *st)
{
	struct stat now;
	size_t i;

	if (stat(m->path, &now) < 0 || now.st_dev != m->dev ||
	    now.st_ino != m->ino || st->st_ino != m->ino ||
	    (uint64_t)st->st_size < m->indexed_end)
		return 0;
	for (i = 0; i < m->n; i++)
		if (!has_from_at(m->fd, m->msg[i].from))
			return 0;
	return (uint64_t)st->st_size == m->indexed_end ||
	    has_from_at(m->fd, m->indexed_end);
}

static int
copy_range(int in, int out, uint64_t off, uint64_t len)
{
	char b[65536];
	loff_t o = (loff_t)off;
	ssize_t r;

	while (len > 0) {
		r = copy_file_range(in, &o, out, NULL, len, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len -= (uint64_t)r;
	}
	while (len > 0) {
		r = pread(in, b, len < sizeof b ? (size_t)len : sizeof b, o);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || fd_write_all(out, b, (size_t)r) < 0)
			return -1;
		o += r;
		len -= (uint64_t)r;
	}
	return 0;
}

static int
copy_kept(struct mbx *m, int out, uint64_t size)
{
	uint64_t next;
	size_t i;

	if (copy_range(m->fd, out, 0, m->prefix_end) < 0)
		return -1;
	for (i = 0; i < m->n; i++) {
		next = i + 1 < m->n ? m->msg[i + 1].from : m->indexed_end;
		if (!m->msg[i].deleted && copy_range(m->fd, out,
		    m->msg[i].from, next - m->msg[i].from) < 0)
			return -1;
	}
	return copy_range(m->fd, out, m->indexed_end, size - m->indexed_end);
}

static int
rewrite(struct mbx *m, const struct stat *st)
{
	char tmp[PATH_MAX];
	int out;

	if (tmp_path(m, tmp, sizeof tmp) < 0)
		return -1;
	(void)unlink(tmp);
	out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    st->st_mode & 07777);
	if (out < 0)
		return -1;
	if ((geteuid() == 0 && fchown(out, st->st_uid, st->st_gid) < 0) ||
	    fchmod(out, st->st_mode & 07777) < 0 ||
	    copy_kept(m, out, (uint64_t)st->st_size) < 0 || fsync(out) < 0) {
		close(out);
		unlink(tmp);
		return -1;
	}
	mbx_test_crash("pop3-update-mbox-before-rename");
	if (close(out) < 0 || rename(tmp, m->path) < 0) {
		unlink(tmp);
		return -1;
	}
	return sf_fsync_parent(m->path);
}

int
mbox_update(struct mbx *m, const char **err)
{
	struct mboxlock l;
	struct stat st;
	size_t i;
	int r;

	for (i = 0; i < m->n && !m->msg[i].deleted; i++)
		;
	if (i == m->n || m->fd < 0)
		return 0;
	if (lock_mbox(m, &l, err) < 0)
		return -1;
	r = -1;
	*err = "mailbox changed behind the server's back; nothing deleted";
	if (fstat(m->fd, &st) == 0 && unchanged(m, &st)) {
		*err = "cannot rewrite the mailbox; nothing deleted";
		r = rewrite(m, &st);
	}
	mboxlock_release(&l);
	return r;
}
