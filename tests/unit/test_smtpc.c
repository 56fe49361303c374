/* Unit tests: smtpc (reply parsing, transactions on a socketpair, the
 * body on the wire). */
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buf.h"
#include "smtpc.h"
#include "str.h"
#include "tap.h"

static void
t_parse_line(void)
{
	int code, more;

	CHECK(smtpc_parse_line("250-PIPELINING", 14, &code, &more) == 0);
	CHECK(code == 250 && more == 1);
	CHECK(smtpc_parse_line("550 5.1.1 no", 12, &code, &more) == 0);
	CHECK(code == 550 && more == 0);
	CHECK(smtpc_parse_line("220", 3, &code, &more) == 0 && !more);
	CHECK(smtpc_parse_line("25", 2, &code, &more) == -1);
	CHECK(smtpc_parse_line("2500 x", 6, &code, &more) == -1);
	CHECK(smtpc_parse_line("HELLO", 5, &code, &more) == -1);
	CHECK(smtpc_parse_line("650 x", 5, &code, &more) == -1);
	CHECK(smtpc_parse_line("25x x", 5, &code, &more) == -1);
}

static void
t_status(void)
{
	struct smtpc_reply r;

	r.code = 550;
	str_copy(r.text, sizeof r.text, "550 5.1.1 <x>: no such user");
	smtpc_status(&r);
	CHECK_STR(r.status, "5.1.1");
	r.code = 450;
	str_copy(r.text, sizeof r.text, "450 try later");
	smtpc_status(&r);
	CHECK_STR(r.status, "4.0.0");
	/* a code of the wrong class is not believed */
	r.code = 450;
	str_copy(r.text, sizeof r.text, "450 5.1.1 confused");
	smtpc_status(&r);
	CHECK_STR(r.status, "4.0.0");
	r.code = 250;
	str_copy(r.text, sizeof r.text, "250 2.0.0");
	smtpc_status(&r);
	CHECK_STR(r.status, "2.0.0");
}

/* A client on one end of a socketpair, the server's replies written in
 * advance on the other. */
static int
session(struct smtpc *c, int sv[2], const char *replies)
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1;
	smtpc_init(c, NULL);
	smtpc_cap_timeouts(c, 2000);
	smtpc_attach(c, sv[0]);
	return write(sv[1], replies, strlen(replies)) < 0 ? -1 : 0;
}

static size_t
drain(int fd, char *out, size_t size)
{
	ssize_t n;
	size_t len = 0;

	while (len + 1 < size && (n = read(fd, out + len, size - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	return len;
}

static int
message_fd(const char *text)
{
	int fd = memfd_create("msg", 0);

	if (fd >= 0 && write(fd, text, strlen(text)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
t_greeting_and_ehlo(void)
{
	struct smtpc c;
	int sv[2];

	CHECK(session(&c, sv, "220-mx ESMTP\r\n220 more\r\n"
	    "250-mx\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250-STARTTLS\r\n"
	    "250 AUTH LOGIN PLAIN\r\n") == 0);
	CHECK(smtpc_greeting(&c) == 220);
	CHECK_STR(c.last.text, "220-mx ESMTP");
	CHECK(smtpc_ehlo(&c, "me.test") == 250);
	CHECK(c.ext == (SMTPC_PIPELINING | SMTPC_SIZE | SMTPC_STARTTLS |
	    SMTPC_AUTH));
	CHECK(c.size_max == 1000);
	CHECK(c.auth_mechs == (SMTPC_AUTH_PLAIN | SMTPC_AUTH_LOGIN));
	smtpc_close(&c);
	close(sv[1]);
}

static void
t_helo_fallback(void)
{
	char wire[256];
	struct smtpc c;
	int sv[2];

	CHECK(session(&c, sv, "220 old\r\n500 what\r\n250 hi\r\n") == 0);
	CHECK(smtpc_greeting(&c) == 220);
	CHECK(smtpc_ehlo(&c, "me.test") == 250);
	CHECK(c.ext == 0);
	smtpc_close(&c);
	drain(sv[1], wire, sizeof wire);
	CHECK_STR(wire, "EHLO me.test\r\nHELO me.test\r\n");
	close(sv[1]);
}

static void
t_bad_replies(void)
{
	struct buf b = BUF_INIT;
	struct smtpc c;
	int sv[2], i;

	CHECK(session(&c, sv, "220-a\r\n250 b\r\n") == 0);
	CHECK(smtpc_greeting(&c) == -1);	/* codes differ */
	CHECK(c.last.code == 0);
	smtpc_close(&c);
	close(sv[1]);
	for (i = 0; i <= SMTPC_LINES_MAX; i++)
		buf_adds(&b, "220-x\r\n");
	buf_adds(&b, "220 x\r\n");
	CHECK(session(&c, sv, b.s) == 0);
	CHECK(smtpc_greeting(&c) == -1);
	CHECK(strstr(c.last.text, "too many lines") != NULL);
	smtpc_close(&c);
	close(sv[1]);
	buf_free(&b);
	/* no reply at all: the timeout, capped at 2 s here */
	CHECK(session(&c, sv, "") == 0);
	smtpc_cap_timeouts(&c, 200);
	c.io.timeout_ms = 200;
	CHECK(smtpc_read_reply(&c, 200, NULL) == -1);
	CHECK(strstr(c.last.text, "timeout") != NULL);
	smtpc_close(&c);
	close(sv[1]);
}

static void
t_transaction_not_pipelined(void)
{
	const char *cmds = "MAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\n"
	    "RCPT TO:<c@y.test>\r\nRCPT TO:<d@y.test>\r\nDATA\r\n";
	char *rcpts[] = { "b@y.test", "c@y.test", "d@y.test" };
	struct smtpc_reply res[3];
	char wire[1024];
	struct smtpc c;
	int sv[2], fd;

	CHECK(session(&c, sv, "250 ok\r\n250 ok\r\n550 5.1.1 no\r\n"
	    "451 4.3.0 later\r\n354 go\r\n250 2.0.0 queued\r\n") == 0);
	fd = message_fd("Subject: t\n\n.hi\nend");
	CHECK(smtpc_send(&c, "a@x.test", rcpts, 3, res, fd, 20) == 250);
	CHECK(res[0].code == 250 && strcmp(res[0].status, "2.0.0") == 0);
	CHECK(res[1].code == 550 && strcmp(res[1].status, "5.1.1") == 0);
	CHECK(res[2].code == 451 && strcmp(res[2].status, "4.3.0") == 0);
	smtpc_close(&c);
	drain(sv[1], wire, sizeof wire);
	CHECK(strncmp(wire, cmds, strlen(cmds)) == 0);
	CHECK_STR(wire + strlen(cmds), "Subject: t\r\n\r\n..hi\r\nend\r\n.\r\n");
	close(sv[1]);
	close(fd);
}

static void
t_transaction_pipelined_all_refused(void)
{
	char *rcpts[] = { "b@y.test" };
	struct smtpc_reply res[1];
	char wire[1024];
	struct smtpc c;
	int sv[2], fd;

	CHECK(session(&c, sv, "250 ok\r\n550 5.1.1 no\r\n554 5.5.1 no "
	    "valid recipients\r\n") == 0);
	c.ext = SMTPC_PIPELINING | SMTPC_SIZE;
	fd = message_fd("x\n");
	smtpc_send(&c, "", rcpts, 1, res, fd, 2);
	CHECK(res[0].code == 550);
	smtpc_close(&c);
	drain(sv[1], wire, sizeof wire);
	CHECK_STR(wire, "MAIL FROM:<> SIZE=2\r\nRCPT TO:<b@y.test>\r\nDATA\r\n");
	close(sv[1]);
	close(fd);
}

static void
t_body_8bitmime(void)
{
	char *rcpts[] = { "b@y.test" };
	struct smtpc_reply res[1];
	char wire[1024];
	struct smtpc c;
	int sv[2], fd;

	CHECK(session(&c, sv, "250 ok\r\n550 5.1.1 no\r\n554 no\r\n") == 0);
	c.ext = SMTPC_PIPELINING | SMTPC_8BITMIME;
	c.body_8bit = 1;
	fd = message_fd("\xc3\xa9\n");
	smtpc_send(&c, "a@x.test", rcpts, 1, res, fd, 3);
	smtpc_close(&c);
	drain(sv[1], wire, sizeof wire);
	CHECK_STR(wire, "MAIL FROM:<a@x.test> BODY=8BITMIME\r\n"
	    "RCPT TO:<b@y.test>\r\nDATA\r\n");
	close(sv[1]);
	close(fd);
}

static void
t_broken_after_data(void)
{
	char *rcpts[] = { "b@y.test" };
	struct smtpc_reply res[1];
	struct smtpc c;
	char wire[1024];
	int sv[2], fd;

	CHECK(session(&c, sv, "250 ok\r\n250 ok\r\n354 go\r\n") == 0);
	shutdown(sv[1], SHUT_WR);	/* no final reply will come */
	fd = message_fd("x\n");
	CHECK(smtpc_send(&c, "a@x.test", rcpts, 1, res, fd, 2) == -1);
	CHECK(res[0].code == 0);	/* unknown: retry */
	smtpc_close(&c);
	drain(sv[1], wire, sizeof wire);
	close(sv[1]);
	close(fd);
}

static void
t_size_limit(void)
{
	char *rcpts[] = { "b@y.test" };
	struct smtpc_reply res[1];
	struct smtpc c;
	int sv[2];

	CHECK(session(&c, sv, "") == 0);
	c.ext = SMTPC_SIZE;
	c.size_max = 10;
	CHECK(smtpc_send(&c, "a@x.test", rcpts, 1, res, -1, 11) == 552);
	CHECK(res[0].code == 552 && strcmp(res[0].status, "5.3.4") == 0);
	smtpc_close(&c);
	close(sv[1]);
}

int
main(void)
{
	RUN(t_parse_line);
	RUN(t_status);
	RUN(t_greeting_and_ehlo);
	RUN(t_helo_fallback);
	RUN(t_bad_replies);
	RUN(t_transaction_not_pipelined);
	RUN(t_transaction_pipelined_all_refused);
	RUN(t_body_8bitmime);
	RUN(t_broken_after_data);
	RUN(t_size_limit);
	return tap_done();
}
