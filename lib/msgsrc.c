/* msgsrc: re-readable message on stdin; see include/msgsrc.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "header.h"
#include "io.h"
#include "msgsrc.h"
#include "str.h"

#define CHUNK 65536

static int
open_tmp(const char *tmpdir)
{
	char path[4096];
	int fd;

	fd = open(tmpdir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
		return fd;
	if (str_fmt(path, sizeof path, "%s/msg.XXXXXX", tmpdir) < 0)
		return -1;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

ssize_t
msgsrc_pread(const struct msgsrc *m, void *p, size_t n, off_t off)
{
	ssize_t r;

	if (off >= m->size)
		return 0;
	if ((off_t)n > m->size - off)
		n = (size_t)(m->size - off);
	do
		r = pread(m->fd, p, n, m->start + off);
	while (r < 0 && errno == EINTR);
	return r;
}

/* Copy a pipe into a temporary file. */
static int
spool(struct msgsrc *m, int in, const char *tmpdir)
{
	char *b;
	ssize_t r;
	int rc = 0;

	m->fd = open_tmp(tmpdir);
	if (m->fd < 0)
		return -1;
	m->owned = 1;
	b = malloc(CHUNK);
	if (b == NULL)
		return -1;
	for (;;) {
		r = read(in, b, CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			rc = (int)r;
			break;
		}
		if (fd_write_all(m->fd, b, (size_t)r) < 0 ||
		    __builtin_add_overflow(m->size, r, &m->size)) {
			rc = -1;
			break;
		}
	}
	free(b);
	return rc;
}

/* One pass over the bytes: refuse NUL, keep the header block. */
static int
examine(struct msgsrc *m)
{
	char *b = malloc(CHUNK);
	off_t off = 0;
	ssize_t r;
	size_t k;

	if (b == NULL)
		return -1;
	while ((r = msgsrc_pread(m, b, CHUNK, off)) > 0) {
		if (memchr(b, '\0', (size_t)r) != NULL && m->bad == NULL)
			m->bad = "5.6.0 message contains NUL bytes";
		if (m->head.len < MSGSRC_HEAD_MAX) {
			k = (size_t)r;
			if (k > MSGSRC_HEAD_MAX - m->head.len)
				k = MSGSRC_HEAD_MAX - m->head.len;
			if (buf_add(&m->head, b, k) < 0)
				break;
		}
		off += r;
		if (m->bad != NULL)
			break;
	}
	free(b);
	if (r < 0)
		return -1;
	buf_truncate(&m->head, hdr_block_len(m->head.s ? m->head.s : "",
	    m->head.len));
	if (m->size == 0)
		m->bad = "5.6.0 empty message";
	return 0;
}

int
msgsrc_load(struct msgsrc *m, int fd, const char *tmpdir)
{
	struct stat st;

	memset(m, 0, sizeof *m);
	m->fd = -1;
	if (fstat(fd, &st) < 0)
		return -1;
	if (S_ISREG(st.st_mode)) {
		m->fd = fd;
		m->start = lseek(fd, 0, SEEK_CUR);
		if (m->start < 0)
			m->start = 0;
		m->size = st.st_size > m->start ? st.st_size - m->start : 0;
	} else if (spool(m, fd, tmpdir) < 0) {
		return -1;
	}
	return examine(m);
}

void
msgsrc_free(struct msgsrc *m)
{
	if (m->owned && m->fd >= 0)
		close(m->fd);
	m->fd = -1;
	buf_free(&m->head);
}
