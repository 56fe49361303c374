/*
 * addr: RFC 5321 mailbox paths and addresses.
 *
 * addr_parse_path() reads "<local@domain>", "<>" or "<@a,@b:local@domain>"
 * (the source route is accepted and ignored, as RFC 5321 section 3.3 asks),
 * and points *rest at what follows the ">" (ESMTP parameters).
 * addr_parse() reads a bare "local@domain" as given on a command line.
 *
 * Refused: control bytes (CR, LF, NUL, ...) anywhere, a local part over 64
 * octets, a domain over 255, malformed dot-atoms, unbalanced quotes.
 * Octets >= 0x80 are accepted only with ADDR_UTF8 (SMTPUTF8, RFC 6531).
 * The parsed local part keeps its quotes exactly as sent; the domain is
 * lowercased.
 */
#ifndef MAILKIT_ADDR_H
#define MAILKIT_ADDR_H

#include <stddef.h>

#define ADDR_LOCAL_MAX	64
#define ADDR_DOMAIN_MAX	255
#define ADDR_MAX	(ADDR_LOCAL_MAX + 1 + ADDR_DOMAIN_MAX)

#define ADDR_UTF8	0x01	/* allow UTF-8 octets */
#define ADDR_NO_DOMAIN	0x02	/* allow "local" without @domain */

struct addr {
	int null;		/* "<>" */
	size_t local_len, domain_len;
	char local[ADDR_LOCAL_MAX + 1];
	char domain[ADDR_DOMAIN_MAX + 1];
};

/* 0 on success; -1 with *err set to a short reason on failure. */
int addr_parse_path(const char *s, size_t n, unsigned flags, struct addr *a,
    const char **rest, const char **err);
int addr_parse(const char *s, size_t n, unsigned flags, struct addr *a,
    const char **err);

/* "local@domain" (or "" for the null path) into out; 0 or -1 if too long. */
int addr_format(const struct addr *a, char *out, size_t size);

/* 1 when the address is safe to use as a mailbox file name below
 * ROOT/mail/DOMAIN/: no '/', no leading '.', no control bytes. */
int addr_is_safe_name(const char *s, size_t n);

#endif
