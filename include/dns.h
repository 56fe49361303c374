/*
 * dns: MX and address lookups for mail-relay through libresolv.
 *
 *	struct dns d;
 *	if (dns_open(&d, root) < 0) ...        // ROOT/etc/resolver honoured
 *	r = dns_mx(&d, "example.org", mx, 16, &n);
 *	  DNS_OK: mx[0..n) sorted by preference, equal ones shuffled; when
 *	          the domain has no MX, the domain itself (implicit MX).
 *	  DNS_NULLMX (RFC 7505), DNS_NXDOMAIN: permanent.
 *	  DNS_TEMP: SERVFAIL, timeout, CNAME chain without end: try later.
 *	r = dns_addrs(&d, "mx.example.org", DNS_V4ONLY, sa, 8, &n);
 *	  DNS_OK with n >= 1 addresses (AAAA first unless DNS_V4ONLY),
 *	  DNS_NODATA when the name has none, or the results above.
 *	dns_close(&d);
 *
 * ROOT/etc/resolver holds one line "IP" or "IP:PORT" ("[IPv6]:PORT"), and
 * then replaces the nameservers of /etc/resolv.conf.  An exchanger named
 * by an IP address (a broken MX) is dropped and reported in d.note.
 */
#ifndef MAILKIT_DNS_H
#define MAILKIT_DNS_H

#include <resolv.h>
#include <stddef.h>
#include <sys/socket.h>

#define DNS_NAME_MAX	256
#define DNS_V4ONLY	0x01

enum dns_result {
	DNS_OK = 0,
	DNS_NXDOMAIN,	/* the name does not exist */
	DNS_NODATA,	/* the name exists, no record of that type */
	DNS_NULLMX,	/* "MX 0 ." */
	DNS_TEMP,	/* try again later */
	DNS_BADMX	/* every exchanger was unusable (IP literal) */
};

struct dns_mx {
	char host[DNS_NAME_MAX];
	unsigned pref;
};

struct dns {
	struct __res_state res;
	char note[128];		/* why the last lookup failed */
};

/* 0, or -1 with errno (EINVAL: a bad etc/resolver line). */
int dns_open(struct dns *d, const char *root);
void dns_close(struct dns *d);

enum dns_result dns_mx(struct dns *d, const char *domain, struct dns_mx *mx,
    size_t max, size_t *n);
enum dns_result dns_addrs(struct dns *d, const char *host, unsigned flags,
    struct sockaddr_storage *sa, size_t max, size_t *n);

/* Parse "IP", "IP:PORT" or "[IP6]:PORT" into sa (port defaults to def).
 * 0 or -1. */
int dns_parse_hostport(const char *s, unsigned def, struct sockaddr_storage
    *sa);
/* Numeric text of an address (no port). */
void dns_ntop(const struct sockaddr_storage *sa, char *out, size_t size);

#endif
