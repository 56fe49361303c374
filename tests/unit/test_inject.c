/* Unit tests: address lists, added header fields, filter argv. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "filter.h"
#include "inject.h"
#include "tap.h"

static int
collect(void *arg, const char *a, size_t n)
{
	struct buf *b = arg;

	return buf_add(b, a, n) < 0 || buf_addc(b, '|') < 0 ? -1 : 0;
}

#define LIST(in, want) do { struct buf b_ = BUF_INIT; buf_reserve(&b_, 1); \
	CHECK(inject_addrlist(in, strlen(in), collect, &b_) == 0); \
	CHECK_MEM(b_.s, b_.len, want); buf_free(&b_); } while (0)

static void
t_addrlist(void)
{
	LIST("a@b.test", "a@b.test|");
	LIST(" a@b.test , c@d.test ", "a@b.test|c@d.test|");
	LIST("\"Smith, J\" <j@x.test>, k@y.test (Kay, K)",
	    "j@x.test|k@y.test|");
	LIST("team: a@x.test, b@x.test;, c@x.test",
	    "a@x.test|b@x.test|c@x.test|");
	LIST("undisclosed-recipients:;", "");
	LIST("Name <a@x.test>\r\n\t, <b@x.test>", "a@x.test|b@x.test|");
	LIST("\"q\\\"uote\"@x.test", "\"q\\\"uote\"@x.test|");
	LIST("(comment (nested)) a@x.test", "a@x.test|");
	LIST("", "");
}

static void
t_headers_added(void)
{
	const char *hdr = "Subject: x\n";
	struct inject_hdr h = { "mx.test", "abc", "bob@x.test", "Bob B",
	    "\n", 0 };
	struct buf b = BUF_INIT;

	CHECK(inject_headers(hdr, strlen(hdr), &h, &b) == 0);
	CHECK_MEM(b.s, b.len, "Date: Thu, 1 Jan 1970 00:00:00 +0000\n"
	    "Message-ID: <abc@mx.test>\n"
	    "From: Bob B <bob@x.test>\n");
	buf_free(&b);
}

static void
t_headers_present(void)
{
	const char *hdr = "date: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
	    "MESSAGE-ID: <x@y>\r\nFrom: me@x\r\n";
	struct inject_hdr h = { "mx.test", "abc", "bob@x.test", NULL,
	    "\r\n", 0 };
	struct buf b = BUF_INIT;

	CHECK(inject_headers(hdr, strlen(hdr), &h, &b) == 0);
	CHECK(b.len == 0);
	h.from = NULL;
	CHECK(inject_headers("", 0, &h, &b) == 0);
	CHECK(strstr(b.s, "From:") == NULL);
	CHECK(strstr(b.s, "\r\nMessage-ID: <abc@mx.test>\r\n") != NULL);
	buf_free(&b);
}

static void
t_fullname_quoted(void)
{
	struct inject_hdr h = { "m", "1", "a@x", "A \"B\", C\\", "\n", 0 };
	struct buf b = BUF_INIT;

	CHECK(inject_headers("Date: x\nMessage-ID: <y>\n", 24, &h, &b) == 0);
	CHECK_STR(b.s, "From: \"A \\\"B\\\", C\\\\\" <a@x>\n");
	buf_free(&b);
}

static void
t_filter_split(void)
{
	char *argv[4], many[] = "a b c d";

	CHECK(filter_split(many, argv, 4) == -1);
	{
		char l2[] = " /bin/prog  -a  b ";
		char *v[8];

		CHECK(filter_split(l2, v, 8) == 3);
		CHECK_STR(v[0], "/bin/prog");
		CHECK_STR(v[1], "-a");
		CHECK_STR(v[2], "b");
		CHECK(v[3] == NULL);
	}
	{
		char l3[] = "   ";
		char *v[2];

		CHECK(filter_split(l3, v, 2) == 0 && v[0] == NULL);
	}
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	RUN(t_addrlist);
	RUN(t_headers_added);
	RUN(t_headers_present);
	RUN(t_fullname_quoted);
	RUN(t_filter_split);
	return tap_done();
}
