/* spam_hfilter: drop X-Spam-* fields, add ours; see include/spam_io.h. */
#include <string.h>

#include "spam_io.h"
#include "str.h"

enum { LINE_START, IN_LINE, BODY };

static const char prefix[] = "x-spam-";

void
spam_hfilter_init(struct spam_hfilter *h, const char *add, size_t addlen,
    spam_write_fn write, void *arg)
{
	memset(h, 0, sizeof *h);
	h->add = add, h->addlen = addlen;
	h->write = write, h->arg = arg;
}

static int
emit(struct spam_hfilter *h, const char *p, size_t n)
{
	return n == 0 ? 0 : h->write(h->arg, p, n);
}

static int
add_fields(struct spam_hfilter *h)
{
	h->added = 1;
	return emit(h, h->add, h->addlen);
}

/* Decide what the pending start of a line is.  1 decided, 0 need more. */
static int
decide(struct spam_hfilter *h)
{
	const char *p = h->pend;
	size_t k = h->plen, i;

	if (p[0] == '\n' || (k >= 2 && p[0] == '\r' && p[1] == '\n')) {
		if (add_fields(h) < 0)
			return -1;
		h->state = BODY;
		return emit(h, p, k) < 0 ? -1 : 1;
	}
	if (p[0] == '\r' && k < 2)
		return 0;
	if (p[0] != ' ' && p[0] != '\t') {
		h->drop = 0;
		for (i = 0; i < k; i++)
			if ((p[i] | 0x20) != prefix[i] && p[i] != prefix[i])
				break;
		if (i == k && k < sizeof prefix - 1)
			return 0;
		h->drop = i == sizeof prefix - 1;
	}
	h->state = p[k - 1] == '\n' ? LINE_START : IN_LINE;
	if (!h->drop && emit(h, p, k) < 0)
		return -1;
	return 1;
}

int
spam_hfilter_feed(struct spam_hfilter *h, const char *p, size_t n)
{
	const char *lf;
	size_t i = 0, k;
	int r;

	while (i < n) {
		if (h->state == BODY)
			return emit(h, p + i, n - i);
		if (h->state == IN_LINE) {
			lf = memchr(p + i, '\n', n - i);
			k = lf ? (size_t)(lf - (p + i)) + 1 : n - i;
			if (!h->drop && emit(h, p + i, k) < 0)
				return -1;
			i += k;
			if (lf)
				h->state = LINE_START, h->plen = 0;
			continue;
		}
		h->pend[h->plen++] = p[i++];
		if ((r = decide(h)) < 0)
			return -1;
		if (r == 1)
			h->plen = 0;
	}
	return 0;
}

int
spam_hfilter_end(struct spam_hfilter *h)
{
	if (h->state == LINE_START && h->plen > 0) {
		/* An undecided short line at EOF: it is no X-Spam- field. */
		if (emit(h, h->pend, h->plen) < 0)
			return -1;
		h->state = IN_LINE;
		h->drop = 0;
	}
	if (h->state == IN_LINE && !h->drop && emit(h, "\n", 1) < 0)
		return -1;
	if (!h->added && add_fields(h) < 0)
		return -1;
	return 0;
}
