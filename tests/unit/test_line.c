/* Unit tests: line reader, fed whole and trickled one byte at a time. */
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "line.h"
#include "tap.h"

static struct io io;
static int fds[2];

/* Feed bytes through a socket pair; trickle=1 writes one byte at a time
 * from a child so every buffer boundary is crossed. */
static void
feed(const char *data, size_t n, int trickle)
{
	pid_t pid;
	size_t i;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0)
		abort();
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		for (i = 0; i < n; i += trickle ? 1 : n) {
			size_t k = trickle ? 1 : n;
			if (write(fds[1], data + i, k) < 0)
				_exit(1);
			if (trickle)
				usleep(200);
		}
		_exit(0);
	}
	close(fds[1]);
	io_init(&io, fds[0], -1, 5000);
}

static void
done(void)
{
	close(fds[0]);
	while (wait(NULL) > 0)
		;
}

static void
check_sequence(int trickle)
{
	static const char in[] = "HELO a\r\nbare lf\nbare\rcr\r\nnul\0x\r\n"
	    "cr at end\r";
	char b[64];
	struct line ln;

	feed(in, sizeof in - 1, trickle);
	CHECK(line_read(&io, b, sizeof b, &ln) == 1);
	CHECK_MEM(ln.s, ln.len, "HELO a");
	CHECK(ln.end == LINE_END_CRLF && ln.flags == 0 && line_is_strict(&ln));
	CHECK(ln.raw_len == 8);

	CHECK(line_read(&io, b, sizeof b, &ln) == 1);
	CHECK_MEM(ln.s, ln.len, "bare lf");
	CHECK(ln.end == LINE_END_LF && !line_is_strict(&ln));

	CHECK(line_read(&io, b, sizeof b, &ln) == 1);
	CHECK_MEM(ln.s, ln.len, "bare\rcr");
	CHECK(ln.end == LINE_END_CRLF && ln.flags == LINE_BARE_CR);

	CHECK(line_read(&io, b, sizeof b, &ln) == 1);
	CHECK(ln.len == 5 && memcmp(ln.s, "nul\0x", 5) == 0);
	CHECK(ln.flags == LINE_NUL);

	CHECK(line_read(&io, b, sizeof b, &ln) == 1);
	CHECK_MEM(ln.s, ln.len, "cr at end\r");
	CHECK(ln.end == LINE_END_EOF && (ln.flags & LINE_BARE_CR));

	CHECK(line_read(&io, b, sizeof b, &ln) == 0);
	done();
}

static void
t_whole(void)
{
	check_sequence(0);
}

static void
t_trickled(void)
{
	check_sequence(1);
}

static void
t_too_long_is_consumed(void)
{
	char *big = malloc(20000), b[16];
	struct line ln;

	memset(big, 'a', 20000);
	big[19998] = '\r';
	big[19999] = '\n';
	feed(big, 20000, 0);
	CHECK(line_read(&io, b, sizeof b, &ln) == 1);
	CHECK(ln.len == 15 && (ln.flags & LINE_TOO_LONG));
	CHECK(ln.end == LINE_END_CRLF && ln.raw_len == 20000);
	CHECK(!line_is_strict(&ln));
	CHECK(line_read(&io, b, sizeof b, &ln) == 0);
	done();
	free(big);
}

static void
t_timeout(void)
{
	char b[16];
	struct line ln;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0)
		abort();
	io_init(&io, fds[0], -1, 100);
	CHECK(line_read(&io, b, sizeof b, &ln) == -1);
	CHECK(io.err == IO_TIMEOUT);
	close(fds[0]);
	close(fds[1]);
}

/* A chunk that ends in CR followed by one that does not start with LF:
 * the CR is bare and kept once. */
static void
t_cr_at_chunk_end(void)
{
	char b[64];
	struct line ln;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0)
		abort();
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		if (write(fds[1], "abc\r", 4) < 0)
			_exit(1);
		usleep(100000);
		if (write(fds[1], "x\n", 2) < 0)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	io_init(&io, fds[0], -1, 5000);
	CHECK(line_read(&io, b, sizeof b, &ln) == 1);
	CHECK_MEM(ln.s, ln.len, "abc\rx");
	CHECK(ln.end == LINE_END_LF && ln.flags == LINE_BARE_CR);
	done();
}

/* A peer that sends a byte every 150 ms never finishes a line: with a
 * 400 ms timeout the read must give up after about 400 ms, not go on
 * for as long as bytes keep coming. */
static void
t_trickle_hits_the_deadline(void)
{
	struct timespec a, b;
	char buf[64];
	struct line ln;
	long ms;
	pid_t pid;
	int i;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0)
		abort();
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		for (i = 0; i < 20; i++) {
			if (write(fds[1], "x", 1) < 0)
				_exit(0);
			usleep(150000);
		}
		_exit(0);
	}
	close(fds[1]);
	io_init(&io, fds[0], -1, 400);
	clock_gettime(CLOCK_MONOTONIC, &a);
	CHECK(line_read(&io, buf, sizeof buf, &ln) == -1);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	CHECK(io.err == IO_TIMEOUT);
	CHECK(ms >= 350 && ms < 1500);
	close(fds[0]);
	kill(pid, SIGKILL);
	while (wait(NULL) > 0)
		;
}

int
main(void)
{
	RUN(t_trickle_hits_the_deadline);
	RUN(t_cr_at_chunk_end);
	RUN(t_whole);
	RUN(t_trickled);
	RUN(t_too_long_is_consumed);
	RUN(t_timeout);
	return tap_done();
}
