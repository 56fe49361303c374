/* fuzz_dns: mail-relay's DNS answer handling (dns.h): dns_mx and
 * dns_addrs with answers that come from the fuzz input instead of a name
 * server.  res_nquery is replaced here (the program's own definition wins
 * over the C library's), so MX collection, CNAME following, null MX and
 * the address records are all parsed from fuzzed packets.
 *
 * Input: a mode byte, then answers, each a 2-byte big-endian length and
 * that many bytes; query k gets answer k.  A zero length, or no answer
 * left, makes the query fail with an h_errno picked by the mode. */
#include <arpa/nameser.h>
#include <netdb.h>
#include <resolv.h>
#include <stdint.h>
#include <string.h>

#include "dns.h"
#include "feed.h"

static const uint8_t *in;
static size_t in_len, in_pos;
static unsigned mode, queries;

int
res_nquery(res_state st, const char *name, int class, int type,
    unsigned char *answer, int anslen)
{
	static const int errs[] = { HOST_NOT_FOUND, NO_DATA, TRY_AGAIN,
	    NO_RECOVERY };
	size_t len;

	(void)class;
	(void)type;
	FUZZ_CHECK(name != NULL && strlen(name) < 1100);
	FUZZ_CHECK(++queries < 1000);
	if (in_len - in_pos < 2) {
		st->res_h_errno = errs[(mode + queries) % 4];
		return -1;
	}
	len = (size_t)in[in_pos] << 8 | in[in_pos + 1];
	in_pos += 2;
	if (len > in_len - in_pos)
		len = in_len - in_pos;
	if (len == 0) {
		st->res_h_errno = errs[(mode >> 2) % 4];
		return -1;
	}
	if (len > (size_t)anslen)
		len = (size_t)anslen;
	memcpy(answer, in + in_pos, len);
	in_pos += len;
	/* a truncated answer reports its full length, as res_nquery does */
	if ((mode & 0x80) && queries == 1)
		return anslen + 1;
	return (int)len;
}

static void
mx(struct dns *d)
{
	struct dns_mx m[8];
	enum dns_result r;
	size_t n = 99, i;

	r = dns_mx(d, "example.org", m, 8, &n);
	FUZZ_CHECK(r <= DNS_BADMX);
	FUZZ_CHECK(n <= 8);
	FUZZ_CHECK(r == DNS_OK || n == 0);
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(memchr(m[i].host, '\0', sizeof m[i].host) != NULL);
		FUZZ_CHECK(m[i].host[0] != '\0');
		FUZZ_CHECK(m[i].pref <= 65535);
		if (i > 0)
			FUZZ_CHECK(m[i - 1].pref <= m[i].pref);
	}
	FUZZ_CHECK(memchr(d->note, '\0', sizeof d->note) != NULL);
}

static void
addrs(struct dns *d)
{
	struct sockaddr_storage sa[4];
	enum dns_result r;
	size_t n = 99, i;

	r = dns_addrs(d, "mx.example.org", mode & 1 ? DNS_V4ONLY : 0, sa, 4,
	    &n);
	FUZZ_CHECK(r <= DNS_BADMX);
	FUZZ_CHECK(n <= 4);
	FUZZ_CHECK(r == DNS_OK ? n > 0 : n == 0);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(sa[i].ss_family == AF_INET ||
		    sa[i].ss_family == AF_INET6);
}

static void
hostport(const uint8_t *p, size_t n)
{
	struct sockaddr_storage sa;
	char s[80], out[64];

	if (n >= sizeof s)
		n = sizeof s - 1;
	memcpy(s, p, n);
	s[n] = '\0';
	if (dns_parse_hostport(s, 25, &sa) == 0) {
		FUZZ_CHECK(sa.ss_family == AF_INET ||
		    sa.ss_family == AF_INET6);
		dns_ntop(&sa, out, sizeof out);
		FUZZ_CHECK(memchr(out, '\0', sizeof out) != NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns *d;

	if (size < 1)
		return 0;
	d = calloc(1, sizeof *d);
	FUZZ_CHECK(d != NULL);
	mode = data[0];
	in = data + 1;
	in_len = size - 1;
	in_pos = 0;
	queries = 0;
	if (mode & 0x40)
		addrs(d);
	else
		mx(d);
	hostport(data + 1, size - 1);
	free(d);
	return 0;
}
