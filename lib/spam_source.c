/* spam_source: messages in files, mboxes and Maildirs; see spam_io.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spam_io.h"
#include "str.h"

/* Does the line at p look like an mbox envelope, "From addr date"?  A
 * body line "From here..." that a writer forgot to escape has no time. */
static int
is_envelope(const char *p, size_t n)
{
	const char *lf = memchr(p, '\n', n);
	size_t l = lf ? (size_t)(lf - p) : n, i, spaces = 0;

	for (i = 5; i < l; i++)
		spaces += p[i] == ' ';
	return spaces >= 2 && memchr(p, ':', l) != NULL;
}

/* Start of the next message of an mbox after off: a "From " line that
 * follows an empty line, or n. */
static size_t
mbox_next(const char *p, size_t n, size_t off)
{
	const char *q;
	size_t at;

	while (off < n && (q = memmem(p + off, n - off, "\n\nFrom ", 7))) {
		at = (size_t)(q - p) + 2;
		if (is_envelope(p + at, n - at))
			return at;
		off = at;
	}
	return n;
}

static int
each_in_file(const char *path, const char *p, size_t n, size_t max,
    spam_msg_fn fn, void *arg)
{
	size_t off = 0, next;
	int r;

	if (n < 5 || memcmp(p, "From ", 5) != 0)
		return fn(arg, p, n < max ? n : max, path);
	while (off < n) {
		next = mbox_next(p, n, off + 5);
		r = fn(arg, p + off, next - off < max ? next - off : max, path);
		if (r != 0)
			return r;
		off = next;
	}
	return 0;
}

static int
each_file(const char *path, size_t max, spam_msg_fn fn, void *arg)
{
	struct stat st;
	void *m;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	if (st.st_size == 0) {
		close(fd);
		return fn(arg, "", 0, path);
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return -1;
	r = each_in_file(path, m, (size_t)st.st_size, max, fn, arg);
	munmap(m, (size_t)st.st_size);
	return r;
}

static int each_path(const char *path, size_t max, spam_msg_fn fn,
    void *arg, int depth);

static int
each_dir(const char *path, size_t max, spam_msg_fn fn, void *arg, int depth)
{
	char sub[4096];
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(path);
	int r = 0;

	if (d == NULL)
		return -1;
	while (r == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (str_fmt(sub, sizeof sub, "%s/%s", path, e->d_name) < 0) {
			r = -1;
			break;
		}
		if (stat(sub, &st) < 0)
			continue;	/* a message moved away meanwhile */
		if (S_ISREG(st.st_mode))
			r = each_file(sub, max, fn, arg);
		else if (S_ISDIR(st.st_mode) && depth == 0 &&
		    (!strcmp(e->d_name, "cur") || !strcmp(e->d_name, "new")))
			r = each_path(sub, max, fn, arg, depth + 1);
	}
	closedir(d);
	return r;
}

static int
each_path(const char *path, size_t max, spam_msg_fn fn, void *arg, int depth)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	if (S_ISDIR(st.st_mode))
		return each_dir(path, max, fn, arg, depth);
	return each_file(path, max, fn, arg);
}

int
spam_each_message(const char *path, size_t max, spam_msg_fn fn, void *arg)
{
	return each_path(path, max, fn, arg, 0);
}
