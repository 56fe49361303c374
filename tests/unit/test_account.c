/* Unit tests: ROOT/etc/users and password verification (lib/account.c,
 * lib/password.c).  Hashes are made here with crypt_gensalt/crypt_r. */
#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "account.h"
#include "str.h"
#include "tap.h"

static char root[] = "/tmp/mk-acct-XXXXXX";

static void
write_users(const char *text)
{
	char path[256];
	FILE *f;

	if (str_fmt(path, sizeof path, "%s/etc/users", root) < 0 ||
	    (f = fopen(path, "w")) == NULL)
		abort();
	fputs(text, f);
	if (fclose(f) != 0)
		abort();
}

/* "{scheme}" + crypt(password) with a fresh salt of the given prefix. */
static int
make_hash(const char *scheme, const char *prefix, unsigned long rounds,
    const char *password, char *out, size_t size)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;
	const char *h;

	if (crypt_gensalt_rn(prefix, rounds, NULL, 0, salt, sizeof salt) ==
	    NULL)
		return -1;
	memset(&cd, 0, sizeof cd);
	h = crypt_r(password, salt, &cd);
	if (h == NULL || h[0] == '*')
		return -1;
	return str_fmt(out, size, "%s%s", scheme, h);
}

static void
check_scheme(const char *scheme, const char *prefix, unsigned long rounds)
{
	char h[256], bad[256];
	size_t n;

	if (make_hash(scheme, prefix, rounds, "s3cret pass", h, sizeof h) < 0) {
		printf("# cannot make a %s hash\n", prefix);
		CHECK(0);
		return;
	}
	CHECK(str_case_prefix(h + strlen(scheme), 4, prefix));
	CHECK(password_verify(h, "s3cret pass") == 1);
	CHECK(password_verify(h, "s3cret pasS") == 0);
	CHECK(password_verify(h, "s3cret pas") == 0);
	CHECK(password_verify(h, "") == 0);
	CHECK(password_verify(h, "s3cret pass ") == 0);
	/* a damaged hash never verifies */
	str_copy(bad, sizeof bad, h);
	n = strlen(bad);
	bad[n - 1] = bad[n - 1] == 'A' ? 'B' : 'A';
	CHECK(password_verify(bad, "s3cret pass") == 0);
	bad[n - 5] = '\0';
	CHECK(password_verify(bad, "s3cret pass") == 0);
	/* the scheme tag is case-insensitive */
	str_copy(bad, sizeof bad, h);
	str_lower(bad, strlen(scheme));
	CHECK(password_verify(bad, "s3cret pass") == 1);
}

static void
t_sha512(void)
{
	check_scheme("{SHA512-CRYPT}", "$6$", 5000);
	/* explicit rounds, as Dovecot writes them */
	check_scheme("{SHA512-CRYPT}", "$6$", 10000);
	/* published vectors, made elsewhere (SHA-crypt spec, OpenWall) */
	CHECK(password_verify("{SHA512-CRYPT}$6$saltstring$svn8UoSVapNtMuq1"
	    "ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS"
	    "35inz1", "Hello world!") == 1);
	CHECK(password_verify("{SHA512-CRYPT}$6$saltstring$svn8UoSVapNtMuq1"
	    "ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS"
	    "35inz1", "Hello world") == 0);
	CHECK(password_verify("{SHA256-CRYPT}$5$saltstring$5B8vYYiY.CVt1RlTT"
	    "f8KbXBH3hsxY/GNooZaBBGWEc5", "Hello world!") == 1);
	CHECK(password_verify("{BLF-CRYPT}$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9"
	    "kmyuRGyh0XouQYb4YMJKvyOeW", "U*U") == 1);
}

static void
t_sha256(void)
{
	check_scheme("{SHA256-CRYPT}", "$5$", 5000);
}

static void
t_blowfish(void)
{
	check_scheme("{BLF-CRYPT}", "$2b$", 4);
	check_scheme("{BLF-CRYPT}", "$2y$", 4);
}

static void
t_yescrypt(void)
{
	check_scheme("{YESCRYPT}", "$y$", 0);
	check_scheme("{CRYPT}", "$y$", 0);
	check_scheme("{CRYPT}", "$6$", 5000);
}

static void
t_plain_and_unknown(void)
{
	char h[256];

	CHECK(password_verify("{PLAIN}hunter2", "hunter2") == 1);
	CHECK(password_verify("{plain}hunter2", "hunter2") == 1);
	CHECK(password_verify("{PLAIN}hunter2", "hunter") == 0);
	CHECK(password_verify("{PLAIN}hunter2", "hunter22") == 0);
	CHECK(password_verify("{PLAIN}hunter2", "Hunter2") == 0);
	CHECK(password_verify("{PLAIN}", "") == 1);
	CHECK(password_verify("{PLAIN}", "x") == 0);
	/* unmarked plaintext is never compared */
	CHECK(password_verify("hunter2", "hunter2") == 0);
	CHECK(password_verify("", "") == 0);
	CHECK(password_verify("{MD5}hunter2", "hunter2") == 0);
	CHECK(password_verify("{SSHA}hunter2", "hunter2") == 0);
	CHECK(password_verify("{UNKNOWN}$6$abc$def", "x") == 0);
	/* a known crypt hash under an unknown tag, or with none */
	CHECK(make_hash("", "$6$", 5000, "pw", h, sizeof h) == 0);
	CHECK(password_verify(h, "pw") == 0);
	CHECK(make_hash("{SHA1}", "$6$", 5000, "pw", h, sizeof h) == 0);
	CHECK(password_verify(h, "pw") == 0);
	/* DES and the empty hash are not accepted through crypt */
	CHECK(password_verify("{CRYPT}abJnggxhB/yWI", "test") == 0);
	CHECK(password_verify("{CRYPT}", "") == 0);
	CHECK(password_verify("{SHA512-CRYPT}", "") == 0);
	CHECK(password_verify("{SHA512-CRYPT}*", "") == 0);
	CHECK(password_verify("{SHA512-CRYPT}$6$", "") == 0);
	CHECK(password_verify("{SHA512-CRYPT}$6$salt", "") == 0);
}

static void
t_hash_round_trip(void)
{
	char h[256], h2[256], tiny[20];

	CHECK(password_hash("correct horse", h, sizeof h) == 0);
	CHECK(strncmp(h, "{SHA512-CRYPT}$6$", 17) == 0);
	CHECK(password_verify(h, "correct horse") == 1);
	CHECK(password_verify(h, "correct horsE") == 0);
	/* a fresh salt every time */
	CHECK(password_hash("correct horse", h2, sizeof h2) == 0);
	CHECK(strcmp(h, h2) != 0);
	CHECK(password_verify(h2, "correct horse") == 1);
	CHECK(password_hash("", h, sizeof h) == 0);
	CHECK(password_verify(h, "") == 1);
	CHECK(password_verify(h, " ") == 0);
	CHECK(password_hash("x", tiny, sizeof tiny) == -1);
	CHECK(strchr(h, ':') == NULL);
}

static void
t_parse(void)
{
	struct account a;

	CHECK(account_parse("Joe@Example.ORG:{PLAIN}pw", 25, &a) == 0);
	CHECK_STR(a.address, "joe@example.org");
	CHECK_STR(a.password, "{PLAIN}pw");
	CHECK(a.format == MAILBOX_MAILDIR && a.quota_bytes == 0);
	CHECK(a.quota_messages == 0 && a.quota_tempfail == 0);

#define L(s) s, sizeof(s) - 1
	CHECK(account_parse(L("a@b:{PLAIN}x:1000:1000::/home/a::"
	    "mailbox=mbox quota=1048576 quota_messages=500 "
	    "quota_tempfail=yes userdb_foo=bar"), &a) == 0);
	CHECK(a.format == MAILBOX_MBOX);
	CHECK(a.quota_bytes == 1048576 && a.quota_messages == 500);
	CHECK(a.quota_tempfail == 1);
	CHECK(account_parse(L("a@b:{PLAIN}x:::::: MAILBOX=Maildir "
	    "quota=0\tquota_tempfail=no "), &a) == 0);
	CHECK(a.format == MAILBOX_MAILDIR && a.quota_bytes == 0);
	CHECK(a.quota_tempfail == 0);
	CHECK(account_parse(L("a@b:{PLAIN}x::::::"), &a) == 0);
	CHECK(account_parse(L("a@b:{PLAIN}x"), &a) == 0);
	CHECK(account_parse(L("a@b:"), &a) == 0 && a.password[0] == '\0');

	/* only n bytes count */
	CHECK(account_parse("a@b:{PLAIN}xy", 12, &a) == 0);
	CHECK_STR(a.password, "{PLAIN}x");

	CHECK(account_parse(L("a@b"), &a) == -1);
	CHECK(account_parse(L(":{PLAIN}x"), &a) == -1);
	CHECK(account_parse(L(""), &a) == -1);
	/* the seventh field is the shell, not the extra settings */
	CHECK(account_parse(L("a@b:x:::::quota=12"), &a) == 0);
	CHECK(a.quota_bytes == 0);
	CHECK(account_parse(L("a@b:x::::::mailbox=mh"), &a) == -1);
	CHECK(account_parse(L("a@b:x::::::quota=12k"), &a) == -1);
	CHECK(account_parse(L("a@b:x::::::quota="), &a) == -1);
	CHECK(account_parse(L("a@b:x::::::quota=-1"), &a) == -1);
	CHECK(account_parse(L("a@b:x::::::quota=99999999999999999999"), &a)
	    == -1);
	CHECK(account_parse(L("a@b:x::::::quota_messages=x"), &a) == -1);
	CHECK(account_parse(L("a@b:x::::::novalue"), &a) == -1);
	{
		char line[600];

		memset(line, 'a', 400);
		memcpy(line + 400, "@b:x", 4);
		CHECK(account_parse(line, 404, &a) == -1);
		memcpy(line, "a@b:", 4);
		memset(line + 4, 'p', 300);
		CHECK(account_parse(line, 304, &a) == -1);
	}
#undef L
}

static void
t_lookup(void)
{
	char h[256], text[1024];
	struct account a;

	CHECK(account_lookup(root, "joe@example.org", &a) == 0);
	CHECK(make_hash("{SHA512-CRYPT}", "$6$", 5000, "joepw", h, sizeof h)
	    == 0);
	CHECK(str_fmt(text, sizeof text,
	    "# accounts\n"
	    "\n"
	    "ann@example.org:{PLAIN}annpw:::::: mailbox=mbox\n"
	    "  Joe@Example.Org:%s::::::quota=2048\n"
	    "joe@example.org:{PLAIN}shadowed\n"
	    "joe@example.org.evil:{PLAIN}x\n", h) == 0);
	write_users(text);
	CHECK(account_lookup(root, "joe@example.org", &a) == 1);
	CHECK_STR(a.address, "joe@example.org");
	CHECK(a.quota_bytes == 2048 && a.format == MAILBOX_MAILDIR);
	CHECK(password_verify(a.password, "joepw") == 1);
	CHECK(password_verify(a.password, "shadowed") == 0);
	CHECK(account_lookup(root, "JOE@EXAMPLE.ORG", &a) == 1);
	CHECK(a.quota_bytes == 2048);
	CHECK(account_lookup(root, "ann@example.org", &a) == 1);
	CHECK(a.format == MAILBOX_MBOX);
	CHECK(account_lookup(root, "nobody@example.org", &a) == 0);
	CHECK(account_lookup(root, "joe", &a) == 0);
	CHECK(account_lookup(root, "", &a) == 0);
	CHECK(account_lookup(root, "oe@example.org", &a) == 0);

	/* a malformed line is an error for its own address only */
	write_users("ann@example.org:{PLAIN}a::::::mailbox=bogus\n"
	    "bob@example.org:{PLAIN}b\n");
	errno = 0;
	CHECK(account_lookup(root, "ann@example.org", &a) == -1);
	CHECK(errno == EINVAL);
	CHECK(account_lookup(root, "bob@example.org", &a) == 1);
}

static void
t_mailbox_path(void)
{
	static const char *const bad[] = {
		"joe", "@example.org", "joe@", "a/b@example.org",
		"joe@ex/ample.org", ".joe@example.org", "joe@.example.org",
		"..@example.org", "../x@example.org", "joe@..", "joe@.",
		"jo\ne@example.org", "joe@exa\x01mple.org", ".@x", "joe@x/",
	};
	char out[256];
	size_t i;

	CHECK(account_mailbox_path("/r", "Joe.Smith@Example.ORG", out,
	    sizeof out) == 0);
	CHECK_STR(out, "/r/mail/example.org/joe.smith");
	CHECK(account_mailbox_path("/r", "\"a@b\"@x.org", out,
	    sizeof out) == 0);
	CHECK_STR(out, "/r/mail/x.org/\"a@b\"");
	CHECK(account_mailbox_path("/r", "a..b@x.org", out, sizeof out) == 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		out[0] = 'z';
		CHECK(account_mailbox_path("/r", bad[i], out, sizeof out)
		    == -1 && errno == EINVAL);
		if (errno != EINVAL)
			printf("# accepted: [%s] -> [%s]\n", bad[i], out);
	}
	CHECK(account_mailbox_path("/r", "joe@example.org", out, 20) == -1);
	CHECK(errno == ENAMETOOLONG);
	{
		char big[400];

		memset(big, 'a', 100);
		memcpy(big + 100, "@x", 3);
		CHECK(account_mailbox_path("/r", big, out, sizeof out) == -1);
	}
}

int
main(void)
{
	char path[64];

	if (mkdtemp(root) == NULL ||
	    str_fmt(path, sizeof path, "%s/etc", root) < 0 ||
	    mkdir(path, 0755) < 0)
		abort();
	RUN(t_sha512);
	RUN(t_sha256);
	RUN(t_blowfish);
	RUN(t_yescrypt);
	RUN(t_plain_and_unknown);
	RUN(t_hash_round_trip);
	RUN(t_parse);
	RUN(t_lookup);
	RUN(t_mailbox_path);
	if (str_fmt(path, sizeof path, "%s/etc/users", root) == 0)
		unlink(path);
	if (str_fmt(path, sizeof path, "%s/etc", root) == 0)
		rmdir(path);
	if (rmdir(root) < 0)
		printf("# could not remove %s\n", root);
	return tap_done();
}
