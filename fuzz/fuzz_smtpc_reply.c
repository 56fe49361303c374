/* fuzz_smtpc_reply: mail-relay's SMTP client (smtpc.h) talking to a
 * server whose replies are the fuzz input: greeting, EHLO (extensions),
 * AUTH, one pipelined transaction, RSET, QUIT.  Input: a chunking byte, a
 * length byte L, L bytes of message body, then the server's bytes.
 * Every step must give a code of 100-599 or -1 and a well-formed last
 * reply; what the client sent must be CRLF lines with exactly one "."
 * line when the message went out (dot-stuffing; no smuggling). */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "feed.h"
#include "smtpc.h"

static int msgfd = -1;

static void
check_reply(const struct smtpc_reply *r, int code)
{
	size_t i;

	FUZZ_CHECK(code == -1 || (code >= 100 && code <= 599));
	FUZZ_CHECK(memchr(r->text, '\0', sizeof r->text) != NULL);
	FUZZ_CHECK(memchr(r->status, '\0', sizeof r->status) != NULL);
	if (code < 0)
		return;
	FUZZ_CHECK(r->code == code);
	FUZZ_CHECK(r->status[0] >= '2' && r->status[0] <= '5');
	for (i = 0; r->status[i]; i++)
		FUZZ_CHECK((r->status[i] >= '0' && r->status[i] <= '9') ||
		    r->status[i] == '.');
}

/* Lines the client wrote: all CRLF-terminated; count the "." lines. */
static size_t
dot_lines(const struct buf *b)
{
	size_t i = 0, end, dots = 0;
	const char *s = b->s;

	while (i < b->len) {
		const char *lf = memchr(s + i, '\n', b->len - i);
		FUZZ_CHECK(lf != NULL);
		end = (size_t)(lf - s) + 1;
		FUZZ_CHECK(end - i >= 2 && s[end - 2] == '\r');
		dots += end - i == 3 && s[i] == '.';
		i = end;
	}
	return dots;
}

static int
session(struct smtpc *c)
{
	char *rcpts[] = { "bob@example.net", "carol@example.net" };
	struct smtpc_reply res[2];
	struct stat st;
	int code, i, sent = 0;

	code = smtpc_greeting(c);
	check_reply(&c->last, code);
	if (code != 220)
		return 0;
	code = smtpc_ehlo(c, "mx.example.org");
	check_reply(&c->last, code);
	if (code < 0)
		return 0;
	if (c->ext & SMTPC_AUTH) {
		code = smtpc_auth(c, "user", "secret");
		check_reply(&c->last, code);
		if (code < 0)
			return 0;
	}
	FUZZ_CHECK(fstat(msgfd, &st) == 0);
	code = smtpc_send(c, "alice@example.org", rcpts, 2, res,
	    msgfd, (uint64_t)st.st_size);
	for (i = 0; i < 2; i++)
		check_reply(&res[i], res[i].code == 0 ? -1 : res[i].code);
	sent = code != 552 && code != -1;
	if (code < 0)
		return sent;
	code = smtpc_rset(c);
	check_reply(&c->last, code);
	return sent;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smtpc *c;
	struct feed f;
	size_t len;
	int code, more;

	if (size < 2)
		return 0;
	len = data[1];
	if (len > size - 2)
		len = size - 2;
	if (smtpc_parse_line((const char *)data + 2, size - 2, &code,
	    &more) == 0)
		FUZZ_CHECK(code >= 200 && code <= 599);
	if (msgfd < 0 && (msgfd = memfd_create("fuzz_msg", MFD_CLOEXEC)) < 0)
		abort();
	FUZZ_CHECK(ftruncate(msgfd, 0) == 0);
	FUZZ_CHECK(pwrite(msgfd, data + 2, len, 0) == (ssize_t)len);
	c = malloc(sizeof *c);
	FUZZ_CHECK(c != NULL);
	smtpc_init(c, NULL);
	smtpc_cap_timeouts(c, 1000);
	feed_io(&f, &c->io, data + 2 + len, size - 2 - len, data[0],
	    data[0] % 32);
	c->io.timeout_ms = c->t.greeting;
	(void)session(c);
	smtpc_quit(c);
	(void)io_flush(&c->io);
	FUZZ_CHECK(dot_lines(&f.out) <= 1);
	feed_free(&f);
	free(c);
	return 0;
}
