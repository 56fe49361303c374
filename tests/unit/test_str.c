/* Unit tests: str (buf has its own, test_buf.c). */
#include <errno.h>
#include <stdint.h>

#include "str.h"
#include "tap.h"

static void
t_copy_bounded(void)
{
	char d[4];

	CHECK(str_copy(d, sizeof d, "abc") == 0);
	CHECK_STR(d, "abc");
	CHECK(str_copy(d, sizeof d, "abcd") == -1);
	CHECK(d[0] == '\0');
	CHECK(str_fmt(d, sizeof d, "%d", 12345) == -1);
	CHECK(str_fmt(d, sizeof d, "%d", 123) == 0);
	CHECK_STR(d, "123");
}

static void
t_checked_arith(void)
{
	size_t r;

	CHECK(size_add(SIZE_MAX, 1, &r) == -1 && errno == EOVERFLOW);
	CHECK(size_mul(SIZE_MAX / 2 + 1, 2, &r) == -1);
	CHECK(size_add(2, 3, &r) == 0 && r == 5);
}

static void
t_to_u64(void)
{
	uint64_t v;

	CHECK(str_to_u64("18446744073709551615", 20, &v) == 0 &&
	    v == UINT64_MAX);
	CHECK(str_to_u64("18446744073709551616", 20, &v) == -1);
	CHECK(str_to_u64("99999999999999999999", 20, &v) == -1);
	CHECK(str_to_u64("-1", 2, &v) == -1);
	CHECK(str_to_u64("", 0, &v) == -1);
	CHECK(str_to_u64("12 ", 3, &v) == -1);
}

static void
t_case(void)
{
	CHECK(str_case_eq("MAIL", 4, "mail", 4));
	CHECK(!str_case_eq("MAIL", 4, "mai", 3));
	CHECK(str_case_prefix("RCPT TO:<x>", 11, "rcpt to:"));
	CHECK(mem_equal_ct("abc", "abc", 3));
	CHECK(!mem_equal_ct("abc", "abd", 3));
}

int
main(void)
{
	RUN(t_copy_bounded);
	RUN(t_checked_arith);
	RUN(t_to_u64);
	RUN(t_case);
	return tap_done();
}
