/* spam_filter: a message passed through with the scorer's X-Spam-*
 * fields, holding only its first bytes in memory. */
#include <errno.h>
#include <string.h>

#include "spam_scorer.h"

static int
write_out(void *arg, const char *p, size_t n)
{
	return io_write(arg, p, n);
}

/* "\r\n" when the first line ends so, else "\n". */
static const char *
eol_of(const struct buf *b)
{
	const char *lf = memchr(b->s ? b->s : "", '\n', b->len);

	return lf && lf > b->s && lf[-1] == '\r' ? "\r\n" : "\n";
}

static enum spam_scorer_result
write_fail(struct spam_scorer *s)
{
	return spam_scorer_fail(s, SCORER_AGAIN, errno,
	    "writing the message");
}

/* msg (then the rest of the input when more) with add as its fields. */
static enum spam_scorer_result
pass(struct spam_scorer *s, const struct buf *msg, int more,
    const struct buf *add)
{
	struct spam_hfilter h;
	char tmp[65536];
	ssize_t r;

	spam_hfilter_init(&h, add->s, add->len, write_out, s->io);
	if (spam_hfilter_feed(&h, msg->s ? msg->s : "", msg->len) < 0)
		return write_fail(s);
	while (more && (r = io_read(s->io, tmp, sizeof tmp)) != 0) {
		if (r < 0)
			return spam_scorer_fail(s, SCORER_AGAIN, errno,
			    "reading the message");
		if (spam_hfilter_feed(&h, tmp, (size_t)r) < 0)
			return write_fail(s);
	}
	if (spam_hfilter_end(&h) < 0 || io_flush(s->io) < 0)
		return write_fail(s);
	return SCORER_OK;
}

static enum spam_scorer_result
filter(struct spam_scorer *s, const struct buf *msg, int more)
{
	struct buf add = BUF_INIT;
	struct spam_verdict v;
	enum spam_scorer_result r;

	r = spam_scorer_score(s, msg->s ? msg->s : "", msg->len, &v);
	if (r != SCORER_OK)
		return r;
	if (s->conf.reject > 0 && v.score >= s->conf.reject)
		return spam_scorer_fail(s, SCORER_REFUSED, 0,
		    "message refused as spam (score %.1f, reject at %.1f)",
		    v.score, s->conf.reject);
	if (spam_status(&s->conf, &v, eol_of(msg), &add) < 0)
		r = spam_scorer_fail(s, SCORER_AGAIN, errno, "out of memory");
	else
		r = pass(s, msg, more, &add);
	buf_free(&add);
	return r;
}

enum spam_scorer_result
spam_scorer_filter(struct spam_scorer *s)
{
	struct buf msg = BUF_INIT;
	enum spam_scorer_result r;
	int more;

	if ((r = spam_scorer_open(s, 0)) == SCORER_OK &&
	    (r = spam_scorer_read(s, &msg, spam_conf_scan_bytes(&s->conf),
	    &more)) == SCORER_OK)
		r = filter(s, &msg, more);
	buf_free(&msg);
	return r;
}
