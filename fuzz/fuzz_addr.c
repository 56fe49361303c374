/* fuzz_addr: RFC 5321 paths and addresses (addr.h).  Every address that
 * parses is formatted again, and the formatted text must parse back to
 * the same local part and domain. */
#include <stdint.h>
#include <string.h>

#include "addr.h"
#include "feed.h"
#include "str.h"

static void
check_addr(const struct addr *a, unsigned flags)
{
	size_t i;

	FUZZ_CHECK(a->local_len <= ADDR_LOCAL_MAX);
	FUZZ_CHECK(a->domain_len <= ADDR_DOMAIN_MAX);
	FUZZ_CHECK(a->local[a->local_len] == '\0');
	FUZZ_CHECK(a->domain[a->domain_len] == '\0');
	FUZZ_CHECK(strlen(a->local) == a->local_len);
	FUZZ_CHECK(strlen(a->domain) == a->domain_len);
	for (i = 0; i < a->local_len; i++) {
		unsigned char c = (unsigned char)a->local[i];
		FUZZ_CHECK(c >= 32 && c != 127);
		FUZZ_CHECK(c < 128 || (flags & ADDR_UTF8));
	}
	for (i = 0; i < a->domain_len; i++) {
		unsigned char c = (unsigned char)a->domain[i];
		FUZZ_CHECK(c >= 32 && c != 127);
		FUZZ_CHECK(c < 'A' || c > 'Z');
		FUZZ_CHECK(c < 128 || (flags & ADDR_UTF8));
	}
	if (!(flags & ADDR_NO_DOMAIN) && !a->null)
		FUZZ_CHECK(a->domain_len > 0);
}

static void
round_trip(const struct addr *a, unsigned flags)
{
	char out[ADDR_MAX + 1], path[ADDR_MAX + 3];
	struct addr b;
	const char *err, *rest;

	FUZZ_CHECK(addr_format(a, out, sizeof out) == 0);
	if (a->null) {
		FUZZ_CHECK(out[0] == '\0');
		return;
	}
	FUZZ_CHECK(addr_parse(out, strlen(out), flags, &b, &err) == 0);
	FUZZ_CHECK(!b.null);
	FUZZ_CHECK(b.local_len == a->local_len &&
	    memcmp(b.local, a->local, a->local_len) == 0);
	FUZZ_CHECK(b.domain_len == a->domain_len &&
	    memcmp(b.domain, a->domain, a->domain_len) == 0);
	/* and the same inside angle brackets */
	FUZZ_CHECK(str_fmt(path, sizeof path, "<%s>", out) == 0);
	FUZZ_CHECK(addr_parse_path(path, strlen(path), flags, &b, &rest,
	    &err) == 0);
	FUZZ_CHECK(*rest == '\0');
	FUZZ_CHECK(b.local_len == a->local_len &&
	    memcmp(b.local, a->local, a->local_len) == 0);
	FUZZ_CHECK(strcmp(b.domain, a->domain) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *rest, *err;
	struct addr a;
	unsigned flags;

	for (flags = 0; flags < 4; flags++) {
		memset(&a, 0xa5, sizeof a);
		rest = err = NULL;
		if (addr_parse_path(s, size, flags, &a, &rest, &err) == 0) {
			FUZZ_CHECK(rest >= s && rest <= s + size);
			check_addr(&a, flags);
			round_trip(&a, flags);
		} else
			FUZZ_CHECK(err != NULL);
		memset(&a, 0xa5, sizeof a);
		err = NULL;
		if (addr_parse(s, size, flags, &a, &err) == 0) {
			check_addr(&a, flags);
			FUZZ_CHECK(!a.null);
			round_trip(&a, flags);
		} else
			FUZZ_CHECK(err != NULL);
	}
	(void)addr_is_safe_name(s, size);
	return 0;
}
