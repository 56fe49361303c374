/* fuzz_pop3_cmd: the POP3 server session (pop3.h) with the fuzz input as
 * what the client sends, fed in chunks of random size.  A scratch ROOT
 * (scratch.h: tmpfs when there is one) holds two accounts with the
 * password "p": u@example.test (Maildir) and m@example.test (mbox), both
 * as below at the start of every run, so the transaction commands and the
 * deletions at QUIT are reached too.  A mailbox is written again only
 * when the run before changed it (most runs never log in): the same
 * files, same names, same sizes, same inodes and nothing else in the
 * directories, or it is rebuilt.
 *
 * Checked: every reply is whole CRLF lines; a session leaves nothing in
 * the accounts' directory but the two mailboxes and the mbox's session
 * lock file (no dot-lock, no temporary copy). */
#define _XOPEN_SOURCE 700
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "feed.h"
#include "pop3.h"
#include "scratch.h"
#include "str.h"

static const char *root;
static char domdir[160], maildir[160], mbox[160], pop3lock[176];
static char newmsg[224], curmsg[224], sub[3][176];
static struct stat st_new, st_cur, st_mbox;
static int maildir_ok, mbox_ok;

static const char msg1[] =
    "From: a@example.org\r\nSubject: one\r\nX-UIDL: first\r\n\r\nbody\r\n"
    ".dot\r\n";
static const char msg2[] =
    "From: b@example.org\nSubject: two\n\nline 1\nline 2\n.\nline 4\n";
static const char mbox_text[] =
    "From a@example.org Mon Nov 23 21:44:25 2026\n"
    "X-UIDL: first\nSubject: one\n\nbody\n.dot\n>From quoted\n\n"
    "From b@example.org Mon Nov 23 21:44:26 2026\nSubject: two\n\n"
    "line 1\nline 2\n";

static void
stat_or_die(const char *path, struct stat *st)
{
	FUZZ_CHECK(stat(path, st) == 0);
}

static int
same_file(const char *path, const struct stat *want)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_dev == want->st_dev &&
	    st.st_ino == want->st_ino && st.st_size == want->st_size &&
	    st.st_mode == want->st_mode;
}

static void
fill_maildir(void)
{
	int i;

	scratch_rm(maildir);
	FUZZ_CHECK(mkdir(maildir, 0700) == 0);
	for (i = 0; i < 3; i++)
		FUZZ_CHECK(mkdir(sub[i], 0700) == 0);
	scratch_put(newmsg, msg1);
	scratch_put(curmsg, msg2);
	stat_or_die(newmsg, &st_new);
	stat_or_die(curmsg, &st_cur);
	maildir_ok = 1;
}

static void
fill_mbox(void)
{
	scratch_put(mbox, mbox_text);
	stat_or_die(mbox, &st_mbox);
	mbox_ok = 1;
}

/* Is each mailbox still exactly what fill_* made? */
static void
look(void)
{
	maildir_ok = maildir_ok && same_file(newmsg, &st_new) &&
	    same_file(curmsg, &st_cur) && scratch_entries(maildir) == 3 &&
	    scratch_entries(sub[0]) == 1 && scratch_entries(sub[1]) == 1 &&
	    scratch_entries(sub[2]) == 0;
	mbox_ok = mbox_ok && same_file(mbox, &st_mbox);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[256];
	static const char *const dirs[] = { "new", "cur", "tmp" };
	int i;

	(void)argc;
	(void)argv;
	root = scratch_root("fuzz_pop3");
	str_fmt(path, sizeof path, "%s/etc", root);
	mkdir(path, 0755);
	str_fmt(path, sizeof path, "%s/mail", root);
	mkdir(path, 0755);
	str_fmt(domdir, sizeof domdir, "%s/mail/example.test", root);
	mkdir(domdir, 0755);
	str_fmt(path, sizeof path, "%s/etc/users", root);
	scratch_put(path, "u@example.test:{PLAIN}p::::::\n"
	    "m@example.test:{PLAIN}p::::::mailbox=mbox\n");
	str_fmt(path, sizeof path, "%s/etc/domains", root);
	scratch_put(path, "example.test\n");
	str_fmt(maildir, sizeof maildir, "%s/u", domdir);
	str_fmt(mbox, sizeof mbox, "%s/m", domdir);
	str_fmt(pop3lock, sizeof pop3lock, "%s.pop3lock", mbox);
	for (i = 0; i < 3; i++)
		str_fmt(sub[i], sizeof sub[i], "%s/%s", maildir, dirs[i]);
	str_fmt(newmsg, sizeof newmsg, "%s/1700000000.1.host", sub[0]);
	str_fmt(curmsg, sizeof curmsg, "%s/1700000001.2.host,S=55:2,S",
	    sub[1]);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pop3_conf c;
	struct feed f;
	struct io *io;
	struct stat st;

	if (size < 1)
		return 0;
	if (!maildir_ok)
		fill_maildir();
	if (!mbox_ok)
		fill_mbox();
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
	look();
	FUZZ_CHECK(scratch_entries(domdir) ==
	    2 + (stat(pop3lock, &st) == 0));
	return 0;
}
