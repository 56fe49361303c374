/* fuzz_mbox_index: mail-pop3's mbox indexer and RETR/TOP stream
 * (mailbox_read.h) over arbitrary mbox files.  The index must be ordered
 * and inside the file, the UIDLs unique and printable, and every message
 * streamed as a POP3 multi-line body must end with the one "." line that
 * ends it: no line of the message may look like the end. */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "feed.h"
#include "mailbox_read.h"

static int mfd = -1;

static void
check_index(const struct mbx *m, uint64_t size)
{
	size_t i, j;
	uint64_t prev = m->prefix_end;

	FUZZ_CHECK(m->prefix_end <= size);
	for (i = 0; i < m->n; i++) {
		const struct mbx_msg *g = &m->msg[i];
		const char *u = mbx_uid(m, i);
		FUZZ_CHECK(g->from >= prev);
		FUZZ_CHECK(g->from <= g->start && g->start <= g->end);
		FUZZ_CHECK(g->end <= size);
		FUZZ_CHECK(u != NULL && u[0] != '\0');
		FUZZ_CHECK(strlen(u) <= MBX_UID_MAX);
		for (j = 0; u[j]; j++)
			FUZZ_CHECK(u[j] > ' ' && u[j] < 127);
		prev = g->end;
	}
	/* unique UIDLs; quadratic, so only for small boxes */
	for (i = 0; i < m->n && m->n <= 64; i++)
		for (j = i + 1; j < m->n; j++)
			FUZZ_CHECK(strcmp(mbx_uid(m, i), mbx_uid(m, j)) != 0);
}

/* The stream is CRLF lines ending in ".\r\n"; no earlier line is ".".
 * (A bare CR inside a line is passed through as stored.) */
static void
check_stream(const struct buf *b)
{
	size_t i = 0, end;
	const char *s = b->s;

	FUZZ_CHECK(b->len >= 3);
	FUZZ_CHECK(memcmp(s + b->len - 3, ".\r\n", 3) == 0);
	while (i < b->len) {
		const char *lf = memchr(s + i, '\n', b->len - i);
		FUZZ_CHECK(lf != NULL);
		end = (size_t)(lf - s) + 1;
		FUZZ_CHECK(end - i >= 2 && s[end - 2] == '\r');
		if (end - i == 3 && s[i] == '.')
			FUZZ_CHECK(end == b->len);
		i = end;
	}
}

static void
stream(const struct mbx *m, size_t i, int64_t lines, int unquote)
{
	struct feed f;
	struct io *io = malloc(sizeof *io);

	FUZZ_CHECK(io != NULL);
	feed_io(&f, io, NULL, 0, 1, 0);
	FUZZ_CHECK(pop3_stream(io, mfd, m->msg[i].start, m->msg[i].end,
	    unquote, lines) == 0);
	FUZZ_CHECK(io_flush(io) == 0);
	check_stream(&f.out);
	feed_free(&f);
	free(io);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mbx m;
	size_t i;

	if (mfd < 0 && (mfd = memfd_create("fuzz_mbox", MFD_CLOEXEC)) < 0)
		abort();
	FUZZ_CHECK(ftruncate(mfd, 0) == 0);
	FUZZ_CHECK(pwrite(mfd, data, size, 0) == (ssize_t)size);
	memset(&m, 0, sizeof m);
	m.fd = m.dirfd = m.lockfd = -1;
	m.format = MAILBOX_MBOX;
	FUZZ_CHECK(mbox_index(&m, mfd, size) == 0);
	check_index(&m, size);
	for (i = 0; i < m.n && i < 4; i++) {
		stream(&m, i, -1, 1);
		stream(&m, i, (int64_t)(size % 4), 0);
	}
	mbx_close(&m);
	return 0;
}
