/*
 * mailbox_read: a mailbox (Maildir or mbox) as POP3 sees it: a numbered
 * list of messages with sizes and unique ids, read in constant memory
 * apart from one index entry per message, and the deletions committed at
 * the end, atomically.
 *
 *	struct mbx m;
 *	if (mbx_open(&m, path, MAILBOX_MAILDIR, &err) < 0)
 *		errno == EWOULDBLOCK: another session holds the mailbox
 *	m.n messages, m.msg[i].size, mbx_uid(&m, i)
 *	mbx_send(&m, i, io, -1)        RETR: body with CRLF, dot-stuffed, "."
 *	mbx_send(&m, i, io, 10)        TOP i 10
 *	m.msg[i].deleted = 1 ... mbx_update(&m, &err)   at QUIT
 *	mbx_close(&m);
 *
 * Maildir (maildir_read.c): at open, new/ is moved to cur/ (":2,"
 * appended), cur/ is listed and sorted by name; sizes come from ",S="
 * in the name, else from stat.  The UIDL is the base name (the part
 * before ':').  A session lock is an flock on the Maildir directory.
 * RETR of a file whose size is no longer the one listed is refused
 * (mbx_check), and no more than the listed size is ever sent.
 * UPDATE is made atomic by a roll-forward journal (pop3_journal.c):
 * MAILDIR/mailkit-pop3-update names the files to remove, written to
 * mailkit-pop3-update.tmp, fsync'd and renamed before the first unlink,
 * removed after cur/ is fsync'd.  mbx_open replays a journal left by a
 * crash before it lists the Maildir, under the session lock; replayed,
 * rejected, rejected_name and journal say what it did, for the log.
 *
 * mbox (mbox_index.c): indexed in one pass under mboxlock (mboxlock.h).
 * A message starts at a line "From " that begins the file or follows an
 * empty line and holds a time "hh:mm" and after it a 4-digit year; it
 * ends before the empty line
 * that precedes the next one.  The UIDL is the first X-UIDL header when
 * it is 1..70 printable characters, else 16 hex digits of an FNV-1a hash
 * of the From_ line and header block (a repeated value gets "-2", "-3"
 * in file order).  Only bytes up to the size seen at open belong to the
 * session; mail appended later is copied unchanged at update.  The
 * session lock is an flock on PATH.pop3lock.
 */
#ifndef MAILKIT_MAILBOX_READ_H
#define MAILKIT_MAILBOX_READ_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "account.h"
#include "buf.h"
#include "io.h"

#define MBX_UID_MAX 70

struct mbx_msg {
	uint64_t from;		/* mbox: offset of the From_ line */
	uint64_t start;		/* mbox: first byte of the message */
	uint64_t end;		/* mbox: just past its last line */
	uint64_t size;		/* octets as stored (LIST, STAT) */
	uint32_t name;		/* Maildir file name, offset in names */
	uint32_t uid;		/* UIDL, offset in names */
	unsigned char deleted;
};

struct mbx {
	enum mailbox_format format;
	char path[PATH_MAX];
	int dirfd;		/* Maildir: cur/ */
	int fd;			/* mbox: the file, read-only; -1 if absent */
	int lockfd;		/* session lock */
	int msgfd;		/* Maildir: the file mbx_check opened */
	dev_t dev;		/* mbox: the file indexed */
	ino_t ino;
	uint64_t prefix_end;	/* mbox: bytes before the first message */
	uint64_t indexed_end;	/* mbox: size at open */
	struct mbx_msg *msg;
	size_t n, cap;
	struct buf names;	/* NUL-terminated strings */
	/* Maildir: what mbx_open did with an UPDATE journal */
	const char *journal;	/* NULL: there was none */
	size_t replayed;	/* names taken from it */
	size_t rejected;	/* names refused (not a plain cur/ new/ name) */
	char rejected_name[64];	/* the first one refused, cut */
};

/* Open and index the mailbox at path; when absent, a Maildir is created
 * if absent_format says so, an mbox counts as empty.  0, or -1 with errno
 * (EWOULDBLOCK: in use) and a short reason in *err. */
int mbx_open(struct mbx *m, const char *path,
    enum mailbox_format absent_format, const char **err);

const char *mbx_uid(const struct mbx *m, size_t i);

/* Check that message i can be read: 0, or -1 with a reason. */
int mbx_check(struct mbx *m, size_t i, const char **err);

/* Send message i (all of it when lines < 0, else the header and that many
 * body lines) to io as a POP3 multi-line body ending with ".".  0; -1
 * when the file could not be read (the caller must end the session: the
 * reply is incomplete); -2 on an io error. */
int mbx_send(struct mbx *m, size_t i, struct io *io, int64_t lines);

/* Remove the messages marked deleted, atomically.  0 or -1 with *err. */
int mbx_update(struct mbx *m, const char **err);

void mbx_close(struct mbx *m);

/* Internal: add a message entry and a string to the names arena. */
int mbx_add_msg(struct mbx *m, struct mbx_msg **out);
int mbx_add_name(struct mbx *m, const char *s, size_t n, uint32_t *off);
int maildir_open(struct mbx *m, const char **err);
int maildir_update(struct mbx *m, const char **err);
int mbox_open(struct mbx *m, const char **err);
/* The UPDATE journal of a Maildir (m->lockfd: the Maildir, m->dirfd:
 * cur/): write it durably for the messages marked deleted; replay and
 * remove one left by a crash; remove it after the UPDATE.  0 or -1. */
int maildir_journal_write(struct mbx *m);
int maildir_journal_replay(struct mbx *m, const char **err);
int maildir_journal_remove(struct mbx *m);
/* Test-only: SIGKILL itself when MAILKIT_TEST_CRASH names point. */
void mbx_test_crash(const char *point);
int mbox_update(struct mbx *m, const char **err);
/* Index an mbox read from fd, bytes [0, size), into m. 0 or -1. */
int mbox_index(struct mbx *m, int fd, uint64_t size);

/* Stream bytes [off, end) of fd (end UINT64_MAX: to end of file) as a
 * POP3 multi-line body: LF or CRLF become CRLF, a leading '.' is doubled,
 * with unquote a leading ">From " loses one '>' (mboxrd), with lines >= 0
 * only the header and that many body lines; ends with ".\r\n".  0, -1
 * file error (short read), -2 io error. */
int pop3_stream(struct io *io, int fd, uint64_t off, uint64_t end,
    int unquote, int64_t lines);

#endif
