/* users_edit: locked, atomic edits of ROOT/etc/users; see
 * include/users_edit.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "io.h"
#include "safefile.h"
#include "str.h"
#include "users_edit.h"

#define EXTRA_FIELD 7

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int
users_line_is(const char *line, size_t n, const char *address)
{
	const char *colon;

	while (n > 0 && is_space(*line)) {
		line++;
		n--;
	}
	if (n == 0 || *line == '#')
		return 0;
	colon = memchr(line, ':', n);
	if (colon == NULL)
		return 0;
	return str_case_eq(line, (size_t)(colon - line), address,
	    strlen(address));
}

static int
clean_value(const char *v, int allow_space)
{
	for (; *v; v++)
		if (*v == ':' || *v == '\n' || *v == '\r' || *v == '\0' ||
		    (!allow_space && (*v == ' ' || *v == '\t')))
			return 0;
	return 1;
}

int
users_line_set_field(const char *line, size_t n, int idx, const char *value,
    struct buf *out)
{
	const char *f;
	size_t len;
	int i;

	if (idx < 1 || !clean_value(value, idx == EXTRA_FIELD))
		return errno = EINVAL, -1;
	while (n > 0 && is_space(line[n - 1]))
		n--;
	for (i = 0; ; i++) {
		f = account_field(line, n, i, &len);
		if (f == NULL && i > idx)
			return 0;
		if (i > 0 && buf_addc(out, ':') < 0)
			return -1;
		if (i == idx) {
			if (buf_adds(out, value) < 0)
				return -1;
		} else if (f != NULL && buf_add(out, f, len) < 0)
			return -1;
	}
}

static int
key_is(const char *tok, size_t n, const char *key)
{
	const char *eq = memchr(tok, '=', n);
	size_t kn = eq ? (size_t)(eq - tok) : n;

	return str_case_eq(tok, kn, key, strlen(key));
}

/* Append the extra field's tokens with key set or removed. */
static int
rebuild_extra(const char *s, size_t n, const char *key, const char *value,
    struct buf *out)
{
	const char *end = s + n, *t;
	int done = 0;

	while (s < end) {
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		for (t = s; t < end && *t != ' ' && *t != '\t'; t++)
			;
		if (t == s)
			break;
		if (!key_is(s, (size_t)(t - s), key)) {
			if ((out->len && buf_addc(out, ' ') < 0) ||
			    buf_add(out, s, (size_t)(t - s)) < 0)
				return -1;
		} else if (value != NULL && !done) {
			if ((out->len && buf_addc(out, ' ') < 0) ||
			    buf_addf(out, "%s=%s", key, value) < 0)
				return -1;
			done = 1;
		}
		s = t;
	}
	if (value != NULL && !done && ((out->len && buf_addc(out, ' ') < 0) ||
	    buf_addf(out, "%s=%s", key, value) < 0))
		return -1;
	return 0;
}

int
users_line_set_extra(const char *line, size_t n, const char *key,
    const char *value, struct buf *out)
{
	struct buf extra = BUF_INIT;
	const char *f;
	size_t len = 0;
	int r;

	if (*key == '\0' || strchr(key, '=') || !clean_value(key, 0) ||
	    (value && !clean_value(value, 0)))
		return errno = EINVAL, -1;
	while (n > 0 && is_space(line[n - 1]))
		n--;
	f = account_field(line, n, EXTRA_FIELD, &len);
	if (rebuild_extra(f ? f : "", f ? len : 0, key, value, &extra) < 0 ||
	    buf_addc(&extra, '\0') < 0) {
		buf_free(&extra);
		return -1;
	}
	r = users_line_set_field(line, n, EXTRA_FIELD, extra.s, out);
	buf_free(&extra);
	return r;
}

static int
lock_wait(int fd, int timeout)
{
	struct timespec pause = { 0, 5 * 1000 * 1000 };
	long waited_ms = 0;

	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		if (waited_ms >= (long)timeout * 1000)
			return errno = ETIMEDOUT, -1;
		nanosleep(&pause, NULL);
		waited_ms += 5;
	}
}

int
users_edit_begin(struct users_edit *u, const char *root, int timeout)
{
	char lock[PATH_MAX];
	int saved;

	u->lockfd = -1;
	u->text = (struct buf)BUF_INIT;
	if (str_fmt(u->path, sizeof u->path, "%s/etc/users", root) < 0 ||
	    str_fmt(lock, sizeof lock, "%s/etc/users.lock", root) < 0)
		return -1;
	u->lockfd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (u->lockfd < 0)
		return -1;
	if (lock_wait(u->lockfd, timeout) < 0 ||
	    (sf_read_small(u->path, USERS_FILE_MAX, &u->text) < 0 &&
	    errno != ENOENT)) {
		saved = errno;
		users_edit_end(u);
		errno = saved;
		return -1;
	}
	return 0;
}

/* Length of the line at off (without newline); *next: the line after. */
static size_t
line_at(const struct buf *b, size_t off, size_t *next)
{
	const char *nl = memchr(b->s + off, '\n', b->len - off);
	size_t n = nl ? (size_t)(nl - (b->s + off)) : b->len - off;

	*next = off + n + (nl != NULL);
	return n;
}

int
users_edit_find(const struct users_edit *u, const char *address,
    struct buf *line)
{
	size_t off = 0, n, next;

	while (off < u->text.len) {
		n = line_at(&u->text, off, &next);
		if (users_line_is(u->text.s + off, n, address))
			return line == NULL ? 1 :
			    buf_set(line, u->text.s + off, n) < 0 ? -1 : 1;
		off = next;
	}
	return 0;
}

int
users_edit_add(struct users_edit *u, const char *line)
{
	if (strchr(line, '\n') != NULL || strchr(line, '\r') != NULL)
		return errno = EINVAL, -1;
	if (u->text.len > 0 && u->text.s[u->text.len - 1] != '\n' &&
	    buf_addc(&u->text, '\n') < 0)
		return -1;
	if (buf_adds(&u->text, line) < 0 || buf_addc(&u->text, '\n') < 0)
		return -1;
	return 0;
}

struct change {
	const char *key, *value;
	int idx;		/* 0: remove the line */
};

/* Rebuild the text with the change applied to address's first line (or,
 * for a removal, to all its lines).  Number of lines changed, or -1. */
static int
rewrite(struct users_edit *u, const char *address, const struct change *c)
{
	struct buf out = BUF_INIT;
	size_t off = 0, n, next;
	const char *l;
	int hits = 0, r = 0;

	while (r == 0 && off < u->text.len) {
		n = line_at(&u->text, off, &next);
		l = u->text.s + off;
		if ((c->idx == 0 || hits == 0) && users_line_is(l, n, address)) {
			hits++;
			if (c->idx == 0) {
				off = next;
				continue;
			}
			r = c->key != NULL ?
			    users_line_set_extra(l, n, c->key, c->value, &out) :
			    users_line_set_field(l, n, c->idx, c->value, &out);
		} else
			r = buf_add(&out, l, n);
		if (r == 0 && next > off + n)
			r = buf_addc(&out, '\n');
		off = next;
	}
	if (r < 0) {
		buf_free(&out);
		return -1;
	}
	buf_free(&u->text);
	u->text = out;
	return hits;
}

int
users_edit_remove(struct users_edit *u, const char *address)
{
	struct change c = { NULL, NULL, 0 };

	return rewrite(u, address, &c);
}

int
users_edit_set_field(struct users_edit *u, const char *address, int idx,
    const char *value)
{
	struct change c = { NULL, value, idx };

	if (idx < 1)
		return errno = EINVAL, -1;
	return rewrite(u, address, &c);
}

int
users_edit_set_extra(struct users_edit *u, const char *address,
    const char *key, const char *value)
{
	struct change c = { key, value, EXTRA_FIELD };

	return rewrite(u, address, &c);
}

/* The owner a new etc/users gets when root makes it: the owner of etc/,
 * the mail user of the installation (root's own etc/ keeps root). */
static int
owner_of_dir(const char *path, struct stat *st)
{
	char dir[PATH_MAX];

	return sf_parent(path, dir, sizeof dir) < 0 ? -1 : stat(dir, st);
}

static int
write_tmp(const char *tmp, const struct buf *text, const struct stat *old)
{
	mode_t mode = old ? old->st_mode & 07777 : 0640;
	struct stat dir;
	int fd, saved;

	if (old == NULL && geteuid() == 0 && owner_of_dir(tmp, &dir) == 0)
		old = &dir;	/* its uid and gid, not its mode */

	/* a leftover of a crash (we hold the lock) is replaced, never
	 * written through: it could be a link to another file */
	if (unlink(tmp) < 0 && errno != ENOENT)
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    mode);
	if (fd < 0)
		return -1;
	if (fchmod(fd, mode) < 0 ||
	    (old && geteuid() == 0 && fchown(fd, old->st_uid, old->st_gid) < 0) ||
	    fd_write_all(fd, text->s ? text->s : "", text->len) < 0 ||
	    fsync(fd) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return close(fd);
}

int
users_edit_commit(struct users_edit *u)
{
	char tmp[PATH_MAX];
	struct stat st;
	int have, saved;

	if (str_fmt(tmp, sizeof tmp, "%s.tmp", u->path) < 0)
		return -1;
	have = stat(u->path, &st) == 0;
	if (!have && errno != ENOENT)
		return -1;
	if (write_tmp(tmp, &u->text, have ? &st : NULL) < 0 ||
	    sf_rename_durable(tmp, u->path) < 0) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}

void
users_edit_end(struct users_edit *u)
{
	if (u->lockfd >= 0)
		close(u->lockfd);
	u->lockfd = -1;
	buf_free(&u->text);
}
