/* Unit tests: CRLF -> LF conversion and mboxrd quoting, whole and split
 * at every byte boundary. */
#include "buf.h"
#include "lfcopy.h"
#include "str.h"
#include "tap.h"

static int
convert(const char *in, unsigned flags, size_t split, struct buf *out)
{
	struct lfstate s;
	size_t n = strlen(in);

	buf_truncate(out, 0);
	lfstate_init(&s, flags);
	if (split > n)
		split = n;
	if (lfconvert(&s, in, split, out) < 0 ||
	    lfconvert(&s, in + split, n - split, out) < 0)
		return -1;
	return lfconvert_end(&s, out);
}

/* The result must not depend on where the input was split. */
static void
check_all_splits(const char *in, unsigned flags, const char *want)
{
	struct buf out = BUF_INIT;
	size_t i, n = strlen(in);

	for (i = 0; i <= n; i++) {
		CHECK(convert(in, flags, i, &out) == 0);
		if (out.len != strlen(want) || memcmp(out.s, want, out.len)) {
			printf("# split %zu: got [%s] want [%s]\n", i, out.s,
			    want);
			CHECK(0);
			break;
		}
	}
	buf_free(&out);
}

static void
t_crlf_to_lf(void)
{
	check_all_splits("a\r\nb\r\n", 0, "a\nb\n");
	check_all_splits("bare\rcr\r\n", 0, "bare\rcr\n");
	check_all_splits("no newline", 0, "no newline\n");
	check_all_splits("ends cr\r", 0, "ends cr\r\n");
	check_all_splits("From me\n", 0, "From me\n");
}

static void
t_mboxrd(void)
{
	check_all_splits("From me\r\nx\r\n", LFCOPY_MBOXRD, ">From me\nx\n");
	check_all_splits("a\n>From x\n>>From y\n", LFCOPY_MBOXRD,
	    "a\n>>From x\n>>>From y\n");
	check_all_splits("Fro\nFrom\n From x\n>Fr>om\n", LFCOPY_MBOXRD,
	    "Fro\nFrom\n From x\n>Fr>om\n");
	check_all_splits(">>", LFCOPY_MBOXRD, ">>\n");
	check_all_splits("x\nFr\r\n", LFCOPY_MBOXRD, "x\nFr\n");
	check_all_splits("Fr\rom ", LFCOPY_MBOXRD, "Fr\rom \n");
	check_all_splits("from x\nFROM y\n", LFCOPY_MBOXRD, "from x\nFROM y\n");
}

/* The obvious, slow definition: CRLF -> LF, then one more '>' before
 * every LF-terminated line that matches ">*From ", then a final LF. */
static void
reference(const char *in, size_t n, unsigned flags, struct buf *out)
{
	struct buf lf = BUF_INIT;
	size_t i, j, start;

	for (i = 0; i < n; i++)
		if (!(in[i] == '\r' && i + 1 < n && in[i + 1] == '\n'))
			(void)buf_addc(&lf, in[i]);
	buf_truncate(out, 0);
	for (start = 0; start < lf.len; start = j + 1) {
		for (j = start; j < lf.len && lf.s[j] != '\n'; j++)
			;
		i = start;
		while (i < j && lf.s[i] == '>')
			i++;
		if ((flags & LFCOPY_MBOXRD) && j - i >= 5 &&
		    memcmp(lf.s + i, "From ", 5) == 0)
			(void)buf_addc(out, '>');
		(void)buf_add(out, lf.s + start, j - start);
		if (j < lf.len)
			(void)buf_addc(out, '\n');
	}
	if (out->len == 0 || out->s[out->len - 1] != '\n')
		(void)buf_addc(out, '\n');
	buf_free(&lf);
}

/* Random texts over the bytes that matter, split at a random point: the
 * fast paths (whole runs copied between line ends) must agree with the
 * definition.  A fixed seed keeps a failure reproducible. */
static void
t_matches_reference(void)
{
	static const char alphabet[] = "\r\n\r\nFrom >xy";
	struct buf got = BUF_INIT, want = BUF_INIT;
	char in[64];
	unsigned seed = 12345, flags;
	size_t n, i, split;
	int bad = 0;

	for (int round = 0; round < 20000 && !bad; round++) {
		seed = seed * 1103515245u + 12345u;
		n = (seed >> 16) % sizeof in;
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		flags = round % 2 ? LFCOPY_MBOXRD : 0;
		split = n ? (seed >> 8) % (n + 1) : 0;
		{
			struct lfstate st;

			buf_truncate(&got, 0);
			lfstate_init(&st, flags);
			CHECK(lfconvert(&st, in, split, &got) == 0);
			CHECK(lfconvert(&st, in + split, n - split, &got) == 0);
			CHECK(lfconvert_end(&st, &got) == 0);
		}
		reference(in, n, flags, &want);
		if (got.len != want.len || memcmp(got.s, want.s, got.len)) {
			printf("# round %d flags %u split %zu differs\n", round,
			    flags, split);
			bad = 1;
		}
	}
	CHECK(!bad);
	buf_free(&got);
	buf_free(&want);
}

int
main(void)
{
	RUN(t_crlf_to_lf);
	RUN(t_mboxrd);
	RUN(t_matches_reference);
	return tap_done();
}
