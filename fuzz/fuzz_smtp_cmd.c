/* fuzz_smtp_cmd: mail-submit's SMTP server session (smtp.h) with the fuzz
 * input as what the client sends (commands, AUTH, pipelining, DATA with
 * dot-stuffing and its CRLF rules), fed in chunks of random size.  A
 * scratch ROOT (scratch.h: tmpfs when there is one, so the queue's fsyncs
 * are cheap) has the local domain example.test and the account
 * u@example.test with password "p".  After each run the queue is put
 * back as queue_init() made it: every entry that was not there then is
 * removed; the directories and the trigger FIFO of the empty queue stay
 * (making and removing those 37 entries was most of a run, and walking
 * the 37 directories after each run still half of it).  What to remove
 * is what inotify saw appear in the queue's directories (a new directory
 * is removed whole); every 1024 runs, and whenever inotify lost events,
 * the whole tree is walked instead, and that walk must find nothing the
 * events missed.
 *
 * Checked: every reply line is "NNN " or "NNN-" and CRLF-terminated;
 * exactly as many messages are in the queue as "250 ... queued as"
 * replies were given, and never more than DATA commands got a 354. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "feed.h"
#include "queue.h"
#include "scratch.h"
#include "smtp.h"
#include "str.h"

#define KEEP_MAX	256
#define SCAN_EVERY	1024

static const char *root;
static char qdir[128];
static size_t queued_files, found;

/* The empty queue's entries, by inode: one that stays is never reused.
 * Its directories by inotify watch descriptor. */
static ino_t keep[KEEP_MAX];
static size_t nkeep, kept_seen;
static dev_t qdev;
static char wdir[KEEP_MAX][160];
static int nfd = -1;

static int
is_kept(ino_t ino)
{
	size_t lo = 0, hi = nkeep;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (keep[mid] == ino)
			return 1;
		if (keep[mid] < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int
record_one(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	int wd;

	(void)ftw;
	FUZZ_CHECK(nkeep < KEEP_MAX);
	qdev = st->st_dev;
	keep[nkeep++] = st->st_ino;
	if (type == FTW_D) {
		wd = inotify_add_watch(nfd, p, IN_CREATE | IN_MOVED_TO |
		    IN_ONLYDIR);
		FUZZ_CHECK(wd >= 0 && wd < KEEP_MAX);
		FUZZ_CHECK(str_copy(wdir[wd], sizeof wdir[wd], p) == 0);
	}
	return 0;
}

static int
ino_cmp(const void *a, const void *b)
{
	ino_t x = *(const ino_t *)a, y = *(const ino_t *)b;

	return x < y ? -1 : x > y;
}

/* (Re)make the empty queue and remember what it holds. */
static void
make_queue(void)
{
	FUZZ_CHECK(queue_init(root) == 0);
	if (nfd >= 0)
		close(nfd);
	nfd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	FUZZ_CHECK(nfd >= 0);
	nkeep = 0;
	FUZZ_CHECK(nftw(qdir, record_one, 16, FTW_PHYS) == 0);
	qsort(keep, nkeep, sizeof keep[0], ino_cmp);
}

/* Count the envelopes (env/H/ID, not the messages env/H/ID.msg beside
 * them) and remove everything new. */
static int
clean_one(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	(void)ftw;
	if (st->st_dev == qdev && is_kept(st->st_ino)) {
		kept_seen++;
		return 0;
	}
	found++;
	if (type == FTW_F && strstr(p, "/env/") != NULL &&
	    strstr(p, ".msg") == NULL)
		queued_files++;
	(void)remove(p);
	return 0;
}

static void
clean_path(const char *p)
{
	struct stat st;

	if (lstat(p, &st) < 0) {
		FUZZ_CHECK(errno == ENOENT);
		return;
	}
	if (S_ISDIR(st.st_mode))
		nftw(p, clean_one, 16, FTW_DEPTH | FTW_PHYS);
	else
		(void)clean_one(p, &st, S_ISREG(st.st_mode) ? FTW_F : FTW_NS,
		    NULL);
}

/* Remove what the events name; 0 when events were lost. */
static int
clean_events(void)
{
	char ev[8192] __attribute__((aligned(__alignof__(struct
	    inotify_event))));
	char p[PATH_MAX];
	ssize_t n, i;
	const struct inotify_event *e;
	int ok = 1;

	while ((n = read(nfd, ev, sizeof ev)) > 0) {
		for (i = 0; i < n; i += (ssize_t)sizeof *e + e->len) {
			e = (const struct inotify_event *)(ev + i);
			if (e->mask & IN_Q_OVERFLOW) {
				ok = 0;
				continue;
			}
			FUZZ_CHECK(e->wd >= 0 && e->wd < KEEP_MAX &&
			    wdir[e->wd][0] != '\0' && e->len > 0);
			FUZZ_CHECK(str_fmt(p, sizeof p, "%s/%s", wdir[e->wd],
			    e->name) >= 0);
			clean_path(p);
		}
	}
	FUZZ_CHECK(n < 0 && errno == EAGAIN);
	return ok;
}

/* Put the queue back as it was; count what was queued. */
static void
clean_queue(void)
{
	static unsigned long runs;
	int ok;

	queued_files = found = kept_seen = 0;
	ok = clean_events();
	if (ok && ++runs % SCAN_EVERY != 0)
		return;
	found = 0;
	nftw(qdir, clean_one, 16, FTW_DEPTH | FTW_PHYS);
	FUZZ_CHECK(!ok || found == 0);
	if (kept_seen != nkeep)
		make_queue();
	else
		(void)clean_events();	/* what this walk removed */
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[256];

	(void)argc;
	(void)argv;
	root = scratch_root("fuzz_smtp");
	str_fmt(path, sizeof path, "%s/etc", root);
	mkdir(path, 0755);
	str_fmt(path, sizeof path, "%s/etc/me", root);
	scratch_put(path, "mx.example.test\n");
	str_fmt(path, sizeof path, "%s/etc/domains", root);
	scratch_put(path, "example.test\n");
	str_fmt(path, sizeof path, "%s/etc/users", root);
	scratch_put(path, "u@example.test:{PLAIN}p::::::\n");
	str_fmt(path, sizeof path, "%s/etc/aliases", root);
	scratch_put(path, "info@example.test: u@example.test\n");
	str_fmt(qdir, sizeof qdir, "%s/queue", root);
	make_queue();
	return 0;
}

/* Reply lines: "NNN " or "NNN-", CRLF; count queued and 354 replies. */
static void
check_replies(const struct buf *b, size_t *queued, size_t *go)
{
	size_t i = 0, end;
	const char *s = b->s;

	*queued = *go = 0;
	while (i < b->len) {
		const char *lf = memchr(s + i, '\n', b->len - i);
		FUZZ_CHECK(lf != NULL);
		end = (size_t)(lf - s) + 1;
		FUZZ_CHECK(end - i >= 6 && s[end - 2] == '\r');
		FUZZ_CHECK(s[i] >= '2' && s[i] <= '5');
		FUZZ_CHECK(s[i + 1] >= '0' && s[i + 1] <= '9');
		FUZZ_CHECK(s[i + 2] >= '0' && s[i + 2] <= '9');
		FUZZ_CHECK(s[i + 3] == ' ' || s[i + 3] == '-');
		if (end - i > 24 && memcmp(s + i, "250 2.0.0 ok: queued as ",
		    24) == 0)
			(*queued)++;
		if (memcmp(s + i, "354 ", 4) == 0)
			(*go)++;
		i = end;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smtp_conf c;
	struct feed f;
	struct io *io;
	size_t queued, go;

	if (size < 1)
		return 0;
	memset(&c, 0, sizeof c);
	c.root = root;
	str_copy(c.me, sizeof c.me, "mx.example.test");
	c.submission = data[0] & 1;
	c.loopback = 1;
	str_copy(c.remote_ip, sizeof c.remote_ip, "127.0.0.1");
	str_copy(c.remote_host, sizeof c.remote_host, "localhost");
	c.max_size = 4096;
	c.max_rcpt = 5;
	c.max_errors = 10;
	c.auth_pause_ms = 0;
	c.timeout_ms = 10000;
	c.filter_timeout_ms = 1000;
	io = malloc(sizeof *io);
	FUZZ_CHECK(io != NULL);
	feed_io(&f, io, data + 1, size - 1, data[0], data[0] >> 2);
	(void)smtp_session(io, &c);
	(void)io_flush(io);
	check_replies(&f.out, &queued, &go);
	clean_queue();
	FUZZ_CHECK(queued_files == queued);
	FUZZ_CHECK(queued <= go);
	feed_free(&f);
	free(io);
	return 0;
}
