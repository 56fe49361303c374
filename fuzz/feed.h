/*
 * feed: fuzz input handed to an io (io.h) through a transport, in chunks
 * of pseudo-random size, so that every buffer boundary of a reader gets
 * hit.  What the code under test writes is kept in out (up to a cap).
 *
 *	struct feed f;
 *	struct io io;
 *	feed_io(&f, &io, data, size, seed, maxchunk);
 *	... line_read(&io, ...) ...
 *	feed_free(&f);
 *
 * The io's descriptors are /dev/null, which poll() finds ready at once, so
 * the end of the input is an ordinary end of stream and never a wait.
 */
#ifndef MAILKIT_FUZZ_FEED_H
#define MAILKIT_FUZZ_FEED_H

#include <fcntl.h>
#include <sanitizer/common_interface_defs.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "io.h"

#define FEED_OUT_MAX (1u << 20)

struct feed {
	const uint8_t *p;
	size_t n, pos;
	uint32_t rng;
	size_t maxchunk;	/* 0: everything at once */
	struct buf out;
	size_t out_total;
	struct io_transport tr;
};

static inline uint32_t
feed_rand(uint32_t *s)
{
	uint32_t x = *s ? *s : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

static inline ssize_t
feed_read(void *ctx, void *p, size_t n)
{
	struct feed *f = ctx;
	size_t k = f->n - f->pos;

	if (f->maxchunk > 0 && k > 1 + feed_rand(&f->rng) % f->maxchunk)
		k = 1 + f->rng % f->maxchunk;
	if (k > n)
		k = n;
	memcpy(p, f->p + f->pos, k);
	f->pos += k;
	return (ssize_t)k;
}

static inline ssize_t
feed_write(void *ctx, const void *p, size_t n)
{
	struct feed *f = ctx;
	size_t room = FEED_OUT_MAX - f->out.len;

	f->out_total += n;
	if (room > 0 && buf_add(&f->out, p, n < room ? n : room) < 0)
		abort();
	return (ssize_t)n;
}

static inline size_t
feed_pending(void *ctx)
{
	struct feed *f = ctx;

	return f->n - f->pos;
}

static int feed_null_fd = -1;

static inline void
feed_io(struct feed *f, struct io *io, const uint8_t *p, size_t n,
    uint32_t seed, size_t maxchunk)
{
	if (feed_null_fd < 0 && (feed_null_fd = open("/dev/null",
	    O_RDWR | O_CLOEXEC)) < 0)
		abort();
	memset(f, 0, sizeof *f);
	f->p = p;
	f->n = n;
	f->rng = seed;
	f->maxchunk = maxchunk;
	f->tr.read = feed_read;
	f->tr.write = feed_write;
	f->tr.pending = feed_pending;
	f->tr.ctx = f;
	io_init(io, feed_null_fd, feed_null_fd, 10000);
	io_set_transport(io, &f->tr);
}

static inline void
feed_free(struct feed *f)
{
	buf_free(&f->out);
}

/* Die loudly: libFuzzer saves the input that got here.  The message goes
 * through the sanitizer's report, which -close_fd_mask leaves open. */
#define FUZZ_STR2(x) #x
#define FUZZ_STR(x) FUZZ_STR2(x)
#define FUZZ_CHECK(c) do { if (!(c)) { \
	__sanitizer_report_error_summary(__FILE__ ":" FUZZ_STR(__LINE__) \
	    ": check failed: " #c); \
	abort(); } } while (0)

#endif
