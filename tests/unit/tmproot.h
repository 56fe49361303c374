/*
 * tmproot.h: a scratch ROOT for the unit tests of the programs' libraries
 * (include after tap.h; link with libmailkit for safefile and str).
 *
 *	tmproot_make("test_x");	 /tmp/test_x.XXXXXX with etc/ and mail/
 *	tmproot_put("etc/users", text, path, sizeof path);  path may be NULL
 *	tmproot_read("etc/users", &b);
 *	fd = tmproot_input(s, n);	 a pipe's read end holding s
 *	tmproot_remove();
 */
#ifndef MAILKIT_TMPROOT_H
#define MAILKIT_TMPROOT_H

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "safefile.h"
#include "str.h"

static char tmproot[64];

static inline void
tmproot_make(const char *prefix)
{
	char p[128];

	str_fmt(tmproot, sizeof tmproot, "/tmp/%s.XXXXXX", prefix);
	CHECK(mkdtemp(tmproot) != NULL);
	str_fmt(p, sizeof p, "%s/etc", tmproot);
	CHECK(mkdir(p, 0755) == 0);
	str_fmt(p, sizeof p, "%s/mail", tmproot);
	CHECK(mkdir(p, 0755) == 0);
}

static inline void
tmproot_put(const char *name, const char *text, char *path, size_t size)
{
	char p[160];

	str_fmt(p, sizeof p, "%s/%s", tmproot, name);
	CHECK(sf_write_atomic(p, text, strlen(text), 0640) == 0);
	if (path != NULL)
		str_copy(path, size, p);
}

static inline void
tmproot_read(const char *name, struct buf *b)
{
	char p[160];

	buf_truncate(b, 0);
	str_fmt(p, sizeof p, "%s/%s", tmproot, name);
	CHECK(sf_read_small(p, 1 << 20, b) == 0);
}

static inline int
tmproot_input(const char *s, size_t n)
{
	int p[2];

	CHECK(pipe(p) == 0);
	CHECK(write(p[1], s, n) == (ssize_t)n);
	close(p[1]);
	return p[0];
}

static inline void
tmproot_remove(void)
{
	char cmd[128];

	str_fmt(cmd, sizeof cmd, "rm -rf '%s'", tmproot);
	CHECK(system(cmd) == 0);
}

#endif
