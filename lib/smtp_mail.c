/* smtp_mail: MAIL and RCPT, with SIZE, BODY and SMTPUTF8, relay control and
 * sender checks for authenticated clients; see include/smtp_session.h. */
#include <string.h>

#include "conf.h"
#include "smtp_session.h"
#include "str.h"

/* Skip "FROM:" or "TO:" and spaces; NULL when absent. */
static char *
after_keyword(char *arg, const char *kw)
{
	size_t k = strlen(kw);

	if (!str_case_prefix(arg, strlen(arg), kw))
		return NULL;
	arg += k;
	while (*arg == ' ')
		arg++;
	return arg;
}

static int
has_8bit(const struct addr *a)
{
	size_t i;

	for (i = 0; i < a->local_len; i++)
		if ((unsigned char)a->local[i] >= 0x80)
			return 1;
	for (i = 0; i < a->domain_len; i++)
		if ((unsigned char)a->domain[i] >= 0x80)
			return 1;
	return 0;
}

/* Next space-separated word of *p into w (NUL-terminated in place). */
static char *
next_word(char **p)
{
	char *w, *e;

	while (**p == ' ')
		(*p)++;
	if (**p == '\0')
		return NULL;
	w = *p;
	e = strchr(w, ' ');
	if (e != NULL) {
		*e = '\0';
		*p = e + 1;
	} else {
		*p = w + strlen(w);
	}
	return w;
}

/* 0 ok, 1 reply written (session may end: *end set). */
static int
mail_params(struct smtp *s, char *rest, int *end)
{
	uint64_t size;
	char *w, *v;

	while ((w = next_word(&rest)) != NULL) {
		v = strchr(w, '=');
		if (str_case_eq(w, v ? (size_t)(v - w) : strlen(w), "SIZE", 4) &&
		    v != NULL) {
			if (str_to_u64(v + 1, strlen(v + 1), &size) < 0)
				return *end = smtp_bad(s, "501 5.5.4 bad SIZE "
				    "value"), 1;
			if (size > s->c->max_size) {
				smtp_reply(s, "552 5.3.4 message size exceeds "
				    "fixed maximum of %llu bytes",
				    (unsigned long long)s->c->max_size);
				return 1;
			}
		} else if (str_case_eq(w, strlen(w), "BODY=7BIT", 9) ||
		    str_case_eq(w, strlen(w), "BODY=8BITMIME", 13)) {
			continue;
		} else if (str_case_eq(w, strlen(w), "SMTPUTF8", 8)) {
			s->utf8 = 1;
		} else if (str_case_prefix(w, strlen(w), "AUTH=")) {
			continue;
		} else {
			return *end = smtp_bad(s, "555 5.5.4 unsupported "
			    "parameter %.40s", w), 1;
		}
	}
	return 0;
}

int
smtp_cmd_mail(struct smtp *s, char *arg)
{
	struct addr a;
	const char *rest, *err;
	char *p, sender[ADDR_MAX + 1];
	int end = 0, ok;

	if (s->ehlo == 0)
		return smtp_bad(s, "503 5.5.1 send EHLO or HELO first");
	if (s->mail)
		return smtp_bad(s, "503 5.5.1 nested MAIL command");
	if (s->c->submission && !s->authed)
		return smtp_bad(s, "530 5.7.0 authentication required");
	if ((p = after_keyword(arg, "FROM:")) == NULL)
		return smtp_bad(s, "501 5.5.4 syntax: MAIL FROM:<address>");
	if (addr_parse_path(p, strlen(p), ADDR_UTF8, &a, &rest, &err) < 0)
		return smtp_bad(s, "501 5.1.7 bad sender address: %s", err);
	s->utf8 = 0;
	if (mail_params(s, (char *)rest, &end) != 0) {
		s->utf8 = 0;
		return end;
	}
	if (has_8bit(&a) && !s->utf8)
		return smtp_bad(s, "553 5.6.7 non-ASCII address requires "
		    "SMTPUTF8");
	if (addr_format(&a, sender, sizeof sender) < 0)
		return smtp_bad(s, "501 5.1.7 sender address too long");
	if (s->authed) {
		ok = smtp_sender_ok(s->c->root, s->user, sender);
		if (ok < 0)
			return smtp_reply(s, "451 4.3.0 cannot read the "
			    "configuration"), 0;
		if (!ok) {
			smtp_log_reject(s, "mail", "sender not owned");
			return smtp_bad(s, "553 5.7.1 sender address <%s> not "
			    "owned by user %s", sender, s->user);
		}
	}
	(void)str_copy(s->env.sender, sizeof s->env.sender, sender);
	(void)str_copy(s->env.auth, sizeof s->env.auth, s->user);
	s->mail = 1;
	smtp_reply(s, "250 2.1.0 sender ok");
	return 0;
}

/* RCPT TO:<postmaster> without a domain: postmaster at our first local
 * domain (RFC 5321 4.5.1). */
static int
postmaster(const struct smtp *s, char *out, size_t size)
{
	char dom[256];

	if (conf_first(s->c->root, "etc/domains", dom, sizeof dom) <= 0 &&
	    str_copy(dom, sizeof dom, s->c->me) < 0)
		return -1;
	return str_fmt(out, size, "postmaster@%s", dom);
}

static int
rcpt_address(struct smtp *s, char *p, char *out, size_t size, int *end)
{
	struct addr a;
	const char *rest, *err;
	unsigned fl = ADDR_NO_DOMAIN | (s->utf8 ? ADDR_UTF8 : 0);

	if (addr_parse_path(p, strlen(p), fl, &a, &rest, &err) < 0)
		return *end = smtp_bad(s, "501 5.1.3 bad recipient address: "
		    "%s", err), -1;
	if (a.null)
		return *end = smtp_bad(s, "501 5.1.3 null recipient"), -1;
	while (*rest == ' ')
		rest++;
	if (*rest != '\0')
		return *end = smtp_bad(s, "555 5.5.4 RCPT parameters not "
		    "supported"), -1;
	if (a.domain_len == 0) {
		if (!str_case_eq(a.local, a.local_len, "postmaster", 10))
			return *end = smtp_bad(s, "501 5.1.3 recipient needs a "
			    "domain"), -1;
		return postmaster(s, out, size) < 0 ? (*end = smtp_bad(s,
		    "501 5.1.3 recipient too long"), -1) : 0;
	}
	if (addr_format(&a, out, size) < 0)
		return *end = smtp_bad(s, "501 5.1.3 recipient too long"), -1;
	return 0;
}

/* 0 accepted, else the reply was written and *end tells. */
static int
rcpt_allowed(struct smtp *s, const char *rcpt, int *end)
{
	const char *dom = strrchr(rcpt, '@') + 1;
	int r = conf_is_local_domain(s->c->root, dom);

	if (r == 1) {
		r = smtp_local_exists(s->c->root, rcpt);
		if (r < 0)
			return smtp_reply(s, "451 4.3.0 cannot read the "
			    "configuration"), -1;
		if (r == 0) {
			smtp_log_reject(s, "rcpt", "no such user");
			return *end = smtp_bad(s, "550 5.1.1 <%s>: no such user "
			    "here", rcpt), -1;
		}
		return 0;
	}
	if (s->c->relayclient || s->c->local || s->authed)
		return 0;
	smtp_log_reject(s, "rcpt", "relaying denied");
	return *end = smtp_bad(s, "554 5.7.1 <%s>: relaying denied", rcpt), -1;
}

int
smtp_cmd_rcpt(struct smtp *s, char *arg)
{
	char *p, rcpt[ADDR_MAX + 1];
	int end = 0;

	if (!s->mail)
		return smtp_bad(s, "503 5.5.1 need MAIL before RCPT");
	if ((p = after_keyword(arg, "TO:")) == NULL)
		return smtp_bad(s, "501 5.5.4 syntax: RCPT TO:<address>");
	s->rcpt_tried++;
	if (rcpt_address(s, p, rcpt, sizeof rcpt, &end) < 0)
		return end;
	if (s->env.nrcpt >= s->c->max_rcpt)
		return smtp_reply(s, "452 4.5.3 too many recipients"), 0;
	if (rcpt_allowed(s, rcpt, &end) < 0)
		return end;
	if (!qenv_has_rcpt(&s->env, rcpt) && qenv_add_rcpt(&s->env, rcpt) < 0)
		return smtp_reply(s, "452 4.3.1 out of memory"), 0;
	smtp_reply(s, "250 2.1.5 recipient ok");
	return 0;
}
