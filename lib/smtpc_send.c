/* smtpc_send: one mail transaction, pipelined when offered, and the
 * message body with CRLF line endings and dot-stuffing; see
 * include/smtpc.h. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "smtpc.h"
#include "str.h"

static int
put_cmd(struct smtpc *c, const char *fmt, const char *arg, uint64_t size)
{
	char cmd[SMTPC_TEXT_MAX + 64];

	if (str_fmt(cmd, sizeof cmd, fmt, arg) < 0)
		return -1;
	if (size > 0 && (c->ext & SMTPC_SIZE) &&
	    str_fmt(cmd + strlen(cmd), sizeof cmd - strlen(cmd),
	    " SIZE=%llu", (unsigned long long)size) < 0)
		return -1;
	if (size > 0 && c->body_8bit && (c->ext & SMTPC_8BITMIME) &&
	    str_fmt(cmd + strlen(cmd), sizeof cmd - strlen(cmd),
	    " BODY=8BITMIME") < 0)
		return -1;
	return io_puts(&c->io, cmd) < 0 || io_puts(&c->io, "\r\n") < 0 ?
	    -1 : 0;
}

static int
flush(struct smtpc *c, int timeout_ms)
{
	c->io.timeout_ms = timeout_ms;
	if (io_flush(&c->io) < 0) {
		smtpc_broken(c, "connection lost while sending");
		return -1;
	}
	return 0;
}

/* One command, its reply (sent now unless pipelining). */
static int
step(struct smtpc *c, int pipelined, int timeout_ms)
{
	if (!pipelined && flush(c, timeout_ms) < 0)
		return -1;
	return smtpc_read_reply(c, timeout_ms, NULL);
}

struct body {
	int at_bol, cr;
};

/* Copy n bytes to the wire: LF or CR alone ends a line as CRLF, a line
 * that starts with '.' gets another. */
static int
body_chunk(struct smtpc *c, struct body *b, const char *p, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		if (b->cr && p[i] != '\n' && io_write(&c->io, "\n", 1) < 0)
			return -1;
		if (b->cr && p[i] != '\n')
			b->at_bol = 1;
		if (p[i] == '.' && b->at_bol) {
			if (io_write(&c->io, p + start, i - start) < 0 ||
			    io_write(&c->io, ".", 1) < 0)
				return -1;
			start = i;
		}
		if (p[i] == '\n' && !b->cr) {
			if (io_write(&c->io, p + start, i - start) < 0 ||
			    io_write(&c->io, "\r", 1) < 0)
				return -1;
			start = i;
		}
		b->cr = p[i] == '\r';
		b->at_bol = p[i] == '\n';
		if (b->cr) {	/* held back until we know what follows */
			if (io_write(&c->io, p + start, i + 1 - start) < 0)
				return -1;
			start = i + 1;
		}
	}
	return io_write(&c->io, p + start, n - start);
}

static int
send_body(struct smtpc *c, int fd)
{
	struct body b = { 1, 0 };
	char tmp[16384];
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	c->io.timeout_ms = c->t.block;
	for (;;) {
		n = read(fd, tmp, sizeof tmp);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		if (body_chunk(c, &b, tmp, (size_t)n) < 0)
			return -1;
	}
	if (b.cr && io_write(&c->io, "\n", 1) < 0)
		return -1;
	if (!b.at_bol && !b.cr && io_write(&c->io, "\r\n", 2) < 0)
		return -1;
	return io_write(&c->io, ".\r\n", 3);
}

static void
set_all(struct smtpc_reply *res, size_t n, const int *ok,
    const struct smtpc_reply *r)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ok == NULL || ok[i])
			res[i] = *r;
}

/* The transaction up to the DATA reply. Number of accepted recipients,
 * or -1 (broken). ok[i] marks accepted ones; *data gets the DATA code. */
static int
envelope(struct smtpc *c, const char *sender, char *const *rcpts, size_t n,
    struct smtpc_reply *res, int *ok, uint64_t size, int *data)
{
	int pipe = (c->ext & SMTPC_PIPELINING) != 0, code;
	size_t i, accepted = 0;
	struct smtpc_reply mail;

	if (put_cmd(c, "MAIL FROM:<%s>", sender, size) < 0)
		return -1;
	if (pipe) {
		for (i = 0; i < n; i++)
			if (put_cmd(c, "RCPT TO:<%s>", rcpts[i], 0) < 0)
				return -1;
		if (io_puts(&c->io, "DATA\r\n") < 0 || flush(c, c->t.mail) < 0)
			return -1;
	}
	code = step(c, pipe, c->t.mail);
	if (code < 0)
		return -1;
	mail = c->last;
	for (i = 0; i < n; i++) {
		if (!pipe && code != 250)
			break;
		if (!pipe && put_cmd(c, "RCPT TO:<%s>", rcpts[i], 0) < 0)
			return -1;
		if (step(c, pipe, c->t.rcpt) < 0)
			return -1;
		ok[i] = code == 250 && c->last.code / 100 == 2;
		res[i] = code == 250 ? c->last : mail;
		accepted += ok[i];
	}
	if (code != 250)
		set_all(res, n, NULL, &mail);
	if (!pipe && accepted > 0 && io_puts(&c->io, "DATA\r\n") < 0)
		return -1;
	*data = 0;
	if (pipe || accepted > 0) {
		if (step(c, pipe, c->t.data) < 0)
			return -1;
		*data = c->last.code;
	}
	return (int)accepted;
}

int
smtpc_send(struct smtpc *c, const char *sender, char *const *rcpts,
    size_t n, struct smtpc_reply *res, int msgfd, uint64_t size)
{
	int ok[n > 0 ? n : 1], accepted, data;
	struct smtpc_reply r;

	memset(ok, 0, sizeof ok);
	memset(res, 0, n * sizeof *res);
	if (c->size_max > 0 && size > c->size_max) {
		r.code = 552;
		str_copy(r.status, sizeof r.status, "5.3.4");
		str_fmt(r.text, sizeof r.text, "552 5.3.4 message size %llu "
		    "exceeds the server's limit of %llu",
		    (unsigned long long)size, (unsigned long long)c->size_max);
		set_all(res, n, NULL, &r);
		return 552;
	}
	accepted = envelope(c, sender, rcpts, n, res, ok, size, &data);
	if (accepted < 0)
		goto broken;
	if (data == 354 && accepted == 0) {
		/* Pipelined DATA accepted with no recipient: send nothing. */
		if (io_puts(&c->io, ".\r\n") < 0 || step(c, 0, c->t.final) < 0)
			goto broken;
		return 554;
	}
	if (accepted == 0)
		return c->last.code;
	if (data != 354) {
		set_all(res, n, ok, &c->last);
		return data;
	}
	if (send_body(c, msgfd) < 0 || flush(c, c->t.block) < 0)
		goto broken;
	if (smtpc_read_reply(c, c->t.final, NULL) < 0)
		goto broken;
	set_all(res, n, ok, &c->last);
	return c->last.code;
broken:
	/* Outcomes not yet known stay code 0: retried later. */
	for (int i = 0; i < (int)n; i++)
		if (ok[i] || res[i].code == 0) {
			res[i] = c->last;
			res[i].code = 0;
		}
	return -1;
}
