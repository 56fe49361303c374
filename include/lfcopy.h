/*
 * lfcopy: write a message into a mailbox file as LF-terminated text.
 *
 * CRLF line endings become LF (a bare CR is kept as it is).  With
 * LFCOPY_MBOXRD every line matching ">*From " gets one more '>' in front
 * (the mboxrd convention, reversible).  The copy always ends with LF.
 * Memory is constant: the source is read in chunks.
 */
#ifndef MAILKIT_LFCOPY_H
#define MAILKIT_LFCOPY_H

#include <stdint.h>
#include "msgsrc.h"

#define LFCOPY_MBOXRD 0x01

/* 0, or -1 with errno from the failing read or write. *written gets the
 * number of bytes written to fd. */
int lfcopy(const struct msgsrc *m, int fd, unsigned flags,
    uint64_t *written);

/* The same conversion on a memory block, for tests and small texts.
 * State carries across calls; call lfcopy_end at the end. */
struct lfstate {
	int line_start;		/* next byte begins a line */
	int cr;			/* a CR is held back */
	unsigned gt;		/* '>' run seen at line start */
	unsigned from;		/* bytes of "From " matched after the run */
	int last_lf;		/* last byte emitted was LF */
	unsigned flags;
};

struct buf;
void lfstate_init(struct lfstate *s, unsigned flags);
int lfconvert(struct lfstate *s, const char *p, size_t n, struct buf *out);
int lfconvert_end(struct lfstate *s, struct buf *out);

#endif
