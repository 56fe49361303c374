/* spam_scorer: what the scorer's commands share: settings, database,
 * the verdict on one message, reading the input; see
 * include/spam_scorer.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "spam_scorer.h"

#define CHUNK	65536

enum spam_scorer_result
spam_scorer_fail(struct spam_scorer *s, enum spam_scorer_result r,
    int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	(void)vsnprintf(s->why, sizeof s->why, fmt, ap);
	va_end(ap);
	n = strlen(s->why);
	if (errnum != 0)
		(void)snprintf(s->why + n, sizeof s->why - n, ": %s",
		    strerror(errnum));
	return r;
}

enum spam_scorer_result
spam_scorer_db_fail(struct spam_scorer *s, const char *what)
{
	return spam_scorer_fail(s, SCORER_AGAIN, 0, "token database %s: %s%s",
	    s->dbdir, what, spam_db_strerror(&s->db));
}

enum spam_scorer_result
spam_scorer_init(struct spam_scorer *s, const char *root, const char *dbdir)
{
	char err[256];

	spam_conf_default(&s->conf);
	if (spam_conf_load(&s->conf, root, err, sizeof err) < 0)
		return spam_scorer_fail(s, SCORER_BAD_CONFIG, 0, "%s", err);
	s->dbdir = dbdir ? dbdir : s->dbpath;
	if (dbdir == NULL &&
	    conf_path(s->dbpath, sizeof s->dbpath, root, "spam") < 0)
		return spam_scorer_fail(s, SCORER_BAD_CONFIG, 0,
		    "root path too long");
	spam_tokens_init(&s->tokens, s->conf.max_tokens);
	return SCORER_OK;
}

void
spam_scorer_free(struct spam_scorer *s)
{
	if (s->have_db)
		spam_db_close(&s->db);
	s->have_db = 0;
	spam_tokens_free(&s->tokens);
	free(s->counts);
	s->counts = NULL;
}

enum spam_scorer_result
spam_scorer_open(struct spam_scorer *s, int writable)
{
	if (s->have_db)
		spam_db_close(&s->db);
	s->have_db = 0;
	if (spam_db_open(&s->db, s->dbdir, writable) == 0) {
		s->have_db = 1;
		return SCORER_OK;
	}
	if (!writable && errno == ENOENT)
		return SCORER_OK;	/* never trained: rules only */
	return spam_scorer_fail(s, SCORER_AGAIN, 0,
	    "cannot open token database %s: %s", s->dbdir,
	    spam_db_strerror(&s->db));
}

/* The Bayesian probability of the tokens, or -1 untrained. */
static enum spam_scorer_result
bayes(struct spam_scorer *s, double *p)
{
	uint32_t ns = 0, nh = 0;

	*p = -1;
	if (!s->have_db)
		return SCORER_OK;
	if (s->ncounts < s->tokens.count) {
		free(s->counts);
		s->ncounts = s->tokens.count + 1024;
		s->counts = calloc(s->ncounts, sizeof *s->counts);
		if (s->counts == NULL)
			return spam_scorer_fail(s, SCORER_AGAIN, errno,
			    "out of memory");
	}
	if (spam_db_lookup(&s->db, &s->tokens, s->counts, &ns, &nh) < 0)
		return spam_scorer_db_fail(s, "");
	if (ns > 0 && nh > 0)
		*p = spam_combine(&s->conf, s->counts, s->tokens.count, ns,
		    nh);
	return SCORER_OK;
}

enum spam_scorer_result
spam_scorer_score(struct spam_scorer *s, const char *msg, size_t n,
    struct spam_verdict *v)
{
	enum spam_scorer_result r;
	unsigned rules;
	double p;

	spam_tokens_reset(&s->tokens);
	if (spam_analyze(msg, n, &s->conf, &s->tokens, &rules) < 0)
		return spam_scorer_fail(s, SCORER_AGAIN, errno,
		    "out of memory");
	if ((r = bayes(s, &p)) != SCORER_OK)
		return r;
	spam_verdict(&s->conf, p, rules, v);
	return SCORER_OK;
}

enum spam_scorer_result
spam_scorer_read(struct spam_scorer *s, struct buf *b, size_t max,
    int *more)
{
	ssize_t r;

	*more = 1;
	while (b->len < max) {
		if (buf_reserve(b, CHUNK) < 0)
			return spam_scorer_fail(s, SCORER_AGAIN, errno,
			    "out of memory");
		r = io_read(s->io, b->s + b->len,
		    max - b->len < CHUNK ? max - b->len : CHUNK);
		if (r < 0)
			return spam_scorer_fail(s, SCORER_AGAIN, errno,
			    "reading the message");
		if (r == 0) {
			*more = 0;
			break;
		}
		b->len += (size_t)r;
		b->s[b->len] = '\0';
	}
	return SCORER_OK;
}

/* The message on s->io, what is beyond the scan limit read and
 * dropped. */
static enum spam_scorer_result
each_stdin(struct spam_scorer *s, spam_msg_fn fn)
{
	struct buf msg = BUF_INIT;
	enum spam_scorer_result r;
	char tmp[CHUNK];
	int more;

	r = spam_scorer_read(s, &msg, spam_conf_scan_bytes(&s->conf), &more);
	while (r == SCORER_OK && more && io_read(s->io, tmp, sizeof tmp) > 0)
		;
	if (r == SCORER_OK && fn(s, msg.s ? msg.s : "", msg.len, NULL) != 0)
		r = SCORER_AGAIN;
	buf_free(&msg);
	return r;
}

enum spam_scorer_result
spam_scorer_each(struct spam_scorer *s, char **paths, int npaths,
    spam_msg_fn fn)
{
	int i, r;

	if (npaths == 0)
		return each_stdin(s, fn);
	for (i = 0; i < npaths; i++) {
		r = spam_each_message(paths[i], spam_conf_scan_bytes(&s->conf),
		    fn, s);
		if (r < 0)
			return spam_scorer_fail(s, SCORER_NO_INPUT, errno,
			    "%s", paths[i]);
		if (r > 0)
			return SCORER_AGAIN;
	}
	return SCORER_OK;
}
