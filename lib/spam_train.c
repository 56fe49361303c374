/* spam_train: messages learnt into (or unlearnt from) the token
 * database, in transactions of commit_every messages. */
#include <errno.h>

#include "spam_scorer.h"

static enum spam_scorer_result
commit(struct spam_scorer *s)
{
	if (spam_db_commit(&s->db) < 0)
		return spam_scorer_db_fail(s, "commit: ");
	s->pending = 0;
	return SCORER_OK;
}

/* 0, or 1 with s->why set. */
static int
learn_one(void *arg, const char *msg, size_t n, const char *where)
{
	struct spam_scorer *s = arg;
	unsigned char dig[20];
	unsigned rules;
	int r;

	(void)where;
	spam_tokens_reset(&s->tokens);
	if (spam_analyze(msg, n, &s->conf, &s->tokens, &rules) < 0) {
		(void)spam_scorer_fail(s, SCORER_AGAIN, errno,
		    "out of memory");
		return 1;
	}
	spam_db_digest(msg, n, dig);
	r = spam_db_learn(&s->db, &s->tokens, dig, s->cls, s->untrain);
	if (r < 0) {
		(void)spam_scorer_db_fail(s, "");
		return 1;
	}
	if (r == 0) {
		s->unchanged++;
		return 0;
	}
	s->changed++;
	if (++s->pending < s->conf.commit_every)
		return 0;
	if (commit(s) != SCORER_OK)
		return 1;
	if (spam_db_begin(&s->db) == 0)
		return 0;
	(void)spam_scorer_db_fail(s, "");
	return 1;
}

enum spam_scorer_result
spam_scorer_train(struct spam_scorer *s, char **paths, int npaths,
    enum spam_learn cls, int untrain)
{
	enum spam_scorer_result r;

	s->cls = cls;
	s->untrain = untrain;
	s->changed = s->unchanged = s->pending = 0;
	if ((r = spam_scorer_open(s, 1)) != SCORER_OK)
		return r;
	if (spam_db_begin(&s->db) < 0)
		return spam_scorer_db_fail(s, "");
	if ((r = spam_scorer_each(s, paths, npaths, learn_one)) != SCORER_OK)
		return r;
	return commit(s);
}
