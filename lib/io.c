/* io: buffered descriptor I/O with timeouts; see include/io.h. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "io.h"

void
io_init(struct io *io, int fd_in, int fd_out, int timeout_ms)
{
	io->fd_in = fd_in;
	io->fd_out = fd_out;
	io->timeout_ms = timeout_ms;
	io->deadline_ms = 0;
	io->err = IO_OK;
	io->tr = NULL;
	io->in_pos = io->in_len = io->out_len = 0;
}

void
io_set_transport(struct io *io, const struct io_transport *tr)
{
	io->tr = tr;
}

int
io_wait(int fd, short events, int timeout_ms)
{
	struct pollfd p;
	int r;

	p.fd = fd;
	p.events = events;
	p.revents = 0;
	do
		r = poll(&p, 1, timeout_ms > 0 ? timeout_ms : -1);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -1 : r > 0;
}

static ssize_t
raw_read(struct io *io, void *p, size_t n)
{
	ssize_t r;

	do
		r = io->tr ? io->tr->read(io->tr->ctx, p, n)
			   : read(io->fd_in, p, n);
	while (r < 0 && errno == EINTR);
	return r;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
io_set_deadline(struct io *io, int ms)
{
	io->deadline_ms = ms > 0 ? now_ms() + ms : 0;
}

/* How long the next read may wait: the timeout, cut short by the deadline.
 * -1 when the deadline has passed. */
static int
read_wait(const struct io *io)
{
	long long left;

	if (io->deadline_ms == 0)
		return io->timeout_ms;
	left = io->deadline_ms - now_ms();
	if (left <= 0)
		return -1;
	return io->timeout_ms > 0 && io->timeout_ms < left ? io->timeout_ms
	    : (int)left;
}

int
io_fill(struct io *io)
{
	int wait;

	ssize_t r;
	int w;

	if (io->in_pos < io->in_len)
		return 1;
	if (io->err != IO_OK)
		return io->err == IO_EOF ? 0 : -1;
	io->in_pos = io->in_len = 0;
	for (;;) {
		if (!(io->tr && io->tr->pending &&
		    io->tr->pending(io->tr->ctx) > 0)) {
			wait = read_wait(io);
			w = wait < 0 ? 0 : io_wait(io->fd_in, POLLIN, wait);
			if (w <= 0) {
				io->err = w == 0 ? IO_TIMEOUT : IO_ERROR;
				return -1;
			}
		}
		r = raw_read(io, io->in, sizeof io->in);
		if (r > 0)
			break;
		if (r == 0) {
			io->err = IO_EOF;
			return 0;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			io->err = IO_ERROR;
			return -1;
		}
	}
	io->in_len = (size_t)r;
	return 1;
}

ssize_t
io_read(struct io *io, void *p, size_t n)
{
	size_t k;
	int r;

	r = io_fill(io);
	if (r <= 0)
		return r;
	k = io->in_len - io->in_pos;
	if (k > n)
		k = n;
	memcpy(p, io->in + io->in_pos, k);
	io->in_pos += k;
	return (ssize_t)k;
}

size_t
io_pending(const struct io *io)
{
	size_t n = io->in_len - io->in_pos;

	if (io->tr && io->tr->pending)
		n += io->tr->pending(io->tr->ctx);
	return n;
}

size_t
io_discard_input(struct io *io)
{
	size_t n = io->in_len - io->in_pos;

	io->in_pos = io->in_len = 0;
	return n;
}

static int
raw_write_all(struct io *io, const char *p, size_t n)
{
	ssize_t r;

	while (n > 0) {
		if (io->timeout_ms > 0 &&
		    io_wait(io->fd_out, POLLOUT, io->timeout_ms) <= 0) {
			io->err = IO_TIMEOUT;
			return -1;
		}
		r = io->tr ? io->tr->write(io->tr->ctx, p, n)
			   : write(io->fd_out, p, n);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			io->err = IO_ERROR;
			return -1;
		}
		if (r == 0) {	/* the transport's stream has ended */
			errno = EPIPE;
			io->err = IO_ERROR;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int
io_flush(struct io *io)
{
	size_t n = io->out_len;

	if (n == 0)
		return io->err == IO_ERROR || io->err == IO_TIMEOUT ? -1 : 0;
	io->out_len = 0;
	return raw_write_all(io, io->out, n);
}

int
io_write(struct io *io, const void *p, size_t n)
{
	const char *s = p;

	if (io->out_len + n > sizeof io->out && io_flush(io) < 0)
		return -1;
	if (n > sizeof io->out)
		return raw_write_all(io, s, n);
	memcpy(io->out + io->out_len, s, n);
	io->out_len += n;
	return 0;
}

int
io_puts(struct io *io, const char *s)
{
	return io_write(io, s, strlen(s));
}

int
fd_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	ssize_t r;

	while (n > 0) {
		r = write(fd, s, n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += r;
		n -= (size_t)r;
	}
	return 0;
}
