/* pop3_mailbox: the format-independent part of mailbox_read.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailbox_read.h"
#include "str.h"

int
mbx_add_msg(struct mbx *m, struct mbx_msg **out)
{
	struct mbx_msg *p;
	size_t cap, bytes;

	if (m->n == m->cap) {
		cap = m->cap ? m->cap : 64;
		if (m->cap && size_mul(m->cap, 2, &cap) < 0)
			return -1;
		if (size_mul(cap, sizeof *p, &bytes) < 0)
			return -1;
		p = realloc(m->msg, bytes);
		if (p == NULL)
			return -1;
		m->msg = p;
		m->cap = cap;
	}
	*out = &m->msg[m->n++];
	memset(*out, 0, sizeof **out);
	return 0;
}

int
mbx_add_name(struct mbx *m, const char *s, size_t n, uint32_t *off)
{
	if (m->names.len > UINT32_MAX - n - 1)
		return errno = EOVERFLOW, -1;
	*off = (uint32_t)m->names.len;
	if (buf_add(&m->names, s, n) < 0 || buf_addc(&m->names, '\0') < 0)
		return -1;
	return 0;
}

const char *
mbx_uid(const struct mbx *m, size_t i)
{
	return m->names.s + m->msg[i].uid;
}

static int
stat_kind(const char *path, enum mailbox_format *fmt)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return -1;
	if (S_ISDIR(st.st_mode))
		*fmt = MAILBOX_MAILDIR;
	else if (S_ISREG(st.st_mode))
		*fmt = MAILBOX_MBOX;
	else
		return errno = EINVAL, -1;
	return 0;
}

int
mbx_open(struct mbx *m, const char *path, enum mailbox_format absent_format,
    const char **err)
{
	memset(m, 0, sizeof *m);
	m->dirfd = m->fd = m->lockfd = m->msgfd = -1;
	if (str_copy(m->path, sizeof m->path, path) < 0) {
		*err = "mailbox path too long";
		return -1;
	}
	if (stat_kind(path, &m->format) < 0) {
		if (errno != ENOENT) {
			*err = "mailbox is neither a directory nor a file";
			return -1;
		}
		m->format = absent_format;
	}
	if (m->format == MAILBOX_MAILDIR)
		return maildir_open(m, err);
	return mbox_open(m, err);
}

static int
open_file(struct mbx *m, size_t i)
{
	/* O_NONBLOCK: a FIFO put there must not hang the session */
	return openat(m->dirfd, m->names.s + m->msg[i].name,
	    O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
}

/* The file at fd is a regular file of the size listed.  0 or -1. */
static int
same_size(struct mbx *m, size_t i, int fd, const char **err)
{
	static char why[128];
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*err = "message file is not a regular file";
		return -1;
	}
	if ((uint64_t)st.st_size == m->msg[i].size)
		return 0;
	(void)str_fmt(why, sizeof why, "message file changed behind the "
	    "server's back (%llu octets listed, %llu now); not sent",
	    (unsigned long long)m->msg[i].size,
	    (unsigned long long)st.st_size);
	*err = why;
	return -1;
}

int
mbx_check(struct mbx *m, size_t i, const char **err)
{
	struct stat st;

	if (m->format == MAILBOX_MBOX) {
		if (fstat(m->fd, &st) < 0 ||
		    (uint64_t)st.st_size < m->msg[i].end) {
			*err = "mailbox was truncated by another program";
			return -1;
		}
		return 0;
	}
	if (m->msgfd >= 0)
		close(m->msgfd);
	m->msgfd = open_file(m, i);
	if (m->msgfd < 0) {
		*err = "message file vanished";
		return -1;
	}
	if (same_size(m, i, m->msgfd, err) < 0) {
		close(m->msgfd);
		m->msgfd = -1;
		return -1;
	}
	return 0;
}

int
mbx_send(struct mbx *m, size_t i, struct io *io, int64_t lines)
{
	int fd, r;

	if (m->format == MAILBOX_MBOX)
		return pop3_stream(io, m->fd, m->msg[i].start, m->msg[i].end,
		    1, lines);
	fd = m->msgfd >= 0 ? m->msgfd : open_file(m, i);
	m->msgfd = -1;
	if (fd < 0)
		return -1;
	/* the size listed and checked; a file cut meanwhile is a short
	 * read (-1), bytes appended meanwhile are not sent */
	r = pop3_stream(io, fd, 0, m->msg[i].size, 0, lines);
	close(fd);
	return r;
}

int
mbx_update(struct mbx *m, const char **err)
{
	if (m->format == MAILBOX_MAILDIR)
		return maildir_update(m, err);
	return mbox_update(m, err);
}

void
mbx_close(struct mbx *m)
{
	if (m->dirfd >= 0)
		close(m->dirfd);
	if (m->fd >= 0)
		close(m->fd);
	if (m->lockfd >= 0)
		close(m->lockfd);
	if (m->msgfd >= 0)
		close(m->msgfd);
	m->dirfd = m->fd = m->lockfd = m->msgfd = -1;
	free(m->msg);
	m->msg = NULL;
	m->n = m->cap = 0;
	buf_free(&m->names);
}
