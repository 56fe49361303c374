/* Unit tests: key=value log lines (lib/log.c), golden output captured
 * from stderr through a pipe. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "str.h"
#include "tap.h"

static int saved_fd = -1, pipe_rd = -1;
static char got[2 * LOG_LINE_MAX + 64];
static size_t got_len;
static char pfx[64];		/* "prog=test pid=N" */

static void
capture_begin(void)
{
	int p[2];

	if (pipe(p) < 0 || (saved_fd = dup(2)) < 0 || dup2(p[1], 2) < 0)
		abort();
	close(p[1]);
	pipe_rd = p[0];
}

/* Restore stderr and take what was written. */
static void
capture_end(void)
{
	ssize_t k;

	if (dup2(saved_fd, 2) < 0)
		abort();
	close(saved_fd);
	got_len = 0;
	while (got_len < sizeof got - 1 &&
	    (k = read(pipe_rd, got + got_len, sizeof got - 1 - got_len)) > 0)
		got_len += (size_t)k;
	got[got_len] = '\0';
	close(pipe_rd);
}

/* One record with a single string field, as printed. */
static void
one(const char *key, const char *v, size_t n)
{
	struct logrec r;

	capture_begin();
	log_begin(&r, "t");
	log_mem(&r, key, v, n);
	log_end(&r);
	capture_end();
}

#define GOLDEN(lit) do { char want_[512]; \
	CHECK(str_fmt(want_, sizeof want_, "%s event=t %s\n", pfx, lit) == 0);\
	CHECK(got_len == strlen(want_) && memcmp(got, want_, got_len) == 0); \
	if (got_len != strlen(want_) || memcmp(got, want_, got_len) != 0) \
		printf("# got  [%s]\n# want [%s]\n", got, want_); } while (0)

static void
t_program(void)
{
	char big[200];

	CHECK_STR(log_program(), "mailkit");
	log_set_program("test");
	CHECK_STR(log_program(), "test");
	memset(big, 'p', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	log_set_program(big);
	CHECK(strlen(log_program()) == 63);
	log_set_program("test");
}

static void
t_plain_record(void)
{
	struct logrec r;

	capture_begin();
	log_begin(&r, "accept");
	log_str(&r, "qid", "1A2B");
	log_num(&r, "size", 310);
	log_num(&r, "max", UINT64_MAX);
	log_str(&r, "from", "a@b.example");
	log_end(&r);
	capture_end();
	{
		char want[256];
		CHECK(str_fmt(want, sizeof want, "%s event=accept qid=1A2B "
		    "size=310 max=18446744073709551615 from=a@b.example\n",
		    pfx) == 0);
		CHECK(strcmp(got, want) == 0);
		if (strcmp(got, want) != 0)
			printf("# got [%s]\n", got);
	}
}

static void
t_quoting(void)
{
	one("k", "two words", 9);
	GOLDEN("k=\"two words\"");
	one("k", "", 0);
	GOLDEN("k=\"\"");
	one("k", "a=b", 3);
	GOLDEN("k=\"a=b\"");
	one("k", "say \"hi\"", 8);
	GOLDEN("k=\"say \\\"hi\\\"\"");
	one("k", "back\\slash", 10);
	GOLDEN("k=\"back\\\\slash\"");
	one("k", "tab\there", 8);
	GOLDEN("k=\"tab\\x09here\"");
	one("k", "crlf\r\n", 6);
	GOLDEN("k=\"crlf\\x0d\\x0a\"");
	one("k", "nul\0x", 5);
	GOLDEN("k=\"nul\\x00x\"");
	one("k", "del\x7f", 4);
	GOLDEN("k=\"del\\x7f\"");
	one("k", "j\xc3\xb6rg", 5);
	GOLDEN("k=\"j\\xc3\\xb6rg\"");
	one("k", "<a@b> 550 5.1.1", 15);
	GOLDEN("k=\"<a@b> 550 5.1.1\"");
	/* printable, no space: as is */
	one("k", "<a@b>,x;y'z", 11);
	GOLDEN("k=<a@b>,x;y'z");
	/* event names are values too */
	{
		struct logrec r;
		capture_begin();
		log_begin(&r, "odd event");
		log_str(&r, "null", NULL);
		log_end(&r);
		capture_end();
		{
			char want[128];
			CHECK(str_fmt(want, sizeof want,
			    "%s event=\"odd event\" null=\"\"\n", pfx) == 0);
			CHECK(strcmp(got, want) == 0);
		}
	}
}

/* The line must parse back: balanced quotes, only known escapes. */
static int
parses_back(const char *s, size_t n)
{
	size_t i;
	int inq = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n')
			return !inq && i == n - 1;
		if ((unsigned char)s[i] < 32 || (unsigned char)s[i] >= 127)
			return 0;
		if (inq && s[i] == '\\') {
			if (i + 1 >= n)
				return 0;
			if (s[i + 1] == 'x')
				i += 3;
			else if (s[i + 1] == '"' || s[i + 1] == '\\')
				i++;
			else
				return 0;
			continue;
		}
		if (s[i] == '"')
			inq = !inq;
	}
	return 0;
}

static void
t_truncation(void)
{
	static char big[3 * LOG_LINE_MAX];
	struct logrec r;
	size_t fill;

	/* a long quoted value is cut, the quote closed, the mark added */
	memset(big, 'v', sizeof big);
	memset(big, ' ', 1);
	capture_begin();
	log_begin(&r, "t");
	log_mem(&r, "long", big, sizeof big);
	log_num(&r, "after", 1);
	log_end(&r);
	capture_end();
	CHECK(got_len <= LOG_LINE_MAX);
	CHECK(got_len > LOG_LINE_MAX - 16);
	CHECK(got_len > 10 && memcmp(got + got_len - 11, "v\" trunc=1\n",
	    11) == 0);
	CHECK(strstr(got, "after=") == NULL);
	CHECK(parses_back(got, got_len));

	/* a long plain value is quoted and cut too */
	memset(big, 'w', sizeof big);
	one("plain", big, sizeof big);
	CHECK(got_len <= LOG_LINE_MAX);
	CHECK(memcmp(got + got_len - 11, "w\" trunc=1\n", 11) == 0);
	CHECK(strstr(got, " plain=\"www") != NULL);
	CHECK(parses_back(got, got_len));

	/* escapes are never cut in half, at any fill level */
	memset(big, '\x01', sizeof big);
	for (fill = LOG_LINE_MAX - 80; fill < LOG_LINE_MAX; fill++) {
		static char pad[LOG_LINE_MAX];
		memset(pad, 'p', sizeof pad);
		capture_begin();
		log_begin(&r, "t");
		log_mem(&r, "pad", pad, fill - 40);
		log_mem(&r, "esc", big, 100);
		log_num(&r, "n", 12345);
		log_end(&r);
		capture_end();
		CHECK(got_len <= LOG_LINE_MAX);
		CHECK(parses_back(got, got_len));
		CHECK(got_len > 9 && memcmp(got + got_len - 9, " trunc=1\n",
		    9) == 0);
		/* whatever is kept is whole: no field without its value */
		CHECK(got_len < 12 || memcmp(got + got_len - 12, " n= trunc=1\n",
		    12) != 0);
		if (!parses_back(got, got_len)) {
			printf("# fill %zu: [%s]\n", fill, got);
			break;
		}
	}

	/* a record that just fits is not marked */
	{
		char want[LOG_LINE_MAX + 1];
		size_t base, room;

		capture_begin();
		log_begin(&r, "t");
		log_end(&r);
		capture_end();
		base = got_len - 1;
		/* " k=" + value + "\n" must fit in LOG_LINE_MAX - 9 */
		room = LOG_LINE_MAX - 10 - base - 3;
		memset(big, 'z', room);
		one("k", big, room);
		CHECK(got_len == base + 3 + room + 1);
		CHECK(strstr(got, "trunc=") == NULL);
		one("k", big, room + 1);
		CHECK(strstr(got, "trunc=1") != NULL);
		CHECK(got_len <= LOG_LINE_MAX);
		(void)want;
	}
}

static void
t_one_write(void)
{
	struct logrec r;

	/* each record is exactly one line */
	capture_begin();
	log_begin(&r, "a");
	log_end(&r);
	log_begin(&r, "b");
	log_str(&r, "x", "line\nbreak");
	log_end(&r);
	capture_end();
	{
		char want[256];
		CHECK(str_fmt(want, sizeof want, "%s event=a\n%s event=b "
		    "x=\"line\\x0abreak\"\n", pfx, pfx) == 0);
		CHECK(strcmp(got, want) == 0);
	}
}

int
main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	RUN(t_program);
	if (str_fmt(pfx, sizeof pfx, "prog=test pid=%ld", (long)getpid()) < 0)
		abort();
	RUN(t_plain_record);
	RUN(t_quoting);
	RUN(t_truncation);
	RUN(t_one_write);
	return tap_done();
}
