/* spam_check: a line with the verdict for each message, and with -vv
 * the tokens that decided it. */
#include <errno.h>
#include <math.h>
#include <stdint.h>

#include "spam_scorer.h"

static const char *
class_name(enum spam_class k)
{
	return k == SPAM_SPAM ? "spam" : k == SPAM_UNSURE ? "unsure" : "ham";
}

/* The token that decided most and is not yet shown, or SIZE_MAX. */
static size_t
strongest(const struct spam_scorer *s, uint32_t ns, uint32_t nh)
{
	size_t i, best = SIZE_MAX;
	double f, bd = -1;

	for (i = 0; i < s->tokens.count; i++) {
		f = spam_token_prob(&s->conf, s->counts[i], ns, nh);
		if (fabs(f - 0.5) > bd && s->counts[i].spam != UINT32_MAX) {
			bd = fabs(f - 0.5);
			best = i;
		}
	}
	return best == SIZE_MAX || bd < s->conf.min_dev ? SIZE_MAX : best;
}

/* -vv: the tokens that decided, strongest first, for whoever wonders
 * why; each is marked shown in the counts. */
static int
add_clues(struct spam_scorer *s, struct buf *out)
{
	uint32_t ns, nh;
	const char *t;
	size_t k, best, n;

	if (!s->have_db || spam_db_counts(&s->db, &ns, &nh) < 0)
		return 0;
	for (k = 0; k < 40; k++) {
		if ((best = strongest(s, ns, nh)) == SIZE_MAX)
			break;
		t = spam_tokens_get(&s->tokens, best, &n);
		if (buf_addf(out, "  %.4f %u %u %.*s\n", spam_token_prob(
		    &s->conf, s->counts[best], ns, nh), s->counts[best].spam,
		    s->counts[best].ham, (int)n, t) < 0)
			return -1;
		s->counts[best].spam = UINT32_MAX;
	}
	return 0;
}

static int
add_line(struct spam_scorer *s, const struct spam_verdict *v,
    const char *where, struct buf *out)
{
	struct buf t = BUF_INIT;
	int r;

	r = buf_addf(out, "%.1f/%.1f %s", v->score, s->conf.required,
	    class_name(v->cls));
	if (r == 0 && s->verbose)
		r = spam_tests(v, &t) < 0 ? -1 : buf_addf(out,
		    " bayes=%.6f tests=%s", v->bayes, t.s);
	buf_free(&t);
	if (r == 0 && where)
		r = buf_addf(out, " %s", where);
	if (r == 0)
		r = buf_addc(out, '\n');
	if (r == 0 && s->verbose > 1)
		r = add_clues(s, out);
	return r;
}

static int
check_one(void *arg, const char *msg, size_t n, const char *where)
{
	struct spam_scorer *s = arg;
	struct buf line = BUF_INIT;
	struct spam_verdict v;

	if (spam_scorer_score(s, msg, n, &v) != SCORER_OK)
		return 1;
	if (add_line(s, &v, where, &line) < 0) {
		(void)spam_scorer_fail(s, SCORER_AGAIN, errno,
		    "out of memory");
		buf_free(&line);
		return 1;
	}
	s->out(s->arg, line.s);
	buf_free(&line);
	s->found |= v.cls == SPAM_SPAM;
	return 0;
}

enum spam_scorer_result
spam_scorer_check(struct spam_scorer *s, char **paths, int npaths)
{
	enum spam_scorer_result r;

	s->found = 0;
	if ((r = spam_scorer_open(s, 0)) != SCORER_OK ||
	    (r = spam_scorer_each(s, paths, npaths, check_one)) != SCORER_OK)
		return r;
	return s->found ? SCORER_SPAM : SCORER_OK;
}
