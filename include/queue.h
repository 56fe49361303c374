/*
 * queue: the spool under ROOT/queue, shared by mail-submit (writes new
 * messages), mail-relay (delivers them) and mail-queue (looks, holds,
 * removes).  Layout and crash argument in mailkit-queue(5):
 *
 *	queue/tmp/ID         message being received (not yet queued)
 *	queue/tmp/ID.env     its envelope being written
 *	queue/tmp/ID.env.PID an envelope being rewritten by a runner
 *	queue/env/H/ID       envelope; its presence is what makes ID queued
 *	queue/env/H/ID.msg   message bytes, as received (CRLF from SMTP)
 *	queue/trigger        FIFO: one byte written = "look at the queue"
 *
 * H is one hex digit derived from ID, so no directory grows without end.
 * Both files are written and synced in tmp/, then renamed in, message
 * first, and env/H is synced once before the writer reports success:
 * three syncs in all.  ROOT/etc/queuesync chooses how: "fsync" (default)
 * syncs the two files and the directory, "syncfs" calls syncfs() on the
 * spool's file system before and after the renames, which lets
 * concurrent writers share the flushes (best when the queue has a file
 * system of its own).  A message file without an envelope is garbage from
 * a crash (never acknowledged, or already delivered) and is swept by
 * queue_sweep(); an envelope without its message can only be left by a
 * crash before the acknowledgement, and a runner moves it to bad/.
 * Runners lock env/H/ID.msg with flock() so two runners never work on one
 * message; a lock dies with its process.
 *
 * The envelope is text, one record per line, fields separated by TAB; no
 * field may hold TAB, CR, LF or NUL (queue_env_save refuses them, so what
 * a client sent can never be mistaken for a record):
 *
 *	mailkit-queue 1
 *	id	ID
 *	arrival	UNIXTIME
 *	sender	ADDRESS                 (empty for the null sender <>)
 *	auth	USER                    (optional: the AUTH identity)
 *	held	1                       (optional: mail-queue hold)
 *	dsn	1                       (optional: this message is a bounce)
 *	rcpt	ADDRESS	STATE	ATTEMPTS	NEXT	STATUS	DIAGNOSTIC
 *
 * STATE is todo (not yet delivered; NEXT is the earliest UNIXTIME for the
 * next attempt), done (delivered), failed (a bounce was queued for it).
 * STATUS is the last enhanced status code ("4.4.1") or "-", DIAGNOSTIC
 * the last reply text or "-".
 */
#ifndef MAILKIT_QUEUE_H
#define MAILKIT_QUEUE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "addr.h"

#define QID_MAX		32
#define QDIAG_MAX	512

enum qstate { Q_TODO = 0, Q_DONE, Q_FAILED };

struct qrcpt {
	char addr[ADDR_MAX + 1];
	enum qstate state;
	unsigned attempts;
	time_t next;
	char status[16];		/* "" when none yet */
	char diag[QDIAG_MAX];		/* "" when none yet */
};

struct qenv {
	char id[QID_MAX];
	time_t arrival;
	char sender[ADDR_MAX + 1];	/* "" = <> */
	char auth[ADDR_MAX + 1];	/* "" = none */
	int held;
	int dsn;
	int warned;			/* a delay warning went out */
	size_t nrcpt, cap;
	struct qrcpt *rcpt;
};

/* A message being written by mail-submit.  Writes are gathered in wbuf
 * (an SMTP DATA phase hands over one line at a time). */
#define QNEW_BUF	16384
struct qnew {
	int fd;
	char id[QID_MAX];
	char tmp[PATH_MAX];
	uint64_t size;
	size_t wlen;
	char wbuf[QNEW_BUF];
};

/* --- envelope in memory --- */
void qenv_init(struct qenv *e);
void qenv_free(struct qenv *e);
/* 1 when addr (case-insensitive) already is a recipient of e. */
int qenv_has_rcpt(const struct qenv *e, const char *addr);
/* Append a recipient in state todo, due now. 0 or -1. */
int qenv_add_rcpt(struct qenv *e, const char *addr);
/* Serialize/parse the text form above.  parse: 0 or -1 (EINVAL). */
struct buf;
int qenv_format(const struct qenv *e, struct buf *out);
int qenv_parse(const char *p, size_t n, struct qenv *e);

/* --- writing (mail-submit) --- */
/* Make the queue directories if missing, and upgrade a queue of the
 * first layout (messages in queue/mess/H/ID). 0 or -1. */
int queue_init(const char *root);
/* Move queue/mess/H/ID to queue/env/H/ID.msg and remove mess/; nothing
 * to do (0) when there is no queue/mess. 0 or -1. */
int queue_upgrade(const char *root);
/* Create tmp/ID with a fresh unique ID. 0 or -1. */
int queue_new(const char *root, struct qnew *q);
/* Append message bytes. 0 or -1 (EFBIG past the size limit max, 0 = none). */
int queue_new_write(struct qnew *q, const void *p, size_t n, uint64_t max);
/* Write out what queue_new_write gathered, so that tmp/ID holds every
 * byte (before another process reads it). 0 or -1. */
int queue_new_flush(struct qnew *q);
/* fsync and queue it with this envelope (e->id is set from q->id). After
 * 0 the message is durably queued. -1: nothing was queued. */
int queue_new_commit(const char *root, struct qnew *q, struct qenv *e);
/* Throw the message away (tmp file removed). */
void queue_new_abort(struct qnew *q);
/* Wake the runner; never blocks, quiet when no runner listens. */
void queue_trigger(const char *root);

/* --- reading and updating (mail-relay, mail-queue) --- */
/* Call fn for every queued ID (envelope present); stops at non-zero. */
int queue_each(const char *root, int (*fn)(void *arg, const char *id),
    void *arg);
int queue_mess_path(const char *root, const char *id, char *out,
    size_t size);
int queue_env_path(const char *root, const char *id, char *out,
    size_t size);
/* Open the message read-only and flock it.  fd, or -1 (EWOULDBLOCK when
 * another runner holds it, ENOENT when gone). */
int queue_lock(const char *root, const char *id);
int queue_env_load(const char *root, const char *id, struct qenv *e);
/* Atomic, durable rewrite of the envelope. 0 or -1. */
int queue_env_save(const char *root, const struct qenv *e);
/* Remove a message whose recipients are all done or failed: envelope
 * first, then message. 0 or -1. */
int queue_remove(const char *root, const char *id);
/* Move a broken message and envelope aside into queue/bad/ (never
 * deleted in silence). 0 or -1. */
int queue_quarantine(const char *root, const char *id);
/* Delete message files without envelope older than age seconds and tmp
 * files older than age; returns the number removed, or -1. */
int queue_sweep(const char *root, time_t age);

#endif
