/*
 * mail-spamscore: score a message as spam or ham, mark it, check it, or
 * train the token database.  See mail-spamscore(1).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"
#include "io.h"
#include "prog.h"
#include "spam.h"
#include "spam_db.h"
#include "spam_io.h"
#include "str.h"

static const char usage[] =
    "mail-spamscore [-r ROOT] [-d DB] [-v] [-c | -t spam|ham | -u spam|ham]"
    " [FILE|DIR...]";

enum mode { FILTER, CHECK, TRAIN, UNTRAIN };

struct ctx {
	struct spam_conf conf;
	struct spam_tokens tokens;
	struct spam_count *counts;
	size_t ncounts;
	struct spam_db db;
	int have_db, verbose, any_spam;
	const char *dbdir;
	enum spam_learn cls;
	int untrain;
	unsigned long changed, unchanged, pending;
};

static struct io io;

static void
open_db(struct ctx *c, int writable)
{
	if (spam_db_open(&c->db, c->dbdir, writable) == 0) {
		c->have_db = 1;
		return;
	}
	if (!writable && errno == ENOENT)
		return;		/* never trained: rules only */
	die(EX_TEMPFAIL, "cannot open token database %s: %s", c->dbdir,
	    spam_db_strerror(&c->db));
}

/* Score the message held in msg[0..n). */
static void
score(struct ctx *c, const char *msg, size_t n, struct spam_verdict *v)
{
	uint32_t ns = 0, nh = 0;
	unsigned rules;
	double bayes = -1;

	spam_tokens_reset(&c->tokens);
	if (spam_analyze(msg, n, &c->conf, &c->tokens, &rules) < 0)
		die_sys(EX_TEMPFAIL, "out of memory");
	if (c->have_db) {
		if (c->ncounts < c->tokens.count) {
			free(c->counts);
			c->ncounts = c->tokens.count + 1024;
			c->counts = calloc(c->ncounts, sizeof *c->counts);
			if (c->counts == NULL)
				die_sys(EX_TEMPFAIL, "out of memory");
		}
		if (spam_db_lookup(&c->db, &c->tokens, c->counts, &ns, &nh) < 0)
			die(EX_TEMPFAIL, "token database %s: %s", c->dbdir,
			    spam_db_strerror(&c->db));
		if (ns > 0 && nh > 0)
			bayes = spam_combine(&c->conf, c->counts,
			    c->tokens.count, ns, nh);
	}
	spam_verdict(&c->conf, bayes, rules, v);
}

static const char *
class_name(enum spam_class k)
{
	return k == SPAM_SPAM ? "spam" : k == SPAM_UNSURE ? "unsure" : "ham";
}

/* -vv: the tokens that decided, strongest first, for whoever wonders why. */
static void
print_clues(struct ctx *c)
{
	uint32_t ns, nh;
	const char *s;
	size_t i, n, k;
	double f;

	if (!c->have_db || spam_db_counts(&c->db, &ns, &nh) < 0)
		return;
	for (k = 0; k < 40; k++) {
		size_t best = SIZE_MAX;
		double bd = -1;
		for (i = 0; i < c->tokens.count; i++) {
			f = spam_token_prob(&c->conf, c->counts[i], ns, nh);
			if (fabs(f - 0.5) > bd && c->counts[i].spam != UINT32_MAX) {
				bd = fabs(f - 0.5);
				best = i;
			}
		}
		if (best == SIZE_MAX || bd < c->conf.min_dev)
			break;
		s = spam_tokens_get(&c->tokens, best, &n);
		printf("  %.4f %u %u %.*s\n", spam_token_prob(&c->conf,
		    c->counts[best], ns, nh), c->counts[best].spam,
		    c->counts[best].ham, (int)n, s);
		c->counts[best].spam = UINT32_MAX;
	}
}

static int
print_check(void *arg, const char *msg, size_t n, const char *where)
{
	struct ctx *c = arg;
	struct spam_verdict v;
	struct buf t = BUF_INIT;

	score(c, msg, n, &v);
	printf("%.1f/%.1f %s", v.score, c->conf.required, class_name(v.cls));
	if (c->verbose) {
		if (spam_tests(&v, &t) < 0)
			die_sys(EX_TEMPFAIL, "out of memory");
		printf(" bayes=%.6f tests=%s", v.bayes, t.s);
		buf_free(&t);
	}
	if (where)
		printf(" %s", where);
	putchar('\n');
	if (c->verbose > 1)
		print_clues(c);
	c->any_spam |= v.cls == SPAM_SPAM;
	return 0;
}

static void
commit(struct ctx *c)
{
	if (spam_db_commit(&c->db) < 0)
		die(EX_TEMPFAIL, "token database %s: commit: %s", c->dbdir,
		    spam_db_strerror(&c->db));
	c->pending = 0;
}

static int
learn_one(void *arg, const char *msg, size_t n, const char *where)
{
	struct ctx *c = arg;
	unsigned char dig[20];
	unsigned rules;
	int r;

	(void)where;
	spam_tokens_reset(&c->tokens);
	if (spam_analyze(msg, n, &c->conf, &c->tokens, &rules) < 0)
		die_sys(EX_TEMPFAIL, "out of memory");
	spam_db_digest(msg, n, dig);
	r = spam_db_learn(&c->db, &c->tokens, dig, c->cls, c->untrain);
	if (r < 0)
		die(EX_TEMPFAIL, "token database %s: %s", c->dbdir,
		    spam_db_strerror(&c->db));
	if (r == 0) {
		c->unchanged++;
		return 0;
	}
	c->changed++;
	if (++c->pending >= c->conf.commit_every) {
		commit(c);
		if (spam_db_begin(&c->db) < 0)
			die(EX_TEMPFAIL, "token database %s: %s", c->dbdir,
			    spam_db_strerror(&c->db));
	}
	return 0;
}

/* Read at most max bytes of stdin into b; 1 when more input follows. */
static int
read_prefix(struct buf *b, size_t max)
{
	ssize_t r;

	while (b->len < max) {
		if (buf_reserve(b, 65536) < 0)
			die_sys(EX_TEMPFAIL, "out of memory");
		r = io_read(&io, b->s + b->len,
		    max - b->len < 65536 ? max - b->len : 65536);
		if (r < 0)
			die_sys(EX_TEMPFAIL, "reading the message");
		if (r == 0)
			return 0;
		b->len += (size_t)r;
		b->s[b->len] = '\0';
	}
	return 1;
}

static void
drain(void)
{
	char tmp[65536];

	while (io_read(&io, tmp, sizeof tmp) > 0)
		;
}

static int
write_out(void *arg, const char *p, size_t n)
{
	(void)arg;
	return io_write(&io, p, n);
}

static const char *
eol_of(const struct buf *b)
{
	const char *lf = memchr(b->s ? b->s : "", '\n', b->len);

	return lf && lf > b->s && lf[-1] == '\r' ? "\r\n" : "\n";
}

static void
filter(struct ctx *c, struct buf *msg, int more)
{
	struct spam_verdict v;
	struct spam_hfilter h;
	struct buf add = BUF_INIT;
	char tmp[65536];
	ssize_t r;

	score(c, msg->s ? msg->s : "", msg->len, &v);
	if (c->conf.reject > 0 && v.score >= c->conf.reject)
		die(EX_DATAERR, "message refused as spam (score %.1f, "
		    "reject at %.1f)", v.score, c->conf.reject);
	if (spam_status(&c->conf, &v, eol_of(msg), &add) < 0)
		die_sys(EX_TEMPFAIL, "out of memory");
	spam_hfilter_init(&h, add.s, add.len, write_out, NULL);
	if (spam_hfilter_feed(&h, msg->s ? msg->s : "", msg->len) < 0)
		die_sys(EX_TEMPFAIL, "writing the message");
	while (more && (r = io_read(&io, tmp, sizeof tmp)) != 0) {
		if (r < 0)
			die_sys(EX_TEMPFAIL, "reading the message");
		if (spam_hfilter_feed(&h, tmp, (size_t)r) < 0)
			die_sys(EX_TEMPFAIL, "writing the message");
	}
	if (spam_hfilter_end(&h) < 0 || io_flush(&io) < 0)
		die_sys(EX_TEMPFAIL, "writing the message");
	buf_free(&add);
}

static void
learn(struct ctx *c, char **paths, int npaths)
{
	struct buf msg = BUF_INIT;
	int i;

	open_db(c, 1);
	if (spam_db_begin(&c->db) < 0)
		die(EX_TEMPFAIL, "token database %s: %s", c->dbdir,
		    spam_db_strerror(&c->db));
	if (npaths == 0) {
		if (read_prefix(&msg, spam_conf_scan_bytes(&c->conf)))
			drain();
		learn_one(c, msg.s ? msg.s : "", msg.len, "-");
	}
	for (i = 0; i < npaths; i++)
		if (spam_each_message(paths[i], spam_conf_scan_bytes(&c->conf),
		    learn_one, c) != 0)
			die_sys(EX_NOINPUT, "%s", paths[i]);
	commit(c);
	if (c->verbose)
		fprintf(stderr, "%s: %s=%lu unchanged=%lu\n", prog_name(),
		    c->untrain ? "untrained" : "trained", c->changed,
		    c->unchanged);
	buf_free(&msg);
}

static void
check(struct ctx *c, char **paths, int npaths)
{
	struct buf msg = BUF_INIT;
	int i;

	open_db(c, 0);
	if (npaths == 0) {
		if (read_prefix(&msg, spam_conf_scan_bytes(&c->conf)))
			drain();
		print_check(c, msg.s ? msg.s : "", msg.len, NULL);
	}
	for (i = 0; i < npaths; i++)
		if (spam_each_message(paths[i], spam_conf_scan_bytes(&c->conf),
		    print_check, c) != 0)
			die_sys(EX_NOINPUT, "%s", paths[i]);
	if (fflush(stdout) != 0)
		die_sys(EX_IOERR, "writing");
	buf_free(&msg);
}

static enum spam_learn
parse_class(const char *s)
{
	if (strcmp(s, "spam") == 0)
		return LEARN_SPAM;
	if (strcmp(s, "ham") == 0)
		return LEARN_HAM;
	die_usage(usage);
}

int
main(int argc, char **argv)
{
	static struct ctx c;
	const char *root = NULL, *dbopt = NULL;
	char dbpath[4096], err[256];
	enum mode mode = FILTER;
	struct buf msg = BUF_INIT;
	int ch, more;

	prog_init(argv[0]);
	while ((ch = getopt(argc, argv, "r:d:ct:u:vhV")) != -1) {
		switch (ch) {
		case 'r': root = optarg; break;
		case 'd': dbopt = optarg; break;
		case 'c': mode = CHECK; break;
		case 't': mode = TRAIN; c.cls = parse_class(optarg); break;
		case 'u': mode = UNTRAIN; c.cls = parse_class(optarg); break;
		case 'v': c.verbose++; break;
		case 'V': print_version();
		default: die_usage(usage);
		}
	}
	argc -= optind, argv += optind;
	root = conf_root(root);
	spam_conf_default(&c.conf);
	if (spam_conf_load(&c.conf, root, err, sizeof err) < 0)
		die(EX_CONFIG, "%s", err);
	if (dbopt == NULL && conf_path(dbpath, sizeof dbpath, root, "spam") < 0)
		die(EX_CONFIG, "root path too long");
	c.dbdir = dbopt ? dbopt : dbpath;
	spam_tokens_init(&c.tokens, c.conf.max_tokens);
	io_init(&io, 0, 1, 0);
	c.untrain = mode == UNTRAIN;
	if (mode == TRAIN || mode == UNTRAIN)
		learn(&c, argv, argc);
	else if (mode == CHECK)
		check(&c, argv, argc);
	else {
		if (argc > 0)
			die_usage(usage);
		open_db(&c, 0);
		more = read_prefix(&msg, spam_conf_scan_bytes(&c.conf));
		filter(&c, &msg, more);
	}
	if (c.have_db)
		spam_db_close(&c.db);
	spam_tokens_free(&c.tokens);
	free(c.counts);
	buf_free(&msg);
	return mode == CHECK && c.any_spam ? 1 : 0;
}
