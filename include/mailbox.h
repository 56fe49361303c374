/*
 * mailbox: writing one message into a local mailbox, durably.
 *
 * ROOT/mail/DOMAIN/USER is a Maildir when it is a directory and an mbox
 * when it is a regular file; anything else (a symbolic link above all) is
 * refused with ELOOP, so a mailbox can never be pointed elsewhere.
 *
 * maildir_deliver: tmp/NAME written, fsync'd, renamed to new/NAME,S=SIZE,
 * new/ fsync'd.  On failure the temporary file is removed.
 * mbox_deliver: both locks of mboxlock.h, append the "From " line, the
 * prefix and the mboxrd-quoted message and an empty line, fsync.  On any
 * failure the file is truncated back to its old size, so the mailbox is
 * exactly as it was.  errno ETIMEDOUT: the lock wait ran out.
 */
#ifndef MAILKIT_MAILBOX_H
#define MAILKIT_MAILBOX_H

#include <stddef.h>
#include <stdint.h>

#include "account.h"
#include "msgsrc.h"

/* Make sure the mailbox exists (created as want when absent, with its
 * parent directory); *got says what it is.  0 or -1 (ELOOP, ENOTDIR,
 * ...). */
int mailbox_prepare(const char *path, enum mailbox_format want,
    enum mailbox_format *got);

/* Bytes and messages now in the mailbox.  Counting mbox messages reads
 * the file, so it is done only when count is not NULL. 0 or -1. */
int mailbox_usage(const char *path, enum mailbox_format fmt,
    uint64_t *bytes, uint64_t *count);

/* A name unique to this delivery: SEC.MUSECPPID.QN.HOST (Maildir
 * convention), also used as the mbox X-UIDL. 0 or -1. */
int maildir_unique(char *out, size_t size);

int maildir_deliver(const char *path, const char *prefix, size_t plen,
    const struct msgsrc *m, uint64_t *size);
int mbox_deliver(const char *path, const char *from_line,
    const char *prefix, size_t plen, const struct msgsrc *m,
    int lock_timeout, uint64_t *size);

#endif
