/* dns_query: MX and A/AAAA lookups; see include/dns.h. */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "str.h"

#define ANSWER_MAX	65536
#define CHAIN_MAX	16

struct answer {
	unsigned char buf[ANSWER_MAX];
	int len;
	ns_msg msg;
};

static enum dns_result
query(struct dns *d, const char *name, int type, struct answer *a)
{
	d->note[0] = '\0';
	a->len = res_nquery(&d->res, name, ns_c_in, type, a->buf,
	    (int)sizeof a->buf);
	if (a->len < 0) {
		switch (d->res.res_h_errno) {
		case HOST_NOT_FOUND:
			str_copy(d->note, sizeof d->note, "no such domain");
			return DNS_NXDOMAIN;
		case NO_DATA:
			return DNS_NODATA;
		default:
			str_copy(d->note, sizeof d->note,
			    "DNS lookup failed temporarily");
			return DNS_TEMP;
		}
	}
	if (a->len > (int)sizeof a->buf ||
	    ns_initparse(a->buf, a->len, &a->msg) < 0) {
		str_copy(d->note, sizeof d->note, "malformed DNS answer");
		return DNS_TEMP;
	}
	return DNS_OK;
}

/* Follow the CNAMEs of the answer from name; DNS_TEMP on a loop or a
 * chain too long.  *canon gets the final name. */
static enum dns_result
follow_cnames(struct dns *d, struct answer *a, const char *name,
    char *canon, size_t size)
{
	char owner[NS_MAXDNAME], target[NS_MAXDNAME];
	int i, n = ns_msg_count(a->msg, ns_s_an), hops, moved;
	ns_rr rr;

	if (str_copy(canon, size, name) < 0)
		return DNS_TEMP;
	for (hops = 0; hops <= CHAIN_MAX; hops++) {
		moved = 0;
		for (i = 0; i < n && !moved; i++) {
			if (ns_parserr(&a->msg, ns_s_an, i, &rr) < 0 ||
			    ns_rr_type(rr) != ns_t_cname)
				continue;
			str_copy(owner, sizeof owner, ns_rr_name(rr));
			if (strcasecmp(owner, canon) != 0)
				continue;
			if (dn_expand(ns_msg_base(a->msg), ns_msg_end(a->msg),
			    ns_rr_rdata(rr), target, sizeof target) < 0 ||
			    str_copy(canon, size, target) < 0)
				return DNS_TEMP;
			moved = 1;
		}
		if (!moved)
			return DNS_OK;
	}
	str_copy(d->note, sizeof d->note, "CNAME loop or chain too long");
	return DNS_TEMP;
}

static int
is_ip_literal(const char *s)
{
	unsigned char tmp[16];
	char t[DNS_NAME_MAX];
	size_t n = strlen(s);

	if (n > 0 && s[n - 1] == '.')
		n--;
	if (str_copyn(t, sizeof t, s, n) < 0)
		return 0;
	return inet_pton(AF_INET, t, tmp) == 1 ||
	    inet_pton(AF_INET6, t, tmp) == 1 ||
	    (t[0] == '[' && t[n - 1] == ']');
}

struct keyed {
	struct dns_mx mx;
	long key;
};

static int
by_pref(const void *x, const void *y)
{
	const struct keyed *a = x, *b = y;

	if (a->mx.pref != b->mx.pref)
		return a->mx.pref < b->mx.pref ? -1 : 1;
	return a->key < b->key ? -1 : a->key > b->key;
}

static enum dns_result
collect_mx(struct dns *d, struct answer *a, struct keyed *k, size_t max,
    size_t *n, int *nullmx)
{
	int i, count = ns_msg_count(a->msg, ns_s_an), dropped = 0;
	const unsigned char *rd;
	char host[NS_MAXDNAME];
	ns_rr rr;

	*n = 0;
	*nullmx = 0;
	for (i = 0; i < count && *n < max; i++) {
		if (ns_parserr(&a->msg, ns_s_an, i, &rr) < 0)
			return DNS_TEMP;
		if (ns_rr_type(rr) != ns_t_mx || ns_rr_rdlen(rr) < 3)
			continue;
		rd = ns_rr_rdata(rr);
		if (dn_expand(ns_msg_base(a->msg), ns_msg_end(a->msg), rd + 2,
		    host, sizeof host) < 0)
			return DNS_TEMP;
		if (host[0] == '\0' || strcmp(host, ".") == 0) {
			*nullmx = 1;
			continue;
		}
		if (is_ip_literal(host)) {
			dropped = 1;
			continue;
		}
		if (str_copy(k[*n].mx.host, sizeof k[*n].mx.host, host) < 0)
			continue;
		k[*n].mx.pref = (unsigned)rd[0] << 8 | rd[1];
		k[*n].key = random();
		(*n)++;
	}
	if (dropped && *n == 0 && !*nullmx) {
		str_copy(d->note, sizeof d->note,
		    "MX record names an IP address, not a host");
		return DNS_BADMX;
	}
	return DNS_OK;
}

enum dns_result
dns_mx(struct dns *d, const char *domain, struct dns_mx *mx, size_t max,
    size_t *n)
{
	struct answer *a;
	struct keyed *k;
	enum dns_result r;
	char canon[NS_MAXDNAME];
	int nullmx;
	size_t i;

	*n = 0;
	a = malloc(sizeof *a);
	k = calloc(max ? max : 1, sizeof *k);
	if (a == NULL || k == NULL) {
		free(a);
		free(k);
		return DNS_TEMP;
	}
	r = query(d, domain, ns_t_mx, a);
	if (r == DNS_OK)
		r = follow_cnames(d, a, domain, canon, sizeof canon);
	if (r == DNS_OK)
		r = collect_mx(d, a, k, max, n, &nullmx);
	if (r == DNS_OK && nullmx && *n == 0) {
		str_copy(d->note, sizeof d->note,
		    "domain accepts no mail (null MX)");
		r = DNS_NULLMX;
	}
	if (r == DNS_NODATA || (r == DNS_OK && *n == 0 && !nullmx)) {
		/* No MX: the domain itself is the exchanger (RFC 5321 5.1). */
		r = str_copy(k[0].mx.host, sizeof k[0].mx.host, domain) < 0 ?
		    DNS_TEMP : DNS_OK;
		k[0].mx.pref = 0;
		*n = r == DNS_OK && max > 0;
	}
	if (r == DNS_OK) {
		qsort(k, *n, sizeof *k, by_pref);
		for (i = 0; i < *n; i++)
			mx[i] = k[i].mx;
	} else
		*n = 0;
	free(a);
	free(k);
	return r;
}

static void
add_addr(const ns_rr *rr, int type, struct sockaddr_storage *sa)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;

	memset(sa, 0, sizeof *sa);
	if (type == ns_t_a) {
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, ns_rr_rdata(*rr), 4);
	} else {
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, ns_rr_rdata(*rr), 16);
	}
}

static enum dns_result
lookup_type(struct dns *d, struct answer *a, const char *host, int type,
    struct sockaddr_storage *sa, size_t max, size_t *n)
{
	char canon[NS_MAXDNAME];
	enum dns_result r;
	int i, count;
	ns_rr rr;

	r = query(d, host, type, a);
	if (r == DNS_OK)
		r = follow_cnames(d, a, host, canon, sizeof canon);
	if (r != DNS_OK)
		return r;
	count = ns_msg_count(a->msg, ns_s_an);
	for (i = 0; i < count && *n < max; i++) {
		if (ns_parserr(&a->msg, ns_s_an, i, &rr) < 0)
			return DNS_TEMP;
		if ((int)ns_rr_type(rr) != type ||
		    ns_rr_rdlen(rr) != (type == ns_t_a ? 4 : 16))
			continue;
		add_addr(&rr, type, &sa[(*n)++]);
	}
	return DNS_OK;
}

enum dns_result
dns_addrs(struct dns *d, const char *host, unsigned flags,
    struct sockaddr_storage *sa, size_t max, size_t *n)
{
	enum dns_result r6 = DNS_NODATA, r4;
	struct answer *a;

	*n = 0;
	a = malloc(sizeof *a);
	if (a == NULL)
		return DNS_TEMP;
	if (!(flags & DNS_V4ONLY))
		r6 = lookup_type(d, a, host, ns_t_aaaa, sa, max, n);
	r4 = r6 == DNS_NXDOMAIN ? DNS_NXDOMAIN :
	    lookup_type(d, a, host, ns_t_a, sa, max, n);
	free(a);
	if (*n > 0)
		return DNS_OK;
	if (r4 == DNS_TEMP || r6 == DNS_TEMP)
		return DNS_TEMP;
	if (r4 == DNS_NXDOMAIN)
		return DNS_NXDOMAIN;
	str_copy(d->note, sizeof d->note, "host has no address");
	return DNS_NODATA;
}
