/*
 * route: where mail for a domain goes, from ROOT/etc/routes and
 * ROOT/etc/tls-policy (see mailkit-config(5)).
 *
 *	etc/routes:      domain host[:port] [tls|smtps] [auth=FILE]
 *	                 "*" matches every non-local domain (smarthost);
 *	                 the host may be a name, an IPv4 address or
 *	                 [IPv6]; "smtps" or port 465 means implicit
 *	                 TLS (RFC 8314).
 *	etc/tls-policy:  domain none|may|encrypt|verify   ("*" = default)
 *
 * route_lookup() fills r for the domain: 1 a route applies, 0 none (use
 * MX), -1 the file is unreadable or the matching line is malformed.
 * route_tls_policy() returns the policy for the domain (TLS_MAY when
 * nothing is said).  A route to port 465 has smtps set.
 *
 * route_auth_read() reads an auth=FILE: first line user name, second
 * line password.  The file must be a regular file owned by the mail
 * user (the effective uid) that group and others can neither read nor
 * write; otherwise, or when it is unreadable or malformed, -1 with errno
 * (EPERM for the ownership and mode checks) and a one-line reason naming
 * the file (and its mode) in why.  route_auth_load() is the same without
 * the reason.
 */
#ifndef MAILKIT_ROUTE_H
#define MAILKIT_ROUTE_H

#include <limits.h>

#include "dns.h"

enum tls_policy { TLS_NONE = 0, TLS_MAY, TLS_ENCRYPT, TLS_VERIFY };

struct route {
	char host[DNS_NAME_MAX];
	unsigned port;			/* 0: etc/smtpport or 25 */
	int tls;			/* "tls": STARTTLS required */
	int smtps;			/* "smtps": implicit TLS */
	char auth[PATH_MAX];		/* "" = no AUTH */
};

int route_lookup(const char *root, const char *domain, struct route *r);
enum tls_policy route_tls_policy(const char *root, const char *domain);
int route_auth_read(const char *path, char *user, size_t usize, char *pass,
    size_t psize, char *why, size_t whysize);
int route_auth_load(const char *path, char *user, size_t usize, char *pass,
    size_t psize);

#endif
