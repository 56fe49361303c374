/* fuzz_smtp_cmd: mail-submit's SMTP server session (smtp.h) with the fuzz
 * input as what the client sends (commands, AUTH, pipelining, DATA with
 * dot-stuffing and its CRLF rules), fed in chunks of random size.  A
 * scratch ROOT (on /dev/shm when there is one, so the queue's fsyncs are
 * cheap) has the local domain example.test and the account
 * u@example.test with password "p"; the queue is emptied after each run.
 *
 * Checked: every reply line is "NNN " or "NNN-" and CRLF-terminated;
 * exactly as many messages are in the queue as "250 ... queued as"
 * replies were given, and never more than DATA commands got a 354. */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "feed.h"
#include "queue.h"
#include "smtp.h"
#include "str.h"

static char root[96], qdir[128];
static size_t queued_files;

static void
put(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(s, f) == EOF || fclose(f) != 0)
		abort();
}

static int
rm_one(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_F && strstr(p, "/env/") != NULL)
		queued_files++;
	(void)remove(p);
	return 0;
}

static void
cleanup(void)
{
	if (root[0])
		nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[256];
	struct stat st;

	(void)argc;
	(void)argv;
	str_copy(root, sizeof root, stat("/dev/shm", &st) == 0 &&
	    S_ISDIR(st.st_mode) ? "/dev/shm/fuzz_smtp.XXXXXX" :
	    "/tmp/fuzz_smtp.XXXXXX");
	if (mkdtemp(root) == NULL)
		abort();
	atexit(cleanup);
	str_fmt(path, sizeof path, "%s/etc", root);
	mkdir(path, 0755);
	str_fmt(path, sizeof path, "%s/etc/me", root);
	put(path, "mx.example.test\n");
	str_fmt(path, sizeof path, "%s/etc/domains", root);
	put(path, "example.test\n");
	str_fmt(path, sizeof path, "%s/etc/users", root);
	put(path, "u@example.test:{PLAIN}p::::::\n");
	str_fmt(path, sizeof path, "%s/etc/aliases", root);
	put(path, "info@example.test: u@example.test\n");
	str_fmt(qdir, sizeof qdir, "%s/queue", root);
	return 0;
}

/* Reply lines: "NNN " or "NNN-", CRLF; count queued and 354 replies. */
static void
check_replies(const struct buf *b, size_t *queued, size_t *go)
{
	size_t i = 0, end;
	const char *s = b->s;

	*queued = *go = 0;
	while (i < b->len) {
		const char *lf = memchr(s + i, '\n', b->len - i);
		FUZZ_CHECK(lf != NULL);
		end = (size_t)(lf - s) + 1;
		FUZZ_CHECK(end - i >= 6 && s[end - 2] == '\r');
		FUZZ_CHECK(s[i] >= '2' && s[i] <= '5');
		FUZZ_CHECK(s[i + 1] >= '0' && s[i + 1] <= '9');
		FUZZ_CHECK(s[i + 2] >= '0' && s[i + 2] <= '9');
		FUZZ_CHECK(s[i + 3] == ' ' || s[i + 3] == '-');
		if (end - i > 24 && memcmp(s + i, "250 2.0.0 ok: queued as ",
		    24) == 0)
			(*queued)++;
		if (memcmp(s + i, "354 ", 4) == 0)
			(*go)++;
		i = end;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smtp_conf c;
	struct feed f;
	struct io *io;
	size_t queued, go;

	if (size < 1)
		return 0;
	FUZZ_CHECK(queue_init(root) == 0);
	memset(&c, 0, sizeof c);
	c.root = root;
	str_copy(c.me, sizeof c.me, "mx.example.test");
	c.submission = data[0] & 1;
	c.loopback = 1;
	str_copy(c.remote_ip, sizeof c.remote_ip, "127.0.0.1");
	str_copy(c.remote_host, sizeof c.remote_host, "localhost");
	c.max_size = 4096;
	c.max_rcpt = 5;
	c.max_errors = 10;
	c.auth_pause_ms = 0;
	c.timeout_ms = 10000;
	c.filter_timeout_ms = 1000;
	io = malloc(sizeof *io);
	FUZZ_CHECK(io != NULL);
	feed_io(&f, io, data + 1, size - 1, data[0], data[0] >> 2);
	(void)smtp_session(io, &c);
	(void)io_flush(io);
	check_replies(&f.out, &queued, &go);
	queued_files = 0;
	nftw(qdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	FUZZ_CHECK(queued_files == queued);
	FUZZ_CHECK(queued <= go);
	feed_free(&f);
	free(io);
	return 0;
}
