/*
 * spam: the statistical spam scorer's core (no I/O of its own).
 *
 * A message (bytes in memory, at most the scan limits) is turned into a
 * set of unique tokens and a mask of named rules by spam_analyze(); the
 * token counts from the database (spam_db.h) are combined into a Bayesian
 * probability by spam_combine() (Robinson's f(w), Fisher's chi-square, as
 * in SpamBayes and bogofilter); spam_verdict() adds the rule weights and
 * compares with the thresholds; spam_status() formats the X-Spam-* fields.
 *
 *	struct spam_conf c;  spam_conf_default(&c);
 *	spam_conf_load(&c, root, err, sizeof err);	 ROOT/etc/spamscore
 *	struct spam_tokens t;  spam_tokens_init(&t, c.max_tokens);
 *	spam_analyze(msg, n, &c, &t, &rules);
 *	... spam_db_lookup() ... spam_combine() ... spam_verdict() ...
 *	spam_tokens_free(&t);
 */
#ifndef MAILKIT_SPAM_H
#define MAILKIT_SPAM_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"

/* Named rules: bit numbers, names in spam_rule_name(). */
enum spam_rule {
	RULE_MISSING_DATE,
	RULE_MISSING_MID,
	RULE_MISSING_FROM,
	RULE_MISSING_SUBJECT,
	RULE_SUBJ_ALL_CAPS,
	RULE_HTML_ONLY,
	RULE_HTML_HIDDEN_TEXT,
	RULE_HTML_LINK_MISMATCH,
	RULE_RCVD_FORGED,
	RULE_URL_IP_HOST,
	RULE_MIME_B64_TEXT,
	RULE_SCAN_TRUNCATED,
	RULE_COUNT
};

const char *spam_rule_name(int rule);
/* Rule number for a name, or -1. */
int spam_rule_find(const char *name, size_t n);

struct spam_conf {
	double required;	/* score at or above: spam */
	double unsure;		/* score at or above (and below required): unsure */
	double reject;		/* filter exits 65 at or above; 0: never */
	double bayes_scale;	/* score points of a Bayes probability of 1 */
	double robs, robx;	/* Robinson's s and x */
	double min_dev;		/* ignore tokens with |f - 0.5| below this */
	double evidence;	/* known tokens for a full verdict: with
				 * fewer, the probability is drawn to 0.5
				 * by known / evidence */
	size_t min_count;	/* tokens seen fewer times are unknown */
	size_t max_disc;	/* most extreme tokens used */
	size_t max_header;	/* header bytes scanned */
	size_t max_body;	/* raw body bytes scanned */
	size_t max_decoded;	/* decoded text bytes scanned */
	size_t max_parts, max_depth, max_tokens;
	size_t commit_every;	/* training: messages per transaction */
	double weight[RULE_COUNT];
};

void spam_conf_default(struct spam_conf *c);
/* Read ROOT/etc/spamscore (key=value lines; absent file: defaults kept).
 * 0, or -1 with a message in err. */
int spam_conf_load(struct spam_conf *c, const char *root, char *err,
    size_t esize);
/* Bytes of a message kept in memory for scanning. */
size_t spam_conf_scan_bytes(const struct spam_conf *c);

/* A set of unique tokens (at most 64 bytes each, at most max of them). */
#define SPAM_TOKEN_MAX	64
struct spam_tokens {
	struct buf arena;	/* [len byte][bytes] per token */
	uint32_t *slots;	/* hash table of arena offsets + 1 */
	uint32_t *list;		/* arena offsets in insertion order */
	size_t nslots, count, max;
	int full;
};

void spam_tokens_init(struct spam_tokens *t, size_t max);
void spam_tokens_reset(struct spam_tokens *t);
void spam_tokens_free(struct spam_tokens *t);
/* Add prefix+s (either may be empty); longer than SPAM_TOKEN_MAX is cut.
 * 0, or -1 on ENOMEM.  A full set ignores new tokens (t->full set). */
int spam_tokens_add(struct spam_tokens *t, const char *prefix,
    const char *s, size_t n);
/* The i-th token. */
const char *spam_tokens_get(const struct spam_tokens *t, size_t i,
    size_t *len);

/* What a scan of text (plain or HTML) found. */
struct spam_tells {
	unsigned rules;		/* bits (1u << RULE_...) */
};

/* Tokenize plain text words (URLs and addresses split) into t. */
int spam_text_tokens(struct spam_tokens *t, const char *prefix,
    const char *s, size_t n, unsigned *rules);
/* Tokens of one URL (host suffixes, path parts). */
int spam_url_tokens(struct spam_tokens *t, const char *url, size_t n,
    unsigned *rules);
/* Reduce HTML to text in out (tags dropped, entities decoded), add the
 * HTML tells and link tokens to t and rules. */
int spam_html_text(struct spam_tokens *t, const char *s, size_t n,
    struct buf *out, unsigned *rules);

/* Tokenize a whole message (header and MIME body within the limits). */
int spam_analyze(const char *msg, size_t n, const struct spam_conf *c,
    struct spam_tokens *t, unsigned *rules);

/* Token probabilities combined.  counts[i] are {spam, ham} of token i. */
struct spam_count {
	uint32_t spam, ham;
};
double spam_token_prob(const struct spam_conf *c, struct spam_count k,
    uint32_t nspam, uint32_t nham);
/* Fisher/Robinson chi-square combining; 0.5 when no token qualifies. */
double spam_combine(const struct spam_conf *c, const struct spam_count *k,
    size_t n, uint32_t nspam, uint32_t nham);
double spam_chi2q(double x2, unsigned v);

enum spam_class { SPAM_HAM, SPAM_UNSURE, SPAM_SPAM };

struct spam_verdict {
	double bayes;		/* probability, or -1 when untrained */
	unsigned rules;
	double score;
	enum spam_class cls;
};

void spam_verdict(const struct spam_conf *c, double bayes, unsigned rules,
    struct spam_verdict *v);
/* The three X-Spam-* fields (Flag only for spam), each line ended by eol,
 * appended to out. */
int spam_status(const struct spam_conf *c, const struct spam_verdict *v,
    const char *eol, struct buf *out);
/* "BAYES_99,MISSING_DATE" for the verdict, appended to out. */
int spam_tests(const struct spam_verdict *v, struct buf *out);

#endif
