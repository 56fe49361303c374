/* smtp_conf: settings of the SMTP server from ROOT/etc and tcpserver's
 * environment; see include/smtp.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conf.h"
#include "smtp.h"
#include "str.h"

int
smtp_is_loopback(const char *ip)
{
	return strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0 ||
	    strncmp(ip, "::ffff:127.", 11) == 0;
}

/* The peer of fd 0: 1 found (in ip), 0 not a socket, -1 other. */
static int
peer_ip(char *ip, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	const void *a;

	if (getpeername(0, (struct sockaddr *)&ss, &len) < 0)
		return errno == ENOTSOCK ? 0 : -1;
	if (ss.ss_family == AF_INET)
		a = &((struct sockaddr_in *)&ss)->sin_addr;
	else if (ss.ss_family == AF_INET6)
		a = &((struct sockaddr_in6 *)&ss)->sin6_addr;
	else
		return 0;	/* a Unix socket is local */
	return inet_ntop(ss.ss_family, a, ip, (socklen_t)size) ? 1 : -1;
}

/* Without tcpserver: a socket from inetd or systemd, or a local pipe
 * (sendmail -bs run by a local program, trusted like the injector). */
static void
no_tcpserver(struct smtp_conf *c)
{
	int r = peer_ip(c->remote_ip, sizeof c->remote_ip);

	if (r == 1) {
		c->loopback = smtp_is_loopback(c->remote_ip);
		return;
	}
	(void)str_copy(c->remote_ip, sizeof c->remote_ip, r == 0 ? "local" :
	    "unknown");
	c->loopback = r == 0;
	c->local = r == 0;
}

static unsigned
cap_u(unsigned long long v, unsigned long long max)
{
	return (unsigned)(v > max ? max : v);
}

int
smtp_conf_load(struct smtp_conf *c, const char *root)
{
	unsigned long long size, rcpt, errs, timeout, pause, ftime;
	const char *ip = getenv("TCPREMOTEIP");
	const char *host = getenv("TCPREMOTEHOST");

	memset(c, 0, sizeof *c);
	c->root = root;
	if (conf_me(root, c->me, sizeof c->me) < 0 ||
	    conf_number(root, "etc/maxsize", 35882577, &size) < 0 ||
	    conf_number(root, "etc/maxrcpt", 100, &rcpt) < 0 ||
	    conf_number(root, "etc/maxerrors", 10, &errs) < 0 ||
	    conf_number(root, "etc/timeout", 300, &timeout) < 0 ||
	    conf_number(root, "etc/authpause", 2000, &pause) < 0 ||
	    conf_number(root, "etc/filtertimeout", 120, &ftime) < 0)
		return -1;
	c->max_size = size;
	c->max_rcpt = cap_u(rcpt ? rcpt : 1, 100000);
	c->max_errors = cap_u(errs ? errs : 1, 1000);
	c->timeout_ms = (int)cap_u(timeout ? timeout : 1, 86400) * 1000;
	c->auth_pause_ms = cap_u(pause, 60000);
	c->filter_timeout_ms = (int)cap_u(ftime ? ftime : 1, 3600) * 1000;
	c->relayclient = getenv("RELAYCLIENT") != NULL;
	if (ip == NULL || *ip == '\0') {
		no_tcpserver(c);
	} else {
		if (str_copy(c->remote_ip, sizeof c->remote_ip, ip) < 0)
			(void)str_copy(c->remote_ip, sizeof c->remote_ip,
			    "unknown");
		c->loopback = smtp_is_loopback(c->remote_ip);
	}
	if (host != NULL)
		(void)str_copy(c->remote_host, sizeof c->remote_host, host);
	return 0;
}
