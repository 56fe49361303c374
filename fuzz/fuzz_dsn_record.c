/* fuzz_dsn_record: mail-bounce's failure records (dsn.h).  Input: record
 * lines, an empty line, then the original message.  Every record that
 * parses must format to a line that parses back the same (when it is
 * ASCII: formatting turns 8-bit bytes into '?'), and the whole DSN is
 * written for the records and the message. */
#include <stdint.h>
#include <string.h>

#include "dsn.h"
#include "feed.h"

static int
ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

static void
round_trip(const struct dsn_rcpt *r)
{
	struct buf b = BUF_INIT;
	struct dsn_rcpt r2;
	const char *err = NULL;

	FUZZ_CHECK(dsn_format_record(r, &b) == 0);
	FUZZ_CHECK(b.len > 0 && b.s[b.len - 1] == '\n');
	FUZZ_CHECK(memchr(b.s, '\n', b.len - 1) == NULL);
	if (ascii(r->rcpt)) {
		FUZZ_CHECK(dsn_parse_record(b.s, b.len - 1, &r2, &err) == 0);
		FUZZ_CHECK(strcmp(r->rcpt, r2.rcpt) == 0);
		FUZZ_CHECK(strcmp(r->status, r2.status) == 0);
		FUZZ_CHECK(strcmp(r->diag, r2.diag) == 0);
		FUZZ_CHECK(strcmp(r->remote, r2.remote) == 0);
		FUZZ_CHECK(r->last == r2.last);
	}
	(void)dsn_explain(r->status);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl, *err;
	struct dsn d;
	struct dsn_rcpt r;
	struct buf out = BUF_INIT;
	size_t len;

	dsn_init(&d);
	d.me = "mx.example";
	d.to = "sender@example.org";
	d.envid = "1700000000.1.2";
	d.arrival = 1700000000;
	d.now = 1700003600;
	d.warn = size > 0 && (data[0] & 1);
	d.full_max = 512;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (len == 0) {
			p++;
			break;
		}
		err = NULL;
		if (dsn_parse_record(p, len, &r, &err) == 0)
			round_trip(&r);
		else
			FUZZ_CHECK(err != NULL);
		(void)dsn_add_line(&d, p, len, &err);
		p += len + (nl != NULL);
	}
	FUZZ_CHECK(dsn_write(&d, p, (size_t)(end - p), &out) == 0);
	FUZZ_CHECK(out.len > 0);
	buf_free(&out);
	dsn_free(&d);
	return 0;
}
