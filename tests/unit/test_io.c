/* Unit tests: io, buffered descriptor I/O with timeouts and transports. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io.h"
#include "tap.h"

static struct io io;
static int fds[2];

static void
pair(void)
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0)
		abort();
}

/* A socket pair whose fds[0] io reads, with timeout ms. */
static void
pair_reader(int ms)
{
	pair();
	io_init(&io, fds[0], -1, ms);
}

static void
unpair(void)
{
	close(fds[0]);
	close(fds[1]);
}

static void
put(int fd, const void *p, size_t n)
{
	if (fd_write_all(fd, p, n) < 0)
		abort();
}

/* The peer sends s; the next io_read() returns exactly s. */
static void
peer_sends(const char *s)
{
	char b[64];
	size_t n = strlen(s);

	put(fds[1], s, n);
	CHECK(io_read(&io, b, sizeof b) == (ssize_t)n);
	CHECK(memcmp(b, s, n) == 0);
}

static long
ms_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000 +
	    (b.tv_nsec - a->tv_nsec) / 1000000;
}

/* Read exactly n bytes from fd (the peer side), at most 2 s. */
static size_t
drain(int fd, char *p, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n && io_wait(fd, POLLIN, 2000) == 1) {
		r = read(fd, p + got, n - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

/* Run fn in a child that SIGALRM kills after 2 s, so a hang or a crash
 * is one failed case, not a stuck or dead test binary. */
static int
in_child(void (*fn)(void))
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		alarm(2);
		fn();
		fflush(stdout);
		_exit(tap_case_failed ? 1 : 0);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* io reads a pipe that holds data; eof: the writer is gone (p[1] = -1). */
static void
pipe_io(int p[2], const char *data, size_t n, int eof)
{
	if (pipe(p) < 0)
		abort();
	put(p[1], data, n);
	if (eof) {
		close(p[1]);
		p[1] = -1;
	}
	io_init(&io, p[0], -1, 1000);
}

/* Bytes come out in the pieces asked for, across several fills. */
static void
t_read_in_pieces(void)
{
	char b[8];
	int p[2];

	pipe_io(p, "hello world", 11, 0);
	CHECK(io_read(&io, b, 3) == 3);
	CHECK_MEM(b, 3, "hel");
	CHECK(io_pending(&io) == 8);
	CHECK(io_read(&io, b, 3) == 3);
	CHECK_MEM(b, 3, "lo ");
	CHECK(io_read(&io, b, sizeof b) == 5);
	CHECK_MEM(b, 5, "world");
	CHECK(io_pending(&io) == 0);
	put(p[1], "\0more", 5);		/* a second fill, NUL kept */
	CHECK(io_read(&io, b, sizeof b) == 5);
	CHECK_MEM(b, 5, "\0more");
	CHECK(io.err == IO_OK);
	close(p[0]);
	close(p[1]);
}

/* More than one buffer's worth from a child, read in odd-sized pieces:
 * every byte arrives once and in order. */
static void
t_read_more_than_a_buffer(void)
{
	enum { N = 3 * IO_BUFSIZE + 123 };
	static char want[N], got[N];
	size_t i, have = 0;
	ssize_t r;
	pid_t pid;

	for (i = 0; i < N; i++)
		want[i] = (char)(i * 7 + i / 251);
	pair();
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		for (i = 0; i < N; i += 1000)
			put(fds[1], want + i, N - i < 1000 ? N - i : 1000);
		_exit(0);
	}
	close(fds[1]);
	io_init(&io, fds[0], -1, 2000);
	while (have < N && (r = io_read(&io, got + have, 777)) > 0)
		have += (size_t)r;
	CHECK(have == N);
	CHECK(memcmp(want, got, N) == 0);
	CHECK(io_read(&io, got, 1) == 0);
	CHECK(io.err == IO_EOF);
	close(fds[0]);
	waitpid(pid, NULL, 0);
}

static void
t_fill_eof(void)
{
	char b[4];
	int p[2];

	pipe_io(p, "ab", 2, 1);
	CHECK(io_fill(&io) == 1);
	CHECK(io_read(&io, b, sizeof b) == 2);
	CHECK_MEM(b, 2, "ab");
	CHECK(io_fill(&io) == 0);
	CHECK(io.err == IO_EOF);
	CHECK(io_fill(&io) == 0);	/* sticky */
	CHECK(io_read(&io, b, sizeof b) == 0);
	close(p[0]);

	/* an empty stream: EOF at once */
	pipe_io(p, "", 0, 1);
	CHECK(io_fill(&io) == 0);
	CHECK(io.err == IO_EOF);
	close(p[0]);
}

/* A silent peer: the read gives up after the timeout, and stays failed. */
static void
t_read_timeout(void)
{
	struct timespec a;
	char b[4];
	long ms;

	pair_reader(50);
	clock_gettime(CLOCK_MONOTONIC, &a);
	CHECK(io_fill(&io) == -1);
	ms = ms_since(&a);
	CHECK(io.err == IO_TIMEOUT);
	CHECK(ms >= 45 && ms < 1000);
	put(fds[1], "late", 4);		/* too late: the error is sticky */
	CHECK(io_read(&io, b, sizeof b) == -1);
	CHECK(io.err == IO_TIMEOUT);
	unpair();
}

/* The deadline cuts a longer (or no) timeout short. */
static void
t_deadline(void)
{
	struct timespec a;
	long ms;

	pair();
	io_init(&io, fds[0], -1, 0);	/* no timeout at all */
	io_set_deadline(&io, 60);
	CHECK(io.deadline_ms > 0);
	clock_gettime(CLOCK_MONOTONIC, &a);
	CHECK(io_fill(&io) == -1);
	ms = ms_since(&a);
	CHECK(io.err == IO_TIMEOUT);
	CHECK(ms >= 55 && ms < 1000);
	unpair();

	pair_reader(5000);
	io_set_deadline(&io, 50);
	clock_gettime(CLOCK_MONOTONIC, &a);
	CHECK(io_fill(&io) == -1);
	ms = ms_since(&a);
	CHECK(io.err == IO_TIMEOUT);
	CHECK(ms >= 45 && ms < 1000);	/* not the 5 s timeout */
	unpair();
}

/* Bytes already buffered are still handed out after the deadline; only
 * the next wait for the peer fails.  A cleared deadline does not fire. */
static void
t_deadline_passed_and_cleared(void)
{
	struct timespec pause = { 0, 20 * 1000000 };
	char b[4];

	pair_reader(1000);
	put(fds[1], "abcd", 4);
	CHECK(io_read(&io, b, 2) == 2);
	io_set_deadline(&io, 1);
	nanosleep(&pause, NULL);
	put(fds[1], "ef", 2);
	CHECK(io_read(&io, b, sizeof b) == 2);
	CHECK_MEM(b, 2, "cd");
	CHECK(io_read(&io, b, sizeof b) == -1);
	CHECK(io.err == IO_TIMEOUT);
	unpair();

	pair_reader(1000);
	io_set_deadline(&io, 1);
	io_set_deadline(&io, 0);
	CHECK(io.deadline_ms == 0);
	nanosleep(&pause, NULL);
	peer_sends("ok");
	unpair();
}

static void
t_discard_input(void)
{
	char b[16];

	pair_reader(1000);
	put(fds[1], "STARTTLS\r\nEHLO x\r\n", 18);
	CHECK(io_read(&io, b, 10) == 10);
	CHECK(io_discard_input(&io) == 8);
	CHECK(io_pending(&io) == 0);
	peer_sends("new");
	unpair();
}

/* Output waits for io_flush(); order is kept across an automatic flush
 * and a write larger than the buffer. */
static void
t_write_buffering_and_flush(void)
{
	enum { BIG = IO_BUFSIZE + 500 };
	static char big[BIG], got[3 + IO_BUFSIZE + BIG + 1];
	char b[16];
	size_t i;

	pair();
	io_init(&io, -1, fds[0], 1000);
	CHECK(io_write(&io, "abc", 3) == 0);
	CHECK(io_puts(&io, "def") == 0);
	CHECK(io.out_len == 6);
	CHECK(recv(fds[1], b, sizeof b, MSG_DONTWAIT) == -1 &&
	    errno == EAGAIN);
	CHECK(io_flush(&io) == 0);
	CHECK(io.out_len == 0);
	CHECK(drain(fds[1], b, 6) == 6);
	CHECK_MEM(b, 6, "abcdef");
	CHECK(io_flush(&io) == 0);	/* nothing to do */

	for (i = 0; i < BIG; i++)
		big[i] = (char)('a' + i % 26);
	CHECK(io_write(&io, "123", 3) == 0);
	memset(got, '=', IO_BUFSIZE);
	CHECK(io_write(&io, got, IO_BUFSIZE) == 0);	/* forces a flush */
	CHECK(io.out_len == IO_BUFSIZE);
	CHECK(io_write(&io, big, BIG) == 0);	/* straight through */
	CHECK(io_puts(&io, "!") == 0);
	CHECK(io_flush(&io) == 0);
	memset(got, 0, sizeof got);
	CHECK(drain(fds[1], got, sizeof got) == sizeof got);
	CHECK_MEM(got, 3, "123");
	CHECK(got[3] == '=' && got[3 + IO_BUFSIZE - 1] == '=');
	CHECK(memcmp(got + 3 + IO_BUFSIZE, big, BIG) == 0);
	CHECK(got[sizeof got - 1] == '!');
	CHECK(recv(fds[1], b, sizeof b, MSG_DONTWAIT) == -1);
	unpair();
}

/* A peer that has gone: EPIPE, not a SIGPIPE death, and the error sticks. */
static void
t_peer_closed(void)
{
	pair();
	close(fds[1]);
	io_init(&io, -1, fds[0], 1000);
	CHECK(io_puts(&io, "250 ok\r\n") == 0);
	errno = 0;
	CHECK(io_flush(&io) == -1);
	CHECK(errno == EPIPE);
	CHECK(io.err == IO_ERROR);
	CHECK(io_flush(&io) == -1);
	close(fds[0]);
}

/* A scripted transport.  A read step of NULL means "EAGAIN". */
#define STEP_EAGAIN NULL
struct mock {
	const char *const *steps;
	int nsteps, reads, writes;
	size_t pending, wmax;
	int w_eagain, w_zero;
	char out[64];
	size_t out_len;
};

static ssize_t
mock_read(void *ctx, void *p, size_t n)
{
	struct mock *m = ctx;
	const char *s;
	size_t k;

	if (m->reads >= m->nsteps)
		return 0;
	s = m->steps[m->reads++];
	if (s == STEP_EAGAIN) {
		errno = EAGAIN;
		return -1;
	}
	k = strlen(s) < n ? strlen(s) : n;
	memcpy(p, s, k);
	m->pending = 0;
	return (ssize_t)k;
}

static ssize_t
mock_write(void *ctx, const void *p, size_t n)
{
	struct mock *m = ctx;

	m->writes++;
	if (m->w_zero)
		return 0;
	if (m->w_eagain > 0) {
		m->w_eagain--;
		errno = EAGAIN;
		return -1;
	}
	if (n > m->wmax)
		n = m->wmax;
	if (n > sizeof m->out - m->out_len)
		n = sizeof m->out - m->out_len;
	memcpy(m->out + m->out_len, p, n);
	m->out_len += n;
	return (ssize_t)n;
}

static size_t
mock_pending(void *ctx)
{
	return ((struct mock *)ctx)->pending;
}

/* EAGAIN from the transport means wait and try again, not an error;
 * writes go through it too, short and delayed, in order. */
static void
t_transport_eagain_then_data(void)
{
	static const char *const steps[] = {
		STEP_EAGAIN, "data", STEP_EAGAIN, STEP_EAGAIN, "more"
	};
	struct mock m = { steps, 5, 0, 0, 0, 3, 1, 0, "", 0 };
	struct io_transport tr = { mock_read, mock_write, mock_pending, &m };
	char b[16];

	pair();
	put(fds[1], "x", 1);	/* the descriptor polls readable */
	io_init(&io, fds[0], fds[0], 1000);
	io_set_transport(&io, &tr);
	CHECK(io_read(&io, b, sizeof b) == 4);
	CHECK_MEM(b, 4, "data");
	CHECK(m.reads == 2);
	CHECK(io_read(&io, b, sizeof b) == 4);
	CHECK_MEM(b, 4, "more");
	CHECK(m.reads == 5);
	CHECK(io_read(&io, b, sizeof b) == 0);
	CHECK(io.err == IO_EOF);

	CHECK(io_puts(&io, "hello, transport") == 0);
	CHECK(m.writes == 0);
	CHECK(io_flush(&io) == 0);
	CHECK_MEM(m.out, m.out_len, "hello, transport");
	CHECK(m.writes == 1 + 6);	/* one EAGAIN, then 3 bytes a call */
	CHECK(recv(fds[1], b, sizeof b, MSG_DONTWAIT) == -1);	/* not raw */
	unpair();
}

/* Bytes the transport holds are read without waiting on a descriptor
 * that will never be readable, and io_pending() counts them. */
static void
t_transport_pending(void)
{
	static const char *const steps[] = { "held" };
	struct mock m = { steps, 1, 0, 0, 4, 64, 0, 0, "", 0 };
	struct io_transport tr = { mock_read, mock_write, mock_pending, &m };
	struct timespec a;
	char b[8];

	pair();			/* silent */
	io_init(&io, fds[0], fds[0], 5000);
	io_set_transport(&io, &tr);
	CHECK(io_pending(&io) == 4);
	clock_gettime(CLOCK_MONOTONIC, &a);
	CHECK(io_read(&io, b, 2) == 2);
	CHECK(ms_since(&a) < 1000);
	CHECK_MEM(b, 2, "he");
	CHECK(io_pending(&io) == 2);
	unpair();
}

/* A transport whose write reports end of stream (TLS close_notify from
 * the peer): the flush must fail, not retry for ever. */
static void
write_zero_child(void)
{
	struct mock m = { NULL, 0, 0, 0, 0, 64, 0, 1, "", 0 };
	struct io_transport tr = { mock_read, mock_write, mock_pending, &m };

	pair();
	io_init(&io, fds[0], fds[0], 1000);
	io_set_transport(&io, &tr);
	CHECK(io_puts(&io, "QUIT\r\n") == 0);
	errno = 0;
	CHECK(io_flush(&io) == -1);
	CHECK(errno == EPIPE);
	CHECK(io.err == IO_ERROR);
	CHECK(m.writes == 1);
	unpair();
}

static void
t_transport_write_end_of_stream(void)
{
	CHECK(in_child(write_zero_child) == 0);
}

/* io_pending() allows a transport without a pending() hook; so must
 * the read path. */
static void
no_pending_child(void)
{
	static const char *const steps[] = { "plain" };
	struct mock m = { steps, 1, 0, 0, 0, 64, 0, 0, "", 0 };
	struct io_transport tr = { mock_read, mock_write, NULL, &m };
	char b[8];

	pair();
	put(fds[1], "x", 1);
	io_init(&io, fds[0], fds[0], 1000);
	io_set_transport(&io, &tr);
	CHECK(io_pending(&io) == 0);
	CHECK(io_read(&io, b, sizeof b) == 5);
	CHECK_MEM(b, 5, "plain");
	unpair();
}

static void
t_transport_without_pending(void)
{
	CHECK(in_child(no_pending_child) == 0);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	RUN(t_read_in_pieces);
	RUN(t_read_more_than_a_buffer);
	RUN(t_fill_eof);
	RUN(t_read_timeout);
	RUN(t_deadline);
	RUN(t_deadline_passed_and_cleared);
	RUN(t_discard_input);
	RUN(t_write_buffering_and_flush);
	RUN(t_peer_closed);
	RUN(t_transport_eagain_then_data);
	RUN(t_transport_pending);
	RUN(t_transport_write_end_of_stream);
	RUN(t_transport_without_pending);
	return tap_done();
}
