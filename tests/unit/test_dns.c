/* Unit tests: dns (host:port parsing, resolver set-up) and route
 * (etc/routes, etc/tls-policy, auth files). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dns.h"
#include "route.h"
#include "str.h"
#include "tap.h"

static char root[256];

static void
put(const char *rel, const char *text)
{
	char p[512];
	FILE *f;

	str_fmt(p, sizeof p, "%s/%s", root, rel);
	f = fopen(p, "w");
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

static unsigned
port_of(const struct sockaddr_storage *sa)
{
	return sa->ss_family == AF_INET6 ?
	    ntohs(((const struct sockaddr_in6 *)sa)->sin6_port) :
	    ntohs(((const struct sockaddr_in *)sa)->sin_port);
}

static void
t_hostport(void)
{
	struct sockaddr_storage sa;
	char ip[64];

	CHECK(dns_parse_hostport("127.0.0.2", 25, &sa) == 0);
	CHECK(sa.ss_family == AF_INET && port_of(&sa) == 25);
	dns_ntop(&sa, ip, sizeof ip);
	CHECK_STR(ip, "127.0.0.2");
	CHECK(dns_parse_hostport("127.0.0.2:2525", 25, &sa) == 0);
	CHECK(port_of(&sa) == 2525);
	CHECK(dns_parse_hostport("[::1]:26", 25, &sa) == 0);
	CHECK(sa.ss_family == AF_INET6 && port_of(&sa) == 26);
	CHECK(dns_parse_hostport("::1", 25, &sa) == 0);
	CHECK(sa.ss_family == AF_INET6 && port_of(&sa) == 25);
	CHECK(dns_parse_hostport("mx.example", 25, &sa) == -1);
	CHECK(dns_parse_hostport("1.2.3.4:0", 25, &sa) == -1);
	CHECK(dns_parse_hostport("1.2.3.4:65536", 25, &sa) == -1);
	CHECK(dns_parse_hostport("1.2.3.4:x", 25, &sa) == -1);
	CHECK(dns_parse_hostport("[::1", 25, &sa) == -1);
	CHECK(dns_parse_hostport("[::1]x", 25, &sa) == -1);
	CHECK(dns_parse_hostport("", 25, &sa) == -1);
}

static void
t_resolver_file(void)
{
	struct dns d;

	put("etc/resolver", "127.0.0.1:5353\n");
	CHECK(dns_open(&d, root) == 0);
	CHECK(d.res.nscount == 1);
	CHECK(ntohs(d.res.nsaddr_list[0].sin_port) == 5353);
	dns_close(&d);
	put("etc/resolver", "not an address\n");
	CHECK(dns_open(&d, root) == -1 && errno == EINVAL);
	put("etc/resolver", "[::1]:53\n");	/* glibc: IPv4 only here */
	CHECK(dns_open(&d, root) == -1);
	put("etc/resolver", "# none\n");
	CHECK(dns_open(&d, root) == 0);
	dns_close(&d);
}

static void
t_routes(void)
{
	struct route r;

	put("etc/routes", "# routes\nexample.org 10.0.0.1:587 tls "
	    "auth=/etc/x\n*  smart.example.net\nbad.test\n"
	    "v6.test [::1]:2525\nopt.test h.test bogus\n");
	CHECK(route_lookup(root, "example.org", &r) == 1);
	CHECK_STR(r.host, "10.0.0.1");
	CHECK(r.port == 587 && r.tls == 1);
	CHECK_STR(r.auth, "/etc/x");
	CHECK(route_lookup(root, "EXAMPLE.ORG", &r) == 1);
	CHECK(route_lookup(root, "other.test", &r) == 1);
	CHECK_STR(r.host, "smart.example.net");
	CHECK(r.port == 0 && r.tls == 0 && r.auth[0] == '\0');
	CHECK(route_lookup(root, "v6.test", &r) == 1);
	CHECK_STR(r.host, "::1");
	CHECK(r.port == 2525);
	CHECK(route_lookup(root, "bad.test", &r) == -1);
	CHECK(route_lookup(root, "opt.test", &r) == -1);
	put("etc/routes", "example.org mx.example.org\n");
	CHECK(route_lookup(root, "other.test", &r) == 0);
	put("etc/routes", "x.test h:99999\n");
	CHECK(route_lookup(root, "x.test", &r) == -1);
}

static void
t_tls_policy(void)
{
	put("etc/tls-policy", "a.test none\nb.test encrypt\nc.test verify\n"
	    "d.test sometimes\n* may\n");
	CHECK(route_tls_policy(root, "a.test") == TLS_NONE);
	CHECK(route_tls_policy(root, "b.test") == TLS_ENCRYPT);
	CHECK(route_tls_policy(root, "c.test") == TLS_VERIFY);
	CHECK(route_tls_policy(root, "d.test") == TLS_VERIFY);
	CHECK(route_tls_policy(root, "e.test") == TLS_MAY);
	put("etc/tls-policy", "* encrypt\n");
	CHECK(route_tls_policy(root, "e.test") == TLS_ENCRYPT);
}

static void
t_auth_file(void)
{
	char user[64], pass[64], p[512];

	str_fmt(p, sizeof p, "%s/etc/auth", root);
	put("etc/auth", "me@example.org\nse cret\n");
	CHECK(chmod(p, 0600) == 0);	/* only the mail user may read it */
	CHECK(route_auth_load(p, user, sizeof user, pass, sizeof pass) == 0);
	CHECK_STR(user, "me@example.org");
	CHECK_STR(pass, "se cret");
	put("etc/auth", "only-a-user\n");
	CHECK(route_auth_load(p, user, sizeof user, pass, sizeof pass) == -1);
	put("etc/auth", "u\r\np\r\n");
	CHECK(route_auth_load(p, user, sizeof user, pass, sizeof pass) == 0);
	CHECK_STR(pass, "p");
}

int
main(void)
{
	char tmpl[] = "/tmp/test_dns.XXXXXX", p[512];

	if (mkdtemp(tmpl) == NULL)
		return 1;
	str_copy(root, sizeof root, tmpl);
	str_fmt(p, sizeof p, "%s/etc", root);
	mkdir(p, 0755);
	RUN(t_hostport);
	RUN(t_resolver_file);
	RUN(t_routes);
	RUN(t_tls_policy);
	RUN(t_auth_file);
	str_fmt(p, sizeof p, "rm -rf '%s'", root);
	if (system(p) != 0)
		return 1;
	return tap_done();
}
