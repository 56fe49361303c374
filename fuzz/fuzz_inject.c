/* fuzz_inject: what mail-submit takes from a submitted message's header
 * (inject.h): the RFC 5322 address lists of To:/Cc:/Bcc: and the fields
 * added to an authenticated submission (Date:, Message-ID:, From:). */
#include <stdint.h>
#include <string.h>

#include "addr.h"
#include "feed.h"
#include "inject.h"

static int
one(void *arg, const char *s, size_t n)
{
	struct addr a;
	const char *err;
	size_t *count = arg;

	FUZZ_CHECK(n > 0);
	FUZZ_CHECK(s[0] != ' ' && s[0] != '\t' && s[n - 1] != ' ' &&
	    s[n - 1] != '\t' && s[n - 1] != '\n');
	(void)addr_parse(s, n, ADDR_UTF8, &a, &err);
	(*count)++;
	return 0;
}

/* Every added field ends with eol and is followed by another or nothing. */
static void
check_added(const struct buf *b, const char *eol)
{
	size_t el = strlen(eol);

	if (b->len == 0)
		return;
	FUZZ_CHECK(b->len >= el);
	FUZZ_CHECK(memcmp(b->s + b->len - el, eol, el) == 0);
	FUZZ_CHECK(memchr(b->s, '\0', b->len) == NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct inject_hdr h = { "mx.example.test", "1700000000.1.2", NULL,
	    NULL, "\r\n", 1700000000 };
	struct buf out = BUF_INIT;
	size_t count = 0;

	FUZZ_CHECK(inject_addrlist(p, size, one, &count) == 0);
	FUZZ_CHECK(count <= size);
	FUZZ_CHECK(inject_headers(p, size, &h, &out) == 0);
	check_added(&out, h.eol);
	buf_truncate(&out, 0);
	h.from = "u@example.test";
	h.fullname = size > 0 && data[0] & 1 ? "Jo \"Q\" (x) User" : NULL;
	h.eol = "\n";
	FUZZ_CHECK(inject_headers(p, size, &h, &out) == 0);
	check_added(&out, h.eol);
	buf_free(&out);
	return 0;
}
