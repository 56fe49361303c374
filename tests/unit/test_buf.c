/* Unit tests: buf, the growable byte buffer. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tap.h"

/* Every byte appended survives growth, NULs included, and one NUL
 * always follows len. */
static void
t_grows_across_many_appends(void)
{
	struct buf b = BUF_INIT;
	size_t i, last_cap = 0, grew = 0;
	int ok = 1;

	for (i = 0; i < 10000; i++) {
		CHECK(buf_add(&b, "ab\0c", 4) == 0);
		if (b.cap != last_cap) {
			grew++;
			last_cap = b.cap;
		}
		if (b.len != (i + 1) * 4 || b.cap <= b.len ||
		    b.s[b.len] != '\0')
			ok = 0;
	}
	CHECK(ok);
	CHECK(b.len == 40000);
	CHECK(grew > 1 && grew < 20);	/* doubling, not one step per add */
	for (i = 0; i < 10000; i++)
		if (memcmp(b.s + i * 4, "ab\0c", 4) != 0)
			ok = 0;
	CHECK(ok);
	buf_free(&b);
	CHECK(b.s == NULL && b.len == 0 && b.cap == 0);
}

static void
t_addc_adds_and_empty_add(void)
{
	struct buf b = BUF_INIT;

	CHECK(buf_add(&b, "", 0) == 0);
	CHECK(b.len == 0 && b.cap > 0 && b.s[0] == '\0');
	CHECK(buf_addc(&b, 'x') == 0);
	CHECK(buf_addc(&b, '\0') == 0);
	CHECK(buf_adds(&b, "yz") == 0);
	CHECK_MEM(b.s, b.len, "x\0yz");
	CHECK(b.s[4] == '\0');
	buf_free(&b);
}

static void
t_addf_appends_formatted(void)
{
	struct buf b = BUF_INIT;
	char big[300];
	size_t i;

	CHECK(buf_adds(&b, "n=") == 0);
	CHECK(buf_addf(&b, "%d-%s-%c", 42, "x", 'z') == 0);
	CHECK_MEM(b.s, b.len, "n=42-x-z");
	CHECK(buf_addf(&b, "%s", "") == 0);
	CHECK(b.len == 8 && b.s[8] == '\0');
	/* longer than the first allocation: must grow, not truncate */
	memset(big, 'q', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	CHECK(buf_addf(&b, "[%s]", big) == 0);
	CHECK(b.len == 8 + 2 + 299);
	CHECK(b.s[8] == '[' && b.s[9 + 299] == ']' && b.s[b.len] == '\0');
	for (i = 0; i < 299; i++)
		if (b.s[9 + i] != 'q')
			break;
	CHECK(i == 299);
	buf_free(&b);
}

static void
t_set_replaces(void)
{
	struct buf b = BUF_INIT;

	CHECK(buf_set(&b, "first value", 11) == 0);
	CHECK_MEM(b.s, b.len, "first value");
	CHECK(buf_set(&b, "2\0", 2) == 0);
	CHECK_MEM(b.s, b.len, "2\0");
	CHECK(b.s[2] == '\0');
	CHECK(buf_set(&b, "", 0) == 0);
	CHECK(b.len == 0 && b.s[0] == '\0');
	buf_free(&b);
	/* on a never-used buffer too */
	CHECK(buf_set(&b, "abc", 3) == 0);
	CHECK_STR(b.s, "abc");
	buf_free(&b);
}

static void
t_truncate(void)
{
	struct buf b = BUF_INIT;

	buf_truncate(&b, 0);	/* empty, unallocated: a no-op */
	CHECK(b.s == NULL && b.len == 0);
	CHECK(buf_adds(&b, "abcdef") == 0);
	buf_truncate(&b, 10);	/* longer than len: nothing changes */
	CHECK_MEM(b.s, b.len, "abcdef");
	buf_truncate(&b, 3);
	CHECK_MEM(b.s, b.len, "abc");
	CHECK(b.s[3] == '\0');
	CHECK(buf_adds(&b, "XY") == 0);
	CHECK_MEM(b.s, b.len, "abcXY");
	buf_truncate(&b, 0);
	CHECK(b.len == 0 && b.s[0] == '\0');
	buf_free(&b);
}

/* A reserve whose size cannot be represented fails with EOVERFLOW and
 * leaves the buffer exactly as it was. */
static void
t_reserve_overflow(void)
{
	struct buf b = BUF_INIT;
	char *s;
	size_t cap;

	CHECK(buf_adds(&b, "keep") == 0);
	s = b.s;
	cap = b.cap;
	errno = 0;
	CHECK(buf_reserve(&b, SIZE_MAX) == -1);
	CHECK(errno == EOVERFLOW);
	errno = 0;
	CHECK(buf_reserve(&b, SIZE_MAX - 4) == -1);	/* len + extra + NUL */
	CHECK(errno == EOVERFLOW);
	errno = 0;
	CHECK(buf_add(&b, "x", SIZE_MAX - 2) == -1);
	CHECK(errno == EOVERFLOW);
	CHECK(b.s == s && b.cap == cap);
	CHECK_MEM(b.s, b.len, "keep");
	CHECK(b.s[4] == '\0');
	/* a sane reserve afterwards works and keeps the bytes */
	CHECK(buf_reserve(&b, 1000) == 0);
	CHECK(b.cap >= 4 + 1000 + 1);
	CHECK_MEM(b.s, b.len, "keep");
	buf_free(&b);
}

/* Reserving room does not change the contents or the length. */
static void
t_reserve_keeps_contents(void)
{
	struct buf b = BUF_INIT;

	CHECK(buf_reserve(&b, 0) == 0);
	CHECK(b.cap >= 1 && b.len == 0);
	CHECK(b.s[0] == '\0');		/* a C string before anything is added */
	CHECK(buf_adds(&b, "xyz") == 0);
	CHECK(buf_reserve(&b, 5000) == 0);
	CHECK(b.cap >= 5004);
	CHECK_MEM(b.s, b.len, "xyz");
	buf_free(&b);
}

int
main(void)
{
	RUN(t_grows_across_many_appends);
	RUN(t_addc_adds_and_empty_add);
	RUN(t_addf_appends_formatted);
	RUN(t_set_replaces);
	RUN(t_truncate);
	RUN(t_reserve_overflow);
	RUN(t_reserve_keeps_contents);
	return tap_done();
}
