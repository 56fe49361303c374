/* pop3_login: the POP3 authorization state: CAPA, STLS, USER/PASS and
 * AUTH PLAIN, the pause after a failure, and opening the mailbox. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <time.h>

#include "account.h"
#include "authfail.h"
#include "line.h"
#include "log.h"
#include "pop3_session.h"
#include "prog.h"
#include "sasl.h"
#include "str.h"
#include "tls.h"

static int
plaintext_ok(const struct pop3 *p)
{
	return p->tls != NULL || p->c->plaintext_ok;
}

static int
refuse_plaintext(struct pop3 *p)
{
	pop3_reply(p, "-ERR [AUTH] plaintext login refused on this "
	    "connection: use STLS first, or port 995");
	return 0;
}

int
pop3_cmd_capa(struct pop3 *p, char *arg)
{
	(void)arg;
	pop3_reply(p, "+OK capability list follows");
	pop3_reply(p, "TOP");
	pop3_reply(p, "UIDL");
	pop3_reply(p, "RESP-CODES");
	pop3_reply(p, "AUTH-RESP-CODE");
	pop3_reply(p, "PIPELINING");
	if (p->state == POP3_AUTHORIZATION && plaintext_ok(p)) {
		pop3_reply(p, "USER");
		pop3_reply(p, "SASL PLAIN");
	}
	if (p->state == POP3_AUTHORIZATION && p->tls == NULL &&
	    tls_server_available(p->c->root))
		pop3_reply(p, "STLS");
	pop3_reply(p, "IMPLEMENTATION mailkit-%s", MAILKIT_VERSION);
	pop3_reply(p, ".");
	return 0;
}

int
pop3_tls_start(struct pop3 *p)
{
	p->tls = tls_server_start_logged(p->io, p->c->root, p->c->remote_ip);
	return p->tls != NULL ? 0 : -1;
}

int
pop3_cmd_stls(struct pop3 *p, char *arg)
{
	(void)arg;
	if (p->tls != NULL)
		return pop3_reply(p, "-ERR TLS already active"), 0;
	if (!tls_server_available(p->c->root))
		return pop3_reply(p, "-ERR TLS not available"), 0;
	pop3_reply(p, "+OK begin TLS negotiation");
	if (io_flush(p->io) < 0)
		return p->end = "io-error", 1;
	io_discard_input(p->io);
	p->have_user = 0;
	if (pop3_tls_start(p) == 0)
		return 0;
	p->end = "tls-failed";
	return 1;
}

static void
log_login(struct pop3 *p, const char *method, const char *result,
    const char *why)
{
	struct logrec r;

	log_begin(&r, "login");
	log_str(&r, "user", p->user);
	log_str(&r, "ip", p->c->remote_ip);
	log_str(&r, "method", method);
	log_str(&r, "tls", p->tls ? tls_version(p->tls) : "no");
	log_str(&r, "result", result);
	if (why != NULL)
		log_str(&r, "reason", why);
	if (p->state == POP3_TRANSACTION) {
		log_num(&r, "messages", p->mbx.n);
	}
	log_end(&r);
}

static int
failed(struct pop3 *p, const char *method, const char *reply)
{
	log_login(p, method, "fail", NULL);
	p->have_user = 0;
	if (authfail_pause(&p->failures, p->c->auth_pause_ms)) {
		pop3_reply(p, "-ERR [AUTH] %s; too many failures, goodbye",
		    reply);
		p->end = "auth-failures";
		return 1;
	}
	pop3_reply(p, "-ERR [AUTH] %s", reply);
	return 0;
}

/* What the login did with an UPDATE journal that a crash left. */
static void
log_journal(struct pop3 *p)
{
	struct logrec r;

	if (p->mbx.journal == NULL)
		return;
	log_begin(&r, "update-journal");
	log_str(&r, "user", p->user);
	log_str(&r, "result", p->mbx.journal);
	log_num(&r, "replayed", p->mbx.replayed);
	log_num(&r, "rejected", p->mbx.rejected);
	if (p->mbx.rejected > 0)
		log_str(&r, "first_rejected", p->mbx.rejected_name);
	log_end(&r);
	p->mbx.journal = NULL;
}

static int
open_mailbox(struct pop3 *p, const char *method)
{
	enum mailbox_format fmt = MAILBOX_MAILDIR;
	char path[PATH_MAX];
	struct account a;
	const char *err = "bad mailbox name";

	if (account_lookup(p->c->root, p->user, &a) == 1)
		fmt = a.format;
	if (account_mailbox_path(p->c->root, p->user, path, sizeof path) < 0 ||
	    mbx_open(&p->mbx, path, fmt, &err) < 0) {
		int inuse = errno == EWOULDBLOCK;

		log_journal(p);
		mbx_close(&p->mbx);
		log_login(p, method, inuse ? "in-use" : "error", err);
		p->have_user = 0;
		pop3_reply(p, "-ERR [%s] %s", inuse ? "IN-USE" : "SYS/TEMP",
		    err);
		return 0;
	}
	log_journal(p);
	p->state = POP3_TRANSACTION;
	log_login(p, method, "ok", NULL);
	pop3_reply(p, "+OK %zu messages", p->mbx.n);
	return 0;
}

static int
login(struct pop3 *p, const char *method, const char *user,
    const char *password)
{
	int r;

	if (str_copy(p->user, sizeof p->user, user) < 0 || *user == '\0')
		return failed(p, method, "authentication failed");
	str_lower(p->user, strlen(p->user));
	r = pop3_verify(p->c, p->user, password);
	if (r < 0) {
		log_login(p, method, "error", "password check failed");
		p->have_user = 0;
		pop3_reply(p, "-ERR [SYS/TEMP] cannot check the password now");
		return 0;
	}
	if (r == 0)
		return failed(p, method, "authentication failed");
	p->have_user = 1;
	return open_mailbox(p, method);
}

int
pop3_cmd_user(struct pop3 *p, char *arg)
{
	if (!plaintext_ok(p))
		return refuse_plaintext(p);
	if (*arg == '\0' || str_copy(p->user, sizeof p->user, arg) < 0)
		return pop3_reply(p, "-ERR usage: USER name"), 0;
	p->have_user = 1;
	pop3_reply(p, "+OK send PASS");
	return 0;
}

int
pop3_cmd_pass(struct pop3 *p, char *arg)
{
	char user[ADDR_MAX + 1];

	if (!plaintext_ok(p))
		return refuse_plaintext(p);
	if (!p->have_user)
		return pop3_reply(p, "-ERR USER first"), 0;
	(void)str_copy(user, sizeof user, p->user);
	return login(p, "user", user, arg);
}

/* The client's response to "+ ": 1 read (in buf), 0 cancelled, -1 gone. */
static int
read_response(struct pop3 *p, char *buf, size_t size, struct line *ln)
{
	pop3_reply(p, "+ ");
	if (io_flush(p->io) < 0 || line_read(p->io, buf, size, ln) <= 0)
		return -1;
	if (!line_is_strict(ln) || (ln->len == 1 && ln->s[0] == '*'))
		return 0;
	return 1;
}

static int
auth_plain(struct pop3 *p, const char *b64, size_t n)
{
	struct sasl_plain sp;
	const char *err;
	int r;

	if (sasl_plain_decode(b64, n, &sp, &err) < 0) {
		pop3_reply(p, "-ERR [AUTH] %s", err);
		return 0;
	}
	r = login(p, "plain", sp.user, sp.password);
	sasl_plain_free(&sp);
	return r;
}

int
pop3_cmd_auth(struct pop3 *p, char *arg)
{
	char buf[POP3_AUTH_LINE_MAX], *sp;
	struct line ln;
	int r;

	if (*arg == '\0') {
		pop3_reply(p, "+OK mechanisms follow");
		pop3_reply(p, "PLAIN");
		pop3_reply(p, ".");
		return 0;
	}
	sp = strchr(arg, ' ');
	if (!str_case_eq(arg, sp ? (size_t)(sp - arg) : strlen(arg),
	    "PLAIN", 5))
		return pop3_reply(p, "-ERR unsupported mechanism"), 0;
	if (!plaintext_ok(p))
		return refuse_plaintext(p);
	if (sp != NULL)
		return auth_plain(p, sp + 1, strlen(sp + 1));
	r = read_response(p, buf, sizeof buf, &ln);
	if (r < 0)
		return p->end = "eof", 1;
	if (r == 0)
		return pop3_reply(p, "-ERR [AUTH] authentication cancelled"), 0;
	r = auth_plain(p, ln.s, ln.len);
	mem_wipe(buf, sizeof buf);
	return r;
}
