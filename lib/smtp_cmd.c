/* smtp_cmd: the simple SMTP commands (HELO, EHLO, RSET, NOOP, VRFY, HELP,
 * QUIT); see include/smtp_session.h. */
#include <string.h>

#include "smtp_session.h"
#include "str.h"
#include "tls.h"

/* A HELO/EHLO argument: one word of printable ASCII. */
static int
helo_ok(const char *a)
{
	size_t i, n = strlen(a);

	if (n == 0 || n > 255)
		return 0;
	for (i = 0; i < n; i++)
		if (a[i] <= ' ' || a[i] > '~')
			return 0;
	return 1;
}

static void
greet(struct smtp *s, const char *arg, int ehlo)
{
	smtp_reset(s);
	(void)str_copy(s->helo, sizeof s->helo, arg);
	s->ehlo = ehlo ? 2 : 1;
}

int
smtp_cmd_helo(struct smtp *s, char *arg)
{
	if (!helo_ok(arg))
		return smtp_bad(s, "501 5.5.4 HELO requires a domain or "
		    "address literal");
	greet(s, arg, 0);
	smtp_reply(s, "250 %s", s->c->me);
	return 0;
}

int
smtp_cmd_ehlo(struct smtp *s, char *arg)
{
	const struct smtp_conf *c = s->c;

	if (!helo_ok(arg))
		return smtp_bad(s, "501 5.5.4 EHLO requires a domain or "
		    "address literal");
	greet(s, arg, 1);
	smtp_reply(s, "250-%s", c->me);
	smtp_reply(s, "250-PIPELINING");
	smtp_reply(s, "250-SIZE %llu", (unsigned long long)c->max_size);
	smtp_reply(s, "250-8BITMIME");
	smtp_reply(s, "250-SMTPUTF8");
	if (s->tls == NULL && tls_server_available(c->root))
		smtp_reply(s, "250-STARTTLS");
	if (smtp_auth_offered(s))
		smtp_reply(s, "250-AUTH PLAIN LOGIN");
	smtp_reply(s, "250 ENHANCEDSTATUSCODES");
	return 0;
}

int
smtp_cmd_rset(struct smtp *s, char *arg)
{
	(void)arg;
	smtp_reset(s);
	smtp_reply(s, "250 2.0.0 ok");
	return 0;
}

int
smtp_cmd_noop(struct smtp *s, char *arg)
{
	(void)arg;
	smtp_reply(s, "250 2.0.0 ok");
	return 0;
}

int
smtp_cmd_vrfy(struct smtp *s, char *arg)
{
	(void)arg;
	smtp_reply(s, "252 2.1.5 cannot VRFY, but will accept the message "
	    "and attempt delivery");
	return 0;
}

int
smtp_cmd_help(struct smtp *s, char *arg)
{
	(void)arg;
	smtp_reply(s, "214-2.0.0 commands: EHLO HELO MAIL RCPT DATA RSET NOOP");
	smtp_reply(s, "214-2.0.0 VRFY HELP QUIT STARTTLS AUTH");
	smtp_reply(s, "214 2.0.0 see mail-submit(8)");
	return 0;
}

int
smtp_cmd_quit(struct smtp *s, char *arg)
{
	(void)arg;
	smtp_reply(s, "221 2.0.0 %s closing connection", s->c->me);
	s->end = "quit";
	return 1;
}
