/* route: static routes and TLS policy per domain; see include/route.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "route.h"
#include "sasl.h"
#include "str.h"

struct match {
	const char *domain;
	char line[CONF_LINE_MAX];	/* the exact match, else "*" */
	int exact, star;
};

static size_t
first_word(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i] != ' ' && s[i] != '\t'; i++)
		;
	return i;
}

static int
match_line(void *arg, char *item, size_t n)
{
	struct match *m = arg;
	size_t w = first_word(item, n);

	if (str_case_eq(item, w, m->domain, strlen(m->domain))) {
		str_copyn(m->line, sizeof m->line, item, n);
		m->exact = 1;
		return 1;
	}
	if (w == 1 && item[0] == '*' && !m->star) {
		str_copyn(m->line, sizeof m->line, item, n);
		m->star = 1;
	}
	return 0;
}

static int
find(const char *root, const char *rel, const char *domain,
    struct match *m)
{
	memset(m, 0, sizeof *m);
	m->domain = domain;
	if (conf_each(root, rel, match_line, m) < 0)
		return -1;
	return m->exact || m->star;
}

static char *
next_word(char **p)
{
	char *w;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	if (**p == '\0')
		return NULL;
	w = *p;
	while (**p && **p != ' ' && **p != '\t')
		(*p)++;
	if (**p)
		*(*p)++ = '\0';
	return w;
}

static int
parse_hostport(const char *w, struct route *r)
{
	const char *colon, *close = NULL;
	uint64_t port;
	size_t hl;

	if (w[0] == '[') {
		close = strchr(w, ']');
		if (close == NULL)
			return -1;
		colon = close[1] == ':' ? close + 1 : NULL;
		if (close[1] != '\0' && colon == NULL)
			return -1;
		hl = (size_t)(close - w - 1);
		w++;
	} else {
		colon = strrchr(w, ':');
		hl = colon ? (size_t)(colon - w) : strlen(w);
	}
	if (hl == 0 || str_copyn(r->host, sizeof r->host, w, hl) < 0)
		return -1;
	if (colon == NULL)
		return 0;
	if (str_to_u64(colon + 1, strlen(colon + 1), &port) < 0 ||
	    port == 0 || port > 65535)
		return -1;
	r->port = (unsigned)port;
	r->smtps = port == 465;	/* RFC 8314: the submissions port */
	return 0;
}

int
route_lookup(const char *root, const char *domain, struct route *r)
{
	struct match m;
	char *p, *w;
	int f;

	memset(r, 0, sizeof *r);
	f = find(root, "etc/routes", domain, &m);
	if (f <= 0)
		return f;
	p = m.line;
	next_word(&p);
	w = next_word(&p);
	if (w == NULL || parse_hostport(w, r) < 0)
		return errno = EINVAL, -1;
	while ((w = next_word(&p)) != NULL) {
		if (strcmp(w, "tls") == 0)
			r->tls = 1;
		else if (strcmp(w, "smtps") == 0)
			r->smtps = 1;
		else if (strncmp(w, "auth=", 5) == 0 && w[5] != '\0') {
			if (str_copy(r->auth, sizeof r->auth, w + 5) < 0)
				return errno = EINVAL, -1;
		} else
			return errno = EINVAL, -1;
	}
	return 1;
}

enum tls_policy
route_tls_policy(const char *root, const char *domain)
{
	static const char *const names[] = { "none", "may", "encrypt",
	    "verify" };
	struct match m;
	char *p, *w;
	unsigned i;

	if (find(root, "etc/tls-policy", domain, &m) <= 0)
		return TLS_MAY;
	p = m.line;
	next_word(&p);
	w = next_word(&p);
	for (i = 0; w != NULL && i < 4; i++)
		if (strcmp(w, names[i]) == 0)
			return (enum tls_policy)i;
	return TLS_VERIFY;	/* a line we cannot read: be strict */
}

/* A password file is a regular file of the mail user that nobody else
 * may read or change.  0, or -1 with the reason in why. */
static int
check_secret(int fd, const char *path, char *why, size_t whysize)
{
	struct stat st;
	int e;

	if (fstat(fd, &st) < 0) {
		e = errno;
		(void)str_fmt(why, whysize, "cannot read %s: %s", path,
		    strerror(e));
		return errno = e, -1;
	}
	if (!S_ISREG(st.st_mode))
		(void)str_fmt(why, whysize, "%s is not a regular file "
		    "(mode %06o)", path, (unsigned)st.st_mode);
	else if (st.st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH))
		(void)str_fmt(why, whysize, "%s has mode %04o: group or "
		    "others may read or write it (chmod 600)", path,
		    (unsigned)(st.st_mode & 07777));
	else if (st.st_uid != geteuid())
		(void)str_fmt(why, whysize, "%s belongs to uid %u, not to "
		    "the mail user (uid %u)", path, (unsigned)st.st_uid,
		    (unsigned)geteuid());
	else
		return 0;
	return errno = EPERM, -1;
}

/* The whole file into b (it must be shorter than size): 0 or -1. */
static int
read_all(int fd, char *b, size_t size, size_t *len)
{
	ssize_t r;

	*len = 0;
	while (*len < size) {
		r = read(fd, b + *len, size - *len);
		if (r == 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (r > 0)
			*len += (size_t)r;
	}
	return errno = EFBIG, -1;
}

/* First line user, second line password. */
static int
parse_secret(char *b, size_t len, char *user, size_t usize, char *pass,
    size_t psize)
{
	char *nl = memchr(b, '\n', len), *end;

	if (nl == NULL)
		return -1;
	end = memchr(nl + 1, '\n', len - (size_t)(nl + 1 - b));
	if (end == NULL)
		end = b + len;
	if (str_copyn(user, usize, b, str_rtrim(b, (size_t)(nl - b))) < 0 ||
	    str_copyn(pass, psize, nl + 1, str_rtrim(nl + 1,
	    (size_t)(end - nl - 1))) < 0 || user[0] == '\0' ||
	    pass[0] == '\0')
		return -1;
	return 0;
}

int
route_auth_read(const char *path, char *user, size_t usize, char *pass,
    size_t psize, char *why, size_t whysize)
{
	char b[4096];
	size_t len = 0;
	int fd, r = -1, e;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		e = errno;
		(void)str_fmt(why, whysize, "cannot read %s: %s", path,
		    strerror(e));
		return errno = e, -1;
	}
	if (check_secret(fd, path, why, whysize) < 0)
		e = errno;
	else if (read_all(fd, b, sizeof b, &len) < 0) {
		e = errno;
		(void)str_fmt(why, whysize, "cannot read %s: %s", path,
		    strerror(e));
	} else if (parse_secret(b, len, user, usize, pass, psize) < 0) {
		e = EINVAL;
		(void)str_fmt(why, whysize, "%s: want a user name line and "
		    "a password line", path);
	} else
		r = e = 0;
	mem_wipe(b, sizeof b);
	close(fd);
	errno = e;
	return r;
}

int
route_auth_load(const char *path, char *user, size_t usize, char *pass,
    size_t psize)
{
	char why[PATH_MAX + 128];

	return route_auth_read(path, user, usize, pass, psize, why,
	    sizeof why);
}
