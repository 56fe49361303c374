/* fuzz_qenv: the queue envelope text format (queue.h).  What parses must
 * format, and the formatted text must parse back to the same envelope and
 * format to the same bytes again. */
#include <stdint.h>
#include <string.h>

#include "feed.h"
#include "queue.h"

/* CR is not a separator for the parser, but qenv_format refuses it. */
static int
has_cr(const struct qenv *e)
{
	size_t i;

	if (strchr(e->id, '\r') || strchr(e->sender, '\r') ||
	    strchr(e->auth, '\r'))
		return 1;
	for (i = 0; i < e->nrcpt; i++)
		if (strchr(e->rcpt[i].addr, '\r') ||
		    strchr(e->rcpt[i].status, '\r') ||
		    strchr(e->rcpt[i].diag, '\r'))
			return 1;
	return 0;
}

static void
same(const struct qenv *a, const struct qenv *b)
{
	size_t i;

	FUZZ_CHECK(strcmp(a->id, b->id) == 0);
	FUZZ_CHECK(a->arrival == b->arrival);
	FUZZ_CHECK(strcmp(a->sender, b->sender) == 0);
	FUZZ_CHECK(strcmp(a->auth, b->auth) == 0);
	FUZZ_CHECK(a->held == b->held && a->dsn == b->dsn);
	FUZZ_CHECK(a->nrcpt == b->nrcpt);
	for (i = 0; i < a->nrcpt; i++) {
		const struct qrcpt *x = &a->rcpt[i], *y = &b->rcpt[i];
		FUZZ_CHECK(strcmp(x->addr, y->addr) == 0);
		FUZZ_CHECK(x->state == y->state);
		FUZZ_CHECK(x->attempts == y->attempts);
		FUZZ_CHECK(x->next == y->next);
		FUZZ_CHECK(strcmp(x->status, y->status) == 0);
		FUZZ_CHECK(strcmp(x->diag, y->diag) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qenv e, e2;
	struct buf a = BUF_INIT, b = BUF_INIT;

	if (qenv_parse((const char *)data, size, &e) < 0)
		return 0;
	FUZZ_CHECK(e.id[0] != '\0' && e.nrcpt > 0);
	if (qenv_format(&e, &a) < 0) {
		FUZZ_CHECK(has_cr(&e));
		qenv_free(&e);
		buf_free(&a);
		return 0;
	}
	FUZZ_CHECK(qenv_parse(a.s, a.len, &e2) == 0);
	same(&e, &e2);
	FUZZ_CHECK(qenv_format(&e2, &b) == 0);
	FUZZ_CHECK(a.len == b.len && memcmp(a.s, b.s, a.len) == 0);
	qenv_free(&e);
	qenv_free(&e2);
	buf_free(&a);
	buf_free(&b);
	return 0;
}
