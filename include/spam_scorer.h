/*
 * spam_scorer: what mail-spamscore does with messages and the token
 * database; the program parses its options and says the result.
 *
 *	struct io io;  io_init(&io, 0, 1, 0);
 *	struct spam_scorer s = { .io = &io, .verbose = v, .out = fn };
 *	r = spam_scorer_init(&s, root, dbdir);	 dbdir NULL: ROOT/spam
 *	r = spam_scorer_filter(&s);
 *	r = spam_scorer_check(&s, paths, npaths);
 *	r = spam_scorer_train(&s, paths, npaths, LEARN_SPAM, untrain);
 *	spam_scorer_free(&s);
 *
 * spam_scorer_init: the settings of ROOT/etc/spamscore (spam.h).
 * spam_scorer_filter: the message on s.io, its X-Spam-* fields replaced
 * by the verdict's (spam_io.h), written back to s.io; only the first
 * spam_conf_scan_bytes() of it are held in memory.  SCORER_REFUSED, and
 * nothing written, when it scores at or above the reject setting.
 * spam_scorer_check: one line per message, given to s.out(s.arg, line):
 * "SCORE/REQUIRED CLASS", with s.verbose " bayes=P tests=T", " PATH"
 * when read from a path, and with s.verbose > 1 a line for each token
 * that decided ("  PROB SPAM HAM TOKEN"); SCORER_SPAM when one is spam.
 * spam_scorer_train: each message learnt as cls (or unlearnt), counted
 * in s.changed and s.unchanged, committed every commit_every messages
 * and at the end.  Check and train read one message from s.io when
 * there are no paths; a path is a message, an mbox, a Maildir or a
 * directory of messages (spam_each_message()).  An untrained database
 * (or none) leaves the verdict to the rules; checking never creates one.
 *
 * On failure s.why holds one line that says what went wrong, with the
 * system's or the database's reason.
 */
#ifndef MAILKIT_SPAM_SCORER_H
#define MAILKIT_SPAM_SCORER_H

#include <stddef.h>

#include "buf.h"
#include "io.h"
#include "spam.h"
#include "spam_db.h"
#include "spam_io.h"

enum spam_scorer_result {
	SCORER_OK,
	SCORER_SPAM,		/* check: a message is spam */
	SCORER_REFUSED,		/* filter: at or above the reject score */
	SCORER_NO_INPUT,	/* a path cannot be read */
	SCORER_AGAIN,		/* database, memory, reading, writing */
	SCORER_BAD_CONFIG	/* etc/spamscore, or the root path */
};

struct spam_scorer {
	struct io *io;
	int verbose;
	void (*out)(void *arg, const char *line);
	void *arg;
	unsigned long changed, unchanged;	/* after training */
	char why[1024];
	/* inside */
	struct spam_conf conf;
	struct spam_tokens tokens;
	struct spam_count *counts;
	size_t ncounts;
	struct spam_db db;
	int have_db, found, untrain;
	enum spam_learn cls;
	unsigned long pending;
	const char *dbdir;
	char dbpath[4096];
};

enum spam_scorer_result spam_scorer_init(struct spam_scorer *s,
    const char *root, const char *dbdir);
enum spam_scorer_result spam_scorer_filter(struct spam_scorer *s);
enum spam_scorer_result spam_scorer_check(struct spam_scorer *s,
    char **paths, int npaths);
enum spam_scorer_result spam_scorer_train(struct spam_scorer *s,
    char **paths, int npaths, enum spam_learn cls, int untrain);
void spam_scorer_free(struct spam_scorer *s);

/* Shared by the lib/spam_*.c files of the scorer.  spam_scorer_fail:
 * s->why from fmt (and strerror(errnum) unless 0), returns r.
 * spam_scorer_db_fail: the same for the database's last error, after
 * "token database DIR: " and what.  spam_scorer_open: the database,
 * opened anew (a missing one is no error for a reader).
 * spam_scorer_score: the verdict on msg.  spam_scorer_read: at most max
 * bytes of s->io into b, SCORER_OK and *more when input is left.
 * spam_scorer_each: fn for the message on s->io (where NULL, the rest
 * drained) or for each message at the paths; a non-zero return of fn
 * stops and gives SCORER_AGAIN. */
enum spam_scorer_result spam_scorer_fail(struct spam_scorer *s,
    enum spam_scorer_result r, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
enum spam_scorer_result spam_scorer_db_fail(struct spam_scorer *s,
    const char *what);
enum spam_scorer_result spam_scorer_open(struct spam_scorer *s,
    int writable);
enum spam_scorer_result spam_scorer_score(struct spam_scorer *s,
    const char *msg, size_t n, struct spam_verdict *v);
enum spam_scorer_result spam_scorer_read(struct spam_scorer *s,
    struct buf *b, size_t max, int *more);
enum spam_scorer_result spam_scorer_each(struct spam_scorer *s,
    char **paths, int npaths, spam_msg_fn fn);

#endif
