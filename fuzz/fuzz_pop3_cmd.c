/* fuzz_pop3_cmd: the POP3 server session (pop3.h) with the fuzz input as
 * what the client sends, fed in chunks of random size.  A scratch ROOT
 * holds two accounts with the password "p": u@example.test (Maildir) and
 * m@example.test (mbox), both filled again before every run, so the
 * transaction commands and the deletions at QUIT are reached too.
 * Every reply must be whole CRLF lines. */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "feed.h"
#include "pop3.h"
#include "str.h"

static char root[64];
static char maildir[128], mbox[128];

static const char msg1[] =
    "From: a@example.org\r\nSubject: one\r\nX-UIDL: first\r\n\r\nbody\r\n"
    ".dot\r\n";
static const char msg2[] =
    "From: b@example.org\nSubject: two\n\nline 1\nline 2\n.\nline 4\n";

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
	(void)type;
	(void)ftw;
	return remove(p) < 0 ? 0 : 0;
}

static void
cleanup(void)
{
	if (root[0])
		nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
fill_boxes(void)
{
	char path[256];
	int i;

	nftw(maildir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	FUZZ_CHECK(mkdir(maildir, 0700) == 0);
	for (i = 0; i < 3; i++) {
		str_fmt(path, sizeof path, "%s/%s", maildir,
		    (const char *[]){ "cur", "new", "tmp" }[i]);
		FUZZ_CHECK(mkdir(path, 0700) == 0);
	}
	str_fmt(path, sizeof path, "%s/new/1700000000.1.host", maildir);
	put(path, msg1);
	str_fmt(path, sizeof path, "%s/cur/1700000001.2.host,S=55:2,S",
	    maildir);
	put(path, msg2);
	put(mbox, "From a@example.org Mon Nov 23 21:44:25 2026\n"
	    "X-UIDL: first\nSubject: one\n\nbody\n.dot\n>From quoted\n\n"
	    "From b@example.org Mon Nov 23 21:44:26 2026\nSubject: two\n\n"
	    "line 1\nline 2\n");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[256];

	(void)argc;
	(void)argv;
	str_copy(root, sizeof root, "/tmp/fuzz_pop3.XXXXXX");
	if (mkdtemp(root) == NULL)
		abort();
	atexit(cleanup);
	str_fmt(path, sizeof path, "%s/etc", root);
	mkdir(path, 0755);
	str_fmt(path, sizeof path, "%s/mail", root);
	mkdir(path, 0755);
	str_fmt(path, sizeof path, "%s/mail/example.test", root);
	mkdir(path, 0755);
	str_fmt(path, sizeof path, "%s/etc/users", root);
	put(path, "u@example.test:{PLAIN}p::::::\n"
	    "m@example.test:{PLAIN}p::::::mailbox=mbox\n");
	str_fmt(path, sizeof path, "%s/etc/domains", root);
	put(path, "example.test\n");
	str_fmt(maildir, sizeof maildir, "%s/mail/example.test/u", root);
	str_fmt(mbox, sizeof mbox, "%s/mail/example.test/m", root);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pop3_conf c;
	struct feed f;
	struct io *io;

	if (size < 1)
		return 0;
	fill_boxes();
	memset(&c, 0, sizeof c);
	c.root = root;
	c.plaintext_ok = 1;
	c.auth_pause_ms = 0;
	c.timeout_ms = 10000;
	str_copy(c.remote_ip, sizeof c.remote_ip, "127.0.0.1");
	io = malloc(sizeof *io);
	FUZZ_CHECK(io != NULL);
	feed_io(&f, io, data + 1, size - 1, data[0], data[0] % 64);
	(void)pop3_session(io, &c);
	(void)io_flush(io);
	FUZZ_CHECK(f.out.len >= 2);
	FUZZ_CHECK(memcmp(f.out.s + f.out.len - 2, "\r\n", 2) == 0);
	feed_free(&f);
	free(io);
	return 0;
}
