/* conf: the installation root and ROOT/etc files; see include/conf.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "line.h"
#include "str.h"

const char *
conf_root(const char *opt)
{
	const char *env;

	if (opt != NULL && *opt != '\0')
		return opt;
	env = getenv("MAILKIT_ROOT");
	if (env != NULL && *env != '\0')
		return env;
	return MAILKIT_ROOT_DEFAULT;
}

int
conf_path(char *out, size_t size, const char *root, const char *rel)
{
	return str_fmt(out, size, "%s/%s", root, rel);
}

/* Trim a raw line in place; returns its length, 0 for blank or comment. */
static size_t
clean_item(char *s, size_t n, char **start)
{
	n = str_rtrim(s, n);
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	*start = s;
	if (n == 0 || *s == '#')
		return 0;
	return n;
}

int
conf_each(const char *root, const char *rel,
    int (*fn)(void *arg, char *item, size_t len), void *arg)
{
	char path[4096], line[CONF_LINE_MAX + 1], *item;
	struct io io;
	struct line ln;
	size_t n;
	int fd, k, r = 0;

	if (conf_path(path, sizeof path, root, rel) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	io_init(&io, fd, -1, 0);
	/* line_read, not fgets: a NUL or an overlong line is seen, never
	 * silently cut */
	while ((k = line_read(&io, line, sizeof line, &ln)) == 1) {
		if (ln.flags & (LINE_NUL | LINE_TOO_LONG)) {
			errno = EINVAL;
			r = -1;
			break;
		}
		n = clean_item(ln.s, ln.len, &item);
		if (n == 0)
			continue;
		r = fn(arg, item, n);
		if (r != 0)
			break;
	}
	if (r == 0 && k < 0)
		r = -1;
	close(fd);
	return r;
}

struct first_arg {
	char *out;
	size_t size;
	int found;
};

static int
take_first(void *arg, char *item, size_t n)
{
	struct first_arg *a = arg;

	if (str_copyn(a->out, a->size, item, n) < 0)
		return -1;
	a->found = 1;
	return 1;
}

int
conf_first(const char *root, const char *rel, char *out, size_t size)
{
	struct first_arg a = { out, size, 0 };

	if (size)
		out[0] = '\0';
	if (conf_each(root, rel, take_first, &a) < 0)
		return -1;
	return a.found;
}

int
conf_number(const char *root, const char *rel, unsigned long long def,
    unsigned long long *out)
{
	char s[64];
	uint64_t v;
	int r;

	r = conf_first(root, rel, s, sizeof s);
	if (r < 0)
		return -1;
	if (r == 0) {
		*out = def;
		return 0;
	}
	if (str_to_u64(s, strlen(s), &v) < 0)
		return errno = EINVAL, -1;
	*out = v;
	return 0;
}

static int
match_domain(void *arg, char *item, size_t n)
{
	const char *d = arg;

	return str_case_eq(item, n, d, strlen(d));
}

int
conf_is_local_domain(const char *root, const char *domain)
{
	return conf_each(root, "etc/domains", match_domain, (void *)domain) == 1;
}

int
conf_me(const char *root, char *out, size_t size)
{
	int r = conf_first(root, "etc/me", out, size);

	if (r < 0)
		return -1;
	if (r == 0 && gethostname(out, size) < 0)
		return -1;
	out[size - 1] = '\0';
	return 0;
}

struct alias_arg {
	const char *name;
	struct buf *out;
	int count;
};

static int
match_alias(void *arg, char *item, size_t n)
{
	struct alias_arg *a = arg;
	char *colon = memchr(item, ':', n), *p, *end = item + n, *t;
	size_t k;

	if (colon == NULL)
		return 0;
	k = str_rtrim(item, (size_t)(colon - item));
	if (!str_case_eq(item, k, a->name, strlen(a->name)))
		return 0;
	for (p = colon + 1; p < end; p = t + 1) {
		t = p + strcspn(p, ",");
		if (t > end)
			t = end;
		while (p < t && (*p == ' ' || *p == '\t'))
			p++;
		k = (size_t)(t - p);
		while (k > 0 && (p[k - 1] == ' ' || p[k - 1] == '\t'))
			k--;
		if (k > 0) {
			if (buf_add(a->out, p, k) < 0 || buf_addc(a->out, 0) < 0)
				return -1;
			a->count++;
		}
	}
	return 1;
}

int
conf_alias(const char *root, const char *address, struct buf *out)
{
	struct alias_arg a = { address, out, 0 };
	char local[CONF_LINE_MAX];
	const char *at = strrchr(address, '@');

	if (conf_each(root, "etc/aliases", match_alias, &a) < 0)
		return -1;
	if (a.count > 0 || at == NULL || !conf_is_local_domain(root, at + 1))
		return a.count;
	/* "postmaster: ..." serves postmaster@ every local domain */
	if (str_copyn(local, sizeof local, address, (size_t)(at - address)) < 0)
		return 0;
	a.name = local;
	if (conf_each(root, "etc/aliases", match_alias, &a) < 0)
		return -1;
	return a.count;
}
