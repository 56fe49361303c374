/* Unit tests: RFC 5322 header fields (lib/header.c). */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "header.h"
#include "tap.h"

#define S(lit) lit, sizeof(lit) - 1

static void
t_next_simple(void)
{
	static const char m[] = "From: a@b\r\nTo:c@d\r\n\r\nbody\r\n";
	struct hdr_field f;
	size_t off = 0;

	CHECK(hdr_next(m, sizeof m - 1, &off, &f) == 1);
	CHECK_MEM(f.name, f.name_len, "From");
	CHECK_MEM(f.value, f.value_len, " a@b");
	CHECK(f.raw_len == 11 && off == 11);
	CHECK(hdr_next(m, sizeof m - 1, &off, &f) == 1);
	CHECK_MEM(f.name, f.name_len, "To");
	CHECK_MEM(f.value, f.value_len, "c@d");
	CHECK(off == 19);
	CHECK(hdr_next(m, sizeof m - 1, &off, &f) == 0);
	CHECK(off == 19);
	/* and again: still the end */
	CHECK(hdr_next(m, sizeof m - 1, &off, &f) == 0);
}

static void
t_next_folded(void)
{
	static const char m[] = "Subject: one\r\n two\r\n\tthree\r\n"
	    "X: y\n\n";
	struct hdr_field f;
	size_t off = 0;
	char u[64];

	CHECK(hdr_next(m, sizeof m - 1, &off, &f) == 1);
	CHECK_MEM(f.name, f.name_len, "Subject");
	CHECK_MEM(f.value, f.value_len, " one\r\n two\r\n\tthree");
	CHECK(f.raw_len == 28);
	CHECK(hdr_unfold(f.value, f.value_len, u, sizeof u) == 13);
	CHECK_STR(u, "one two three");
	CHECK(hdr_next(m, sizeof m - 1, &off, &f) == 1);
	CHECK_MEM(f.name, f.name_len, "X");
	CHECK_MEM(f.value, f.value_len, " y");
	CHECK(hdr_next(m, sizeof m - 1, &off, &f) == 0);
	CHECK(off == sizeof m - 2);
}

static void
t_next_bare_lf_and_eof(void)
{
	static const char m[] = "A: 1\nB: 2\n folded";
	struct hdr_field f;
	size_t off = 0;

	CHECK(hdr_next(m, sizeof m - 1, &off, &f) == 1);
	CHECK_MEM(f.value, f.value_len, " 1");
	CHECK(hdr_next(m, sizeof m - 1, &off, &f) == 1);
	CHECK_MEM(f.name, f.name_len, "B");
	CHECK_MEM(f.value, f.value_len, " 2\n folded");
	CHECK(off == sizeof m - 1);
	CHECK(hdr_next(m, sizeof m - 1, &off, &f) == 0);
	/* empty input */
	off = 0;
	CHECK(hdr_next("", 0, &off, &f) == 0);
	/* an empty value */
	off = 0;
	CHECK(hdr_next(S("Empty:\r\n\r\n"), &off, &f) == 1);
	CHECK(f.value_len == 0 && f.name_len == 5);
}

static void
t_next_not_a_field(void)
{
	static const char *const bad[] = {
		"no colon here\r\n", ": no name\r\n", "Sp ace: x\r\n",
		"Name : x\r\n", " Leading: x\r\n", "\tX: y\r\n",
		"N\x01: x\r\n", "N\xc3\xa9: x\r\n", "From a@b Mon\r\n",
		"X\r\nY: colon on the next line\r\n",
	};
	struct hdr_field f;
	size_t i, off;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		off = 0;
		CHECK(hdr_next(bad[i], strlen(bad[i]), &off, &f) == -1);
		CHECK(off == 0);
	}
	/* a field after a good one */
	off = 0;
	CHECK(hdr_next(S("A: b\r\nbad line\r\n"), &off, &f) == 1);
	CHECK(hdr_next(S("A: b\r\nbad line\r\n"), &off, &f) == -1);
	/* colons in the value are fine */
	off = 0;
	CHECK(hdr_next(S("Date: 12:34:56\r\n"), &off, &f) == 1);
	CHECK_MEM(f.value, f.value_len, " 12:34:56");
}

static void
t_unfold(void)
{
	char u[16];

	CHECK(hdr_unfold(S("  a  "), u, sizeof u) == 1);
	CHECK_STR(u, "a");
	CHECK(hdr_unfold(S(""), u, sizeof u) == 0);
	CHECK_STR(u, "");
	CHECK(hdr_unfold(S(" \r\n \t"), u, sizeof u) == 0);
	CHECK(hdr_unfold(S("a\r\n\tb\nc"), u, sizeof u) == 4);
	CHECK_STR(u, "a bc");
	/* truncation: never past size, always terminated */
	CHECK(hdr_unfold(S("0123456789abcdefghij"), u, sizeof u) == 15);
	CHECK_STR(u, "0123456789abcde");
	CHECK(hdr_unfold(S("abc def"), u, 4) == 3);
	CHECK_STR(u, "abc");
	CHECK(hdr_unfold(S("abc def"), u, 5) == 3);
	CHECK_STR(u, "abc");
	CHECK(hdr_unfold(S("abc"), u, 1) == 0 && u[0] == '\0');
	u[0] = 'x';
	CHECK(hdr_unfold(S("abc"), u, 0) == 0 && u[0] == 'x');
}

static void
t_find_and_name(void)
{
	static const char m[] = "Received: one\r\nDELIVERED-TO: a@b\r\n"
	    "Received: two\r\n\r\nDelivered-To: in@body\r\n";
	struct hdr_field f;
	char u[32];

	CHECK(hdr_find(m, sizeof m - 1, "delivered-to", &f) == 1);
	CHECK(hdr_unfold(f.value, f.value_len, u, sizeof u) == 3);
	CHECK_STR(u, "a@b");
	CHECK(hdr_name_is(&f, "Delivered-To"));
	CHECK(!hdr_name_is(&f, "Delivered"));
	CHECK(!hdr_name_is(&f, "Delivered-To2"));
	CHECK(hdr_find(m, sizeof m - 1, "received", &f) == 1);
	CHECK_MEM(f.value, f.value_len, " one");
	CHECK(hdr_find(m, sizeof m - 1, "Subject", &f) == 0);
	/* stops at the empty line: body text is no header */
	CHECK(hdr_find(S("A: b\r\n\r\nSubject: x\r\n"), "subject", &f) == 0);
	/* stops at a line that is not a field */
	CHECK(hdr_find(S("A: b\r\nbroken\r\nSubject: x\r\n"), "subject",
	    &f) == 0);
}

static void
t_block_len(void)
{
	CHECK(hdr_block_len(S("A: b\r\n\r\nbody")) == 8);
	CHECK(hdr_block_len(S("A: b\n\nbody")) == 6);
	CHECK(hdr_block_len(S("\r\nbody")) == 2);
	CHECK(hdr_block_len(S("A: b\r\nB: c\r\n")) == 12);
	CHECK(hdr_block_len(S("")) == 0);
	CHECK(hdr_block_len(S("A: b\r\n \r\nC: d\r\n\r\n")) == 17);
	/* a bare CR line is not the end unless it is a CR LF */
	CHECK(hdr_block_len(S("A: b\n\rX\n\nz")) == 9);
}

/* Read a header block from bytes written into a socketpair, whole or one
 * byte at a time by a child. */
static int
read_block(const char *data, size_t n, int trickle, size_t max,
    struct buf *b, char *rest, size_t rest_size, size_t *rest_len)
{
	struct io *io = malloc(sizeof *io);
	int fds[2], r, st;
	pid_t pid;
	ssize_t k;
	size_t i;

	if (io == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0)
		abort();
	pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		close(fds[0]);
		for (i = 0; i < n; i += trickle ? 1 : n) {
			if (write(fds[1], data + i, trickle ? 1 : n) < 0)
				_exit(1);
			if (trickle)
				usleep(50);
		}
		_exit(0);
	}
	close(fds[1]);
	io_init(io, fds[0], -1, 5000);
	r = hdr_read_block(io, b, max);
	/* what is left must still be in io, untouched */
	*rest_len = 0;
	while ((k = io_read(io, rest + *rest_len, rest_size - *rest_len)) > 0)
		*rest_len += (size_t)k;
	close(fds[0]);
	waitpid(pid, &st, 0);
	free(io);
	return r;
}

static void
t_read_block(void)
{
	static const char m[] = "From: a\r\nSubject: x\r\n y\r\n\r\nbody\r\n"
	    "\r\nmore\r\n";
	char rest[64];
	size_t rl;
	int trickle;

	for (trickle = 0; trickle < 2; trickle++) {
		struct buf b = BUF_INIT;

		CHECK(read_block(m, sizeof m - 1, trickle, 4096, &b, rest,
		    sizeof rest, &rl) == 1);
		CHECK_MEM(b.s, b.len, "From: a\r\nSubject: x\r\n y\r\n\r\n");
		CHECK_MEM(rest, rl, "body\r\n\r\nmore\r\n");
		buf_free(&b);
	}
}

static void
t_read_block_no_separator(void)
{
	char rest[16];
	size_t rl;
	int trickle;

	for (trickle = 0; trickle < 2; trickle++) {
		struct buf b = BUF_INIT;

		CHECK(read_block(S("A: b\r\nC: d"), trickle, 4096, &b, rest,
		    sizeof rest, &rl) == 0);
		CHECK_MEM(b.s, b.len, "A: b\r\nC: d");
		CHECK(rl == 0);
		buf_free(&b);
	}
	{
		struct buf b = BUF_INIT;

		CHECK(read_block("", 0, 0, 4096, &b, rest, sizeof rest,
		    &rl) == 0);
		CHECK(b.len == 0);
		buf_free(&b);
	}
	{
		/* an empty header block */
		struct buf b = BUF_INIT;

		CHECK(read_block(S("\nbody"), 0, 4096, &b, rest, sizeof rest,
		    &rl) == 1);
		CHECK_MEM(b.s, b.len, "\n");
		CHECK_MEM(rest, rl, "body");
		buf_free(&b);
	}
}

static void
t_read_block_cap(void)
{
	static const char m[] = "Aaaa: 1\r\nBbbb: 2\r\n\r\nbody";
	char rest[64];
	size_t rl, max;
	int trickle;

	for (trickle = 0; trickle < 2; trickle++) {
		struct buf b = BUF_INIT;

		/* the cap cuts a line in the middle */
		CHECK(read_block(m, sizeof m - 1, trickle, 12, &b, rest,
		    sizeof rest, &rl) == 0);
		CHECK_MEM(b.s, b.len, "Aaaa: 1\r\nBbb");
		CHECK_MEM(rest, rl, "b: 2\r\n\r\nbody");
		buf_free(&b);
	}
	/* every cap: never more than max bytes, never a byte lost */
	for (max = 1; max <= sizeof m; max++) {
		struct buf b = BUF_INIT;
		int r = read_block(m, sizeof m - 1, 0, max, &b, rest,
		    sizeof rest, &rl);

		CHECK(b.len <= max);
		CHECK(b.len + rl == sizeof m - 1);
		CHECK(memcmp(b.s, m, b.len) == 0);
		CHECK(memcmp(rest, m + b.len, rl) == 0);
		CHECK(r == (max >= 20 ? 1 : 0));
		buf_free(&b);
	}
}

static void
t_read_block_long_line(void)
{
	/* a header line far longer than the io buffer */
	size_t n = 3 * IO_BUFSIZE + 10, rl;
	char *m = malloc(n + 16), rest[16];
	struct buf b = BUF_INIT;

	if (m == NULL)
		abort();
	memcpy(m, "X: ", 3);
	memset(m + 3, 'v', n - 3);
	memcpy(m + n, "\r\n\r\nB", 5);
	CHECK(read_block(m, n + 5, 0, n + 4, &b, rest, sizeof rest, &rl) == 1);
	CHECK(b.len == n + 4 && rl == 1 && rest[0] == 'B');
	buf_free(&b);
	CHECK(read_block(m, n + 5, 0, 1000, &b, rest, sizeof rest, &rl) == 0);
	CHECK(b.len == 1000);
	buf_free(&b);
	free(m);
}

/* Deterministic random header blocks: the walk always ends, stays inside
 * the bytes, and unfolded values are single trimmed lines. */
static void
t_random_blocks(void)
{
	static const char alpha[] = "AAAbbb::  \t\r\n\n\0\x80";
	unsigned long x = 2463534242UL;
	char in[128], u[24];
	struct hdr_field f;
	size_t n, k, off, len;
	int i, r, steps, fields = 0;

	for (i = 0; i < 50000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n = x % sizeof in;
		for (k = 0; k < n; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			in[k] = alpha[x % (sizeof alpha - 1)];
		}
		off = 0;
		for (steps = 0; steps <= (int)n; steps++) {
			size_t before = off;
			r = hdr_next(in, n, &off, &f);
			if (r != 1) {
				CHECK(off == before);
				break;
			}
			fields++;
			CHECK(off == before + f.raw_len && off <= n);
			CHECK(f.raw_len > 0 && f.name == in + before);
			CHECK(f.value + f.value_len <= in + off);
			len = hdr_unfold(f.value, f.value_len, u, sizeof u);
			CHECK(len < sizeof u && strlen(u) <= len);
			CHECK(memchr(u, '\r', len) == NULL);
			CHECK(memchr(u, '\n', len) == NULL);
			CHECK(len == 0 || (u[0] != ' ' && u[len - 1] != ' '));
		}
		CHECK(steps <= (int)n);
		/* the header block ends no earlier than the fields walked */
		CHECK(hdr_block_len(in, n) <= n);
		CHECK(hdr_block_len(in, n) >= off);
		if (tap_case_failed)
			break;
	}
	printf("# %d fields walked\n", fields);
	CHECK(fields > 1000);
}

static void
t_read_block_timeout(void)
{
	struct io *io = malloc(sizeof *io);
	struct buf b = BUF_INIT;
	int fds[2];

	if (io == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0)
		abort();
	/* the peer stays open and silent after half a header */
	CHECK(write(fds[1], "A: b\r\nC:", 8) == 8);
	io_init(io, fds[0], -1, 50);
	CHECK(hdr_read_block(io, &b, 4096) == -1);
	CHECK(io->err == IO_TIMEOUT);
	CHECK_MEM(b.s, b.len, "A: b\r\nC:");
	close(fds[0]);
	close(fds[1]);
	buf_free(&b);
	free(io);
}

int
main(void)
{
	RUN(t_next_simple);
	RUN(t_next_folded);
	RUN(t_next_bare_lf_and_eof);
	RUN(t_next_not_a_field);
	RUN(t_unfold);
	RUN(t_find_and_name);
	RUN(t_block_len);
	RUN(t_read_block);
	RUN(t_read_block_no_separator);
	RUN(t_read_block_cap);
	RUN(t_read_block_long_line);
	RUN(t_read_block_timeout);
	RUN(t_random_blocks);
	return tap_done();
}
