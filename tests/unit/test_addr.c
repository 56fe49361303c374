/* Unit tests: RFC 5321 paths and addresses (lib/addr.c). */
#include <string.h>

#include "addr.h"
#include "str.h"
#include "tap.h"

static struct addr a;
static const char *rest, *err;

static int
path(const char *s, unsigned flags)
{
	rest = err = NULL;
	return addr_parse_path(s, strlen(s), flags, &a, &rest, &err);
}

static int
bare(const char *s, unsigned flags)
{
	err = NULL;
	return addr_parse(s, strlen(s), flags, &a, &err);
}

/* A string of n copies of c, for length limits. */
static const char *
rep(char *out, char c, size_t n)
{
	memset(out, c, n);
	out[n] = '\0';
	return out;
}

static void
t_simple_path(void)
{
	char f[ADDR_MAX + 1];

	CHECK(path("<Joe.User@Example.COM>", 0) == 0);
	CHECK(!a.null);
	CHECK_MEM(a.local, a.local_len, "Joe.User");
	CHECK_MEM(a.domain, a.domain_len, "example.com");
	CHECK(rest != NULL && *rest == '\0');
	CHECK(addr_format(&a, f, sizeof f) == 0);
	CHECK_STR(f, "Joe.User@example.com");
}

static void
t_rest_params(void)
{
	CHECK(path("<a@b.c> SIZE=100 BODY=8BITMIME", 0) == 0);
	CHECK_STR(rest, " SIZE=100 BODY=8BITMIME");
	CHECK(path("<a@b.c>X", 0) == 0);
	CHECK_STR(rest, "X");
	/* rest may be NULL */
	CHECK(addr_parse_path("<a@b>", 5, 0, &a, NULL, &err) == 0);
}

static void
t_null_path(void)
{
	char f[8] = "junk";

	CHECK(path("<>", 0) == 0);
	CHECK(a.null == 1 && a.local_len == 0 && a.domain_len == 0);
	CHECK_STR(rest, "");
	CHECK(addr_format(&a, f, sizeof f) == 0);
	CHECK_STR(f, "");
	CHECK(path("<> SIZE=1", 0) == 0 && a.null);
	CHECK_STR(rest, " SIZE=1");
	/* a later parse clears null */
	CHECK(path("<x@y>", 0) == 0 && !a.null);
}

static void
t_quoted_local(void)
{
	char f[ADDR_MAX + 1];

	CHECK(path("<\"john doe\"@example.org>", 0) == 0);
	CHECK_MEM(a.local, a.local_len, "\"john doe\"");
	CHECK_MEM(a.domain, a.domain_len, "example.org");
	CHECK(path("<\"a@b\"@c.d>", 0) == 0);
	CHECK_MEM(a.local, a.local_len, "\"a@b\"");
	CHECK(path("<\"q\\\"x\\\\\"@c.d>", 0) == 0);
	CHECK_MEM(a.local, a.local_len, "\"q\\\"x\\\\\"");
	CHECK(addr_format(&a, f, sizeof f) == 0);
	CHECK_STR(f, "\"q\\\"x\\\\\"@c.d");
	CHECK(path("<\"\"@c.d>", 0) == 0);
	CHECK_MEM(a.local, a.local_len, "\"\"");

	CHECK(path("<\"unterminated@c.d>", 0) == -1 && err != NULL);
	CHECK(path("<\"ends in backslash\\>", 0) == -1);
	CHECK(path("<\"a\"b@c.d>", 0) == -1);
	CHECK(path("<a\"b\"@c.d>", 0) == -1);
}

static void
t_source_route(void)
{
	CHECK(path("<@relay.one,@relay.two:user@final.example>", 0) == 0);
	CHECK_MEM(a.local, a.local_len, "user");
	CHECK_MEM(a.domain, a.domain_len, "final.example");
	CHECK(path("<@r:u@d>", 0) == 0);
	CHECK_MEM(a.local, a.local_len, "u");
	CHECK(path("<@r u@d>", 0) == -1);
	CHECK(path("<@:u@d>", 0) == -1);
	CHECK(path("<@r,u@d>", 0) == -1);
	CHECK(path("<@r:>", 0) == -1);
}

static void
t_ip_literals(void)
{
	CHECK(path("<u@[192.0.2.1]>", 0) == 0);
	CHECK_MEM(a.domain, a.domain_len, "[192.0.2.1]");
	CHECK(path("<u@[IPv6:2001:db8::1]>", 0) == 0);
	CHECK_MEM(a.domain, a.domain_len, "[ipv6:2001:db8::1]");
	CHECK(path("<u@[ipv6:::1]>", 0) == 0);
	CHECK(path("<u@[256.0.0.1]>", 0) == -1);
	CHECK(path("<u@[1.2.3]>", 0) == -1);
	CHECK(path("<u@[IPv6:1.2.3.4]>", 0) == -1);
	CHECK(path("<u@[2001:db8::1]>", 0) == -1);
	CHECK(path("<u@[192.0.2.1>", 0) == -1);
	CHECK(path("<u@[]>", 0) == -1);
	CHECK(path("<u@[x]>", 0) == -1);
	CHECK(bare("u@[127.0.0.1]", 0) == 0);
	CHECK(bare("u@[127.0.0.1]x", 0) == -1);
}

static void
t_bad_syntax(void)
{
	static const char *const bad[] = {
		"", "a@b", "<a@b", "a@b>", "<", "<<a@b>>", "<@>", "<a@>",
		"<@b>", "<a>", "<a@b@c>", "<.a@b>", "<a.@b>", "<a..b@c>",
		"<a@b.>", "<a@.b>", "<a@b..c>", "<a@-b.c>", "<a@b-.c>",
		"<a@b_c.d>", "<a b@c>", "<a@b c>", "<a(b)@c>", "<a,b@c>",
		"< a@b>", "<a@b >",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int r = path(bad[i], 0);
		if (r != -1 || err == NULL || *err == '\0')
			printf("# accepted or no reason: [%s]\n", bad[i]);
		CHECK(r == -1 && err != NULL && *err != '\0');
	}
	/* the atext specials are fine */
	CHECK(path("<!#$%&'*+-/=?^_`{|}~@x.y>", 0) == 0);
	CHECK(path("<a@b-c.d-e>", 0) == 0);
	CHECK(path("<1@2.3>", 0) == 0);
}

static void
t_control_bytes(void)
{
	static const char *const ctl[] = {
		"<a\r@b>", "<a@b\n>", "<a\t@b>", "<a@b>\r\n", "<\"a\x01\"@b>",
		"<a\x7f@b>", "<\"a\\\x02\"@b>",
	};
	size_t i;

	for (i = 0; i < sizeof ctl / sizeof ctl[0]; i++)
		CHECK(path(ctl[i], ADDR_UTF8) == -1 && err != NULL);
	/* NUL inside the given length */
	CHECK(addr_parse_path("<a\0b@c>", 7, 0, &a, &rest, &err) == -1);
	CHECK(addr_parse("a\0@c", 4, 0, &a, &err) == -1);
	CHECK(bare("a@b\r", 0) == -1);
	CHECK(bare("a\n@b", 0) == -1);
}

static void
t_utf8(void)
{
	static const char *const u[] = {
		"<j\xc3\xb6rg@example.com>",
		"<jorg@\xc3\xa9xample.com>",
		"<\"j\xc3\xb6rg\"@example.com>",
		"<\"\\\xc3\xb6\"@example.com>",
		"<\"\\\xc3\\\xb6\"@example.com>",
	};
	size_t i;

	for (i = 0; i < sizeof u / sizeof u[0]; i++) {
		CHECK(path(u[i], 0) == -1);
		CHECK(path(u[i], ADDR_UTF8) == 0);
	}
	CHECK(path(u[0], ADDR_UTF8) == 0);
	CHECK_MEM(a.local, a.local_len, "j\xc3\xb6rg");
	CHECK(bare("j\xc3\xb6rg@x.y", 0) == -1);
	CHECK(bare("j\xc3\xb6rg@x.y", ADDR_UTF8) == 0);
}

static void
t_no_domain(void)
{
	char f[16];

	CHECK(path("<postmaster>", 0) == -1);
	CHECK(path("<postmaster>", ADDR_NO_DOMAIN) == 0);
	CHECK_MEM(a.local, a.local_len, "postmaster");
	CHECK(a.domain_len == 0 && a.domain[0] == '\0');
	CHECK(addr_format(&a, f, sizeof f) == 0);
	CHECK_STR(f, "postmaster");
	CHECK(path("<Postmaster@Host.Example>", ADDR_NO_DOMAIN) == 0);
	CHECK_MEM(a.domain, a.domain_len, "host.example");
	CHECK(bare("root", 0) == -1);
	CHECK(bare("root", ADDR_NO_DOMAIN) == 0);
	CHECK(bare("", ADDR_NO_DOMAIN) == -1);
	CHECK(path("<>", ADDR_NO_DOMAIN) == 0 && a.null);
}

static void
t_length_limits(void)
{
	char in[1024], l[300], d[300];
	int i;

	/* local part: 64 ok, 65 not */
	CHECK(0 == str_fmt(in, sizeof in, "<%s@x.y>", rep(l, 'a', 64)));
	CHECK(path(in, 0) == 0 && a.local_len == 64);
	CHECK(0 == str_fmt(in, sizeof in, "<%s@x.y>", rep(l, 'a', 65)));
	CHECK(path(in, 0) == -1);
	/* quoted: the quotes count */
	CHECK(0 == str_fmt(in, sizeof in, "<\"%s\"@x.y>", rep(l, 'a', 62)));
	CHECK(path(in, 0) == 0 && a.local_len == 64);
	CHECK(0 == str_fmt(in, sizeof in, "<\"%s\"@x.y>", rep(l, 'a', 63)));
	CHECK(path(in, 0) == -1);

	/* label: 63 ok, 64 not */
	CHECK(0 == str_fmt(in, sizeof in, "<u@%s.y>", rep(l, 'b', 63)));
	CHECK(path(in, 0) == 0);
	CHECK(0 == str_fmt(in, sizeof in, "<u@%s.y>", rep(l, 'b', 64)));
	CHECK(path(in, 0) == -1);

	/* domain: 255 ok, 256 not (labels of 63 + dots) */
	for (i = 0; i < 4; i++) {
		rep(d + i * 64, 'c', i < 3 ? 63 : 59);
		if (i < 3)
			d[i * 64 + 63] = '.';
	}
	CHECK(strlen(d) == 251);
	CHECK(0 == str_fmt(in, sizeof in, "<u@%s.abc>", d));
	CHECK(path(in, 0) == 0 && a.domain_len == 255);
	CHECK(0 == str_fmt(in, sizeof in, "<u@%s.abcd>", d));
	CHECK(path(in, 0) == -1);
	/* the longest address formats exactly into ADDR_MAX + 1 */
	CHECK(0 == str_fmt(in, sizeof in, "<%s@%s.abc>", rep(l, 'a', 64), d));
	CHECK(path(in, 0) == 0);
	{
		char f[ADDR_MAX + 1];
		CHECK(addr_format(&a, f, sizeof f) == 0);
		CHECK(strlen(f) == ADDR_MAX);
		CHECK(addr_format(&a, f, sizeof f - 1) == -1);
	}
	/* a very long local part never overruns */
	CHECK(0 == str_fmt(in, sizeof in, "<%s@x>", rep(l, 'z', 299)));
	CHECK(path(in, 0) == -1);
}

static void
t_bare(void)
{
	CHECK(bare("User@Example.Org", 0) == 0);
	CHECK_MEM(a.local, a.local_len, "User");
	CHECK_MEM(a.domain, a.domain_len, "example.org");
	CHECK(bare("<u@d>", 0) == -1);
	CHECK(bare("u@d ", 0) == -1);
	CHECK(bare(" u@d", 0) == -1);
	CHECK(bare("u@d>", 0) == -1);
	CHECK(bare("\"x y\"@d", 0) == 0);
	/* only the first n bytes count */
	CHECK(addr_parse("u@d.e junk", 5, 0, &a, &err) == 0);
	CHECK_MEM(a.domain, a.domain_len, "d.e");
}

static void
t_safe_name(void)
{
	CHECK(addr_is_safe_name("user", 4));
	CHECK(addr_is_safe_name("a.b", 3));
	CHECK(addr_is_safe_name("a..b", 4));
	CHECK(!addr_is_safe_name("", 0));
	CHECK(!addr_is_safe_name(".", 1));
	CHECK(!addr_is_safe_name("..", 2));
	CHECK(!addr_is_safe_name(".hidden", 7));
	CHECK(!addr_is_safe_name("a/b", 3));
	CHECK(!addr_is_safe_name("../etc", 6));
	CHECK(!addr_is_safe_name("a\nb", 3));
	CHECK(!addr_is_safe_name("a\0b", 3));
	CHECK(!addr_is_safe_name("a\x7f", 2));
	/* the length is what counts, not the NUL */
	CHECK(addr_is_safe_name("ab/", 2));
}

/* Deterministic random inputs from an alphabet of the interesting bytes:
 * nothing crashes, and whatever is accepted is within the limits, free of
 * control bytes, and formats into a path that parses back the same. */
static void
t_random_inputs(void)
{
	static const char alpha[] = "aaaaaaaaaZZZ00.@<>\"\\:,[]- \r\x80"
	    "\xc3\x7f" "\0" "IPv6:12";
	unsigned long x = 88172645463325252UL;
	char in[96], f[ADDR_MAX + 1], again[ADDR_MAX + 3];
	struct addr b;
	int i, accepted = 0, real = 0;
	size_t n, k;

	for (i = 0; i < 100000; i++) {
		unsigned flags = (unsigned)(i & 3);
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n = 1 + x % (sizeof in - 1);
		in[0] = '<';
		for (k = 1; k < n; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			in[k] = alpha[x % (sizeof alpha - 1)];
		}
		if (n > 2 && (x & 1))
			in[n - 1] = '>';
		if (addr_parse_path(in, n, flags, &a, &rest, &err) < 0) {
			CHECK(err != NULL);
			continue;
		}
		accepted++;
		CHECK(rest >= in && rest <= in + n);
		CHECK(a.local_len <= ADDR_LOCAL_MAX);
		CHECK(a.domain_len <= ADDR_DOMAIN_MAX);
		CHECK(strlen(a.local) == a.local_len);
		CHECK(strlen(a.domain) == a.domain_len);
		for (k = 0; k < a.local_len; k++)
			CHECK((unsigned char)a.local[k] >= 32 &&
			    a.local[k] != 127);
		if (a.null)
			continue;
		real++;
		CHECK(addr_format(&a, f, sizeof f) == 0);
		CHECK(str_fmt(again, sizeof again, "<%s>", f) == 0);
		CHECK(addr_parse_path(again, strlen(again), flags, &b, &rest,
		    &err) == 0);
		CHECK(b.local_len == a.local_len && b.domain_len == a.domain_len);
		CHECK(strcmp(b.local, a.local) == 0);
		CHECK(strcmp(b.domain, a.domain) == 0);
		if (tap_case_failed) {
			printf("# input [%.*s]\n", (int)n, in);
			break;
		}
	}
	/* the generator reaches the accepting paths too */
	printf("# %d of 100000 random paths accepted, %d not <>\n", accepted,
	    real);
	CHECK(real > 100);
}

int
main(void)
{
	RUN(t_simple_path);
	RUN(t_rest_params);
	RUN(t_null_path);
	RUN(t_quoted_local);
	RUN(t_source_route);
	RUN(t_ip_literals);
	RUN(t_bad_syntax);
	RUN(t_control_bytes);
	RUN(t_utf8);
	RUN(t_no_domain);
	RUN(t_length_limits);
	RUN(t_bare);
	RUN(t_safe_name);
	RUN(t_random_inputs);
	return tap_done();
}
