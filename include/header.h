/*
 * header: RFC 5322 header fields.
 *
 * hdr_next() walks the fields of a header block held in memory (the bytes
 * before the first empty line), one field at a time, with its folded
 * continuation lines.  hdr_unfold() turns a field value into one line.
 * hdr_read_block() reads a header block from a stream into a buffer, with
 * a cap, stopping after the empty line that ends it.
 */
#ifndef MAILKIT_HEADER_H
#define MAILKIT_HEADER_H

#include <stddef.h>
#include "buf.h"
#include "io.h"

struct hdr_field {
	const char *name;	/* field name, without the colon */
	size_t name_len;
	const char *value;	/* raw value after the colon, folding kept, */
	size_t value_len;	/* the final line ending excluded */
	size_t raw_len;		/* bytes of the whole field with endings */
};

/* 1: *f holds the field at *off and *off moves past it.  0: end of the
 * header block (an empty line, or the end of the bytes).  -1: the line at
 * *off is not a header field (no colon, or a space before the colon). */
int hdr_next(const char *p, size_t n, size_t *off, struct hdr_field *f);

/* Unfold and trim a value into out (NUL-terminated); returns its length.
 * Line endings inside are dropped, a folded line's leading white space is
 * kept as one space.  Truncates to size-1 bytes. */
size_t hdr_unfold(const char *v, size_t n, char *out, size_t size);

int hdr_name_is(const struct hdr_field *f, const char *name);

/* Find the first field called name; 1 found (in *f), 0 not. */
int hdr_find(const char *p, size_t n, const char *name, struct hdr_field *f);

/* Append lines from io to b until the empty line that ends the header
 * block (included), EOF, or max bytes.  1 header ended with an empty line,
 * 0 EOF or max reached first (no body separator), -1 I/O error. */
int hdr_read_block(struct io *io, struct buf *b, size_t max);

/* Where the header block of p ends: the offset just past the empty line,
 * or n when there is none. */
size_t hdr_block_len(const char *p, size_t n);

#endif
