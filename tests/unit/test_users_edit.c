/* Unit tests: users_edit line surgery and the locked editor. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "safefile.h"
#include "str.h"
#include "tap.h"
#include "users_edit.h"

#define L(s) s, sizeof(s) - 1

static void
t_line_is(void)
{
	CHECK(users_line_is(L("a@x.test:{PLAIN}p"), "A@X.test") == 1);
	CHECK(users_line_is(L("  a@x.test:{PLAIN}p"), "a@x.test") == 1);
	CHECK(users_line_is(L("a@x.test"), "a@x.test") == 0);	/* no ':' */
	CHECK(users_line_is(L("#a@x.test:x"), "#a@x.test") == 0);
	CHECK(users_line_is(L("ab@x.test:x"), "b@x.test") == 0);
	CHECK(users_line_is(L("a@x.testx:x"), "a@x.test") == 0);
	CHECK(users_line_is(L(""), "") == 0);
}

static void
t_set_field(void)
{
	struct buf b = BUF_INIT;

	CHECK(users_line_set_field(L("a:old"), 1, "new", &b) == 0);
	CHECK_MEM(b.s, b.len, "a:new");
	buf_truncate(&b, 0);
	CHECK(users_line_set_field(L("a:old:1:2:g:h:s:quota=1:tail"), 1, "N",
	    &b) == 0);
	CHECK_MEM(b.s, b.len, "a:N:1:2:g:h:s:quota=1:tail");
	buf_truncate(&b, 0);
	CHECK(users_line_set_field(L("a:p"), 7, "quota=5", &b) == 0);
	CHECK_MEM(b.s, b.len, "a:p::::::quota=5");
	buf_truncate(&b, 0);
	CHECK(users_line_set_field(L("a:p:1 \r"), 1, "q", &b) == 0);
	CHECK_MEM(b.s, b.len, "a:q:1");
	buf_truncate(&b, 0);
	errno = 0;
	CHECK(users_line_set_field(L("a:p"), 1, "x:y", &b) == -1);
	CHECK(errno == EINVAL);
	CHECK(users_line_set_field(L("a:p"), 1, "x y", &b) == -1);
	CHECK(users_line_set_field(L("a:p"), 0, "b", &b) == -1);
	CHECK(b.len == 0);
	buf_free(&b);
}

static void
t_set_extra(void)
{
	struct buf b = BUF_INIT;

	CHECK(users_line_set_extra(L("a:p"), "quota", "10", &b) == 0);
	CHECK_MEM(b.s, b.len, "a:p::::::quota=10");
	buf_truncate(&b, 0);
	CHECK(users_line_set_extra(L("a:p::::::mailbox=mbox QUOTA=1  x=y"),
	    "quota", "20", &b) == 0);
	CHECK_MEM(b.s, b.len, "a:p::::::mailbox=mbox quota=20 x=y");
	buf_truncate(&b, 0);
	CHECK(users_line_set_extra(L("a:p::::::quota=1 x=y quota=2"), "quota",
	    NULL, &b) == 0);
	CHECK_MEM(b.s, b.len, "a:p::::::x=y");
	buf_truncate(&b, 0);
	/* quota_messages is not quota */
	CHECK(users_line_set_extra(L("a:p::::::quota_messages=3"), "quota",
	    "4", &b) == 0);
	CHECK_MEM(b.s, b.len, "a:p::::::quota_messages=3 quota=4");
	buf_truncate(&b, 0);
	CHECK(users_line_set_extra(L("a:p"), "quota", "1 2", &b) == -1);
	CHECK(users_line_set_extra(L("a:p"), "a=b", "1", &b) == -1);
	CHECK(users_line_set_extra(L("a:p"), "", "1", &b) == -1);
	buf_free(&b);
}

static char root[64];

static void
make_root(const char *users)
{
	char p[128];

	str_copy(root, sizeof root, "/tmp/test_users_edit.XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	str_fmt(p, sizeof p, "%s/etc", root);
	CHECK(mkdir(p, 0700) == 0);
	str_fmt(p, sizeof p, "%s/etc/users", root);
	if (users != NULL)
		CHECK(sf_write_atomic(p, users, strlen(users), 0600) == 0);
}

static void
read_users(struct buf *b)
{
	char p[128];

	buf_truncate(b, 0);
	str_fmt(p, sizeof p, "%s/etc/users", root);
	CHECK(sf_read_small(p, 1 << 20, b) == 0);
}

static void
remove_root(void)
{
	char cmd[128];

	str_fmt(cmd, sizeof cmd, "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
}

static void
t_editor(void)
{
	static const char users[] =
	    "# head\n"
	    "a@x.test:{PLAIN}1\n"
	    "\n"
	    "b@x.test:{PLAIN}2:1:2:gecos:/h:/s:mailbox=mbox k=v\n"
	    "a@x.test:{PLAIN}shadowed\n"
	    "c@x.test:{PLAIN}3";		/* no final newline */
	struct users_edit u;
	struct buf b = BUF_INIT;

	make_root(users);
	CHECK(users_edit_begin(&u, root, 1) == 0);
	CHECK(users_edit_find(&u, "B@X.TEST", &b) == 1);
	CHECK_MEM(b.s, b.len, "b@x.test:{PLAIN}2:1:2:gecos:/h:/s:mailbox=mbox k=v");
	CHECK(users_edit_find(&u, "d@x.test", NULL) == 0);
	CHECK(users_edit_set_field(&u, "A@x.test", 1, "{PLAIN}9") == 1);
	CHECK(users_edit_set_extra(&u, "b@x.test", "quota", "7") == 1);
	CHECK(users_edit_set_extra(&u, "d@x.test", "quota", "7") == 0);
	CHECK(users_edit_add(&u, "d@x.test:{PLAIN}4") == 0);
	CHECK(users_edit_add(&u, "e@x.test:{PLAIN}5\nf:x") == -1);
	CHECK(users_edit_commit(&u) == 0);
	users_edit_end(&u);
	read_users(&b);
	CHECK_MEM(b.s, b.len, "# head\n"
	    "a@x.test:{PLAIN}9\n"
	    "\n"
	    "b@x.test:{PLAIN}2:1:2:gecos:/h:/s:mailbox=mbox k=v quota=7\n"
	    "a@x.test:{PLAIN}shadowed\n"
	    "c@x.test:{PLAIN}3\n"
	    "d@x.test:{PLAIN}4\n");

	CHECK(users_edit_begin(&u, root, 1) == 0);
	CHECK(users_edit_remove(&u, "a@X.test") == 2);
	CHECK(users_edit_remove(&u, "zz@x.test") == 0);
	CHECK(users_edit_commit(&u) == 0);
	users_edit_end(&u);
	read_users(&b);
	CHECK_MEM(b.s, b.len, "# head\n"
	    "\n"
	    "b@x.test:{PLAIN}2:1:2:gecos:/h:/s:mailbox=mbox k=v quota=7\n"
	    "c@x.test:{PLAIN}3\n"
	    "d@x.test:{PLAIN}4\n");
	buf_free(&b);
	remove_root();
}

static void
t_editor_no_commit_changes_nothing(void)
{
	struct users_edit u;
	struct buf b = BUF_INIT;

	make_root("a@x.test:{PLAIN}1\n");
	CHECK(users_edit_begin(&u, root, 1) == 0);
	CHECK(users_edit_remove(&u, "a@x.test") == 1);
	users_edit_end(&u);
	read_users(&b);
	CHECK_MEM(b.s, b.len, "a@x.test:{PLAIN}1\n");
	buf_free(&b);
	remove_root();
}

static void
t_editor_new_file_and_lock_timeout(void)
{
	struct users_edit u, v;
	struct buf b = BUF_INIT;
	char p[128];
	struct stat st;

	make_root(NULL);
	CHECK(users_edit_begin(&u, root, 1) == 0);
	CHECK(u.text.len == 0);
	/* a second editor (another open file description) times out */
	errno = 0;
	CHECK(users_edit_begin(&v, root, 0) == -1);
	CHECK(errno == ETIMEDOUT);
	CHECK(users_edit_add(&u, "a@x.test:{PLAIN}1") == 0);
	CHECK(users_edit_commit(&u) == 0);
	users_edit_end(&u);
	read_users(&b);
	CHECK_MEM(b.s, b.len, "a@x.test:{PLAIN}1\n");
	str_fmt(p, sizeof p, "%s/etc/users", root);
	CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0640);
	str_fmt(p, sizeof p, "%s/etc/users.tmp", root);
	CHECK(stat(p, &st) == -1 && errno == ENOENT);
	CHECK(users_edit_begin(&v, root, 0) == 0);
	users_edit_end(&v);
	buf_free(&b);
	remove_root();
}

int
main(void)
{
	RUN(t_line_is);
	RUN(t_set_field);
	RUN(t_set_extra);
	RUN(t_editor);
	RUN(t_editor_no_commit_changes_nothing);
	RUN(t_editor_new_file_and_lock_timeout);
	return tap_done();
}
