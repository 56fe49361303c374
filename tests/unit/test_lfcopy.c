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

int
main(void)
{
	RUN(t_crlf_to_lf);
	RUN(t_mboxrd);
	return tap_done();
}
