/* spam_chi: Robinson/Fisher chi-square combining; see include/spam.h. */
#include <math.h>
#include <stdlib.h>

#include "spam.h"

double
spam_token_prob(const struct spam_conf *c, struct spam_count k,
    uint32_t nspam, uint32_t nham)
{
	double sr, hr, p, n = (double)k.spam + k.ham;

	if (nspam == 0 || nham == 0 || n == 0)
		return c->robx;
	sr = (double)k.spam / nspam;
	hr = (double)k.ham / nham;
	p = sr / (sr + hr);
	return (c->robs * c->robx + n * p) / (c->robs + n);
}

double
spam_chi2q(double x2, unsigned v)
{
	double m = x2 / 2.0, sum, term;
	unsigned i;

	sum = term = exp(-m);
	for (i = 1; i < v / 2; i++) {
		term *= m / i;
		sum += term;
	}
	return sum < 1.0 ? sum : 1.0;
}

static int
by_strength(const void *a, const void *b)
{
	double x = fabs(*(const double *)a - 0.5);
	double y = fabs(*(const double *)b - 0.5);

	return x < y ? 1 : x > y ? -1 : 0;
}

double
spam_combine(const struct spam_conf *c, const struct spam_count *k,
    size_t n, uint32_t nspam, uint32_t nham)
{
	double *f, lh = 0, ls = 0, p, h, s, r;
	size_t i, used = 0, known = 0;

	if (n == 0 || nspam == 0 || nham == 0)
		return 0.5;
	f = malloc(n * sizeof *f);
	if (f == NULL)
		return 0.5;
	for (i = 0; i < n; i++) {
		if ((size_t)k[i].spam + k[i].ham < c->min_count)
			continue;	/* too rare to tell anything */
		known++;
		p = spam_token_prob(c, k[i], nspam, nham);
		if (fabs(p - 0.5) >= c->min_dev)
			f[used++] = p;
	}
	qsort(f, used, sizeof *f, by_strength);
	if (used > c->max_disc)
		used = c->max_disc;
	for (i = 0; i < used; i++) {
		p = f[i] < 1e-6 ? 1e-6 : f[i] > 1 - 1e-6 ? 1 - 1e-6 : f[i];
		lh += log(p);
		ls += log(1.0 - p);
	}
	free(f);
	if (used == 0)
		return 0.5;
	s = 1.0 - spam_chi2q(-2.0 * ls, (unsigned)(2 * used));
	h = 1.0 - spam_chi2q(-2.0 * lh, (unsigned)(2 * used));
	r = (s - h + 1.0) / 2.0;
	/* A short message holds little evidence, whatever its few tokens
	 * say: mail unlike the training corpus must not be judged on it. */
	if ((double)known < c->evidence)
		r = 0.5 + (r - 0.5) * (double)known / c->evidence;
	return r;
}
