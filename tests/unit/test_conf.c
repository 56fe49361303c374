/* Unit tests: ROOT/etc files (lib/conf.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "str.h"
#include "tap.h"

static char root[] = "/tmp/mk-conf-XXXXXX";

static void
put_file(const char *rel, const void *data, size_t n)
{
	char path[512];
	FILE *f;

	if (str_fmt(path, sizeof path, "%s/%s", root, rel) < 0 ||
	    (f = fopen(path, "w")) == NULL)
		abort();
	if (fwrite(data, 1, n, f) != n || fclose(f) != 0)
		abort();
}

static void
put(const char *rel, const char *text)
{
	put_file(rel, text, strlen(text));
}

static void
rm(const char *rel)
{
	char path[512];

	if (str_fmt(path, sizeof path, "%s/%s", root, rel) == 0)
		unlink(path);
}

/* conf_each collector: items joined with '|'. */
static int
collect(void *arg, char *item, size_t len)
{
	struct buf *b = arg;

	CHECK(strlen(item) == len);
	if (b->len)
		buf_addc(b, '|');
	buf_add(b, item, len);
	return 0;
}

static int
stop_at_b(void *arg, char *item, size_t len)
{
	int *count = arg;

	(*count)++;
	return len == 1 && item[0] == 'b' ? 7 : 0;
}

static void
t_root(void)
{
	char p[32];

	setenv("MAILKIT_ROOT", "/from/env", 1);
	CHECK_STR(conf_root("/opt"), "/opt");
	CHECK_STR(conf_root(""), "/from/env");
	CHECK_STR(conf_root(NULL), "/from/env");
	unsetenv("MAILKIT_ROOT");
	CHECK_STR(conf_root(NULL), MAILKIT_ROOT_DEFAULT);
	setenv("MAILKIT_ROOT", "", 1);
	CHECK_STR(conf_root(NULL), MAILKIT_ROOT_DEFAULT);
	unsetenv("MAILKIT_ROOT");
	CHECK(conf_path(p, sizeof p, "/r", "etc/me") == 0);
	CHECK_STR(p, "/r/etc/me");
	CHECK(conf_path(p, 9, "/r", "etc/me") == -1 && errno == ENAMETOOLONG);
}

static void
t_each(void)
{
	struct buf b = BUF_INIT;
	int count = 0;

	put("etc/list", "# comment\n\n  one  \n\ttwo\t\r\n   \n"
	    "   # indented comment\nthree # not a comment\nlast");
	CHECK(conf_each(root, "etc/list", collect, &b) == 0);
	CHECK_MEM(b.s, b.len, "one|two|three # not a comment|last");
	CHECK(conf_each(root, "etc/list", stop_at_b, &count) == 0);
	CHECK(count == 4);
	put("etc/list", "a\nb\nc\n");
	count = 0;
	CHECK(conf_each(root, "etc/list", stop_at_b, &count) == 7);
	CHECK(count == 2);
	/* absent file: no items, no error */
	buf_truncate(&b, 0);
	CHECK(conf_each(root, "etc/absent", collect, &b) == 0);
	CHECK(b.len == 0);
	/* empty file */
	put("etc/list", "");
	CHECK(conf_each(root, "etc/list", collect, &b) == 0 && b.len == 0);
	/* a directory is a read error */
	CHECK(conf_each(root, "etc", collect, &b) == -1);
	rm("etc/list");
	buf_free(&b);
}

static void
t_long_lines(void)
{
	char line[CONF_LINE_MAX + 8];
	struct buf b = BUF_INIT;

	/* exactly CONF_LINE_MAX bytes: fine, with LF, CRLF or at EOF */
	memset(line, 'x', CONF_LINE_MAX);
	memcpy(line + CONF_LINE_MAX, "\n", 1);
	put_file("etc/long", line, CONF_LINE_MAX + 1);
	CHECK(conf_each(root, "etc/long", collect, &b) == 0);
	CHECK(b.len == CONF_LINE_MAX);
	buf_truncate(&b, 0);
	memcpy(line + CONF_LINE_MAX, "\r\nz\n", 4);
	put_file("etc/long", line, CONF_LINE_MAX + 4);
	CHECK(conf_each(root, "etc/long", collect, &b) == 0);
	CHECK(b.len == CONF_LINE_MAX + 2 && b.s[b.len - 1] == 'z');
	buf_truncate(&b, 0);
	put_file("etc/long", line, CONF_LINE_MAX);
	CHECK(conf_each(root, "etc/long", collect, &b) == 0);
	CHECK(b.len == CONF_LINE_MAX);
	buf_truncate(&b, 0);

	/* one more: the whole file is refused, not half-read */
	memset(line, 'x', CONF_LINE_MAX + 1);
	memcpy(line + CONF_LINE_MAX + 1, "\n", 1);
	put_file("etc/long", line, CONF_LINE_MAX + 2);
	errno = 0;
	CHECK(conf_each(root, "etc/long", collect, &b) == -1 && errno == EINVAL);
	memcpy(line + CONF_LINE_MAX + 1, "\r\n", 2);
	put_file("etc/long", line, CONF_LINE_MAX + 3);
	CHECK(conf_each(root, "etc/long", collect, &b) == -1 && errno == EINVAL);
	put_file("etc/long", line, CONF_LINE_MAX + 1);
	CHECK(conf_each(root, "etc/long", collect, &b) == -1 && errno == EINVAL);
	buf_truncate(&b, 0);
	/* a long line after good ones: nothing may have been used */
	{
		struct buf f = BUF_INIT;
		static char big[3 * CONF_LINE_MAX];

		buf_adds(&f, "ok.example\n");
		memset(big, 'y', sizeof big);
		buf_add(&f, big, sizeof big);
		buf_adds(&f, "\nafter\n");
		put_file("etc/long", f.s, f.len);
		CHECK(conf_each(root, "etc/long", collect, &b) == -1);
		buf_free(&f);
	}
	/* a long comment line is just as wrong */
	line[0] = '#';
	put_file("etc/long", line, CONF_LINE_MAX + 2);
	CHECK(conf_each(root, "etc/long", collect, &b) == -1);
	rm("etc/long");
	buf_free(&b);
}

static void
t_nul_byte(void)
{
	struct buf b = BUF_INIT;

	/* a NUL inside a line must not silently shorten the item */
	put_file("etc/nul", "good\nev\0il.example\n", 19);
	CHECK(conf_each(root, "etc/nul", collect, &b) == -1);
	CHECK(errno == EINVAL);
	rm("etc/nul");
	buf_free(&b);
}

static void
t_first(void)
{
	char out[16];

	put("etc/me", "# host\n\n  mx.example.org  \nsecond\n");
	CHECK(conf_first(root, "etc/me", out, sizeof out) == 1);
	CHECK_STR(out, "mx.example.org");
	CHECK(conf_first(root, "etc/absent", out, sizeof out) == 0);
	CHECK_STR(out, "");
	put("etc/empty", "# only a comment\n\n");
	CHECK(conf_first(root, "etc/empty", out, sizeof out) == 0);
	/* does not fit: an error, not a truncated value */
	put("etc/me", "a-very-long-host-name.example\n");
	CHECK(conf_first(root, "etc/me", out, sizeof out) == -1);
	rm("etc/empty");
}

static void
t_number(void)
{
	unsigned long long v = 1;

	CHECK(conf_number(root, "etc/num", 25, &v) == 0 && v == 25);
	put("etc/num", "2525\n");
	CHECK(conf_number(root, "etc/num", 25, &v) == 0 && v == 2525);
	put("etc/num", "  # port\n 0 \n");
	CHECK(conf_number(root, "etc/num", 25, &v) == 0 && v == 0);
	put("etc/num", "18446744073709551615\n");
	CHECK(conf_number(root, "etc/num", 25, &v) == 0);
	CHECK(v == 18446744073709551615ULL);
	v = 7;
	put("etc/num", "18446744073709551616\n");
	CHECK(conf_number(root, "etc/num", 25, &v) == -1 && v == 7);
	put("etc/num", "-1\n");
	CHECK(conf_number(root, "etc/num", 25, &v) == -1 && errno == EINVAL);
	put("etc/num", "12 34\n");
	CHECK(conf_number(root, "etc/num", 25, &v) == -1);
	put("etc/num", "0x10\n");
	CHECK(conf_number(root, "etc/num", 25, &v) == -1);
	put("etc/num", "\n");
	CHECK(conf_number(root, "etc/num", 25, &v) == 0 && v == 25);
	rm("etc/num");
}

static void
t_local_domain(void)
{
	CHECK(conf_is_local_domain(root, "example.org") == 0);
	put("etc/domains", "# ours\nExample.ORG\n  mail.example.net \n");
	CHECK(conf_is_local_domain(root, "example.org") == 1);
	CHECK(conf_is_local_domain(root, "EXAMPLE.org") == 1);
	CHECK(conf_is_local_domain(root, "mail.example.net") == 1);
	CHECK(conf_is_local_domain(root, "example.net") == 0);
	CHECK(conf_is_local_domain(root, "xexample.org") == 0);
	CHECK(conf_is_local_domain(root, "example.org.") == 0);
	CHECK(conf_is_local_domain(root, "") == 0);
	CHECK(conf_is_local_domain(root, "# ours") == 0);
	rm("etc/domains");
}

static void
t_me(void)
{
	char out[256], host[256];

	put("etc/me", "mx.example.org\n");
	CHECK(conf_me(root, out, sizeof out) == 0);
	CHECK_STR(out, "mx.example.org");
	rm("etc/me");
	CHECK(gethostname(host, sizeof host) == 0);
	host[sizeof host - 1] = '\0';
	CHECK(conf_me(root, out, sizeof out) == 0);
	CHECK(strcmp(out, host) == 0);
}

static void
t_alias(void)
{
	struct buf b = BUF_INIT;

	CHECK(conf_alias(root, "postmaster", &b) == 0 && b.len == 0);
	put("etc/aliases", "# aliases\n"
	    "postmaster: root@example.org\n"
	    "Team : a@x.org,b@y.org ,  c@z.org,,\t\n"
	    "empty:\n"
	    "no colon line\n"
	    "team: shadowed@x.org\n");
	CHECK(conf_alias(root, "postmaster", &b) == 1);
	CHECK_MEM(b.s, b.len, "root@example.org\0");
	buf_truncate(&b, 0);
	CHECK(conf_alias(root, "TEAM", &b) == 3);
	CHECK(b.len == 24);
	CHECK(memcmp(b.s, "a@x.org\0b@y.org\0c@z.org\0", 24) == 0);
	buf_truncate(&b, 0);
	CHECK(conf_alias(root, "empty", &b) == 0 && b.len == 0);
	CHECK(conf_alias(root, "nobody", &b) == 0 && b.len == 0);
	CHECK(conf_alias(root, "post", &b) == 0);
	CHECK(conf_alias(root, "no colon line", &b) == 0);
	/* appends to what the buffer holds */
	buf_adds(&b, "x");
	CHECK(conf_alias(root, "postmaster", &b) == 1);
	CHECK(b.len == 18 && memcmp(b.s, "xroot@example.org", 18) == 0);
	rm("etc/aliases");
	buf_free(&b);
}

int
main(void)
{
	char path[64];

	if (mkdtemp(root) == NULL ||
	    str_fmt(path, sizeof path, "%s/etc", root) < 0 ||
	    mkdir(path, 0755) < 0)
		abort();
	RUN(t_root);
	RUN(t_each);
	RUN(t_long_lines);
	RUN(t_nul_byte);
	RUN(t_first);
	RUN(t_number);
	RUN(t_local_domain);
	RUN(t_me);
	RUN(t_alias);
	rm("etc/me");
	rmdir(path);
	if (rmdir(root) < 0)
		printf("# could not remove %s\n", root);
	return tap_done();
}
