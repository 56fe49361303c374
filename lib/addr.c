/* addr: RFC 5321 paths; see include/addr.h. */
#include <arpa/inet.h>
#include <string.h>

#include "addr.h"
#include "str.h"

struct scan {
	const char *p, *end;
	unsigned flags;
	const char *err;
};

static int
is_atext(unsigned char c, unsigned flags)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	if (c >= 0x80)
		return (flags & ADDR_UTF8) != 0;
	return c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static int
is_letdig(unsigned char c, unsigned flags)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c >= 0x80 && (flags & ADDR_UTF8));
}

static int
fail(struct scan *sc, const char *why)
{
	sc->err = why;
	return -1;
}

/* Dot-string or Quoted-string, copied as written. */
static int
scan_local(struct scan *sc, struct addr *a)
{
	const char *s = sc->p;
	int atoms = 0;

	if (sc->p < sc->end && *sc->p == '"') {
		for (sc->p++; sc->p < sc->end && *sc->p != '"'; sc->p++) {
			unsigned char c = (unsigned char)*sc->p;
			if (c == '\\') {
				if (++sc->p >= sc->end)
					return fail(sc, "unterminated quote");
				c = (unsigned char)*sc->p;
				if (c < 32 || c == 127)
					return fail(sc, "control character");
				if (c >= 0x80 && !(sc->flags & ADDR_UTF8))
					return fail(sc,
					    "8-bit character without SMTPUTF8");
			} else if (c < 32 || c == 127) {
				return fail(sc, "control character");
			} else if (c >= 0x80 && !(sc->flags & ADDR_UTF8)) {
				return fail(sc, "8-bit character without SMTPUTF8");
			}
		}
		if (sc->p >= sc->end)
			return fail(sc, "unterminated quote");
		sc->p++;
	} else {
		for (;;) {
			const char *t = sc->p;
			while (sc->p < sc->end &&
			    is_atext((unsigned char)*sc->p, sc->flags))
				sc->p++;
			if (sc->p == t)
				return fail(sc, atoms ? "empty atom in local part"
						      : "empty local part");
			atoms++;
			if (sc->p < sc->end && *sc->p == '.') {
				sc->p++;
				continue;
			}
			break;
		}
	}
	if ((size_t)(sc->p - s) > ADDR_LOCAL_MAX)
		return fail(sc, "local part too long");
	a->local_len = (size_t)(sc->p - s);
	memcpy(a->local, s, a->local_len);
	a->local[a->local_len] = '\0';
	return 0;
}

static int
scan_literal(struct scan *sc, const char **s, size_t *n)
{
	char tmp[64];
	unsigned char bin[16];
	const char *t = sc->p + 1, *close;

	close = memchr(t, ']', (size_t)(sc->end - t));
	if (close == NULL || (size_t)(close - t) >= sizeof tmp)
		return fail(sc, "bad address literal");
	memcpy(tmp, t, (size_t)(close - t));
	tmp[close - t] = '\0';
	if (str_case_prefix(tmp, strlen(tmp), "IPv6:")) {
		if (inet_pton(AF_INET6, tmp + 5, bin) != 1)
			return fail(sc, "bad IPv6 address literal");
	} else if (inet_pton(AF_INET, tmp, bin) != 1) {
		return fail(sc, "bad address literal");
	}
	*s = sc->p;
	sc->p = close + 1;
	*n = (size_t)(sc->p - *s);
	return 0;
}

static int
scan_domain_span(struct scan *sc, const char **s, size_t *n)
{
	const char *t;

	if (sc->p < sc->end && *sc->p == '[')
		return scan_literal(sc, s, n);
	*s = sc->p;
	for (;;) {
		t = sc->p;
		if (sc->p >= sc->end ||
		    !is_letdig((unsigned char)*sc->p, sc->flags))
			return fail(sc, "bad domain");
		while (sc->p < sc->end &&
		    (is_letdig((unsigned char)*sc->p, sc->flags) ||
		    *sc->p == '-'))
			sc->p++;
		if (sc->p[-1] == '-' || sc->p - t > 63)
			return fail(sc, "bad domain label");
		if (sc->p < sc->end && *sc->p == '.') {
			sc->p++;
			continue;
		}
		break;
	}
	*n = (size_t)(sc->p - *s);
	if (*n > ADDR_DOMAIN_MAX)
		return fail(sc, "domain too long");
	return 0;
}

static int
scan_domain(struct scan *sc, struct addr *a)
{
	const char *s;
	size_t n;

	if (scan_domain_span(sc, &s, &n) < 0)
		return -1;
	memcpy(a->domain, s, n);
	a->domain[n] = '\0';
	a->domain_len = n;
	str_lower(a->domain, n);
	return 0;
}

static int
scan_mailbox(struct scan *sc, struct addr *a)
{
	if (scan_local(sc, a) < 0)
		return -1;
	if (sc->p < sc->end && *sc->p == '@') {
		sc->p++;
		return scan_domain(sc, a);
	}
	if (!(sc->flags & ADDR_NO_DOMAIN))
		return fail(sc, "missing @domain");
	return 0;
}

/* "@a,@b:" before the mailbox: parsed for syntax, then forgotten. */
static int
skip_source_route(struct scan *sc)
{
	const char *s;
	size_t n;

	while (sc->p < sc->end && *sc->p == '@') {
		sc->p++;
		if (scan_domain_span(sc, &s, &n) < 0)
			return -1;
		if (sc->p < sc->end && *sc->p == ',') {
			sc->p++;
			if (sc->p >= sc->end || *sc->p != '@')
				return fail(sc, "bad source route");
			continue;
		}
		if (sc->p < sc->end && *sc->p == ':') {
			sc->p++;
			return 0;
		}
		return fail(sc, "bad source route");
	}
	return 0;
}

static void
clear(struct addr *a)
{
	memset(a, 0, sizeof *a);
}

/* CR, LF, NUL or any other control byte: never part of an address. */
static int
has_control(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 32 || s[i] == 127)
			return 1;
	return 0;
}

int
addr_parse_path(const char *s, size_t n, unsigned flags, struct addr *a,
    const char **rest, const char **err)
{
	struct scan sc = { s, s + n, flags, NULL };

	clear(a);
	if (has_control(s, n)) {
		*err = "control character in address";
		return -1;
	}
	if (sc.p >= sc.end || *sc.p != '<') {
		*err = "path must be enclosed in <>";
		return -1;
	}
	sc.p++;
	if (sc.p < sc.end && *sc.p == '>') {
		a->null = 1;
		sc.p++;
	} else {
		if (skip_source_route(&sc) < 0 || scan_mailbox(&sc, a) < 0) {
			*err = sc.err;
			return -1;
		}
		if (sc.p >= sc.end || *sc.p != '>') {
			*err = "junk after address";
			return -1;
		}
		sc.p++;
	}
	if (rest)
		*rest = sc.p;
	return 0;
}

int
addr_parse(const char *s, size_t n, unsigned flags, struct addr *a,
    const char **err)
{
	struct scan sc = { s, s + n, flags, NULL };

	clear(a);
	if (has_control(s, n)) {
		*err = "control character in address";
		return -1;
	}
	if (scan_mailbox(&sc, a) < 0) {
		*err = sc.err;
		return -1;
	}
	if (sc.p != sc.end) {
		*err = "junk after address";
		return -1;
	}
	return 0;
}

int
addr_format(const struct addr *a, char *out, size_t size)
{
	if (a->null)
		return str_copy(out, size, "");
	if (a->domain_len == 0)
		return str_copyn(out, size, a->local, a->local_len);
	return str_fmt(out, size, "%s@%s", a->local, a->domain);
}

int
addr_is_safe_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '/' || c < 32 || c == 127)
			return 0;
	}
	return 1;
}
