/* fuzz_line: line_read (line.h) over input fed in chunks of random size,
 * with a buffer size taken from the input.  Every line is checked against
 * what the raw bytes say it must be: kept bytes, terminator, flags. */
#include <stdint.h>
#include <string.h>

#include "feed.h"
#include "line.h"

static void
check_line(const struct line *ln, const char *buf, size_t size,
    const uint8_t *raw, size_t rest)
{
	size_t n = ln->raw_len, content;
	unsigned flags = 0;
	enum line_end end;

	FUZZ_CHECK(n > 0 && n <= rest);
	FUZZ_CHECK(ln->s == buf);
	FUZZ_CHECK(ln->len <= size - 1);
	FUZZ_CHECK(buf[ln->len] == '\0');
	if (raw[n - 1] == '\n') {
		end = n >= 2 && raw[n - 2] == '\r' ? LINE_END_CRLF :
		    LINE_END_LF;
		content = n - 1 - (end == LINE_END_CRLF);
	} else {
		FUZZ_CHECK(n == rest);
		end = LINE_END_EOF;
		content = n;
	}
	FUZZ_CHECK(memchr(raw, '\n', n - (end != LINE_END_EOF)) == NULL);
	FUZZ_CHECK(ln->end == end);
	if (memchr(raw, '\r', content) != NULL)
		flags |= LINE_BARE_CR;
	if (memchr(raw, '\0', content) != NULL)
		flags |= LINE_NUL;
	if (content > size - 1)
		flags |= LINE_TOO_LONG;
	FUZZ_CHECK(ln->flags == flags);
	FUZZ_CHECK(ln->len == (content < size - 1 ? content : size - 1));
	FUZZ_CHECK(memcmp(buf, raw, ln->len) == 0);
	FUZZ_CHECK(line_is_strict(ln) == (end == LINE_END_CRLF && flags == 0));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feed f;
	struct io *io;
	struct line ln;
	size_t bsize, pos = 0, lines = 0;
	char *buf;
	int r;

	if (size < 2)
		return 0;
	bsize = 1 + data[0] % 64;
	if (data[0] & 0x80)
		bsize = 1 + (size_t)data[0] * 40;	/* up to ~10 KiB */
	io = malloc(sizeof *io);
	buf = malloc(bsize);
	FUZZ_CHECK(io != NULL && buf != NULL);
	feed_io(&f, io, data + 2, size - 2, (uint32_t)size * 2654435761u,
	    data[1] == 0 ? 0 : data[1]);
	while ((r = line_read(io, buf, bsize, &ln)) == 1) {
		check_line(&ln, buf, bsize, data + 2 + pos, size - 2 - pos);
		pos += ln.raw_len;
		FUZZ_CHECK(++lines <= size);
	}
	FUZZ_CHECK(r == 0);
	FUZZ_CHECK(pos == size - 2);
	FUZZ_CHECK(io->err == IO_EOF);
	feed_free(&f);
	free(buf);
	free(io);
	return 0;
}
