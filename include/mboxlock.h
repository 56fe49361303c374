/*
 * mboxlock: the mbox locking protocol that mail-deliver and mail-pop3
 * share, so that neither ever sees the other's half-written mailbox.
 *
 * Both locks, always in this order, with one bounded wait:
 *   1. a dot-lock file PATH.lock, made NFS-safely (unique file + link(),
 *      success when the link count is 2); a dot-lock older than
 *      MBOXLOCK_STALE seconds is taken to be left by a crash and removed;
 *   2. an fcntl() write lock on the whole mbox file.
 *
 * The dot-lock file holds "PID SIZE": its taker and the mbox size at that
 * moment.  A dot-lock whose process no longer exists was left by a crash
 * (kill -9 in the middle of an append): the next taker removes it and
 * truncates the mbox back to SIZE, so a half-written message never stays
 * visible (->recovered is then set, for the log).  PIDs are only meaningful
 * on one host; on shared storage use Maildir.
 *
 *	struct mboxlock l;
 *	fd = open(path, O_RDWR | O_NOFOLLOW ...);
 *	if (mboxlock_take(&l, path, fd, timeout_s) < 0)
 *		errno == ETIMEDOUT: somebody else holds it -> try later
 *	...
 *	mboxlock_release(&l);
 */
#ifndef MAILKIT_MBOXLOCK_H
#define MAILKIT_MBOXLOCK_H

#include <limits.h>

#define MBOXLOCK_STALE 300

struct mboxlock {
	int fd;			/* the mbox, fcntl-locked; -1 when not */
	int dotlocked;
	int recovered;		/* a crashed append was cut off */
	long long recover_size;
	char dotlock[PATH_MAX];
};

/* 0 with both locks held, or -1 with errno (ETIMEDOUT when the wait of
 * timeout_s seconds ran out). */
int mboxlock_take(struct mboxlock *l, const char *path, int fd,
    int timeout_s);
void mboxlock_release(struct mboxlock *l);

#endif
