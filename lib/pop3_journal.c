/* pop3_journal: the roll-forward journal that makes the UPDATE of a
 * Maildir atomic; see include/mailbox_read.h and mail-pop3(8).
 *
 * MAILDIR/mailkit-pop3-update holds the line "mailkit-pop3-update 1",
 * one line "cur/NAME" per file to remove (bytes outside '!'..'~' and
 * '\' written as \xNN) and a last line ".".  Once it exists under that
 * name the UPDATE is decided: whoever finds it completes it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "line.h"
#include "mailbox_read.h"
#include "str.h"

#define JOURNAL		"mailkit-pop3-update"
#define JOURNAL_TMP	"mailkit-pop3-update.tmp"
#define MAGIC		"mailkit-pop3-update 1"
/* "cur/" and a NAME_MAX name, every byte escaped, and room to spare */
#define JLINE_MAX	(4 + NAME_MAX * 4 + 64)

void
mbx_test_crash(const char *point)
{
	/* Test-only fault injection (tests/pop3_crash.bats): die here as a
	 * power cut would, to show what the next session finds. */
	const char *want = getenv("MAILKIT_TEST_CRASH");

	if (want != NULL && strcmp(want, point) == 0)
		raise(SIGKILL);
}

struct jw {
	int fd;
	size_t len;
	char b[8192];
};

static int
jw_flush(struct jw *w)
{
	size_t n = w->len;

	w->len = 0;
	return fd_write_all(w->fd, w->b, n);
}

static int
jw_add(struct jw *w, const char *s, size_t n)
{
	if (w->len + n > sizeof w->b && jw_flush(w) < 0)
		return -1;
	memcpy(w->b + w->len, s, n);
	w->len += n;
	return 0;
}

static int
jw_name(struct jw *w, const char *name)
{
	static const char hex[] = "0123456789abcdef";
	char e[4] = { '\\', 'x', 0, 0 };
	unsigned char c;

	if (jw_add(w, "cur/", 4) < 0)
		return -1;
	for (; *name != '\0'; name++) {
		c = (unsigned char)*name;
		if (c > 0x20 && c < 0x7f && c != '\\') {
			if (jw_add(w, name, 1) < 0)
				return -1;
			continue;
		}
		e[2] = hex[c >> 4];
		e[3] = hex[c & 15];
		if (jw_add(w, e, 4) < 0)
			return -1;
	}
	return jw_add(w, "\n", 1);
}

/* The journal's text, through its temporary name, not yet synced. */
static int
write_tmp(struct mbx *m, struct jw *w)
{
	size_t i;

	if (jw_add(w, MAGIC "\n", sizeof MAGIC) < 0)
		return -1;
	for (i = 0; i < m->n; i++)
		if (m->msg[i].deleted &&
		    jw_name(w, m->names.s + m->msg[i].name) < 0)
			return -1;
	if (jw_flush(w) < 0)
		return -1;
	mbx_test_crash("pop3-update-mid-journal");
	return jw_add(w, ".\n", 2) < 0 ? -1 : jw_flush(w);
}

int
maildir_journal_write(struct mbx *m)
{
	struct jw *w;
	int r;

	w = malloc(sizeof *w);
	if (w == NULL)
		return -1;
	(void)unlinkat(m->lockfd, JOURNAL_TMP, 0);
	w->len = 0;
	w->fd = openat(m->lockfd, JOURNAL_TMP, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	r = w->fd < 0 ? -1 : write_tmp(m, w);
	if (r == 0 && fsync(w->fd) < 0)
		r = -1;
	if (w->fd >= 0 && close(w->fd) < 0)
		r = -1;
	free(w);
	if (r == 0 && renameat(m->lockfd, JOURNAL_TMP, m->lockfd, JOURNAL) < 0)
		r = -1;
	if (r == 0 && fsync(m->lockfd) < 0) {
		/* not durably decided: undo, so "nothing deleted" stays true */
		(void)unlinkat(m->lockfd, JOURNAL, 0);
		return -1;
	}
	if (r < 0)
		(void)unlinkat(m->lockfd, JOURNAL_TMP, 0);
	return r;
}

int
maildir_journal_remove(struct mbx *m)
{
	if (unlinkat(m->lockfd, JOURNAL, 0) < 0 && errno != ENOENT)
		return -1;
	return fsync(m->lockfd);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "cur/NAME" or "new/NAME" decoded into out: a plain file name, no '/',
 * no NUL, not starting with '.', at most NAME_MAX bytes.  0 or -1. */
static int
parse_name(const struct line *ln, char *out, int *in_new)
{
	const char *s = ln->s + 4;
	size_t n, k = 0;
	int hi, lo;

	if (ln->flags != 0 || ln->end != LINE_END_LF || ln->len <= 4 ||
	    (memcmp(ln->s, "cur/", 4) != 0 && memcmp(ln->s, "new/", 4) != 0))
		return -1;
	*in_new = ln->s[0] == 'n';
	for (n = ln->len - 4; n > 0; n--, s++) {
		if (k == NAME_MAX || (unsigned char)*s <= 0x20 ||
		    (unsigned char)*s >= 0x7f || *s == '/')
			return -1;
		if (*s != '\\') {
			out[k++] = *s;
			continue;
		}
		if (n < 4 || s[1] != 'x' || (hi = hexval(s[2])) < 0 ||
		    (lo = hexval(s[3])) < 0 || (hi == 0 && lo == 0) ||
		    hi * 16 + lo == '/')
			return -1;
		out[k++] = (char)(hi * 16 + lo);
		s += 3;
		n -= 3;
	}
	out[k] = '\0';
	return k == 0 || out[0] == '.' ? -1 : 0;
}

static int
is_line(const struct line *ln, const char *s)
{
	return ln->flags == 0 && ln->end == LINE_END_LF &&
	    ln->len == strlen(s) && memcmp(ln->s, s, ln->len) == 0;
}

/* 1 when the journal at fd is whole: header, lines, ".", end of file. */
static int
complete(struct io *io, char *b)
{
	struct line ln;
	int seen_end = 0, r;

	if (line_read(io, b, JLINE_MAX, &ln) != 1 || !is_line(&ln, MAGIC))
		return 0;
	while ((r = line_read(io, b, JLINE_MAX, &ln)) == 1) {
		if (seen_end)
			return 0;
		seen_end = is_line(&ln, ".");
	}
	return r == 0 && seen_end;
}

static void
reject(struct mbx *m, const struct line *ln)
{
	if (m->rejected++ == 0)
		(void)str_copyn(m->rejected_name, sizeof m->rejected_name,
		    ln->s, ln->len < sizeof m->rejected_name - 1 ? ln->len :
		    sizeof m->rejected_name - 1);
}

/* Unlink what the journal names; the header was read.  0 or -1. */
static int
unlink_named(struct mbx *m, struct io *io, char *b, int newfd, int *used_new)
{
	char name[NAME_MAX + 1];
	struct line ln;
	int in_new;

	while (line_read(io, b, JLINE_MAX, &ln) == 1 && !is_line(&ln, ".")) {
		if (parse_name(&ln, name, &in_new) < 0) {
			reject(m, &ln);
			continue;
		}
		*used_new |= in_new;
		/* no new/: nothing there to remove */
		if ((in_new && newfd < 0) ||
		    unlinkat(in_new ? newfd : m->dirfd, name, 0) == 0 ||
		    errno == ENOENT)
			m->replayed++;
		else if (errno == EISDIR || errno == EPERM)
			reject(m, &ln);
		else
			return -1;
	}
	return io->err == IO_OK || io->err == IO_EOF ? 0 : -1;
}

/* Replay the journal at fd, then remove it.  0 or -1. */
static int
replay(struct mbx *m, int fd, struct io *io, char *b)
{
	struct line ln;
	int newfd, used_new = 0, r;

	io_init(io, fd, -1, 0);
	if (!complete(io, b)) {
		m->journal = "ignored-incomplete";
		return maildir_journal_remove(m);
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	io_init(io, fd, -1, 0);
	(void)line_read(io, b, JLINE_MAX, &ln);
	newfd = openat(m->lockfd, "new", O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    O_NOFOLLOW);
	r = unlink_named(m, io, b, newfd, &used_new);
	if (r == 0 && (fsync(m->dirfd) < 0 || (used_new && newfd >= 0 && fsync(newfd) < 0)))
		r = -1;
	if (newfd >= 0)
		close(newfd);
	if (r < 0)
		return -1;
	m->journal = "replayed";
	return maildir_journal_remove(m);
}

int
maildir_journal_replay(struct mbx *m, const char **err)
{
	struct stat st;
	struct io *io;
	char *b;
	int fd, r;

	*err = "cannot finish the deletions of an interrupted session";
	if (unlinkat(m->lockfd, JOURNAL_TMP, 0) == 0)
		m->journal = "unfinished-removed";
	fd = openat(m->lockfd, JOURNAL, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if ((fd < 0 && errno == ELOOP) ||
	    (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)))) {
		if (fd >= 0)
			close(fd);
		m->journal = "ignored-not-a-file";
		(void)unlinkat(m->lockfd, JOURNAL, 0);
		return 0;
	}
	if (fd < 0)
		return -1;
	io = malloc(sizeof *io);
	b = malloc(JLINE_MAX);
	r = io != NULL && b != NULL ? replay(m, fd, io, b) : -1;
	free(io);
	free(b);
	close(fd);
	return r;
}
