/* fuzz_header: RFC 5322 header blocks (header.h) over arbitrary bytes:
 * hdr_next, hdr_unfold, hdr_find, hdr_block_len in memory, and
 * hdr_read_block from a stream fed in small chunks. */
#include <stdint.h>
#include <string.h>

#include "feed.h"
#include "header.h"

static const char *const names[] = {
	"Subject", "From", "Received", "X-UIDL", "Content-Type", "",
};

static void
check_unfold(const struct hdr_field *f)
{
	static const size_t sizes[] = { 1, 2, 17, 1000 };
	char out[1000];
	size_t i, len;

	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		memset(out, 'x', sizeof out);
		len = hdr_unfold(f->value, f->value_len, out, sizes[i]);
		FUZZ_CHECK(len < sizes[i]);
		FUZZ_CHECK(out[len] == '\0');
		FUZZ_CHECK(memchr(out, '\n', len) == NULL);
		FUZZ_CHECK(len == 0 || out[len - 1] != ' ');
	}
}

static void
walk(const char *p, size_t n)
{
	struct hdr_field f;
	size_t off = 0, prev, fields = 0, end = hdr_block_len(p, n);
	int r;

	FUZZ_CHECK(end <= n);
	for (;;) {
		prev = off;
		r = hdr_next(p, n, &off, &f);
		FUZZ_CHECK(r >= -1 && r <= 1);
		if (r <= 0) {
			FUZZ_CHECK(off == prev);
			break;
		}
		FUZZ_CHECK(off > prev && off <= n);
		FUZZ_CHECK(f.raw_len == off - prev);
		FUZZ_CHECK(f.name == p + prev);
		FUZZ_CHECK(f.name_len > 0 && f.name_len < f.raw_len);
		FUZZ_CHECK(memchr(f.name, ':', f.name_len) == NULL);
		FUZZ_CHECK(f.value >= f.name + f.name_len + 1);
		FUZZ_CHECK(f.value + f.value_len <= p + off);
		FUZZ_CHECK(off <= end || end == n);
		(void)hdr_name_is(&f, "subject");
		check_unfold(&f);
		FUZZ_CHECK(++fields <= n);
	}
}

static void
read_block(const uint8_t *d, size_t n)
{
	struct feed fd;
	struct io *io = malloc(sizeof *io);
	struct buf b = BUF_INIT;
	size_t max;
	int r;

	FUZZ_CHECK(io != NULL);
	max = n > 0 ? (size_t)d[0] * 16 + 1 : 100;
	feed_io(&fd, io, d, n, n, 7);
	r = hdr_read_block(io, &b, max);
	FUZZ_CHECK(r == 0 || r == 1);
	FUZZ_CHECK(b.len <= n);
	FUZZ_CHECK(memcmp(b.s ? b.s : "", d, b.len) == 0);
	if (r == 1)
		FUZZ_CHECK(b.len > 0 && b.s[b.len - 1] == '\n');
	buf_free(&b);
	feed_free(&fd);
	free(io);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct hdr_field f;
	size_t i;

	walk(p, size);
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (hdr_find(p, size, names[i], &f) == 1) {
			FUZZ_CHECK(f.value + f.value_len <= p + size);
			check_unfold(&f);
		}
	read_block(data, size);
	return 0;
}
