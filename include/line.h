/*
 * line: the one way mailkit reads a line, from the network or a file.
 *
 * line_read() reads up to and including the next LF into a caller's
 * buffer of fixed size.  It never guesses: the line's terminator and every
 * oddity are reported, and the caller decides.  SMTP and POP3 refuse lines
 * with LINE_BARE_LF, LINE_BARE_CR or LINE_NUL; mbox reading tolerates them.
 * A line longer than the buffer is consumed to its end and reported with
 * LINE_TOO_LONG; only the first size-1 bytes are kept.
 */
#ifndef MAILKIT_LINE_H
#define MAILKIT_LINE_H

#include <stddef.h>
#include "io.h"

enum line_end {
	LINE_END_CRLF,	/* "...\r\n" */
	LINE_END_LF,	/* "...\n" without CR before it */
	LINE_END_EOF	/* stream ended without a terminator */
};

#define LINE_BARE_CR	0x01	/* a CR not followed by LF inside the line */
#define LINE_NUL	0x02	/* a NUL byte inside the line */
#define LINE_TOO_LONG	0x04	/* longer than the buffer; tail dropped */

struct line {
	char *s;		/* the caller's buffer, NUL-terminated */
	size_t len;		/* bytes kept, terminator excluded */
	size_t raw_len;		/* bytes consumed, terminator included */
	enum line_end end;
	unsigned flags;
};

/* 1: a line was read.  0: end of stream before any byte.  -1: error or
 * timeout (io->err says which). */
int line_read(struct io *io, char *buf, size_t size, struct line *ln);

/* True when the line is clean for SMTP/POP3: CRLF, no NUL, no bare CR,
 * not too long. */
int line_is_strict(const struct line *ln);

#endif
