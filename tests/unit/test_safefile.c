/* Unit tests: durable file helpers (lib/safefile.c). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "safefile.h"
#include "str.h"
#include "tap.h"

static char root[] = "/tmp/mk-sf-XXXXXX";

static const char *
at(const char *rel)
{
	static char p[4][512];
	static int i;

	i = (i + 1) % 4;
	if (str_fmt(p[i], sizeof p[i], "%s/%s", root, rel) < 0)
		abort();
	return p[i];
}

/* Names in dir other than . and .., joined with '|', sorted by readdir
 * order (tests only look at counts or single names). */
static int
entries(const char *dir, char *out, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t o = 0;
	int n = 0;

	out[0] = '\0';
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		size_t k = strlen(e->d_name);
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (o + k + 2 < size) {
			if (o)
				out[o++] = '|';
			memcpy(out + o, e->d_name, k);
			o += k;
			out[o] = '\0';
		}
		n++;
	}
	closedir(d);
	return n;
}

static int
file_is(const char *path, const char *data, size_t n)
{
	struct buf b = BUF_INIT;
	int ok;

	ok = sf_read_small(path, n + 1, &b) == 0 && b.len == n &&
	    (n == 0 || memcmp(b.s, data, n) == 0);
	buf_free(&b);
	return ok;
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

static void
t_write_atomic(void)
{
	static const char data[] = "line one\nline\0two\n";
	char names[256];

	CHECK(sf_mkdirs(at("w"), 0755) == 0);
	CHECK(sf_write_atomic(at("w/f"), data, sizeof data - 1, 0640) == 0);
	CHECK(file_is(at("w/f"), data, sizeof data - 1));
	CHECK(mode_of(at("w/f")) == 0640);
	/* no temp file left beside it */
	CHECK(entries(at("w"), names, sizeof names) == 1);
	CHECK_STR(names, "f");

	/* replacing: new content, new mode, same single name */
	CHECK(sf_write_atomic(at("w/f"), "x", 1, 0600) == 0);
	CHECK(file_is(at("w/f"), "x", 1));
	CHECK(mode_of(at("w/f")) == 0600);
	CHECK(entries(at("w"), names, sizeof names) == 1);

	/* empty content */
	CHECK(sf_write_atomic(at("w/f"), "", 0, 0644) == 0);
	CHECK(file_is(at("w/f"), "", 0));
	CHECK(entries(at("w"), names, sizeof names) == 1);
	unlink(at("w/f"));
}

static void
t_write_mode_ignores_umask(void)
{
	mode_t old = umask(077);

	CHECK(sf_write_atomic(at("w/g"), "a", 1, 0644) == 0);
	umask(old);
	CHECK(mode_of(at("w/g")) == 0644);
	unlink(at("w/g"));
}

static void
t_write_big(void)
{
	size_t n = 1 << 20, i;
	char *p = malloc(n);
	struct buf b = BUF_INIT;

	if (p == NULL)
		abort();
	for (i = 0; i < n; i++)
		p[i] = (char)(i * 7 + i / 251);
	CHECK(sf_write_atomic(at("w/big"), p, n, 0600) == 0);
	CHECK(sf_read_small(at("w/big"), n, &b) == 0);
	CHECK(b.len == n && memcmp(b.s, p, n) == 0);
	buf_free(&b);
	free(p);
	unlink(at("w/big"));
}

static void
t_write_fails_cleanly(void)
{
	char names[256];

	/* the directory does not exist */
	errno = 0;
	CHECK(sf_write_atomic(at("nodir/f"), "a", 1, 0600) == -1);
	CHECK(errno == ENOENT);
	/* the target is a directory: the rename fails, no temp is left */
	CHECK(mkdir(at("w/isdir"), 0755) == 0);
	CHECK(sf_write_atomic(at("w/isdir"), "a", 1, 0600) == -1);
	CHECK(entries(at("w"), names, sizeof names) == 1);
	CHECK_STR(names, "isdir");
	rmdir(at("w/isdir"));
	/* a symlink where the temp file would go is not followed */
	{
		char tmp[600];
		CHECK(str_fmt(tmp, sizeof tmp, "%s.tmp.%ld", at("w/s"),
		    (long)getpid()) == 0);
		CHECK(symlink(at("w/victim"), tmp) == 0);
		CHECK(sf_write_atomic(at("w/s"), "a", 1, 0600) == -1);
		CHECK(access(at("w/victim"), F_OK) == -1);
		unlink(tmp);
	}
	CHECK(entries(at("w"), names, sizeof names) == 0);
	/* a path too long for the temp name */
	{
		char longp[5000];
		memset(longp, 'a', sizeof longp - 1);
		longp[0] = '/';
		longp[sizeof longp - 1] = '\0';
		CHECK(sf_write_atomic(longp, "a", 1, 0600) == -1);
	}
}

static void
t_rename_and_fsync(void)
{
	CHECK(sf_write_atomic(at("w/a"), "A", 1, 0600) == 0);
	CHECK(sf_mkdirs(at("w/sub"), 0700) == 0);
	CHECK(sf_rename_durable(at("w/a"), at("w/sub/b")) == 0);
	CHECK(access(at("w/a"), F_OK) == -1);
	CHECK(file_is(at("w/sub/b"), "A", 1));
	CHECK(sf_rename_durable(at("w/a"), at("w/sub/c")) == -1);
	CHECK(errno == ENOENT);
	CHECK(sf_fsync_dir(at("w")) == 0);
	CHECK(sf_fsync_dir(at("w/sub/b")) == -1);
	CHECK(sf_fsync_dir(at("w/none")) == -1);
	CHECK(sf_fsync_parent(at("w/sub/b")) == 0);
	CHECK(sf_fsync_parent(at("w/none/x")) == -1);
	CHECK(sf_fsync_parent("/") == 0);
	CHECK(sf_fsync_parent("relative-name") == 0);
	unlink(at("w/sub/b"));
	rmdir(at("w/sub"));
}

static void
t_mkdirs(void)
{
	struct stat st;
	mode_t old = umask(0);

	CHECK(sf_mkdirs(at("m/a/b/c"), 0750) == 0);
	umask(old);
	CHECK(stat(at("m/a/b/c"), &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(mode_of(at("m/a")) == 0750);
	CHECK(mode_of(at("m/a/b/c")) == 0750);
	/* again: nothing to do is fine */
	CHECK(sf_mkdirs(at("m/a/b/c"), 0750) == 0);
	CHECK(sf_mkdirs(at("m/a/b/c/"), 0750) == 0);
	CHECK(sf_mkdirs(at("m//a//d"), 0750) == 0);
	CHECK(stat(at("m/a/d"), &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(sf_mkdirs("/", 0755) == 0);
	CHECK(sf_mkdirs(root, 0755) == 0);

	/* a file in the way */
	CHECK(sf_write_atomic(at("m/file"), "x", 1, 0600) == 0);
	errno = 0;
	CHECK(sf_mkdirs(at("m/file/sub"), 0755) == -1 && errno == ENOTDIR);
	errno = 0;
	CHECK(sf_mkdirs(at("m/file"), 0755) == -1 && errno == ENOTDIR);
	errno = 0;
	CHECK(sf_mkdirs("", 0755) == -1 && errno == ENOENT);
	unlink(at("m/file"));
	rmdir(at("m/a/b/c"));
	rmdir(at("m/a/b"));
	rmdir(at("m/a/d"));
	rmdir(at("m/a"));
	rmdir(at("m"));
}

static void
t_read_small(void)
{
	struct buf b = BUF_INIT;
	static char data[10000];
	size_t i;

	for (i = 0; i < sizeof data; i++)
		data[i] = (char)('a' + i % 26);
	CHECK(sf_write_atomic(at("w/r"), data, sizeof data, 0600) == 0);
	CHECK(sf_read_small(at("w/r"), sizeof data, &b) == 0);
	CHECK(b.len == sizeof data && memcmp(b.s, data, sizeof data) == 0);
	CHECK(b.s[b.len] == '\0');
	buf_truncate(&b, 0);
	errno = 0;
	CHECK(sf_read_small(at("w/r"), sizeof data - 1, &b) == -1);
	CHECK(errno == EFBIG);
	buf_truncate(&b, 0);
	CHECK(sf_read_small(at("w/r"), 100, &b) == -1 && errno == EFBIG);
	/* the limit is on the file, not on what the buffer already holds */
	buf_set(&b, "head:", 5);
	CHECK(sf_read_small(at("w/r"), sizeof data, &b) == 0);
	CHECK(b.len == 5 + sizeof data && memcmp(b.s, "head:", 5) == 0);
	buf_truncate(&b, 0);
	errno = 0;
	CHECK(sf_read_small(at("w/none"), 10, &b) == -1 && errno == ENOENT);
	CHECK(sf_write_atomic(at("w/r"), "", 0, 0600) == 0);
	CHECK(sf_read_small(at("w/r"), 0, &b) == 0 && b.len == 0);
	CHECK(sf_write_atomic(at("w/r"), "1", 1, 0600) == 0);
	CHECK(sf_read_small(at("w/r"), 0, &b) == -1 && errno == EFBIG);
	unlink(at("w/r"));
	buf_free(&b);
}

int
main(void)
{
	if (mkdtemp(root) == NULL)
		abort();
	RUN(t_write_atomic);
	RUN(t_write_mode_ignores_umask);
	RUN(t_write_big);
	RUN(t_write_fails_cleanly);
	RUN(t_rename_and_fsync);
	RUN(t_mkdirs);
	RUN(t_read_small);
	rmdir(at("w"));
	if (rmdir(root) < 0)
		printf("# could not remove %s\n", root);
	return tap_done();
}
