/*
 * mail-bounce: turn an original message (stdin) and failure records
 * (FAILFILE) into an RFC 3464 delivery status notification on stdout.
 * See mail-bounce(8).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"
#include "dsn.h"
#include "io.h"
#include "line.h"
#include "prog.h"
#include "str.h"

static const char usage[] =
    "[-r ROOT] -f SENDER -F FAILFILE [-w] [-a ARRIVAL] [-q QID]"
    " [-l BYTES] < original > dsn";

static void
read_records(struct dsn *d, const char *path)
{
	char buf[4096];
	struct line ln;
	struct io io;
	const char *err;
	unsigned long lineno = 0;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die_sys(EX_NOINPUT, "cannot open %s", path);
	io_init(&io, fd, -1, 0);
	while ((r = line_read(&io, buf, sizeof buf, &ln)) == 1) {
		lineno++;
		if ((ln.flags & (LINE_NUL | LINE_TOO_LONG)) != 0)
			die(EX_DATAERR, "%s:%lu: bad line", path, lineno);
		ln.len = str_rtrim(buf, ln.len);
		if (ln.len == 0 || buf[0] == '#')
			continue;
		if (dsn_add_line(d, buf, ln.len, &err) < 0)
			die(EX_DATAERR, "%s:%lu: %s", path, lineno, err);
	}
	if (r < 0)
		die_sys(EX_IOERR, "cannot read %s", path);
	close(fd);
	if (d->n == 0)
		die(EX_DATAERR, "%s: no failure records", path);
}

/* The message, or its first max+1 bytes; the rest is read and dropped so
 * that a writer never sees a broken pipe. */
static void
read_message(struct buf *msg, size_t max)
{
	char tmp[16384];
	ssize_t n;
	size_t want;

	for (;;) {
		n = read(0, tmp, sizeof tmp);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die_sys(EX_IOERR, "cannot read the message");
		if (n == 0)
			break;
		want = msg->len <= max ? max + 1 - msg->len : 0;
		if (want > (size_t)n)
			want = (size_t)n;
		if (want > 0 && buf_add(msg, tmp, want) < 0)
			die_sys(EX_TEMPFAIL, "out of memory");
	}
}

static uint64_t
number(const char *s, const char *what)
{
	uint64_t v;

	if (str_to_u64(s, strlen(s), &v) < 0)
		die(EX_USAGE, "bad %s: %s", what, s);
	return v;
}

int
main(int argc, char **argv)
{
	const char *root = NULL, *failfile = NULL, *sender = NULL;
	struct buf msg = BUF_INIT, out = BUF_INIT;
	char me[256];
	struct dsn d;
	int c;

	prog_init(argv[0]);
	dsn_init(&d);
	while ((c = getopt(argc, argv, "a:F:f:hl:q:r:Vw")) != -1) {
		switch (c) {
		case 'a': d.arrival = (time_t)number(optarg, "arrival"); break;
		case 'F': failfile = optarg; break;
		case 'f': sender = optarg; break;
		case 'l': d.full_max = (size_t)number(optarg, "size"); break;
		case 'q': d.envid = optarg; break;
		case 'r': root = optarg; break;
		case 'V': print_version();
		case 'w': d.warn = 1; break;
		case 'h': print_usage(usage);
		default: die_usage(usage);
		}
	}
	if (optind != argc || sender == NULL || failfile == NULL)
		die_usage(usage);
	if (strpbrk(sender, "\r\n\t<>\" ") != NULL)
		die(EX_USAGE, "bad sender address: %s", sender);
	root = conf_root(root);
	if (conf_me(root, me, sizeof me) < 0)
		die_sys(EX_CONFIG, "cannot read %s/etc/me", root);
	d.me = me;
	d.to = sender;
	d.now = time(NULL);
	srandom((unsigned)d.now ^ (unsigned)getpid());
	read_records(&d, failfile);
	read_message(&msg, d.full_max);
	if (dsn_write(&d, msg.s ? msg.s : "", msg.len, &out) < 0)
		die_sys(EX_SOFTWARE, "cannot write the notification");
	if (fd_write_all(1, out.s, out.len) < 0)
		die_sys(EX_IOERR, "cannot write to stdout");
	buf_free(&msg);
	buf_free(&out);
	dsn_free(&d);
	return 0;
}
