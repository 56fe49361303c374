/* Unit tests: mbox indexing across read-buffer boundaries, and the POP3
 * stream (CRLF, dot-stuffing, mboxrd unquoting, TOP). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "mailbox_read.h"
#include "str.h"
#include "tap.h"

static int
tmpfile_with(const char *p, size_t n)
{
	char name[] = "/tmp/test_mbox_indexXXXXXX";
	int fd = mkstemp(name);

	if (fd < 0)
		abort();
	unlink(name);
	if (write(fd, p, n) != (ssize_t)n)
		abort();
	return fd;
}

static void
index_of(const char *p, size_t n, struct mbx *m)
{
	int fd = tmpfile_with(p, n);

	memset(m, 0, sizeof *m);
	m->fd = m->dirfd = m->lockfd = m->msgfd = -1;
	CHECK(mbox_index(m, fd, n) == 0);
	close(fd);
}

static void
t_small(void)
{
	static const char box[] =
	    "From a@b Mon Nov 23 21:44:25 2026\nX-UIDL: one\n\nbody\n\n"
	    "From me to you\n\n"
	    "From a@b Mon Nov 23 21:44:26 2026\nSubject: x\n\ny\n\n";
	struct mbx m;

	index_of(box, sizeof box - 1, &m);
	CHECK(m.n == 2);
	CHECK_STR(mbx_uid(&m, 0), "one");
	CHECK(m.msg[0].from == 0);
	CHECK(m.msg[0].start == 34);
	CHECK(m.msg[0].size ==
	    strlen("X-UIDL: one\n\nbody\n\nFrom me to you\n"));
	CHECK(strlen(mbx_uid(&m, 1)) == 16);
	CHECK(m.msg[1].size == strlen("Subject: x\n\ny\n"));
	mbx_close(&m);
}

static void
t_from_lines(void)
{
	static const char box[] =
	    "From a@b Mon Nov 23 21:44:25 2026 +0000\nS: 1\n\nx\n\n"
	    "From here at 10:30, see you\n\n"
	    "From a@b  Tue Nov 24 01:02:03 2026 remote from x\nS: 2\n\ny\n\n"
	    "From 2026 no time\n\n"
	    "From MAILER-DAEMON Wed Nov 25 00:00:00 2026\r\nS: 3\r\n\r\nz\r\n";
	struct mbx m;

	index_of(box, sizeof box - 1, &m);
	CHECK(m.n == 3);
	mbx_close(&m);
}

static void
t_prefix_and_empty(void)
{
	struct mbx m;

	index_of("", 0, &m);
	CHECK(m.n == 0 && m.prefix_end == 0);
	mbx_close(&m);
	index_of("junk\n\nFrom a Mon Nov 23 21:44:25 2026\n\nx\n", 40, &m);
	CHECK(m.n == 1 && m.prefix_end == 6);
	mbx_close(&m);
}

/* Many messages of growing size so that every boundary case of the
 * 1 MiB read buffer is met. */
static void
t_boundaries(void)
{
	struct buf b = BUF_INIT;
	uint64_t starts[400];
	struct mbx m;
	size_t i, j, ok = 1;

	for (i = 0; i < 400; i++) {
		buf_addf(&b, "From s@x Mon Nov 23 21:44:25 2026\n");
		starts[i] = b.len;
		buf_addf(&b, "X-UIDL: id%zu\n\n", i);
		for (j = 0; j < i * 13 + 1; j++)
			buf_adds(&b,
			    "0123456789012345678901234567890123456789\n");
		buf_adds(&b, "\n");
	}
	index_of(b.s, b.len, &m);
	CHECK(m.n == 400);
	for (i = 0; i < m.n && i < 400; i++) {
		char want[32];
		(void)str_fmt(want, sizeof want, "id%zu", i);
		if (m.msg[i].start != starts[i] ||
		    strcmp(mbx_uid(&m, i), want) != 0 ||
		    m.msg[i].size != strlen(want) + 10 + (i * 13 + 1) * 41)
			ok = 0;
	}
	CHECK(ok);
	mbx_close(&m);
	buf_free(&b);
}

static void
stream(const char *in, int unquote, int64_t lines, struct buf *out)
{
	int fd = tmpfile_with(in, strlen(in)), p[2];
	struct io io;
	char c[4096];
	ssize_t r;

	if (pipe(p) < 0)
		abort();
	io_init(&io, -1, p[1], 0);
	if (fork() == 0) {
		close(p[0]);
		int r = pop3_stream(&io, fd, 0, UINT64_MAX, unquote, lines);
		_exit(r != 0 || io_flush(&io) < 0);
	}
	close(p[1]);
	buf_truncate(out, 0);
	while ((r = read(p[0], c, sizeof c)) > 0)
		buf_add(out, c, (size_t)r);
	close(p[0]);
	close(fd);
}

static void
t_stream(void)
{
	struct buf o = BUF_INIT;

	stream("a\n.b\n>From x\n>>From y\nc", 1, -1, &o);
	CHECK_MEM(o.s, o.len, "a\r\n..b\r\nFrom x\r\n>From y\r\nc\r\n.\r\n");
	stream(">From x\r\n", 0, -1, &o);
	CHECK_MEM(o.s, o.len, ">From x\r\n.\r\n");
	stream("H: 1\n\nl1\nl2\nl3\n", 0, 2, &o);
	CHECK_MEM(o.s, o.len, "H: 1\r\n\r\nl1\r\nl2\r\n.\r\n");
	stream("H: 1\n\nl1\n", 0, 0, &o);
	CHECK_MEM(o.s, o.len, "H: 1\r\n\r\n.\r\n");
	stream("", 0, -1, &o);
	CHECK_MEM(o.s, o.len, ".\r\n");
	buf_free(&o);
}

/* A line longer than the stream buffer, with its CR just at a 64 KiB
 * boundary. */
static void
t_stream_long(void)
{
	struct buf in = BUF_INIT, o = BUF_INIT;
	size_t i;

	for (i = 0; i < 65535; i++)
		buf_addc(&in, '.');
	buf_adds(&in, "\r\nend\n");
	stream(in.s, 0, -1, &o);
	CHECK(o.len == 65536 + 2 + 5 + 3);
	CHECK(memcmp(o.s + 65536, "\r\nend\r\n.\r\n", 10) == 0);
	CHECK(memchr(o.s + 1, '\r', 65535) == NULL);
	buf_free(&in);
	buf_free(&o);
}

int
main(void)
{
	RUN(t_small);
	RUN(t_from_lines);
	RUN(t_prefix_and_empty);
	RUN(t_boundaries);
	RUN(t_stream);
	RUN(t_stream_long);
	return tap_done();
}
