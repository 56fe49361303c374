/* str: bounded string and number helpers; see include/str.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "str.h"

int
str_copyn(char *dst, size_t size, const char *src, size_t n)
{
	if (size == 0)
		return errno = ENAMETOOLONG, -1;
	if (n >= size) {
		dst[0] = '\0';
		return errno = ENAMETOOLONG, -1;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
	return 0;
}

int
str_copy(char *dst, size_t size, const char *src)
{
	return str_copyn(dst, size, src, strlen(src));
}

int
str_fmt(char *dst, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (size == 0)
		return errno = ENAMETOOLONG, -1;
	va_start(ap, fmt);
	n = vsnprintf(dst, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		dst[0] = '\0';
		return errno = ENAMETOOLONG, -1;
	}
	return 0;
}

int
size_add(size_t a, size_t b, size_t *r)
{
	if (__builtin_add_overflow(a, b, r))
		return errno = EOVERFLOW, -1;
	return 0;
}

int
size_mul(size_t a, size_t b, size_t *r)
{
	if (__builtin_mul_overflow(a, b, r))
		return errno = EOVERFLOW, -1;
	return 0;
}

int
str_to_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0)
		return errno = EINVAL, -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return errno = EINVAL, -1;
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(s[i] - '0'), &v))
			return errno = ERANGE, -1;
	}
	*out = v;
	return 0;
}

static int
lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

int
str_case_eq(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i;

	if (an != bn)
		return 0;
	for (i = 0; i < an; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

int
str_case_prefix(const char *s, size_t n, const char *prefix)
{
	size_t pn = strlen(prefix);

	return n >= pn && str_case_eq(s, pn, prefix, pn);
}

void
str_lower(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		s[i] = (char)lower((unsigned char)s[i]);
}

int
mem_equal_ct(const void *a, const void *b, size_t n)
{
	const volatile unsigned char *x = a, *y = b;
	unsigned char d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

size_t
str_rtrim(char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	s[n] = '\0';
	return n;
}
