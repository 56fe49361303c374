/*
 * str: bounded string and number helpers.
 *
 * Nothing here writes past the size it is given, and nothing truncates in
 * silence: str_copy() and str_fmt() return -1 (errno ENAMETOOLONG) when the
 * result would not fit, and the destination then holds an empty string.
 * Size arithmetic goes through size_add()/size_mul(), which refuse to wrap.
 */
#ifndef MAILKIT_STR_H
#define MAILKIT_STR_H

#include <stddef.h>
#include <stdint.h>

int str_copy(char *dst, size_t size, const char *src);
int str_copyn(char *dst, size_t size, const char *src, size_t n);
int str_fmt(char *dst, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Checked arithmetic: 0 and *r set, or -1 (errno EOVERFLOW). */
int size_add(size_t a, size_t b, size_t *r);
int size_mul(size_t a, size_t b, size_t *r);

/* Parse a decimal number of exactly n bytes: digits only, no sign, no
 * space, no overflow.  0 or -1. */
int str_to_u64(const char *s, size_t n, uint64_t *out);

/* ASCII case-insensitive comparisons that do not depend on the locale. */
int str_case_eq(const char *a, size_t an, const char *b, size_t bn);
int str_case_prefix(const char *s, size_t n, const char *prefix);
void str_lower(char *s, size_t n);

/* Compare n bytes in time that depends only on n. 1 equal, 0 not. */
int mem_equal_ct(const void *a, const void *b, size_t n);

/* Strip trailing spaces, tabs, CR and LF in place; returns the new length. */
size_t str_rtrim(char *s, size_t n);

#endif
