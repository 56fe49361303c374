/* smtp_tls: STARTTLS (RFC 3207); see include/smtp_session.h. */
#include "log.h"
#include "smtp_session.h"
#include "tls.h"

static void
log_started(struct smtp *s)
{
	struct logrec r;

	log_begin(&r, "tls");
	log_str(&r, "ip", s->c->remote_ip);
	log_str(&r, "version", tls_version(s->tls));
	log_str(&r, "cipher", tls_cipher(s->tls));
	log_end(&r);
}

int
smtp_cmd_starttls(struct smtp *s, char *arg)
{
	size_t dropped;

	if (*arg != '\0')
		return smtp_bad(s, "501 5.5.4 STARTTLS takes no parameters");
	if (s->tls != NULL)
		return smtp_bad(s, "503 5.5.1 TLS already active");
	if (!tls_server_available(s->c->root))
		return smtp_bad(s, "454 4.7.0 TLS not available");
	smtp_reply(s, "220 2.0.0 ready to start TLS");
	if (io_flush(s->io) < 0)
		return s->end = "io-error", 1;
	/* what the client pipelined behind STARTTLS was sent in clear */
	dropped = io_discard_input(s->io);
	s->tls = tls_server_start_logged(s->io, s->c->root, s->c->remote_ip);
	if (s->tls == NULL) {
		s->end = "tls-failed";
		return 1;
	}
	if (dropped > 0)
		smtp_log_reject(s, "starttls", "pipelined input discarded");
	smtp_reset_all(s);
	log_started(s);
	return 0;
}
