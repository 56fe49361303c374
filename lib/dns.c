/* dns: the resolver handle and ROOT/etc/resolver; see include/dns.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "dns.h"
#include "str.h"

static int
parse_port(const char *s, unsigned *port)
{
	uint64_t v;

	if (str_to_u64(s, strlen(s), &v) < 0 || v == 0 || v > 65535)
		return -1;
	*port = (unsigned)v;
	return 0;
}

int
dns_parse_hostport(const char *s, unsigned def, struct sockaddr_storage *sa)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;
	char host[64];
	const char *colon, *close;
	unsigned port = def;

	memset(sa, 0, sizeof *sa);
	if (s[0] == '[') {
		close = strchr(s, ']');
		if (close == NULL || str_copyn(host, sizeof host, s + 1,
		    (size_t)(close - s - 1)) < 0)
			return -1;
		if (close[1] == ':' && parse_port(close + 2, &port) < 0)
			return -1;
		if (close[1] != '\0' && close[1] != ':')
			return -1;
	} else if ((colon = strchr(s, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		if (str_copyn(host, sizeof host, s, (size_t)(colon - s)) < 0 ||
		    parse_port(colon + 1, &port) < 0)
			return -1;
	} else if (str_copy(host, sizeof host, s) < 0)
		return -1;
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		return 0;
	}
	return -1;
}

void
dns_ntop(const struct sockaddr_storage *sa, char *out, size_t size)
{
	const void *a = sa->ss_family == AF_INET6 ?
	    (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr :
	    (const void *)&((const struct sockaddr_in *)sa)->sin_addr;

	if (inet_ntop(sa->ss_family, a, out, (socklen_t)size) == NULL &&
	    size > 0)
		out[0] = '\0';
}

int
dns_open(struct dns *d, const char *root)
{
	struct sockaddr_storage sa;
	char line[128];
	int r;

	memset(d, 0, sizeof *d);
	if (res_ninit(&d->res) < 0)
		return errno = EIO, -1;
	d->res.retrans = 2;
	d->res.retry = 2;
	d->res.options &= ~(unsigned long)(RES_DNSRCH | RES_DEFNAMES);
	r = conf_first(root, "etc/resolver", line, sizeof line);
	if (r < 0)
		return -1;
	if (r == 0)
		return 0;
	/* glibc keeps a custom port only for IPv4 nameservers. */
	if (dns_parse_hostport(line, 53, &sa) < 0 || sa.ss_family != AF_INET) {
		res_nclose(&d->res);
		return errno = EINVAL, -1;
	}
	memcpy(&d->res.nsaddr_list[0], &sa, sizeof(struct sockaddr_in));
	d->res.nscount = 1;
	return 0;
}

void
dns_close(struct dns *d)
{
	res_nclose(&d->res);
}
