/* spam_conf: thresholds, weights and scan limits; see include/spam.h. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "spam.h"
#include "str.h"

static const char *const rule_names[RULE_COUNT] = {
	"MISSING_DATE", "MISSING_MID", "MISSING_FROM", "MISSING_SUBJECT",
	"SUBJ_ALL_CAPS", "HTML_ONLY", "HTML_HIDDEN_TEXT", "HTML_LINK_MISMATCH",
	"RCVD_FORGED", "URL_IP_HOST", "MIME_B64_TEXT", "SCAN_TRUNCATED",
};

static const double rule_weights[RULE_COUNT] = {
	0.5, 0.5, 0.5, 0.3, 0.5, 0.1, 0.5, 0.8, 0.5, 0.5, 0.0, 0.0,
};

const char *
spam_rule_name(int rule)
{
	return rule >= 0 && rule < RULE_COUNT ? rule_names[rule] : "?";
}

int
spam_rule_find(const char *name, size_t n)
{
	int i;

	for (i = 0; i < RULE_COUNT; i++)
		if (str_case_eq(name, n, rule_names[i], strlen(rule_names[i])))
			return i;
	return -1;
}

void
spam_conf_default(struct spam_conf *c)
{
	memset(c, 0, sizeof *c);
	c->required = 6.4;
	c->unsure = 2.9;
	c->reject = 0;
	c->bayes_scale = 10.0;
	c->robs = 0.1;
	c->robx = 0.5;
	c->min_dev = 0.2;
	c->evidence = 80;
	c->min_count = 1;
	c->max_disc = 150;
	c->max_header = 256 * 1024;
	c->max_body = 1024 * 1024;
	c->max_decoded = 1024 * 1024;
	c->max_parts = 256;
	c->max_depth = 16;
	c->max_tokens = 20000;
	c->commit_every = 1000;
	memcpy(c->weight, rule_weights, sizeof c->weight);
}

size_t
spam_conf_scan_bytes(const struct spam_conf *c)
{
	return c->max_header + c->max_body;
}

struct load {
	struct spam_conf *c;
	char *err;
	size_t esize;
};

static int
num(const char *v, double lo, double hi, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (errno || end == v || *end || !isfinite(d) || d < lo || d > hi)
		return -1;
	*out = d;
	return 0;
}

static int
size_key(const char *k, const char *v, struct spam_conf *c)
{
	static const struct { const char *k; size_t off; double max; } t[] = {
	{ "max_header_bytes", offsetof(struct spam_conf, max_header), 1e9 },
	{ "max_body_bytes", offsetof(struct spam_conf, max_body), 1e9 },
	{ "max_decoded_bytes", offsetof(struct spam_conf, max_decoded), 1e9 },
	{ "max_parts", offsetof(struct spam_conf, max_parts), 1e6 },
	{ "max_depth", offsetof(struct spam_conf, max_depth), 100 },
	{ "max_tokens", offsetof(struct spam_conf, max_tokens), 1e6 },
	{ "max_discriminators", offsetof(struct spam_conf, max_disc), 1e5 },
	{ "min_count", offsetof(struct spam_conf, min_count), 1e6 },
	{ "commit_every", offsetof(struct spam_conf, commit_every), 1e7 },
	};
	size_t i;
	double d;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(k, t[i].k) == 0) {
			if (num(v, 1, t[i].max, &d) < 0 || d != floor(d))
				return -1;
			*(size_t *)(void *)((char *)c + t[i].off) = (size_t)d;
			return 1;
		}
	return 0;
}

static int
real_key(const char *k, const char *v, struct spam_conf *c)
{
	static const struct { const char *k; size_t off; double lo, hi; } t[] = {
	{ "required", offsetof(struct spam_conf, required), -1000, 1000 },
	{ "unsure", offsetof(struct spam_conf, unsure), -1000, 1000 },
	{ "reject", offsetof(struct spam_conf, reject), 0, 1000 },
	{ "bayes_scale", offsetof(struct spam_conf, bayes_scale), 0, 1000 },
	{ "robs", offsetof(struct spam_conf, robs), 0.0001, 100 },
	{ "robx", offsetof(struct spam_conf, robx), 0.01, 0.99 },
	{ "min_dev", offsetof(struct spam_conf, min_dev), 0, 0.49 },
	{ "evidence", offsetof(struct spam_conf, evidence), 0, 1000 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(k, t[i].k) == 0)
			return num(v, t[i].lo, t[i].hi,
			    (double *)(void *)((char *)c + t[i].off)) < 0 ?
			    -1 : 1;
	if (strncmp(k, "rule.", 5) == 0) {
		int r = spam_rule_find(k + 5, strlen(k + 5));
		if (r < 0)
			return -1;
		return num(v, -100, 100, &c->weight[r]) < 0 ? -1 : 1;
	}
	return 0;
}

static int
one_line(void *arg, char *item, size_t len)
{
	struct load *l = arg;
	char *eq = memchr(item, '=', len), *k = item, *v;
	int r;

	if (eq == NULL) {
		str_fmt(l->err, l->esize, "etc/spamscore: no '=' in \"%s\"",
		    item);
		return -1;
	}
	*eq = '\0';
	v = eq + 1;
	str_rtrim(k, strlen(k));
	while (*v == ' ' || *v == '\t')
		v++;
	r = size_key(k, v, l->c);
	if (r == 0)
		r = real_key(k, v, l->c);
	if (r == 1)
		return 0;
	str_fmt(l->err, l->esize, "etc/spamscore: %s \"%s\"",
	    r == 0 ? "unknown key" : "bad value for", k);
	return -1;
}

int
spam_conf_load(struct spam_conf *c, const char *root, char *err,
    size_t esize)
{
	struct load l = { c, err, esize };
	int r;

	err[0] = '\0';
	r = conf_each(root, "etc/spamscore", one_line, &l);
	if (r != 0 && err[0] == '\0')
		str_fmt(err, esize, "etc/spamscore: %s", strerror(errno));
	return r == 0 ? 0 : -1;
}
