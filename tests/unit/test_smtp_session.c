/* Unit tests: the SMTP session fed a dialogue one byte per read, so every
 * buffer boundary falls inside a line ending at least once. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "io.h"
#include "queue.h"
#include "smtp.h"
#include "tap.h"

static char root[64];

static void
put(const char *rel, const char *text)
{
	char p[256];
	int fd;

	snprintf(p, sizeof p, "%s/%s", root, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		(void)!write(fd, text, strlen(text));
		close(fd);
	}
}

static void
make_root(void)
{
	char p[128];

	snprintf(root, sizeof root, "/tmp/test-smtp.XXXXXX");
	if (mkdtemp(root) == NULL)
		abort();
	snprintf(p, sizeof p, "%s/etc", root);
	mkdir(p, 0755);
	put("etc/me", "mx.test\n");
	put("etc/domains", "example.test\n");
	put("etc/users", "bob@example.test:{PLAIN}pw\n");
}

/* Run a session on input written one byte at a time; replies in out. */
static void
session(const char *input, struct buf *out)
{
	static struct io io;
	struct smtp_conf c;
	char tmpl[] = "/tmp/test-smtp-out.XXXXXX", b[4096];
	int in[2], fd;
	ssize_t n;
	pid_t pid;

	fd = mkstemp(tmpl);
	unlink(tmpl);
	if (fd < 0 || pipe(in) < 0)
		abort();
	pid = fork();
	if (pid == 0) {
		struct timespec ts = { 0, 20000 };
		size_t i;

		close(in[0]);
		for (i = 0; input[i] != '\0'; i++) {
			(void)!write(in[1], input + i, 1);
			nanosleep(&ts, NULL);
		}
		_exit(0);
	}
	close(in[1]);
	memset(&c, 0, sizeof c);
	c.root = root;
	snprintf(c.me, sizeof c.me, "mx.test");
	c.max_size = 100000;
	c.max_rcpt = 10;
	c.max_errors = 10;
	c.timeout_ms = 5000;
	c.filter_timeout_ms = 5000;
	c.loopback = 1;
	io_init(&io, in[0], fd, c.timeout_ms);
	(void)smtp_session(&io, &c);
	close(in[0]);
	waitpid(pid, NULL, 0);
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, b, sizeof b)) > 0)
		buf_add(out, b, (size_t)n);
	close(fd);
}

static int
count_queued(void)
{
	char p[256];
	struct dirent *d;
	DIR *dir;
	int h, n = 0;

	for (h = 0; h < 16; h++) {
		snprintf(p, sizeof p, "%s/queue/env/%x", root, h);
		if ((dir = opendir(p)) == NULL)
			continue;
		while ((d = readdir(dir)) != NULL)
			n += d->d_name[0] != '.' && strchr(d->d_name, '.') == NULL;
		closedir(dir);
	}
	return n;
}

static const char head[] = "EHLO c\r\nMAIL FROM:<a@r.test>\r\n"
    "RCPT TO:<bob@example.test>\r\nDATA\r\n";

static void
t_trickled_message(void)
{
	struct buf out = BUF_INIT, in = BUF_INIT;
	int before = count_queued();

	buf_adds(&in, head);
	buf_adds(&in, "Subject: t\r\n\r\n..x\r\n.\r\nQUIT\r\n");
	session(in.s, &out);
	CHECK(strstr(out.s, "\r\n250 2.0.0 ok: queued as ") != NULL);
	CHECK(strstr(out.s, "\r\n221 2.0.0 ") != NULL);
	CHECK(count_queued() == before + 1);
	buf_free(&out);
	buf_free(&in);
}

static void
t_trickled_smuggling(void)
{
	static const char *const ends[] = { "\n.\n", "\r.\r", "\n.\r\n",
	    "\r\n.\n", "\r\n.\r" };
	size_t i;

	for (i = 0; i < sizeof ends / sizeof ends[0]; i++) {
		struct buf out = BUF_INIT, in = BUF_INIT;
		int before = count_queued();

		buf_adds(&in, head);
		buf_adds(&in, "\r\nx");
		buf_adds(&in, ends[i]);
		buf_adds(&in, "MAIL FROM:<e@r.test>\r\n.\r\nQUIT\r\n");
		session(in.s, &out);
		CHECK(strstr(out.s, "\r\n554 5.6.2 ") != NULL);
		CHECK(strstr(out.s, "250 2.0.0") == NULL);
		CHECK(count_queued() == before);
		buf_free(&out);
		buf_free(&in);
	}
}

static void
t_trickled_pipelining(void)
{
	struct buf out = BUF_INIT;
	const char *p;

	session("EHLO c\r\nNOOP\r\nRSET\r\nFOO\r\nQUIT\r\n", &out);
	p = strstr(out.s, "250 ENHANCEDSTATUSCODES\r\n250 2.0.0 ok\r\n"
	    "250 2.0.0 ok\r\n500 5.5.1 command unrecognized\r\n221 ");
	CHECK(p != NULL);
	buf_free(&out);
}

int
main(void)
{
	char cmd[128];
	int fd_quiet;

	make_root();
	/* the session's log lines would mix with the TAP output */
	fd_quiet = open("/dev/null", O_WRONLY);
	if (fd_quiet >= 0)
		dup2(fd_quiet, 2);
	RUN(t_trickled_message);
	RUN(t_trickled_smuggling);
	RUN(t_trickled_pipelining);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	(void)!system(cmd);
	return tap_done();
}
