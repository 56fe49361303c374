/*
 * spam_db: the spam scorer's token database, an LMDB environment in a
 * directory (data.mdb, lock.mdb).
 *
 * LMDB gives what a per-message filter needs: opening is an mmap (no
 * parse, no load), readers never block and are never blocked by the one
 * writer, and a transaction is committed by a single page write after the
 * data, so a kill -9 (or a crash) at any instant leaves the last committed
 * state.  Keys are token bytes; values are two native uint32 counts
 * {spam, ham}.  Key "\001count" holds the numbers of trained messages,
 * keys "\002" + a 20-byte fingerprint of a message record its class, so
 * training is idempotent and untraining only undoes real training.
 *
 *	struct spam_db db;
 *	spam_db_open(&db, dir, 0)	 read-only; -1 with errno (ENOENT:
 *					 no database yet)
 *	spam_db_lookup(&db, &tokens, counts, &nspam, &nham)
 *	spam_db_open(&db, dir, 1)	 writer (creates dir and files)
 *	spam_db_begin(&db); spam_db_learn(&db, ...); spam_db_commit(&db);
 *	spam_db_close(&db);
 */
#ifndef MAILKIT_SPAM_DB_H
#define MAILKIT_SPAM_DB_H

#include <stddef.h>
#include <stdint.h>
#include "spam.h"

struct spam_db {
	void *env;
	void *txn;
	unsigned dbi;
	int writable;
	int err;		/* last LMDB error code */
};

enum spam_learn { LEARN_SPAM, LEARN_HAM };

int spam_db_open(struct spam_db *db, const char *dir, int writable);
void spam_db_close(struct spam_db *db);
/* Text of the last error. */
const char *spam_db_strerror(const struct spam_db *db);

/* counts must have room for t->count entries.  0 or -1. */
int spam_db_lookup(struct spam_db *db, const struct spam_tokens *t,
    struct spam_count *counts, uint32_t *nspam, uint32_t *nham);

int spam_db_begin(struct spam_db *db);
int spam_db_commit(struct spam_db *db);
void spam_db_abort(struct spam_db *db);
/* Train (untrain = 0) or untrain the message whose digest is dig.
 * 1 the counts changed, 0 nothing to do (already so), -1 error. */
int spam_db_learn(struct spam_db *db, const struct spam_tokens *t,
    const unsigned char dig[20], enum spam_learn cls, int untrain);
/* Message counts (inside or outside a transaction). */
int spam_db_counts(struct spam_db *db, uint32_t *nspam, uint32_t *nham);

/* The fingerprint of a message's scanned bytes (not cryptographic). */
void spam_db_digest(const char *msg, size_t n, unsigned char dig[20]);

#endif
