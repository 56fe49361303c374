/*
 * msgsrc: the message mail-deliver was handed on stdin, made re-readable.
 *
 * A regular file on stdin is read in place (from its current offset); a
 * pipe is first copied to an unlinked temporary file under ROOT/tmp, so
 * that the message can be written to several mailboxes while memory stays
 * flat whatever its size.  Loading also checks the bytes once: a message
 * with NUL bytes or no bytes at all is refused (msgsrc->bad says why).
 */
#ifndef MAILKIT_MSGSRC_H
#define MAILKIT_MSGSRC_H

#include <sys/types.h>
#include "buf.h"

#define MSGSRC_HEAD_MAX (1u << 20)	/* header bytes examined for loops */

struct msgsrc {
	int fd;
	int owned;		/* fd is our temporary file */
	off_t start, size;
	struct buf head;	/* the header block (at most MSGSRC_HEAD_MAX) */
	const char *bad;	/* NULL, or why the message is refused */
};

/* 0 loaded (check ->bad), -1 I/O error (errno). */
int msgsrc_load(struct msgsrc *m, int fd, const char *tmpdir);
/* pread() relative to the message start. */
ssize_t msgsrc_pread(const struct msgsrc *m, void *p, size_t n, off_t off);
void msgsrc_free(struct msgsrc *m);

#endif
