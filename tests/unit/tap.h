/*
 * tap.h: the smallest TAP producer, for the C unit tests in tests/unit/.
 *
 *	static void t_something(void) { CHECK(x == 1); CHECK_MEM(p, n, "ab"); }
 *	int main(void) { RUN(t_something); return tap_done(); }
 *
 * Each RUN() prints one "ok"/"not ok" line; a failed CHECK prints where.
 * scripts/run-tests counts these lines into the summary.
 */
#ifndef MAILKIT_TAP_H
#define MAILKIT_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed, tap_case_failed;

#define CHECK(cond) do { if (!(cond)) { tap_case_failed = 1; \
	printf("# %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); } \
	} while (0)

#define CHECK_MEM(p, n, lit) do { size_t n_ = (n); \
	if (n_ != sizeof(lit) - 1 || memcmp((p), (lit), n_) != 0) { \
	tap_case_failed = 1; printf("# %s:%d: got [%.*s] want [%s]\n", \
	__FILE__, __LINE__, (int)n_, (const char *)(p), (lit)); } } while (0)

#define CHECK_STR(s, lit) CHECK_MEM((s), strlen(s), lit)

#define RUN(fn) do { tap_case_failed = 0; fn(); tap_n++; \
	if (tap_case_failed) tap_failed++; \
	printf("%s %d - %s: %s\n", tap_case_failed ? "not ok" : "ok", tap_n, \
	__FILE__, #fn); fflush(stdout); } while (0)

static inline int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
