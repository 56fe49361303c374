/*
 * io: buffered input and output over a pair of descriptors, with a read
 * timeout and an optional transport (TLS) plugged in underneath.
 *
 * Servers read commands with line_read() (line.h) and write replies with
 * io_write()/io_flush().  Output is held until io_flush(), so a server
 * that flushes only when io_pending() is 0 batches its replies the way
 * PIPELINING wants.  Errors are sticky in io->err.
 */
#ifndef MAILKIT_IO_H
#define MAILKIT_IO_H

#include <stddef.h>
#include <sys/types.h>

#define IO_BUFSIZE 16384

enum io_err { IO_OK = 0, IO_EOF, IO_TIMEOUT, IO_ERROR };

struct io_transport {
	/* Return bytes moved, 0 at end of stream, -1 on error (errno set;
	 * EAGAIN means "wait for the descriptor to be readable/writable"). */
	ssize_t (*read)(void *ctx, void *p, size_t n);
	ssize_t (*write)(void *ctx, const void *p, size_t n);
	/* Bytes the transport already holds decrypted, so a poll() on the
	 * descriptor would not see them. */
	size_t (*pending)(void *ctx);
	void *ctx;
};

struct io {
	int fd_in, fd_out;
	int timeout_ms;			/* per read/write wait; <= 0: none */
	long long deadline_ms;		/* CLOCK_MONOTONIC ms; 0: none */
	enum io_err err;
	const struct io_transport *tr;	/* NULL: plain read()/write() */
	size_t in_pos, in_len, out_len;
	char in[IO_BUFSIZE];
	char out[IO_BUFSIZE];
};

void io_init(struct io *io, int fd_in, int fd_out, int timeout_ms);
void io_set_transport(struct io *io, const struct io_transport *tr);

/* Reads must be done by ms milliseconds from now (ms <= 0: no deadline).
 * line_read() sets one per line, so a client that trickles a byte at a
 * time cannot stretch one line past the timeout. */
void io_set_deadline(struct io *io, int ms);

/* Fill the input buffer when empty.  1 bytes available, 0 EOF, -1 error. */
int io_fill(struct io *io);
/* Read up to n bytes.  Bytes read, 0 at EOF, -1 on error. */
ssize_t io_read(struct io *io, void *p, size_t n);
/* Input bytes buffered (here or in the transport) and not yet consumed. */
size_t io_pending(const struct io *io);
/* Throw away all buffered input (what a client pipelined behind STARTTLS).
 * Returns the number of bytes dropped. */
size_t io_discard_input(struct io *io);

int io_write(struct io *io, const void *p, size_t n);
int io_puts(struct io *io, const char *s);
int io_flush(struct io *io);

/* Wait until fd is readable (events=POLLIN) or writable, at most timeout_ms
 * (<= 0: forever).  1 ready, 0 timeout, -1 error. */
int io_wait(int fd, short events, int timeout_ms);

/* write() all of p to fd, retrying on EINTR and short writes. 0 or -1. */
int fd_write_all(int fd, const void *p, size_t n);

#endif
