/* fuzz_mime: the spam scorer's MIME walker, decoders and tokenizer
 * (mime.h, spam.h) over arbitrary messages.  The walk's limits must hold:
 * decoded text in total, leaves, depth.
 *
 * Inputs are at most 4096 bytes (fuzz_mime.options: -max_len=4096; the
 * cost of a run grows with its length).  So that every limit is still
 * reached within that, the walk here allows 2048 decoded bytes, and every
 * other run (odd lengths) scores with a configuration whose limits are
 * all small (header, body, decoded bytes, parts, depth, tokens: the
 * defaults are 256 KiB, 1 MiB, 1 MiB, 256, 16, 20000, which no input of
 * this size reaches except the depth).  The decoders are also called
 * directly on the first 1024 bytes, whatever the headers say: none of
 * them keeps state beyond a line or an encoded word (76 bytes), and the
 * walk decodes whole parts with the same functions.  A scan that had to
 * cut the header or the body must say so (RULE_SCAN_TRUNCATED). */
#include <stdint.h>
#include <string.h>

#include "feed.h"
#include "header.h"
#include "mime.h"
#include "spam.h"

struct walk {
	const char *msg;
	size_t n, parts, decoded;
	unsigned sum;
	const struct mime_limits *lim;
};

/* Read every byte, so that ASan sees a text that is not all there. */
static unsigned
touch(const char *s, size_t n)
{
	unsigned h = 0;

	while (n-- > 0)
		h = h * 31 + (unsigned char)*s++;
	return h;
}

static int
leaf(void *arg, const struct mime_part *p)
{
	struct walk *w = arg;

	FUZZ_CHECK(++w->parts <= w->lim->max_parts);
	FUZZ_CHECK(p->depth <= w->lim->max_depth);
	FUZZ_CHECK(p->hdr >= w->msg && p->hdr + p->hdr_len <= w->msg + w->n);
	FUZZ_CHECK(p->type != NULL && p->charset != NULL && p->cte != NULL &&
	    p->filename != NULL);
	FUZZ_CHECK(strlen(p->type) < MIME_TYPE_MAX);
	FUZZ_CHECK(p->raw_len <= w->n);
	if (p->text != NULL) {
		w->decoded += p->text_len;
		FUZZ_CHECK(w->decoded <= w->lim->max_decoded);
		w->sum += touch(p->text, p->text_len);
	}
	return 0;
}

static void
decoders(const char *s, size_t n)
{
	struct buf out = BUF_INIT;
	char type[MIME_TYPE_MAX], param[MIME_PARAM_MAX];

	FUZZ_CHECK(mime_b64_decode(s, n, &out) == 0);
	FUZZ_CHECK(out.len <= n);
	buf_truncate(&out, 0);
	FUZZ_CHECK(mime_qp_decode(s, n, &out) == 0);
	FUZZ_CHECK(out.len <= n);
	buf_truncate(&out, 0);
	FUZZ_CHECK(mime_words_decode(s, n, &out) == 0);
	buf_truncate(&out, 0);
	FUZZ_CHECK(mime_to_utf8("iso-8859-1", s, n, &out) == 0);
	buf_free(&out);
	mime_content_type(s, n, type, sizeof type);
	FUZZ_CHECK(strlen(type) < sizeof type);
	if (mime_param(s, n, "boundary", param, sizeof param) == 1)
		FUZZ_CHECK(strlen(param) < sizeof param);
	(void)mime_param(s, n, "charset", param, 8);
}

#define DECODE_MAX 1024

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct spam_conf confs[2];
	static int init;
	const struct spam_conf *c = &confs[size & 1];
	const char *msg = (const char *)data;
	size_t hl = hdr_block_len(msg, size);
	struct mime_limits lim = { 4, 20, 2048 };
	struct walk w = { msg, size, 0, 0, 0, &lim };
	struct spam_tokens t;
	unsigned rules = 0;
	int r;

	if (!init) {
		spam_conf_default(&confs[0]);
		spam_conf_default(&confs[1]);
		confs[1].max_header = 512;
		confs[1].max_body = 1536;
		confs[1].max_decoded = 1024;
		confs[1].max_parts = 8;
		confs[1].max_depth = 3;
		confs[1].max_tokens = 64;
		init = 1;
	}
	r = mime_walk(msg, size, &lim, leaf, &w);
	FUZZ_CHECK(r >= 0 && r <= 7);
	decoders(msg, size < DECODE_MAX ? size : DECODE_MAX);

	spam_tokens_init(&t, c->max_tokens);
	FUZZ_CHECK(spam_analyze(msg, size, c, &t, &rules) == 0);
	FUZZ_CHECK(t.count <= c->max_tokens);
	FUZZ_CHECK(rules < 1u << RULE_COUNT);
	if (hl > c->max_header || size - hl > c->max_body)
		FUZZ_CHECK(rules & 1u << RULE_SCAN_TRUNCATED);
	spam_tokens_free(&t);
	return 0;
}
