/* smtpc_session: connecting, greeting, EHLO, STARTTLS, AUTH, QUIT; see
 * include/smtpc.h. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base64.h"
#include "buf.h"
#include "sasl.h"
#include "smtpc.h"
#include "str.h"
#include "tls.h"

#define MIN(x) ((x) * 60 * 1000)

static const struct smtpc_timeouts rfc5321 = {
	.connect = MIN(1), .greeting = MIN(5), .ehlo = MIN(5),
	.mail = MIN(5), .rcpt = MIN(5), .data = MIN(2), .block = MIN(3),
	.final = MIN(10),
};

void
smtpc_init(struct smtpc *c, const struct smtpc_timeouts *t)
{
	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->t = t ? *t : rfc5321;
}

static void
cap(int *v, int max)
{
	if (*v > max)
		*v = max;
}

void
smtpc_cap_timeouts(struct smtpc *c, int ms)
{
	if (ms <= 0)
		return;
	cap(&c->t.connect, ms); cap(&c->t.greeting, ms); cap(&c->t.ehlo, ms);
	cap(&c->t.mail, ms); cap(&c->t.rcpt, ms); cap(&c->t.data, ms);
	cap(&c->t.block, ms); cap(&c->t.final, ms);
}

void
smtpc_attach(struct smtpc *c, int fd)
{
	c->fd = fd;
	io_init(&c->io, fd, fd, c->t.greeting);
}

static int
wait_connected(int fd, int timeout_ms)
{
	socklen_t len = sizeof(int);
	int err = 0, r;

	r = io_wait(fd, POLLOUT, timeout_ms);
	if (r <= 0)
		return errno = r == 0 ? ETIMEDOUT : errno, -1;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return -1;
	if (err != 0)
		return errno = err, -1;
	return 0;
}

int
smtpc_connect(struct smtpc *c, const struct sockaddr_storage *sa)
{
	socklen_t len = sa->ss_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	int fd, fl;

	fd = socket(sa->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0);
	if (fd < 0)
		goto fail;
	if (connect(fd, (const struct sockaddr *)sa, len) < 0 &&
	    (errno != EINPROGRESS || wait_connected(fd, c->t.connect) < 0))
		goto fail;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		goto fail;
	smtpc_attach(c, fd);
	return 0;
fail:
	smtpc_broken(c, "");
	str_fmt(c->last.text, sizeof c->last.text, "cannot connect: %s",
	    strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

int
smtpc_greeting(struct smtpc *c)
{
	return smtpc_read_reply(c, c->t.greeting, NULL);
}

static int
command(struct smtpc *c, const char *cmd, int timeout_ms,
    void (*fn)(struct smtpc *, const char *, size_t))
{
	c->io.timeout_ms = timeout_ms;
	if (io_puts(&c->io, cmd) < 0 || io_puts(&c->io, "\r\n") < 0 ||
	    io_flush(&c->io) < 0) {
		smtpc_broken(c, "connection lost while sending a command");
		return -1;
	}
	return smtpc_read_reply(c, timeout_ms, fn);
}

static int
keyword(const char *s, size_t n, const char *kw)
{
	size_t k = strlen(kw);

	return n >= k && str_case_prefix(s, n, kw) &&
	    (n == k || s[k] == ' ' || s[k] == '=');
}

static void
auth_mechs(struct smtpc *c, const char *s, size_t n)
{
	size_t i = 0, start;

	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '='))
			i++;
		start = i;
		while (i < n && s[i] != ' ')
			i++;
		if (str_case_eq(s + start, i - start, "PLAIN", 5))
			c->auth_mechs |= SMTPC_AUTH_PLAIN;
		if (str_case_eq(s + start, i - start, "LOGIN", 5))
			c->auth_mechs |= SMTPC_AUTH_LOGIN;
	}
}

static void
ehlo_line(struct smtpc *c, const char *s, size_t n)
{
	uint64_t v;

	if (n < 4)
		return;
	s += 4;
	n -= 4;
	if (keyword(s, n, "PIPELINING"))
		c->ext |= SMTPC_PIPELINING;
	else if (keyword(s, n, "STARTTLS"))
		c->ext |= SMTPC_STARTTLS;
	else if (keyword(s, n, "8BITMIME"))
		c->ext |= SMTPC_8BITMIME;
	else if (keyword(s, n, "AUTH")) {
		c->ext |= SMTPC_AUTH;
		auth_mechs(c, s + 4, n - 4);
	} else if (keyword(s, n, "SIZE")) {
		c->ext |= SMTPC_SIZE;
		if (n > 5 && str_to_u64(s + 5, n - 5, &v) == 0)
			c->size_max = v;
	}
}

int
smtpc_ehlo(struct smtpc *c, const char *me)
{
	char cmd[300];
	int code;

	c->ext = c->auth_mechs = 0;
	c->size_max = 0;
	if (str_fmt(cmd, sizeof cmd, "EHLO %s", me) < 0)
		return errno = EINVAL, -1;
	code = command(c, cmd, c->t.ehlo, ehlo_line);
	if (code < 500)
		return code;
	c->ext = 0;
	str_fmt(cmd, sizeof cmd, "HELO %s", me);
	return command(c, cmd, c->t.ehlo, NULL);
}

int
smtpc_tls_now(struct smtpc *c, const char *sni, int verify)
{
	char err[256];

	c->io.timeout_ms = c->t.greeting;
	c->tls = tls_client_start(&c->io, sni, verify, err, sizeof err);
	if (c->tls == NULL) {
		smtpc_broken(c, "");
		str_fmt(c->last.text, sizeof c->last.text, "TLS failed: %s",
		    err);
		return -1;
	}
	return 0;
}

int
smtpc_starttls(struct smtpc *c, const char *sni, int verify)
{
	int code = command(c, "STARTTLS", c->t.ehlo, NULL);

	if (code != 220)
		return code;
	io_discard_input(&c->io);
	return smtpc_tls_now(c, sni, verify) < 0 ? -1 : 220;
}

static int
auth_plain(struct smtpc *c, const char *user, const char *pass)
{
	struct buf raw = BUF_INIT, cmd = BUF_INIT;
	int code = -1;

	if (buf_addc(&raw, '\0') == 0 && buf_adds(&raw, user) == 0 &&
	    buf_addc(&raw, '\0') == 0 && buf_adds(&raw, pass) == 0 &&
	    buf_adds(&cmd, "AUTH PLAIN ") == 0 &&
	    b64_encode(raw.s, raw.len, &cmd) == 0)
		code = command(c, cmd.s, c->t.ehlo, NULL);
	mem_wipe(raw.s, raw.len);
	mem_wipe(cmd.s, cmd.len);
	buf_free(&raw);
	buf_free(&cmd);
	return code;
}

static int
send_b64(struct smtpc *c, const char *s)
{
	struct buf b = BUF_INIT;
	int code = -1;

	if (b64_encode(s, strlen(s), &b) == 0)
		code = command(c, b.s ? b.s : "", c->t.ehlo, NULL);
	mem_wipe(b.s, b.len);
	buf_free(&b);
	return code;
}

static int
auth_login(struct smtpc *c, const char *user, const char *pass)
{
	int code = command(c, "AUTH LOGIN", c->t.ehlo, NULL);

	if (code == 334)
		code = send_b64(c, user);
	if (code == 334)
		code = send_b64(c, pass);
	return code;
}

int
smtpc_auth(struct smtpc *c, const char *user, const char *pass)
{
	if (c->auth_mechs & SMTPC_AUTH_PLAIN)
		return auth_plain(c, user, pass);
	if (c->auth_mechs & SMTPC_AUTH_LOGIN)
		return auth_login(c, user, pass);
	c->last.code = 504;
	str_copy(c->last.status, sizeof c->last.status, "5.7.4");
	str_copy(c->last.text, sizeof c->last.text,
	    "504 5.7.4 server offers no AUTH mechanism we know");
	return 504;
}

int
smtpc_rset(struct smtpc *c)
{
	return command(c, "RSET", c->t.mail, NULL);
}

void
smtpc_close(struct smtpc *c)
{
	if (c->tls != NULL)
		tls_end(c->tls);
	c->tls = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

void
smtpc_quit(struct smtpc *c)
{
	/* A broken session (code 0) gets no QUIT: nobody would answer. */
	if (c->fd >= 0 && c->io.err == IO_OK && c->last.code != 0)
		(void)command(c, "QUIT", 5000, NULL);
	smtpc_close(c);
}
