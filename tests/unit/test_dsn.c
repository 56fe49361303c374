/* Unit tests: dsn (failure records, explanations, the DSN layout). */
#include <string.h>

#include "buf.h"
#include "dsn.h"
#include "str.h"
#include "tap.h"

static void
t_record_parse(void)
{
	const char *err = NULL;
	struct dsn_rcpt r;
	const char *s = "bob@x.test\t5.1.1\tsmtp; 550 5.1.1 no\tmx.x.test\t17";

	CHECK(dsn_parse_record(s, strlen(s), &r, &err) == 0);
	CHECK_STR(r.rcpt, "bob@x.test");
	CHECK_STR(r.status, "5.1.1");
	CHECK_STR(r.diag, "smtp; 550 5.1.1 no");
	CHECK_STR(r.remote, "mx.x.test");
	CHECK(r.last == 17);
	s = "bob@x.test\t4.4.7\texpired\t-\t-";
	CHECK(dsn_parse_record(s, strlen(s), &r, &err) == 0);
	CHECK_STR(r.remote, "");
	CHECK(r.last == 0);
	s = "bob@x.test\t5.1.10\tnull MX";
	CHECK(dsn_parse_record(s, strlen(s), &r, &err) == 0);
	CHECK_STR(r.status, "5.1.10");
}

static void
t_record_refused(void)
{
	static const char *const bad[] = {
		"", "bob@x.test", "bob@x.test\t5.1.1", "bob@x.test\t5.1.1\t",
		"bob@x.test\t3.1.1\tx", "bob@x.test\t5.1\tx",
		"bob@x.test\t5.1.1.1\tx", "bob@x.test\t5.1111.1\tx",
		"bob@x.test\t5..1\tx", "bob@x.test\t5.1.1\tx\ta b",
		"bob@x.test\t5.1.1\tx\t-\t12x", "bob@x.test\t5.1.1\tx\t-\t-\tz",
		"<bob@x.test>\t5.1.1\tx", "bob@x.test\t5.1.1\tcaf\xc3\xa9",
		"bob@x.test\t5.1.1\tbell\x07",
	};
	struct dsn_rcpt r;
	const char *err;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err = NULL;
		if (dsn_parse_record(bad[i], strlen(bad[i]), &r, &err) != -1 ||
		    err == NULL) {
			printf("# accepted: [%s]\n", bad[i]);
			CHECK(0);
		}
	}
}

static void
t_record_round_trip(void)
{
	struct dsn_rcpt r, back;
	struct buf b = BUF_INIT;
	const char *err;

	memset(&r, 0, sizeof r);
	str_copy(r.rcpt, sizeof r.rcpt, "a@b.test");
	str_copy(r.status, sizeof r.status, "5.7.1");
	str_copy(r.diag, sizeof r.diag, "smtp; 554 5.7.1 tab\there\xe9");
	r.last = 1700000000;
	CHECK(dsn_format_record(&r, &b) == 0);
	CHECK_MEM(b.s, b.len,
	    "a@b.test\t5.7.1\tsmtp; 554 5.7.1 tab here?\t-\t1700000000\n");
	CHECK(dsn_parse_record(b.s, b.len - 1, &back, &err) == 0);
	CHECK_STR(back.diag, "smtp; 554 5.7.1 tab here?");
	buf_free(&b);
}

static void
t_explain(void)
{
	CHECK(strstr(dsn_explain("5.1.1"), "does not exist") != NULL);
	CHECK(strstr(dsn_explain("5.1.10"), "null MX") != NULL);
	CHECK(strstr(dsn_explain("5.1.2"), "domain name") != NULL);
	CHECK(strstr(dsn_explain("4.4.7"), "gave up") != NULL);
	CHECK(strstr(dsn_explain("5.7.26"), "policy") != NULL);
	CHECK(strstr(dsn_explain("5.9.9"), "permanently") != NULL);
	/* "5.1.1" must not be taken for "5.1.10" nor "5.1.11" */
	CHECK(strstr(dsn_explain("5.1.11"), "does not exist") == NULL);
}

static void
t_write_layout(void)
{
	const char *msg = "Subject: x\r\n\r\nbody\r\n";
	struct buf out = BUF_INIT;
	const char *err, *p;
	struct dsn d;
	const char *rec = "bob@x.test\t5.1.1\tsmtp; 550 5.1.1 no\tmx.x.test";

	dsn_init(&d);
	d.me = "mx.example.test";
	d.to = "alice@example.test";
	d.now = 1700000000;
	d.arrival = 1699990000;
	CHECK(dsn_add_line(&d, rec, strlen(rec), &err) == 0);
	CHECK(dsn_write(&d, msg, strlen(msg), &out) == 0);
	CHECK(strstr(out.s, "\nTo: <alice@example.test>\n") != NULL);
	CHECK(strstr(out.s, "report-type=delivery-status") != NULL);
	CHECK(strstr(out.s, "\nReporting-MTA: dns; mx.example.test\n") != NULL);
	CHECK(strstr(out.s, "\nFinal-Recipient: rfc822; bob@x.test\nAction: "
	    "failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.x.test\n"
	    "Diagnostic-Code: smtp; 550 5.1.1 no\n") != NULL);
	CHECK(strstr(out.s, "Content-Type: message/rfc822\n\nSubject: x\n\n"
	    "body\n") != NULL);
	CHECK(strchr(out.s, '\r') == NULL);
	/* the parts come in the order RFC 3464 wants */
	p = strstr(out.s, "text/plain");
	CHECK(p != NULL && strstr(p, "message/delivery-status") != NULL);
	buf_free(&out);
	/* over full_max only the header goes back */
	d.full_max = 5;
	CHECK(dsn_write(&d, msg, strlen(msg), &out) == 0);
	CHECK(strstr(out.s, "text/rfc822-headers") != NULL);
	CHECK(strstr(out.s, "body") == NULL);
	buf_free(&out);
	dsn_free(&d);
}

int
main(void)
{
	RUN(t_record_parse);
	RUN(t_record_refused);
	RUN(t_record_round_trip);
	RUN(t_explain);
	RUN(t_write_layout);
	return tap_done();
}
