/* spam_verdict: score, class and the X-Spam-* fields; see spam.h. */
#include <string.h>

#include "spam.h"

void
spam_verdict(const struct spam_conf *c, double bayes, unsigned rules,
    struct spam_verdict *v)
{
	int i;

	v->bayes = bayes;
	v->rules = rules;
	v->score = bayes >= 0 ? bayes * c->bayes_scale : 0;
	for (i = 0; i < RULE_COUNT; i++)
		if (rules & 1u << i)
			v->score += c->weight[i];
	v->cls = v->score >= c->required ? SPAM_SPAM :
	    v->score >= c->unsure ? SPAM_UNSURE : SPAM_HAM;
}

static const char *
bayes_name(double p)
{
	static const struct { double lo; const char *name; } t[] = {
		{ 0.99, "BAYES_99" }, { 0.95, "BAYES_95" }, { 0.80, "BAYES_80" },
		{ 0.60, "BAYES_60" }, { 0.40, "BAYES_50" }, { 0.20, "BAYES_40" },
		{ 0.05, "BAYES_20" }, { 0.01, "BAYES_05" }, { 0, "BAYES_00" },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (p >= t[i].lo)
			return t[i].name;
	return "BAYES_00";
}

int
spam_tests(const struct spam_verdict *v, struct buf *out)
{
	const char *sep = "";
	int i;

	if (v->bayes >= 0) {
		if (buf_adds(out, bayes_name(v->bayes)) < 0)
			return -1;
		sep = ",";
	}
	for (i = 0; i < RULE_COUNT; i++)
		if (v->rules & 1u << i) {
			if (buf_addf(out, "%s%s", sep, spam_rule_name(i)) < 0)
				return -1;
			sep = ",";
		}
	if (*sep == '\0')
		return buf_adds(out, "NONE");
	return 0;
}

/* Append "tests=..." folded before 78 columns. */
static int
add_tests(const struct spam_verdict *v, const char *eol, size_t col,
    struct buf *out)
{
	struct buf t = BUF_INIT;
	const char *p, *comma;
	size_t n;
	int r = spam_tests(v, &t);

	if (r == 0)
		r = buf_adds(out, "tests=");
	col += 6;
	for (p = t.s; r == 0 && p && *p; p += n) {
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) + 1 : strlen(p);
		if (col + n > 76 && col > 8) {
			r = buf_addf(out, "%s\t", eol);
			col = 8;
		}
		if (r == 0)
			r = buf_add(out, p, n);
		col += n;
	}
	buf_free(&t);
	return r;
}

int
spam_status(const struct spam_conf *c, const struct spam_verdict *v,
    const char *eol, struct buf *out)
{
	size_t start;
	int spam = v->cls == SPAM_SPAM;

	if (spam && buf_addf(out, "X-Spam-Flag: YES%s", eol) < 0)
		return -1;
	if (buf_addf(out, "X-Spam-Score: %.1f%s", v->score, eol) < 0)
		return -1;
	start = out->len;
	if (buf_addf(out, "X-Spam-Status: %s, score=%.1f required=%.1f ",
	    spam ? "Yes" : "No", v->score, c->required) < 0)
		return -1;
	if (add_tests(v, eol, out->len - start, out) < 0)
		return -1;
	return buf_addf(out, "%s", eol);
}
