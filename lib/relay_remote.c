/* relay_remote: the recipients of one remote domain over SMTP, by route
 * or MX; see include/relay.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "dns.h"
#include "log.h"
#include "relay.h"
#include "relay_cache.h"
#include "route.h"
#include "smtpc.h"
#include "str.h"
#include "tls.h"

#define MX_MAX		16
#define ADDR_PER_HOST	8
#define TRIES_MAX	16

struct hop {
	const struct relay_conf *rc;
	const struct qenv *e;
	const char *domain;
	char *const *rcpts;
	size_t n;
	int msgfd;
	uint64_t size;
	struct relay_result *res;
	struct route route;
	int routed;
	enum tls_policy policy;
	unsigned tries;
	int body_8bit;
	struct relay_result last;	/* why the last host did not do */
};

static void
all(struct hop *h, const struct relay_result *r)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		h->res[i] = *r;
}

static int
is_loopback(const struct sockaddr_storage *sa)
{
	if (sa->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr)
		    >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->
	    sin6_addr);
}

static void
from_reply(struct relay_result *r, const struct smtpc_reply *rep,
    const char *host, const char *ip, int tls)
{
	enum relay_kind k = rep->code / 100 == 2 ? RELAY_OK :
	    rep->code / 100 == 5 ? RELAY_PERM : RELAY_TEMP;

	relay_set(r, k, rep->status[0] ? rep->status : "4.4.2",
	    rep->code ? "smtp; %s" : "x-mailkit; %s", rep->text);
	str_copy(r->host, sizeof r->host, host);
	str_copy(r->ip, sizeof r->ip, ip);
	r->tls = tls;
}

/* A reply that ends our use of this host, kept as the reason. */
static int
give_up(struct hop *h, struct smtpc *c, const char *host, const char *ip)
{
	from_reply(&h->last, &c->last, host, ip, c->tls != NULL);
	if (h->last.kind == RELAY_OK)
		h->last.kind = RELAY_TEMP;
	smtpc_quit(c);
	return -1;
}

static int
auth(struct hop *h, struct smtpc *c, const char *host, const char *ip,
    const struct sockaddr_storage *sa)
{
	char user[256], pass[256], why[QDIAG_MAX - 16];
	int code;

	if (h->route.auth[0] == '\0')
		return 0;
	if (c->tls == NULL && !is_loopback(sa)) {
		relay_set(&h->last, RELAY_TEMP, "4.7.0",
		    "x-mailkit; will not send a password without TLS to %s",
		    host);
		smtpc_quit(c);
		return -1;
	}
	if (route_auth_read(h->route.auth, user, sizeof user, pass,
	    sizeof pass, why, sizeof why) < 0) {
		relay_set(&h->last, RELAY_TEMP, "4.3.5", "x-mailkit; %s", why);
		smtpc_quit(c);
		return -1;
	}
	code = smtpc_auth(c, user, pass);
	memset(pass, 0, sizeof pass);
	if (code == 235)
		return 0;
	/* Our credentials are wrong: the admin fixes them, mail waits. */
	give_up(h, c, host, ip);
	h->last.kind = RELAY_TEMP;
	h->last.status[0] = '4';
	return -1;
}

/* Greeting, EHLO, TLS and AUTH; 0 ready for a transaction, 1 retry this
 * address without STARTTLS, -1 try the next one. */
static int
open_session(struct hop *h, struct smtpc *c, const char *host,
    const char *ip, const struct sockaddr_storage *sa, int no_starttls)
{
	int need = h->route.tls || h->policy >= TLS_ENCRYPT;
	int verify = h->policy == TLS_VERIFY;
	unsigned port = ntohs(((const struct sockaddr_in *)sa)->sin_port);

	if (smtpc_connect(c, sa) < 0)
		return give_up(h, c, host, ip);
	if ((port == 465 || h->route.smtps) &&
	    smtpc_tls_now(c, host, verify) < 0)
		return give_up(h, c, host, ip);
	if (smtpc_greeting(c) / 100 != 2 || smtpc_ehlo(c, h->rc->me) / 100 != 2)
		return give_up(h, c, host, ip);
	if (c->tls == NULL && (c->ext & SMTPC_STARTTLS) && !no_starttls &&
	    h->policy != TLS_NONE) {
		if (smtpc_starttls(c, host, verify) < 0) {
			give_up(h, c, host, ip);
			return need ? -1 : 1;
		}
		if (c->tls != NULL && smtpc_ehlo(c, h->rc->me) / 100 != 2)
			return give_up(h, c, host, ip);
	}
	if (need && c->tls == NULL) {
		relay_set(&h->last, RELAY_TEMP, "4.7.5",
		    "x-mailkit; TLS is required for %s but %s did not do it",
		    h->domain, host);
		smtpc_quit(c);
		return -1;
	}
	return auth(h, c, host, ip, sa);
}

/* -v: one line when a session is opened or taken again. */
static void
log_session(const struct hop *h, const struct relay_session *s,
    const char *what)
{
	struct logrec lr;

	if (!h->rc->verbose)
		return;
	log_begin(&lr, "smtp-session");
	log_str(&lr, "action", what);
	log_str(&lr, "qid", h->e->id);
	log_str(&lr, "domain", h->domain);
	log_str(&lr, "relay", s->host);
	log_str(&lr, "ip", s->ip);
	log_str(&lr, "tls", s->c.tls != NULL ? "yes" : "no");
	log_num(&lr, "transactions", s->uses);
	log_end(&lr);
}

/* One transaction on an open session: every recipient gets its result;
 * then the session goes back to the cache, or ends. */
static void
transact(struct hop *h, struct relay_session *s)
{
	struct smtpc_reply rep[h->n > 0 ? h->n : 1];
	size_t i;

	s->c.body_8bit = h->body_8bit;
	smtpc_send(&s->c, h->e->sender, h->rcpts, h->n, rep, h->msgfd,
	    h->size);
	s->uses++;
	for (i = 0; i < h->n; i++)
		from_reply(&h->res[i], &rep[i], s->host, s->ip,
		    s->c.tls != NULL);
	relay_cache_put(h->rc->cache, s);
}

/* One address: 0 the transaction ran (results set), -1 next address. */
static int
try_addr(struct hop *h, const char *host, const struct sockaddr_storage *sa)
{
	struct relay_session *s;
	char ip[64];
	int r, no_starttls = 0;

	dns_ntop(sa, ip, sizeof ip);
	for (;;) {
		if (++h->tries > TRIES_MAX)
			return -1;
		s = relay_session_new(h->domain);
		if (s == NULL) {
			relay_set(&h->last, RELAY_TEMP, "4.3.0",
			    "x-mailkit; out of memory");
			return -1;
		}
		smtpc_cap_timeouts(&s->c, h->rc->timeout_cap_ms);
		r = open_session(h, &s->c, host, ip, sa, no_starttls);
		if (r == 0)
			break;
		free(s);	/* open_session closed it */
		if (r < 0)
			return -1;
		no_starttls = 1;	/* opportunistic TLS failed: plain */
	}
	(void)str_copy(s->host, sizeof s->host, host);
	(void)str_copy(s->ip, sizeof s->ip, ip);
	log_session(h, s, "open");
	transact(h, s);
	return 0;
}

static void
set_port(struct sockaddr_storage *sa, unsigned port)
{
	if (sa->ss_family == AF_INET6)
		((struct sockaddr_in6 *)sa)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)sa)->sin_port = htons((uint16_t)port);
}

/* One exchanger: 0 done, -1 next exchanger.  *nx counts names that do
 * not exist. */
static int
try_host(struct hop *h, struct dns *d, const char *host, unsigned port,
    int *nx)
{
	struct sockaddr_storage sa[ADDR_PER_HOST];
	enum dns_result r;
	size_t n = 0, i;

	if (dns_parse_hostport(host, port, &sa[0]) == 0) {
		n = 1;
		r = DNS_OK;
	} else
		r = dns_addrs(d, host, h->rc->v4only ? DNS_V4ONLY : 0, sa,
		    ADDR_PER_HOST, &n);
	if (r != DNS_OK) {
		*nx += r == DNS_NXDOMAIN || r == DNS_NODATA;
		relay_set(&h->last, RELAY_TEMP, "4.4.3",
		    "x-mailkit; cannot find the address of %s: %s", host,
		    d->note[0] ? d->note : "no address");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (h->rc->v4only && sa[i].ss_family != AF_INET)
			continue;
		set_port(&sa[i], port);
		if (try_addr(h, host, &sa[i]) == 0)
			return 0;
	}
	return -1;
}

static void
mx_failed(struct hop *h, enum dns_result r, const char *note)
{
	struct relay_result res;

	memset(&res, 0, sizeof res);
	if (r == DNS_NXDOMAIN)
		relay_set(&res, RELAY_PERM, "5.1.2",
		    "x-mailkit; domain %s does not exist", h->domain);
	else if (r == DNS_NULLMX)
		relay_set(&res, RELAY_PERM, "5.1.10",
		    "x-mailkit; domain %s accepts no mail (null MX)",
		    h->domain);
	else if (r == DNS_BADMX)
		relay_set(&res, RELAY_PERM, "5.4.4",
		    "x-mailkit; MX of %s: %s", h->domain, note);
	else
		relay_set(&res, RELAY_TEMP, "4.4.3",
		    "x-mailkit; MX lookup for %s: %s", h->domain, note);
	all(h, &res);
}

static void
by_mx(struct hop *h, struct dns *d)
{
	struct dns_mx mx[MX_MAX];
	enum dns_result r;
	size_t n, i;
	int nx = 0;

	r = dns_mx(d, h->domain, mx, MX_MAX, &n);
	if (r != DNS_OK) {
		mx_failed(h, r, d->note);
		return;
	}
	for (i = 0; i < n; i++)
		if (try_host(h, d, mx[i].host, h->rc->smtpport, &nx) == 0)
			return;
	/* Implicit MX (the domain itself) that has no address at all. */
	if (n == 1 && nx == 1 && strcasecmp(mx[0].host, h->domain) == 0)
		relay_set(&h->last, RELAY_PERM, "5.1.2",
		    "x-mailkit; domain %s has no mail server", h->domain);
	all(h, &h->last);
}

/* Any byte >= 0x80 in the message (for BODY=8BITMIME). */
static int
has_8bit(int fd)
{
	char buf[16384];
	off_t off = 0;
	ssize_t n, i;

	while ((n = pread(fd, buf, sizeof buf, off)) > 0) {
		for (i = 0; i < n; i++)
			if ((unsigned char)buf[i] >= 0x80)
				return 1;
		off += n;
	}
	return 0;
}

void
relay_remote(const struct relay_conf *rc, const struct qenv *e,
    const char *domain, char *const *rcpts, size_t n, int msgfd,
    uint64_t size, struct relay_result *res)
{
	struct relay_session *s;
	struct hop h;
	struct dns d;
	int routed, nx = 0;

	memset(&h, 0, sizeof h);
	h.rc = rc; h.e = e; h.domain = domain; h.rcpts = rcpts; h.n = n;
	h.msgfd = msgfd; h.size = size; h.res = res;
	h.body_8bit = has_8bit(msgfd);
	/* A session this process left open to the domain: no lookups, no
	 * new connection. */
	s = relay_cache_take(rc->cache, domain);
	if (s != NULL) {
		log_session(&h, s, "reuse");
		transact(&h, s);
		return;
	}
	relay_set(&h.last, RELAY_TEMP, "4.4.1",
	    "x-mailkit; no mail server for %s answered", domain);
	h.policy = route_tls_policy(rc->root, domain);
	routed = route_lookup(rc->root, domain, &h.route);
	if (routed < 0) {
		relay_set(&h.last, RELAY_TEMP, "4.3.5",
		    "x-mailkit; bad line in etc/routes for %s", domain);
		all(&h, &h.last);
		return;
	}
	if (dns_open(&d, rc->root) < 0) {
		relay_set(&h.last, RELAY_TEMP, "4.3.5",
		    "x-mailkit; cannot set up the resolver (etc/resolver)");
		all(&h, &h.last);
		return;
	}
	if (routed) {
		if (try_host(&h, &d, h.route.host, h.route.port ?
		    h.route.port : rc->smtpport, &nx) < 0)
			all(&h, &h.last);
	} else
		by_mx(&h, &d);
	dns_close(&d);
}
