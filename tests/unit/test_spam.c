/* Unit tests: spam tokenizer, HTML tells, combining, verdict, filter. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "spam.h"
#include "spam_io.h"
#include "str.h"
#include "tap.h"

static int
has(const struct spam_tokens *t, const char *tok)
{
	size_t i, n;
	const char *s;

	for (i = 0; i < t->count; i++) {
		s = spam_tokens_get(t, i, &n);
		if (n == strlen(tok) && memcmp(s, tok, n) == 0)
			return 1;
	}
	return 0;
}

static void
t_tokset(void)
{
	struct spam_tokens t;
	char w[16];
	int i;

	spam_tokens_init(&t, 3000);
	CHECK(spam_tokens_add(&t, "a:", "x", 1) == 0);
	CHECK(spam_tokens_add(&t, "", "a:x", 3) == 0);	/* same token */
	CHECK(t.count == 1 && has(&t, "a:x"));
	for (i = 0; i < 5000; i++) {
		str_fmt(w, sizeof w, "w%d", i);
		CHECK(spam_tokens_add(&t, "", w, strlen(w)) == 0);
	}
	CHECK(t.count == 3000 && t.full);
	CHECK(has(&t, "w2998") && !has(&t, "w2999"));
	spam_tokens_reset(&t);
	CHECK(t.count == 0 && !t.full && !has(&t, "a:x"));
	spam_tokens_free(&t);
}

static void
t_text(void)
{
	struct spam_tokens t;
	unsigned rules = 0;
	const char *s = "Hello, WORLD! (see) http://Www.Shop.example.com/buy/now?x=1 "
	    "mail bob@mail.example.org ok a antidisestablishment "
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

	spam_tokens_init(&t, 1000);
	CHECK(spam_text_tokens(&t, "", s, strlen(s), &rules) == 0);
	CHECK(has(&t, "hello"));
	CHECK(has(&t, "world!"));
	CHECK(has(&t, "see"));
	CHECK(!has(&t, "ok") && !has(&t, "a"));
	CHECK(has(&t, "proto:http"));
	CHECK(has(&t, "url:com") && has(&t, "url:example.com") &&
	    has(&t, "url:shop.example.com") && has(&t, "url:www.shop.example.com"));
	CHECK(has(&t, "url:buy") && has(&t, "url:now"));
	CHECK(has(&t, "email:bob") && has(&t, "email:example.org"));
	CHECK(has(&t, "skip:a 20"));
	CHECK(has(&t, "skip:x 60"));
	CHECK(rules == 0);
	spam_tokens_reset(&t);
	s = "go to http://192.168.1.2/login now";
	CHECK(spam_text_tokens(&t, "subject:", s, strlen(s), &rules) == 0);
	CHECK(has(&t, "url:ip") && has(&t, "subject:now"));
	CHECK(rules & 1u << RULE_URL_IP_HOST);
	spam_tokens_free(&t);
}

static void
t_html(void)
{
	struct spam_tokens t;
	struct buf out = BUF_INIT;
	unsigned rules = 0;
	const char *h = "<html><style>p{color:red}</style><p>Fr<b></b>ee"
	    " &amp; cheap&#33;<!-- hidden comment --> <a href=\"http://evil.example/x\">"
	    "paypal.com</a><img src='http://img.example.net/a.gif'>"
	    "<script>var x = 1;</script> end";

	spam_tokens_init(&t, 1000);
	CHECK(spam_html_text(&t, h, strlen(h), &out, &rules) == 0);
	CHECK(strstr(out.s, "Free & cheap!") != NULL);
	CHECK(strstr(out.s, "comment") == NULL);
	CHECK(strstr(out.s, "color") == NULL && strstr(out.s, "var") == NULL);
	CHECK(strstr(out.s, "end") != NULL);
	/* Anchor text "paypal.com" is not a URL: no mismatch. */
	CHECK(!(rules & 1u << RULE_HTML_LINK_MISMATCH));
	CHECK(has(&t, "url:evil.example") && has(&t, "url:img.example.net"));
	CHECK(has(&t, "html:img") && has(&t, "html:script"));
	buf_truncate(&out, 0);
	h = "<a href='http://evil.example/'>https://www.paypal.com/</a>"
	    "<div style=\"DISPLAY: none\">secret</div><a href=x>www.x.example</a>";
	CHECK(spam_html_text(&t, h, strlen(h), &out, &rules) == 0);
	CHECK(rules & 1u << RULE_HTML_LINK_MISMATCH);
	CHECK(rules & 1u << RULE_HTML_HIDDEN_TEXT);
	/* Unclosed tags and '<' without '>' do not lose text. */
	buf_truncate(&out, 0);
	h = "a < b <<< c";
	CHECK(spam_html_text(&t, h, strlen(h), &out, &rules) == 0);
	CHECK_STR(out.s, "a < b <<< c");
	buf_free(&out);
	spam_tokens_free(&t);
}

static void
t_analyze(void)
{
	struct spam_conf c;
	struct spam_tokens t;
	unsigned rules;
	const char *m = "From sender Mon Jan  1 00:00:00 2024\n"
	    "Subject: =?utf-8?Q?FREE_MONEY_NOW?=\nFrom: \"Bob\" <bob@x.example>\n"
	    "Received: from 10.0.0.1 (host.example [10.9.9.9]) by mx\n"
	    "Content-Type: text/html; charset=utf-8\n\n<p>Buy now</p>\n";

	spam_conf_default(&c);
	spam_tokens_init(&t, c.max_tokens);
	CHECK(spam_analyze(m, strlen(m), &c, &t, &rules) == 0);
	CHECK(rules & 1u << RULE_SUBJ_ALL_CAPS);
	CHECK(rules & 1u << RULE_MISSING_DATE);
	CHECK(rules & 1u << RULE_MISSING_MID);
	CHECK(!(rules & 1u << RULE_MISSING_FROM));
	CHECK(rules & 1u << RULE_HTML_ONLY);
	CHECK(rules & 1u << RULE_RCVD_FORGED);
	CHECK(has(&t, "subject:free") && has(&t, "subject:money"));
	CHECK(has(&t, "from:bob") && has(&t, "from:email:x.example"));
	CHECK(has(&t, "header:subject") && has(&t, "buy"));
	/* Text types and common charsets date mail: no tokens. */
	CHECK(!has(&t, "type:text/html") && !has(&t, "charset:utf-8"));
	CHECK(has(&t, "received:host.example") && has(&t, "received:ip:10.9.9."));
	CHECK(has(&t, "rule:SUBJ_ALL_CAPS") && !has(&t, "rule:HTML_ONLY"));
	/* A header beyond max_header is cut and says so. */
	c.max_header = 20;
	spam_tokens_reset(&t);
	CHECK(spam_analyze(m, strlen(m), &c, &t, &rules) == 0);
	CHECK(rules & 1u << RULE_SCAN_TRUNCATED);
	spam_tokens_free(&t);
}

static void
t_combine(void)
{
	struct spam_conf c;
	struct spam_count k[3] = { { 50, 0 }, { 40, 1 }, { 0, 0 } };
	struct spam_count h[2] = { { 0, 60 }, { 1, 80 } };
	double p;

	spam_conf_default(&c);
	c.evidence = 0;		/* the plain chi-square combining first */
	CHECK(fabs(spam_chi2q(0, 4) - 1.0) < 1e-9);
	CHECK(fabs(spam_chi2q(2, 2) - exp(-1)) < 1e-9);
	CHECK(spam_chi2q(10000, 300) < 1e-12);
	p = spam_token_prob(&c, k[2], 100, 100);
	CHECK(fabs(p - c.robx) < 1e-9);
	p = spam_token_prob(&c, k[0], 100, 100);
	CHECK(p > 0.99);
	CHECK(spam_combine(&c, k, 3, 100, 100) > 0.95);
	CHECK(spam_combine(&c, h, 2, 100, 100) < 0.05);
	CHECK(spam_combine(&c, k, 3, 0, 100) == 0.5);
	CHECK(spam_combine(&c, k + 2, 1, 100, 100) == 0.5);
}

/* Few known tokens are little evidence: below evidence known tokens the
 * probability is drawn to 0.5 by known / evidence; tokens seen fewer than min_count times
 * count as unknown. */
static void
t_combine_evidence(void)
{
	struct spam_conf c;
	struct spam_count k[3] = { { 50, 0 }, { 40, 1 }, { 1, 0 } };
	double plain, shrunk;

	spam_conf_default(&c);
	c.evidence = 0;
	plain = spam_combine(&c, k, 2, 100, 100);
	c.evidence = 6;
	shrunk = spam_combine(&c, k, 2, 100, 100);
	CHECK(fabs(shrunk - (0.5 + (plain - 0.5) * 2.0 / 6.0)) < 1e-9);
	c.evidence = 2;		/* enough known tokens: no change */
	CHECK(fabs(spam_combine(&c, k, 2, 100, 100) - plain) < 1e-9);
	/* the hapax k[2] is known with min_count 1, unknown with 2 */
	c.evidence = 0;
	c.min_count = 2;
	CHECK(fabs(spam_combine(&c, k, 3, 100, 100) - plain) < 1e-9);
	c.min_count = 1;
	CHECK(fabs(spam_combine(&c, k, 3, 100, 100) - plain) > 1e-6);
	/* the default draws a three-token message well towards 0.5 */
	spam_conf_default(&c);
	CHECK(c.evidence > 0);
	CHECK(spam_combine(&c, k, 3, 100, 100) < 0.6);
}

static void
t_status(void)
{
	struct spam_conf c;
	struct spam_verdict v;
	struct buf b = BUF_INIT;

	spam_conf_default(&c);
	c.required = 5.0;
	spam_verdict(&c, 0.7, 1u << RULE_MISSING_DATE, &v);
	CHECK(fabs(v.score - 7.5) < 1e-9 && v.cls == SPAM_SPAM);
	CHECK(spam_status(&c, &v, "\n", &b) == 0);
	CHECK_STR(b.s, "X-Spam-Flag: YES\nX-Spam-Score: 7.5\n"
	    "X-Spam-Status: Yes, score=7.5 required=5.0 "
	    "tests=BAYES_60,MISSING_DATE\n");
	buf_truncate(&b, 0);
	spam_verdict(&c, -1, 0, &v);
	CHECK(v.cls == SPAM_HAM && v.score == 0);
	CHECK(spam_status(&c, &v, "\r\n", &b) == 0);
	CHECK_STR(b.s, "X-Spam-Score: 0.0\r\n"
	    "X-Spam-Status: No, score=0.0 required=5.0 tests=NONE\r\n");
	buf_truncate(&b, 0);
	spam_verdict(&c, 0.999, ~0u >> (32 - RULE_COUNT), &v);
	CHECK(spam_status(&c, &v, "\n", &b) == 0);
	CHECK(strstr(b.s, ",\n\t") != NULL);	/* folded */
	CHECK(strstr(b.s, "BAYES_99,") != NULL);
	buf_free(&b);
	spam_verdict(&c, 0.42, 0, &v);
	CHECK(v.cls == SPAM_UNSURE);
}

static int
to_buf(void *arg, const char *p, size_t n)
{
	return buf_add(arg, p, n);
}

/* Feed msg in pieces of size step; compare with want. */
static int
filtered(const char *msg, size_t step, const char *want)
{
	struct spam_hfilter h;
	struct buf out = BUF_INIT;
	size_t i, n = strlen(msg), k;
	int ok;

	spam_hfilter_init(&h, "X-Spam-Score: 1.0\n", 18, to_buf, &out);
	for (i = 0; i < n; i += k) {
		k = n - i < step ? n - i : step;
		if (spam_hfilter_feed(&h, msg + i, k) < 0)
			return 0;
	}
	if (spam_hfilter_end(&h) < 0)
		return 0;
	ok = out.len == strlen(want) && memcmp(out.s, want, out.len) == 0;
	if (!ok)
		printf("# step %zu got [%.*s]\n", step, (int)out.len, out.s);
	buf_free(&out);
	return ok;
}

static void
t_hfilter(void)
{
	size_t step;

	for (step = 1; step <= 64; step++) {
		CHECK(filtered("From x\nX-Spam-Flag: YES\nSubject: a\n"
		    "x-spam-status: Yes,\n\tfolded\nX-Spamish: k\n\nX-Spam-Body: b\n",
		    step,
		    "From x\nSubject: a\nX-Spamish: k\nX-Spam-Score: 1.0\n\n"
		    "X-Spam-Body: b\n"));
		CHECK(filtered("Subject: a\r\nX-Spam: z\r\n\r\nbody", step,
		    "Subject: a\r\nX-Spam: z\r\nX-Spam-Score: 1.0\n\r\nbody"));
		CHECK(filtered("Subject: no body", step,
		    "Subject: no body\nX-Spam-Score: 1.0\n"));
		CHECK(filtered("X-Spam-Score: 9", step, "X-Spam-Score: 1.0\n"));
		CHECK(filtered("", step, "X-Spam-Score: 1.0\n"));
		CHECK(filtered("X-S", step, "X-S\nX-Spam-Score: 1.0\n"));
	}
}

static void
t_conf(void)
{
	struct spam_conf c;
	char dir[] = "/tmp/test_spamXXXXXX", path[256], err[256];
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	spam_conf_default(&c);
	CHECK(spam_conf_load(&c, dir, err, sizeof err) == 0);	/* absent */
	str_fmt(path, sizeof path, "%s/etc", dir);
	mkdir(path, 0755);
	str_fmt(path, sizeof path, "%s/etc/spamscore", dir);
	f = fopen(path, "w");
	fputs("# comment\nrequired = 7.5\nmax_parts=10\nrule.HTML_ONLY=-1\n", f);
	fclose(f);
	CHECK(spam_conf_load(&c, dir, err, sizeof err) == 0);
	CHECK(c.required == 7.5 && c.max_parts == 10);
	CHECK(c.weight[RULE_HTML_ONLY] == -1);
	f = fopen(path, "w");
	fputs("max_parts=1.5\n", f);
	fclose(f);
	CHECK(spam_conf_load(&c, dir, err, sizeof err) == -1);
	CHECK_STR(err, "etc/spamscore: bad value for \"max_parts\"");
	f = fopen(path, "w");
	fputs("rule.NOPE=1\n", f);
	fclose(f);
	CHECK(spam_conf_load(&c, dir, err, sizeof err) == -1);
	unlink(path);
	str_fmt(path, sizeof path, "%s/etc", dir);
	rmdir(path);
	rmdir(dir);
}

struct msgs {
	int n;
	size_t len[8];
	char first[8][16];
};

static int
count_msg(void *arg, const char *m, size_t n, const char *where)
{
	struct msgs *ms = arg;

	(void)where;
	if (ms->n < 8) {
		ms->len[ms->n] = n;
		str_copyn(ms->first[ms->n], 16, m, n < 15 ? n : 15);
	}
	ms->n++;
	return 0;
}

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void
t_sources(void)
{
	char dir[] = "/tmp/test_spamsrcXXXXXX", p[256];
	struct msgs ms;

	CHECK(mkdtemp(dir) != NULL);
	str_fmt(p, sizeof p, "%s/mbox", dir);
	put(p, "From a Mon\nSubject: 1\n\nFrom here is body\n\n"
	    "From b Tue Jan  2 10:00:00 2024\nSubject: 2\n\nx\n");
	memset(&ms, 0, sizeof ms);
	CHECK(spam_each_message(p, 1000, count_msg, &ms) == 0);
	CHECK(ms.n == 2);
	CHECK_STR(ms.first[0], "From a Mon\nSubj");
	CHECK_STR(ms.first[1], "From b Tue Jan ");
	/* max cuts every message. */
	memset(&ms, 0, sizeof ms);
	CHECK(spam_each_message(p, 5, count_msg, &ms) == 0);
	CHECK(ms.n == 2 && ms.len[0] == 5 && ms.len[1] == 5);
	unlink(p);
	str_fmt(p, sizeof p, "%s/cur", dir);
	mkdir(p, 0755);
	str_fmt(p, sizeof p, "%s/tmp", dir);
	mkdir(p, 0755);
	str_fmt(p, sizeof p, "%s/cur/1:2,S", dir);
	put(p, "Subject: one\n\nbody\n");
	str_fmt(p, sizeof p, "%s/tmp/2", dir);
	put(p, "Subject: two\n\nbody\n");
	str_fmt(p, sizeof p, "%s/plain", dir);
	put(p, "Subject: three\n\nbody\n");
	memset(&ms, 0, sizeof ms);
	CHECK(spam_each_message(dir, 1000, count_msg, &ms) == 0);
	CHECK(ms.n == 2);	/* cur/ and the plain file, not tmp/ */
	unlink(p);
	str_fmt(p, sizeof p, "%s/cur/1:2,S", dir);
	unlink(p);
	str_fmt(p, sizeof p, "%s/tmp/2", dir);
	unlink(p);
	str_fmt(p, sizeof p, "%s/cur", dir);
	rmdir(p);
	str_fmt(p, sizeof p, "%s/tmp", dir);
	rmdir(p);
	rmdir(dir);
	CHECK(spam_each_message("/nonexistent/x", 10, count_msg, &ms) == -1);
}

static void
t_charset_tokens(void)
{
	struct spam_conf c;
	struct spam_tokens t;
	unsigned rules;
	const char *m = "Subject: x\nContent-Type: text/plain; charset=GB2312\n"
	    "\nhello\n";

	spam_conf_default(&c);
	spam_tokens_init(&t, 100);
	CHECK(spam_analyze(m, strlen(m), &c, &t, &rules) == 0);
	CHECK(has(&t, "charset:gb2312") && has(&t, "hello"));
	spam_tokens_free(&t);
}

int
main(void)
{
	RUN(t_tokset);
	RUN(t_text);
	RUN(t_html);
	RUN(t_analyze);
	RUN(t_combine);
	RUN(t_combine_evidence);
	RUN(t_status);
	RUN(t_hfilter);
	RUN(t_conf);
	RUN(t_sources);
	RUN(t_charset_tokens);
	return tap_done();
}
