/* fuzz_sasl: SASL PLAIN decoding (sasl.h) and strict base64 (base64.h).
 * Whatever b64_decode accepts is canonical, so encoding it again must
 * give back the very same text; encoding anything must decode back. */
#include <stdint.h>
#include <string.h>

#include "base64.h"
#include "feed.h"
#include "sasl.h"

static void
plain(const char *s, size_t n)
{
	struct sasl_plain sp;
	const char *err = NULL;

	memset(&sp, 0, sizeof sp);
	if (sasl_plain_decode(s, n, &sp, &err) == 0) {
		FUZZ_CHECK(sp.user != NULL && sp.password != NULL);
		FUZZ_CHECK(sp.user >= sp.raw.s &&
		    sp.user + strlen(sp.user) <= sp.raw.s + sp.raw.len);
		FUZZ_CHECK(sp.password >= sp.raw.s && sp.password +
		    strlen(sp.password) <= sp.raw.s + sp.raw.len);
		sasl_plain_free(&sp);
	} else {
		/* nothing left to free: callers do not free after -1 */
		FUZZ_CHECK(err != NULL);
		FUZZ_CHECK(sp.raw.s == NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct buf dec = BUF_INIT, enc = BUF_INIT, back = BUF_INIT;

	plain(s, size);
	if (b64_decode(s, size, &dec) == 0) {
		FUZZ_CHECK(size % 4 == 0);
		FUZZ_CHECK(dec.len <= size / 4 * 3);
		FUZZ_CHECK(b64_encode(dec.s, dec.len, &enc) == 0);
		FUZZ_CHECK(enc.len == size);
		FUZZ_CHECK(size == 0 || memcmp(enc.s, s, size) == 0);
	}
	buf_truncate(&enc, 0);
	FUZZ_CHECK(b64_encode(data, size, &enc) == 0);
	FUZZ_CHECK(enc.len == (size + 2) / 3 * 4);
	FUZZ_CHECK(b64_decode(enc.s, enc.len, &back) == 0);
	FUZZ_CHECK(back.len == size);
	FUZZ_CHECK(size == 0 || memcmp(back.s, data, size) == 0);
	buf_free(&dec);
	buf_free(&enc);
	buf_free(&back);
	return 0;
}
