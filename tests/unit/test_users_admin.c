/* Unit tests: mail-user's library: address check, password reading,
 * mailboxes made and retired, and the commands with their messages. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "buf.h"
#include "password_read.h"
#include "tap.h"
#include "tmproot.h"
#include "users_address.h"
#include "users_admin.h"
#include "users_mailbox.h"

static struct buf said, shown;

static void
t_address(void)
{
	char a[ADDR_MAX + 1];
	const char *why = NULL;

	CHECK(users_address_check("/r", "Alice@X.Test", a, sizeof a,
	    &why) == 0);
	CHECK_STR(a, "alice@x.test");
	CHECK(users_address_check("/r", "alice", a, sizeof a, &why) == -1);
	CHECK(users_address_check("/r", "\"q:x\"@x.test", a, sizeof a,
	    &why) == -1);
	CHECK_STR(why, "quotes and ':' not allowed");
	CHECK(users_address_check("/r", "a/b@x.test", a, sizeof a,
	    &why) == -1);
	CHECK_STR(why, "unsafe as a mailbox name");
	CHECK(users_address_check("/r", "a@x.test", a, 5, &why) == -1);
	CHECK_STR(why, "too long");
}

/* What password_read makes of n bytes of s, into pw[8]. */
static enum pwread
read_pw(const char *s, size_t n, char *pw)
{
	int fd = tmproot_input(s, n);
	enum pwread r = password_read(fd, -1, pw, 8);

	close(fd);
	return r;
}

static void
t_password(void)
{
	char pw[8];

	CHECK(read_pw("secret\r\nrest", 13, pw) == PWREAD_OK);
	CHECK_STR(pw, "secret");
	CHECK(read_pw("nonl", 4, pw) == PWREAD_OK);
	CHECK_STR(pw, "nonl");
	CHECK(read_pw("12345678\n", 9, pw) == PWREAD_LONG);
	CHECK(read_pw("1234567\n", 8, pw) == PWREAD_OK);
	CHECK_STR(pw, "1234567");
	CHECK(read_pw("a\0b\n", 4, pw) == PWREAD_NUL);
	CHECK(pw[0] == '\0');
	CHECK(read_pw("\r\n", 2, pw) == PWREAD_EMPTY);
	CHECK(password_read(-1, -1, pw, sizeof pw) == PWREAD_IOERR);
	CHECK(errno == EBADF);
}

static void
t_mailbox(void)
{
	struct users_mailbox m;
	char p[256];
	struct stat st;

	tmproot_make("test_users_admin");
	CHECK(users_mailbox_make(tmproot, "a@x.test", MAILBOX_MAILDIR, &m) ==
	    USERS_MB_OK);
	CHECK(!m.existed && m.got == MAILBOX_MAILDIR);
	str_fmt(p, sizeof p, "%s/mail/x.test/a/new", tmproot);
	CHECK(stat(p, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(users_mailbox_make(tmproot, "a@x.test", MAILBOX_MBOX, &m) ==
	    USERS_MB_OK);
	CHECK(m.existed && m.got == MAILBOX_MAILDIR);
	CHECK(users_mailbox_make(tmproot, "../a@x.test", MAILBOX_MBOX, &m) ==
	    USERS_MB_NO_PATH);
	CHECK(users_mailbox_retire(tmproot, "a@x.test", 0, &m) ==
	    USERS_MB_MOVED);
	CHECK(strncmp(m.to, tmproot, strlen(tmproot)) == 0);
	CHECK(strstr(m.to, "/mail/.deleted/a@x.test.") != NULL);
	CHECK(stat(m.to, &st) == 0 && S_ISDIR(st.st_mode));
	str_fmt(p, sizeof p, "%s/mail/x.test/a", tmproot);
	CHECK(lstat(p, &st) == -1 && errno == ENOENT);
	CHECK(users_mailbox_retire(tmproot, "a@x.test", 0, &m) ==
	    USERS_MB_OK);
	CHECK(users_mailbox_make(tmproot, "b@x.test", MAILBOX_MBOX, &m) ==
	    USERS_MB_OK);
	CHECK(users_mailbox_retire(tmproot, "b@x.test", 1, &m) ==
	    USERS_MB_OK);
	CHECK(lstat(m.path, &st) == -1 && errno == ENOENT);
	tmproot_remove();
}

static void
keep_warning(void *arg, const char *text)
{
	(void)arg;
	buf_adds(&said, text);
	buf_addc(&said, '|');
}

static void
keep_output(void *arg, const char *text)
{
	(void)arg;
	buf_adds(&shown, text);
}

/* users_add with password pw. */
static enum users_result
add(struct users_admin *a, const char *address, const char *mailbox,
    const char *pw)
{
	enum users_result r;

	a->in = tmproot_input(pw, strlen(pw));
	r = users_add(a, address, mailbox);
	close(a->in);
	a->in = -1;
	return r;
}

static void
t_commands(void)
{
	struct users_admin a = { NULL, -1, -1, keep_warning, keep_output,
	    NULL, "" };
	struct buf f = BUF_INIT;

	tmproot_make("test_users_admin");
	tmproot_put("etc/domains", "x.test\n", NULL, 0);
	tmproot_put("etc/users", "# c\nb@x.test:{PLAIN}p::::::quota=5 k=v\n"
	    "broken:{PLAIN}p::::::quota=x\n", NULL, 0);
	a.root = tmproot;
	CHECK(add(&a, "A@X.test", "mbox", "pw\n") == USERS_OK);
	tmproot_read("etc/users", &f);
	CHECK(strstr(f.s, "\na@x.test:{SHA512-CRYPT}$6$") != NULL);
	CHECK(strstr(f.s, "::::::mailbox=mbox\n") != NULL);
	CHECK(add(&a, "a@x.test", NULL, "pw\n") == USERS_CANT_CREATE);
	CHECK_STR(a.why, "a@x.test: account exists already");
	CHECK(add(&a, "a@y.test", NULL, "pw\n") == USERS_NOT_LOCAL);
	CHECK_STR(a.why, "a@y.test: domain y.test is not in etc/domains");
	CHECK(add(&a, "nodomain", NULL, "pw\n") == USERS_BAD_INPUT);
	CHECK_STR(a.why, "bad address nodomain: missing @domain");
	CHECK(add(&a, "c@x.test", NULL, "\n") == USERS_BAD_INPUT);
	CHECK_STR(a.why, "empty password refused");
	CHECK(users_quota(&a, "b@x.test", "-", "7") == USERS_OK);
	CHECK(users_quota(&a, "b@x.test", "12x", NULL) == USERS_BAD_INPUT);
	CHECK_STR(a.why, "bad number 12x");
	CHECK(users_quota(&a, "c@x.test", "1", NULL) == USERS_NO_ACCOUNT);
	CHECK_STR(a.why, "c@x.test: no such account");
	tmproot_read("etc/users", &f);
	CHECK(strstr(f.s, "\nb@x.test:{PLAIN}p::::::quota=5 k=v "
	    "quota_messages=7\n") != NULL);
	CHECK(users_quota(&a, "B@x.test", NULL, NULL) == USERS_OK);
	CHECK_MEM(shown.s, shown.len, "b@x.test\t5\t7\n");
	buf_truncate(&shown, 0);
	CHECK(users_list(&a) == USERS_OK);
	CHECK_MEM(shown.s, shown.len, "b@x.test\tmaildir\t5\t7\t0\t0\n"
	    "a@x.test\tmbox\t0\t0\t0\t0\n");
	CHECK_MEM(said.s, said.len, "etc/users: malformed line skipped: "
	    "broken:{PLAIN}p::::::quota=x|");
	buf_truncate(&shown, 0);
	CHECK(users_del(&a, "a@x.test", 1) == USERS_OK);
	CHECK(shown.len == 0);
	CHECK(users_del(&a, "a@x.test", 1) == USERS_NO_ACCOUNT);
	CHECK(users_passwd(&a, "b@x.test") == USERS_IO);
	CHECK_STR(a.why, "cannot read the password: Bad file descriptor");
	buf_free(&f);
	tmproot_remove();
}

int
main(void)
{
	RUN(t_address);
	RUN(t_password);
	RUN(t_mailbox);
	RUN(t_commands);
	buf_free(&said);
	buf_free(&shown);
	return tap_done();
}
