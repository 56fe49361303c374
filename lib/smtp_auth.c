/* smtp_auth: AUTH PLAIN and LOGIN (RFC 4954, 4616) against ROOT/etc/users;
 * see include/smtp_session.h. */
#include <string.h>
#include <time.h>

#include "account.h"
#include "authfail.h"
#include "base64.h"
#include "line.h"
#include "log.h"
#include "sasl.h"
#include "smtp_session.h"
#include "str.h"

int
smtp_auth_offered(const struct smtp *s)
{
	return !s->authed && (s->tls != NULL || s->c->loopback);
}

/* Read one continuation line into buf.  0 ok, 1 cancelled ("*"),
 * -1 the session ends. */
static int
read_response(struct smtp *s, const char *prompt, char *buf, size_t size,
    size_t *len)
{
	struct line ln;

	smtp_reply(s, "334 %s", prompt);
	if (io_flush(s->io) < 0)
		return s->end = "io-error", -1;
	if (line_read(s->io, buf, size, &ln) <= 0) {
		s->end = s->io->err == IO_TIMEOUT ? "timeout" : "eof";
		return -1;
	}
	if (!line_is_strict(&ln))
		return 2;
	*len = ln.len;
	return ln.len == 1 && buf[0] == '*';
}

static int
check(struct smtp *s, const char *user, const char *password)
{
	struct account a;
	struct logrec r;
	int ok = 0;

	if (strlen(user) <= ADDR_MAX && account_lookup(s->c->root, user,
	    &a) == 1)
		ok = password_verify(a.password, password);
	log_begin(&r, ok ? "auth" : "auth-failed");
	log_str(&r, "ip", s->c->remote_ip);
	log_str(&r, "user", user);
	log_end(&r);
	mem_wipe(a.password, sizeof a.password);
	if (!ok) {
		if (authfail_pause(&s->auth_failures, s->c->auth_pause_ms)) {
			smtp_reply(s, "535 5.7.8 authentication credentials "
			    "invalid");
			smtp_reply(s, "421 4.7.0 %s too many authentication "
			    "failures, closing connection", s->c->me);
			s->end = "auth-failures";
			return 1;
		}
		return smtp_bad(s, "535 5.7.8 authentication credentials "
		    "invalid");
	}
	s->authed = 1;
	(void)str_copy(s->user, sizeof s->user, a.address);
	smtp_reply(s, "235 2.7.0 authentication successful");
	return 0;
}

static int
auth_plain(struct smtp *s, const char *initial, char *buf, size_t size)
{
	struct sasl_plain sp;
	const char *err, *b64 = initial;
	size_t n = strlen(initial);
	int r;

	if (*initial == '\0') {
		r = read_response(s, "", buf, size, &n);
		if (r < 0)
			return 1;
		if (r == 1)
			return smtp_bad(s, "501 5.0.0 authentication cancelled");
		if (r == 2)
			return smtp_bad(s, "501 5.5.2 bad response line");
		b64 = buf;
	}
	if (sasl_plain_decode(b64, n, &sp, &err) < 0)
		return smtp_bad(s, "501 5.5.2 %s", err);
	r = check(s, sp.user, sp.password);
	sasl_plain_free(&sp);
	return r;
}

/* Decode one base64 LOGIN field into out; 0 or -1. */
static int
login_field(const char *b64, size_t n, char *out, size_t size)
{
	struct buf b = BUF_INIT;
	int r = -1;

	if (b64_decode(b64, n, &b) == 0 && b.len > 0 && b.len < size &&
	    memchr(b.s, '\0', b.len) == NULL) {
		memcpy(out, b.s, b.len + 1);
		r = 0;
	}
	if (b.s != NULL)
		mem_wipe(b.s, b.cap);
	buf_free(&b);
	return r;
}

static int
login_step(struct smtp *s, const char *prompt, char *buf, size_t size,
    char *out, size_t outsize)
{
	size_t n;
	int r = read_response(s, prompt, buf, size, &n);

	if (r < 0)
		return -1;
	if (r == 1)
		return smtp_bad(s, "501 5.0.0 authentication cancelled") + 2;
	if (r == 2 || login_field(buf, n, out, outsize) < 0)
		return smtp_bad(s, "501 5.5.2 bad base64") + 2;
	return 0;
}

static int
auth_login(struct smtp *s, const char *initial, char *buf, size_t size)
{
	char user[ADDR_MAX + 2], pw[512];
	int r;

	if (*initial != '\0') {
		if (login_field(initial, strlen(initial), user, sizeof user) < 0)
			return smtp_bad(s, "501 5.5.2 bad base64");
	} else if ((r = login_step(s, "VXNlcm5hbWU6", buf, size, user,
	    sizeof user)) != 0) {
		return r < 0 ? 1 : r - 2;
	}
	r = login_step(s, "UGFzc3dvcmQ6", buf, size, pw, sizeof pw);
	if (r != 0)
		return r < 0 ? 1 : r - 2;
	r = check(s, user, pw);
	mem_wipe(pw, sizeof pw);
	return r;
}

int
smtp_cmd_auth(struct smtp *s, char *arg)
{
	static char buf[SMTP_AUTH_LINE_MAX + 1];
	char *initial = strchr(arg, ' ');
	size_t mlen = initial ? (size_t)(initial - arg) : strlen(arg);
	int r;

	if (s->ehlo != 2)
		return smtp_bad(s, "503 5.5.1 send EHLO first");
	if (s->authed)
		return smtp_bad(s, "503 5.5.1 already authenticated");
	if (s->mail)
		return smtp_bad(s, "503 5.5.1 AUTH not allowed during a mail "
		    "transaction");
	if (s->tls == NULL && !s->c->loopback)
		return smtp_bad(s, "538 5.7.11 encryption required: use "
		    "STARTTLS first");
	initial = initial ? initial + 1 : arg + mlen;
	if (strcmp(initial, "=") == 0)
		return smtp_bad(s, "501 5.5.2 empty response");
	if (str_case_eq(arg, mlen, "PLAIN", 5))
		r = auth_plain(s, initial, buf, sizeof buf);
	else if (str_case_eq(arg, mlen, "LOGIN", 5))
		r = auth_login(s, initial, buf, sizeof buf);
	else
		r = smtp_bad(s, "504 5.5.4 unknown authentication mechanism");
	mem_wipe(buf, sizeof buf);
	return r;
}
