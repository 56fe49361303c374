/* mail-queue: look at the queue, show, remove, hold and release messages,
 * and wake the runner.  See mail-queue(8). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"
#include "io.h"
#include "prog.h"
#include "queue.h"
#include "queue_list.h"
#include "safefile.h"
#include "str.h"

static const char usage[] =
    "[-r ROOT] [-j] [-w SECONDS] list | show ID | flush | rm ID... | "
    "hold ID... | release ID...";

static const char *root;
static unsigned wait_tenths = 50;	/* -w: how long a busy message is awaited */

static int env_exists(const char *id);

/* Lock message id, waiting a little while mail-relay works on it.
 * fd, or -1 after saying why; *code is the exit code.  With orphan_ok,
 * an envelope without its message file gives -1 and code 0, quietly. */
static int
lock_message(const char *id, int *code, int orphan_ok)
{
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	unsigned i;
	int fd;

	for (i = 0; ; i++) {
		fd = queue_lock(root, id);
		if (fd >= 0 || errno != EWOULDBLOCK || i >= wait_tenths)
			break;
		nanosleep(&pause, NULL);
	}
	if (fd >= 0)
		return fd;
	*code = 0;
	if (errno == ENOENT && orphan_ok && env_exists(id))
		return -1;
	if (errno == EWOULDBLOCK) {
		warnx_("%s: busy (being delivered), try again", id);
		*code = EX_TEMPFAIL;
	} else if (errno == EINVAL) {
		warnx_("%s: bad queue ID", id);
		*code = EX_DATAERR;
	} else if (errno == ENOENT) {
		warnx_("%s: no such message", id);
		*code = EX_NOINPUT;
	} else {
		warnx_("%s: cannot lock: %s", id, strerror(errno));
		*code = EX_TEMPFAIL;
	}
	return -1;
}

static int
env_exists(const char *id)
{
	char p[PATH_MAX];
	struct stat st;

	return queue_env_path(root, id, p, sizeof p) == 0 && stat(p, &st) == 0;
}

/* An envelope whose message file is gone can be removed unlocked. */
static int
rm_one(const char *id)
{
	int code = 0, fd = lock_message(id, &code, 1);

	if (fd < 0 && code != 0)
		return code;
	if (fd >= 0 && !env_exists(id)) {
		close(fd);
		warnx_("%s: no such message", id);
		return EX_NOINPUT;
	}
	if (queue_remove(root, id) < 0) {
		warnx_("%s: cannot remove: %s", id, strerror(errno));
		code = EX_TEMPFAIL;
	}
	if (fd >= 0)
		close(fd);
	return code;
}

static int
set_held(const char *id, int held)
{
	int code = 0, fd = lock_message(id, &code, 0);
	struct qenv e;

	if (fd < 0)
		return code;
	if (queue_env_load(root, id, &e) < 0) {
		code = errno == ENOENT ? EX_NOINPUT : EX_DATAERR;
		warnx_("%s: %s", id, errno == ENOENT ? "no such message" :
		    "envelope unreadable");
	} else if (e.held != held) {
		e.held = held;
		if (queue_env_save(root, &e) < 0) {
			warnx_("%s: cannot save the envelope: %s", id,
			    strerror(errno));
			code = EX_TEMPFAIL;
		}
	}
	qenv_free(&e);
	close(fd);
	return code;
}

static int
each_id(int argc, char **argv, int (*fn)(const char *, int), int arg)
{
	int i, r, worst = 0;

	if (argc < 2)
		die_usage(usage);
	for (i = 1; i < argc; i++) {
		r = fn(argv[i], arg);
		if (r > worst)
			worst = r;
	}
	return worst;
}

static int
rm_fn(const char *id, int unused)
{
	(void)unused;
	return rm_one(id);
}

/* Make every waiting recipient due now; busy messages are being tried
 * anyway. */
static int
flush_one(void *arg, const char *id)
{
	time_t now = *(time_t *)arg;
	int fd = queue_lock(root, id), changed = 0;
	struct qenv e;
	size_t i;

	if (fd < 0)
		return 0;
	if (queue_env_load(root, id, &e) == 0) {
		for (i = 0; i < e.nrcpt; i++)
			if (e.rcpt[i].state == Q_TODO && e.rcpt[i].next > now) {
				e.rcpt[i].next = now;
				changed = 1;
			}
		if (changed && queue_env_save(root, &e) < 0)
			warnx_("%s: cannot save the envelope: %s", id,
			    strerror(errno));
		qenv_free(&e);
	}
	close(fd);
	return 0;
}

static int
cmd_flush(void)
{
	time_t now = time(NULL);

	if (queue_each(root, flush_one, &now) < 0)
		die_sys(EX_TEMPFAIL, "cannot read the queue");
	queue_trigger(root);
	return 0;
}

static void
copy_file(const char *path, const char *id)
{
	char b[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		die_sys(errno == ENOENT ? EX_NOINPUT : EX_IOERR,
		    "%s: cannot open %s", id, path);
	while ((n = read(fd, b, sizeof b)) > 0)
		if (fd_write_all(1, b, (size_t)n) < 0)
			die_sys(EX_IOERR, "cannot write the output");
	if (n < 0)
		die_sys(EX_IOERR, "%s: cannot read %s", id, path);
	close(fd);
}

/* The envelope as stored, an empty line, the message as stored. */
static int
cmd_show(int argc, char **argv)
{
	char env[PATH_MAX], mess[PATH_MAX];
	struct buf b = BUF_INIT;

	if (argc != 2)
		die_usage(usage);
	if (queue_env_path(root, argv[1], env, sizeof env) < 0 ||
	    queue_mess_path(root, argv[1], mess, sizeof mess) < 0)
		die(EX_DATAERR, "%s: bad queue ID", argv[1]);
	if (sf_read_small(env, 16u << 20, &b) < 0)
		die_sys(errno == ENOENT ? EX_NOINPUT : EX_IOERR,
		    "%s: no such message", argv[1]);
	if (fd_write_all(1, b.s, b.len) < 0 || fd_write_all(1, "\n", 1) < 0)
		die_sys(EX_IOERR, "cannot write the output");
	buf_free(&b);
	copy_file(mess, argv[1]);
	return 0;
}

static int
cmd_list(int argc, enum qlist_format fmt)
{
	int bad;

	if (argc != 1)
		die_usage(usage);
	bad = queue_list_print(root, 1, fmt);
	if (bad < 0)
		die_sys(EX_TEMPFAIL, "cannot list the queue");
	if (bad > 0)
		warnx_("%d envelope%s unreadable, left out", bad,
		    bad == 1 ? "" : "s");
	return 0;
}

static unsigned
parse_wait(const char *s)
{
	uint64_t v;

	if (str_to_u64(s, strlen(s), &v) < 0 || v > 3600)
		die(EX_USAGE, "-w takes seconds from 0 to 3600");
	return (unsigned)v * 10;
}

int
main(int argc, char **argv)
{
	enum qlist_format fmt = QLIST_TSV;
	const char *opt_root = NULL;
	int c;

	prog_init(argv[0]);
	while ((c = getopt(argc, argv, "+r:jw:hV")) != -1) {
		switch (c) {
		case 'r': opt_root = optarg; break;
		case 'j': fmt = QLIST_JSON; break;
		case 'w': wait_tenths = parse_wait(optarg); break;
		case 'V': print_version();
		case 'h': print_usage(usage);
		default: die_usage(usage);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		die_usage(usage);
	root = conf_root(opt_root);
	if (strcmp(argv[0], "list") == 0)
		return cmd_list(argc, fmt);
	if (strcmp(argv[0], "show") == 0)
		return cmd_show(argc, argv);
	if (strcmp(argv[0], "flush") == 0 && argc == 1)
		return cmd_flush();
	if (strcmp(argv[0], "rm") == 0)
		return each_id(argc, argv, rm_fn, 0);
	if (strcmp(argv[0], "hold") == 0)
		return each_id(argc, argv, set_held, 1);
	if (strcmp(argv[0], "release") == 0)
		return each_id(argc, argv, set_held, 0);
	die_usage(usage);
}
