/* Unit tests: MIME decoders and the entity walker. */
#include <string.h>

#include "buf.h"
#include "mime.h"
#include "str.h"
#include "tap.h"

static void
t_base64(void)
{
	struct buf b = BUF_INIT;

	CHECK(mime_b64_decode("aGVs\r\nbG8=\r\n", 12, &b) == 0);
	CHECK_MEM(b.s, b.len, "hello");
	buf_truncate(&b, 0);
	CHECK(mime_b64_decode("a!G*V\nsbG8", 10, &b) == 0);	/* junk skipped */
	CHECK_MEM(b.s, b.len, "hello");
	buf_truncate(&b, 0);
	CHECK(mime_b64_decode("", 0, &b) == 0 && b.len == 0);
	buf_free(&b);
}

static void
t_qp(void)
{
	struct buf b = BUF_INIT;
	const char *in = "caf=C3=A9 soft=\r\nbreak =3d =ZZ end=";

	CHECK(mime_qp_decode(in, strlen(in), &b) == 0);
	CHECK_MEM(b.s, b.len, "caf\xc3\xa9 softbreak = =ZZ end");
	buf_free(&b);
}

static void
t_words(void)
{
	struct buf b = BUF_INIT;
	const char *in = "=?ISO-8859-1?Q?caf=E9_au?= =?utf-8?B?bGFpdA==?= x";

	CHECK(mime_words_decode(in, strlen(in), &b) == 0);
	CHECK_MEM(b.s, b.len, "caf\xc3\xa9 aulait x");
	buf_truncate(&b, 0);
	CHECK(mime_words_decode("=?bad", 5, &b) == 0);
	CHECK_MEM(b.s, b.len, "=?bad");
	buf_free(&b);
}

static void
t_charset(void)
{
	struct buf b = BUF_INIT;

	CHECK(mime_to_utf8("iso-8859-1", "\xe9t\xe9", 3, &b) == 0);
	CHECK_MEM(b.s, b.len, "\xc3\xa9t\xc3\xa9");
	buf_truncate(&b, 0);
	CHECK(mime_to_utf8("no-such-charset", "ab\xff", 3, &b) == 0);
	CHECK_MEM(b.s, b.len, "ab\xff");
	buf_truncate(&b, 0);
	/* An invalid byte in the middle is kept, the rest converted. */
	CHECK(mime_to_utf8("utf-16le", "a\0b", 3, &b) == 0);
	CHECK(b.len >= 1 && b.s[0] == 'a');
	buf_free(&b);
}

static void
t_ctype(void)
{
	char t[MIME_TYPE_MAX], p[MIME_PARAM_MAX];
	const char *v = " Multipart/Mixed; foo=\"a;b\"; boundary=\"=_x y\"";

	mime_content_type(v, strlen(v), t, sizeof t);
	CHECK_STR(t, "multipart/mixed");
	CHECK(mime_param(v, strlen(v), "boundary", p, sizeof p) == 1);
	CHECK_STR(p, "=_x y");
	CHECK(mime_param(v, strlen(v), "charset", p, sizeof p) == 0);
	CHECK(mime_param("text/plain; charset=UTF-8", 25, "charset", p,
	    sizeof p) == 1);
	CHECK_STR(p, "UTF-8");
	mime_content_type("garbage", 7, t, sizeof t);
	CHECK_STR(t, "");
}

struct seen {
	int n;
	char types[8][32];
	char text[8][64];
	int alt_plain[8];
};

static int
collect(void *arg, const struct mime_part *p)
{
	struct seen *s = arg;

	if (s->n < 8) {
		str_copy(s->types[s->n], 32, p->type);
		if (p->text)
			str_copyn(s->text[s->n], 64, p->text, p->text_len);
		s->alt_plain[s->n] = p->alt_has_plain;
	}
	s->n++;
	return 0;
}

static const char nested[] =
    "From: a@b\nContent-Type: multipart/mixed; boundary=\"out\"\n\n"
    "preamble\n--out\nContent-Type: multipart/alternative; boundary=in\n\n"
    "--in\nContent-Type: text/plain; charset=iso-8859-1\n"
    "Content-Transfer-Encoding: quoted-printable\n\ncaf=E9\n"
    "--in\nContent-Type: text/html\nContent-Transfer-Encoding: base64\n\n"
    "PGI+aGk8L2I+\n--in--\n"
    "--out\nContent-Type: message/rfc822\n\nSubject: inner\n\ninner body\n"
    "--out\nContent-Type: image/png; name=x.png\n\nBINARY\n--out--\nepilogue\n";

static void
t_walk_nested(void)
{
	struct mime_limits lim = { 10, 100, 1 << 20 };
	struct seen s;

	memset(&s, 0, sizeof s);
	CHECK(mime_walk(nested, sizeof nested - 1, &lim, collect, &s) == 0);
	CHECK(s.n == 4);
	CHECK_STR(s.types[0], "text/plain");
	CHECK_STR(s.text[0], "caf\xc3\xa9");
	CHECK_STR(s.types[1], "text/html");
	CHECK_STR(s.text[1], "<b>hi</b>");
	CHECK(s.alt_plain[1] == 1);
	CHECK_STR(s.types[2], "text/plain");
	CHECK_STR(s.text[2], "inner body");
	CHECK_STR(s.types[3], "image/png");
	CHECK_STR(s.text[3], "");
}

static void
t_walk_limits(void)
{
	struct mime_limits lim = { 1, 100, 1 << 20 };
	struct seen s;
	struct buf m = BUF_INIT;
	int i;

	memset(&s, 0, sizeof s);
	CHECK(mime_walk(nested, sizeof nested - 1, &lim, collect, &s) ==
	    MIME_TRUNC_DEPTH);
	CHECK(s.n == 1);	/* the image; alternative and rfc822 cut */
	lim.max_depth = 10;
	lim.max_parts = 2;
	memset(&s, 0, sizeof s);
	CHECK(mime_walk(nested, sizeof nested - 1, &lim, collect, &s) ==
	    MIME_TRUNC_PARTS);
	CHECK(s.n == 2);
	lim.max_parts = 100;
	lim.max_decoded = 3;
	memset(&s, 0, sizeof s);
	CHECK(mime_walk(nested, sizeof nested - 1, &lim, collect, &s) &
	    MIME_TRUNC_DECODED);
	CHECK_STR(s.text[0], "caf");
	/* Many parts: the walk stops at the limit. */
	buf_adds(&m, "Content-Type: multipart/mixed; boundary=b\n\n");
	for (i = 0; i < 5000; i++)
		buf_adds(&m, "--b\n\nx\n");
	lim.max_decoded = 1 << 20;
	memset(&s, 0, sizeof s);
	CHECK(mime_walk(m.s, m.len, &lim, collect, &s) == MIME_TRUNC_PARTS);
	CHECK(s.n == 100);
	buf_free(&m);
}

static void
t_walk_plain(void)
{
	struct mime_limits lim = { 10, 100, 1 << 20 };
	struct seen s;
	const char *m = "From x\nSubject: s\n\nbody only";

	memset(&s, 0, sizeof s);
	CHECK(mime_walk(m, strlen(m), &lim, collect, &s) == 0);
	CHECK(s.n == 1);
	CHECK_STR(s.types[0], "text/plain");
	CHECK_STR(s.text[0], "body only");
	/* A multipart without a closing delimiter ends at the end. */
	m = "Content-Type: multipart/mixed; boundary=z\n\n--z\n\nopen";
	memset(&s, 0, sizeof s);
	CHECK(mime_walk(m, strlen(m), &lim, collect, &s) == 0);
	CHECK(s.n == 1);
	CHECK_STR(s.text[0], "open");
}

int
main(void)
{
	RUN(t_base64);
	RUN(t_qp);
	RUN(t_words);
	RUN(t_charset);
	RUN(t_ctype);
	RUN(t_walk_nested);
	RUN(t_walk_limits);
	RUN(t_walk_plain);
	return tap_done();
}
