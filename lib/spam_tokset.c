/* spam_tokset: a set of unique tokens; see include/spam.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "spam.h"
#include "str.h"

void
spam_tokens_init(struct spam_tokens *t, size_t max)
{
	memset(t, 0, sizeof *t);
	t->max = max;
}

void
spam_tokens_reset(struct spam_tokens *t)
{
	buf_truncate(&t->arena, 0);
	if (t->slots)
		memset(t->slots, 0, t->nslots * sizeof *t->slots);
	t->count = 0;
	t->full = 0;
}

void
spam_tokens_free(struct spam_tokens *t)
{
	buf_free(&t->arena);
	free(t->slots);
	free(t->list);
	memset(t, 0, sizeof *t);
}

static uint64_t
hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h ^ (h >> 29);
}

static int
grow(struct spam_tokens *t)
{
	size_t ns = t->nslots ? t->nslots * 2 : 1024, i, j;
	uint32_t *slots, *list;
	const char *p;

	slots = calloc(ns, sizeof *slots);
	list = realloc(t->list, ns / 2 * sizeof *list);
	if (slots == NULL || list == NULL) {
		free(slots);
		if (list)
			t->list = list;
		errno = ENOMEM;
		return -1;
	}
	t->list = list;
	for (i = 0; i < t->count; i++) {
		p = t->arena.s + t->list[i];
		j = hash(p + 1, (unsigned char)p[0]) & (ns - 1);
		while (slots[j])
			j = (j + 1) & (ns - 1);
		slots[j] = t->list[i] + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = ns;
	return 0;
}

int
spam_tokens_add(struct spam_tokens *t, const char *prefix, const char *s,
    size_t n)
{
	char tok[SPAM_TOKEN_MAX];
	size_t pl = strlen(prefix), len, j, off;
	const char *p;

	if (pl > SPAM_TOKEN_MAX)
		pl = SPAM_TOKEN_MAX;
	memcpy(tok, prefix, pl);
	len = pl + (n < SPAM_TOKEN_MAX - pl ? n : SPAM_TOKEN_MAX - pl);
	memcpy(tok + pl, s, len - pl);
	if (len == 0)
		return 0;
	if ((t->count + 1) * 2 > t->nslots && grow(t) < 0)
		return -1;
	j = hash(tok, len) & (t->nslots - 1);
	for (; t->slots[j]; j = (j + 1) & (t->nslots - 1)) {
		p = t->arena.s + t->slots[j] - 1;
		if ((unsigned char)p[0] == len && memcmp(p + 1, tok, len) == 0)
			return 0;
	}
	if (t->count >= t->max) {
		t->full = 1;
		return 0;
	}
	off = t->arena.len;
	if (off >= UINT32_MAX - 256 || buf_addc(&t->arena, (char)len) < 0 ||
	    buf_add(&t->arena, tok, len) < 0)
		return -1;
	t->slots[j] = (uint32_t)off + 1;
	t->list[t->count++] = (uint32_t)off;
	return 0;
}

const char *
spam_tokens_get(const struct spam_tokens *t, size_t i, size_t *len)
{
	const char *p = t->arena.s + t->list[i];

	*len = (unsigned char)p[0];
	return p + 1;
}
