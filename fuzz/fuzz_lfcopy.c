/* fuzz_lfcopy: the CRLF-to-LF mailbox conversion (lfcopy.h).  The input
 * converted in pieces of random size must give exactly what the whole
 * input gives; with LFCOPY_MBOXRD, taking one '>' off every ">+From " line
 * must give back the plain conversion (mboxrd is reversible). */
#include <stdint.h>
#include <string.h>

#include "feed.h"
#include "lfcopy.h"

static void
convert(const char *p, size_t n, unsigned flags, uint32_t seed,
    struct buf *out)
{
	struct lfstate st;
	size_t off = 0, k;

	lfstate_init(&st, flags);
	while (off < n) {
		k = seed ? 1 + feed_rand(&seed) % 37 : n - off;
		if (k > n - off)
			k = n - off;
		FUZZ_CHECK(lfconvert(&st, p + off, k, out) == 0);
		off += k;
	}
	FUZZ_CHECK(lfconvert_end(&st, out) == 0);
}

/* A line that is ">+From " gets one '>' less. */
static void
unquote(const struct buf *in, struct buf *out)
{
	size_t i = 0, j, end;
	const char *s = in->s;

	while (i < in->len) {
		const char *lf = memchr(s + i, '\n', in->len - i);
		end = lf ? (size_t)(lf - s) + 1 : in->len;
		for (j = i; j < end && s[j] == '>'; j++)
			;
		if (j > i && end - j >= 5 && memcmp(s + j, "From ", 5) == 0)
			i++;
		FUZZ_CHECK(buf_add(out, s + i, end - i) == 0);
		i = end;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct buf whole = BUF_INIT, parts = BUF_INIT, rd = BUF_INIT,
	    back = BUF_INIT;
	uint32_t seed = (uint32_t)size * 2654435761u + 1;

	convert(p, size, 0, 0, &whole);
	convert(p, size, 0, seed, &parts);
	FUZZ_CHECK(whole.len == parts.len);
	FUZZ_CHECK(whole.len == 0 || memcmp(whole.s, parts.s, whole.len) == 0);
	if (size > 0)
		FUZZ_CHECK(whole.len > 0 && whole.s[whole.len - 1] == '\n');
	FUZZ_CHECK(whole.len <= size + 1);

	convert(p, size, LFCOPY_MBOXRD, seed, &rd);
	unquote(&rd, &back);
	FUZZ_CHECK(back.len == whole.len);
	FUZZ_CHECK(whole.len == 0 || memcmp(back.s, whole.s, whole.len) == 0);
	buf_free(&whole);
	buf_free(&parts);
	buf_free(&rd);
	buf_free(&back);
	return 0;
}
