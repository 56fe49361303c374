/* Unit tests: Received: fields (golden output), dates, loopback test. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "smtp.h"
#include "smtp_received.h"
#include "tap.h"

static void
t_esmtpsa(void)
{
	struct received r;
	struct buf b = BUF_INIT;

	memset(&r, 0, sizeof r);
	r.helo = "client.example";
	r.ip = "192.0.2.1";
	r.host = "c.example";
	r.me = "mx.example.test";
	r.id = "0abc";
	r.tls = "TLSv1.3 TLS_AES_256_GCM_SHA384";
	r.auth = "bob@example.test";
	r.rcpt = "x@remote.test";
	r.esmtp = 1;
	r.when = 0;
	r.eol = "\r\n";
	CHECK(received_format(&r, &b) == 0);
	CHECK_MEM(b.s, b.len,
	    "Received: from client.example (c.example [192.0.2.1])\r\n"
	    "\tby mx.example.test (mailkit) with ESMTPSA id 0abc\r\n"
	    "\t(TLSv1.3 TLS_AES_256_GCM_SHA384)\r\n"
	    "\t(authenticated sender bob@example.test)\r\n"
	    "\tfor <x@remote.test>\r\n"
	    "\t; Thu, 1 Jan 1970 00:00:00 +0000\r\n");
	buf_free(&b);
}

static void
t_with_keywords(void)
{
	struct received r;
	struct buf b = BUF_INIT;

	memset(&r, 0, sizeof r);
	r.helo = "h";
	r.ip = "::1";
	r.me = "m";
	r.id = "1";
	r.eol = "\n";
	CHECK(received_format(&r, &b) == 0);
	CHECK(strstr(b.s, "with SMTP id 1\n") != NULL);
	CHECK(strstr(b.s, "from h ([::1])\n") != NULL);
	buf_truncate(&b, 0);
	r.esmtp = r.utf8 = 1;
	r.tls = "TLSv1.2 X";
	CHECK(received_format(&r, &b) == 0);
	CHECK(strstr(b.s, "with UTF8SMTPS id") != NULL);
	buf_free(&b);
}

/* A hostile HELO cannot break out of the field or the comment. */
static void
t_hostile_helo(void)
{
	struct received r;
	struct buf b = BUF_INIT;

	memset(&r, 0, sizeof r);
	r.helo = "evil)\r\nX-Injected: (yes";
	r.ip = "192.0.2.1";
	r.me = "m";
	r.id = "1";
	r.esmtp = 1;
	r.eol = "\r\n";
	CHECK(received_format(&r, &b) == 0);
	CHECK(strstr(b.s, "\r\nX-Injected") == NULL);
	CHECK(strstr(b.s, "from evil___X-Injected:__yes ([192.0.2.1])") !=
	    NULL);
	buf_free(&b);
}

static void
t_local_injection(void)
{
	struct received r;
	struct buf b = BUF_INIT;

	memset(&r, 0, sizeof r);
	r.me = "mx";
	r.id = "42";
	r.uid = 1000;
	r.eol = "\n";
	CHECK(received_format(&r, &b) == 0);
	CHECK_MEM(b.s, b.len, "Received: (mailkit invoked by uid 1000)\n"
	    "\tby mx (mailkit) id 42; Thu, 1 Jan 1970 00:00:00 +0000\n");
	buf_free(&b);
}

static void
t_date(void)
{
	char d[64];

	CHECK(received_date(1795471309, d, sizeof d) == 0);
	CHECK_STR(d, "Mon, 23 Nov 2026 22:01:49 +0000");
	CHECK(received_date(0, d, 10) == -1);
}

static void
t_loopback(void)
{
	CHECK(smtp_is_loopback("127.0.0.1"));
	CHECK(smtp_is_loopback("127.255.0.9"));
	CHECK(smtp_is_loopback("::1"));
	CHECK(smtp_is_loopback("::ffff:127.0.0.1"));
	CHECK(!smtp_is_loopback("128.0.0.1"));
	CHECK(!smtp_is_loopback("192.0.2.1"));
	CHECK(!smtp_is_loopback("::2"));
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	RUN(t_esmtpsa);
	RUN(t_with_keywords);
	RUN(t_hostile_helo);
	RUN(t_local_injection);
	RUN(t_date);
	RUN(t_loopback);
	return tap_done();
}
