/* smtp_conf: settings of the SMTP server from ROOT/etc and tcpserver's
 * environment; see include/smtp.h. */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "peer.h"
#include "smtp.h"
#include "str.h"

int
smtp_is_loopback(const char *ip)
{
	return peer_is_loopback(ip);
}

static unsigned
cap_u(unsigned long long v, unsigned long long max)
{
	return (unsigned)(v > max ? max : v);
}

int
smtp_conf_load(struct smtp_conf *c, const char *root)
{
	unsigned long long size, rcpt, errs, sessions, timeout, pause, ftime;
	const char *host = getenv("TCPREMOTEHOST");
	enum peer_kind kind;

	memset(c, 0, sizeof *c);
	c->root = root;
	if (conf_me(root, c->me, sizeof c->me) < 0 ||
	    conf_number(root, "etc/maxsize", CONF_MAXSIZE_DEFAULT, &size) < 0 ||
	    conf_number(root, "etc/maxrcpt", 100, &rcpt) < 0 ||
	    conf_number(root, "etc/maxerrors", 10, &errs) < 0 ||
	    conf_number(root, "etc/maxsessions", 0, &sessions) < 0 ||
	    conf_number(root, "etc/timeout", 300, &timeout) < 0 ||
	    conf_number(root, "etc/authpause", 2000, &pause) < 0 ||
	    conf_number(root, "etc/filtertimeout", 120, &ftime) < 0)
		return -1;
	c->max_size = size;
	c->max_rcpt = cap_u(rcpt ? rcpt : 1, 100000);
	c->max_errors = cap_u(errs ? errs : 1, 1000);
	c->max_sessions = cap_u(sessions, 100000);
	c->timeout_ms = (int)cap_u(timeout ? timeout : 1, 86400) * 1000;
	c->auth_pause_ms = cap_u(pause, 60000);
	c->filter_timeout_ms = (int)cap_u(ftime ? ftime : 1, 3600) * 1000;
	c->relayclient = getenv("RELAYCLIENT") != NULL;
	/* a pipe from a local program (sendmail -bs) is trusted like the
	 * injector */
	kind = peer_find(c->remote_ip, sizeof c->remote_ip);
	c->local = kind == PEER_LOCAL;
	c->loopback = c->local ||
	    (kind == PEER_IP && peer_is_loopback(c->remote_ip));
	if (host != NULL)
		(void)str_copy(c->remote_host, sizeof c->remote_host, host);
	return 0;
}
