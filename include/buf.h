/*
 * buf: a growable byte buffer with an explicit length.
 *
 * The length is the truth: wire data may contain NUL bytes.  The bytes are
 * nevertheless always followed by a NUL (not counted in len), so a buffer
 * known to hold text can be passed where a C string is wanted.  Growth is
 * overflow-checked; every function returns 0 on success and -1 with errno
 * set (ENOMEM, EOVERFLOW) on failure, leaving the old contents intact.
 *
 *	struct buf b = BUF_INIT;
 *	if (buf_adds(&b, "hello") < 0) ...
 *	buf_free(&b);
 */
#ifndef MAILKIT_BUF_H
#define MAILKIT_BUF_H

#include <stddef.h>

struct buf {
	char *s;	/* bytes, NUL-terminated when cap > 0 */
	size_t len;	/* bytes used, not counting the NUL */
	size_t cap;	/* bytes allocated */
};

#define BUF_INIT { NULL, 0, 0 }

int buf_reserve(struct buf *b, size_t extra);
int buf_add(struct buf *b, const void *p, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int buf_set(struct buf *b, const void *p, size_t n);
void buf_truncate(struct buf *b, size_t n);
void buf_free(struct buf *b);

#endif
