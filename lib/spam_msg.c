/* spam_msg: a whole message turned into tokens and rules; see spam.h. */
#include <string.h>

#include "header.h"
#include "mime.h"
#include "spam.h"
#include "str.h"

/* Rules that also become tokens: not the ones that date mail (HTML only,
 * base64 text) or that say nothing about it (truncation). */
#define SPAM_RULES_LEARNED (~(1u << RULE_HTML_ONLY | 1u << RULE_MIME_B64_TEXT | \
	1u << RULE_SCAN_TRUNCATED))

struct scan {
	struct spam_tokens *t;
	unsigned *rules;
	int has_plain, has_html, html_alone;
};

static int
addr_tokens(struct spam_tokens *t, const char *pre, const char *v, size_t n)
{
	char piece[128];
	size_t i = 0, j;
	unsigned dummy = 0;

	while (i < n) {
		while (i < n && strchr(" \t<>\",;()[]", v[i]))
			i++;
		for (j = i; j < n && !strchr(" \t<>\",;()[]", v[j]); j++)
			;
		if (j - i >= 2 && j - i < sizeof piece) {
			memcpy(piece, v + i, j - i);
			str_lower(piece, j - i);
			if (memchr(piece, '@', j - i)) {
				if (spam_text_tokens(t, pre, piece, j - i,
				    &dummy) < 0)
					return -1;
			} else if (spam_tokens_add(t, pre, piece, j - i) < 0)
				return -1;
		}
		i = j;
	}
	return 0;
}

static void
subject_rules(const char *s, size_t n, unsigned *rules)
{
	size_t i, upper = 0, lower = 0;

	for (i = 0; i < n; i++) {
		if (s[i] >= 'A' && s[i] <= 'Z')
			upper++;
		else if (s[i] >= 'a' && s[i] <= 'z')
			lower++;
	}
	if (upper >= 8 && lower == 0)
		*rules |= 1u << RULE_SUBJ_ALL_CAPS;
}

/* "from helo (rdns [ip])": a HELO that is an IP other than the peer's. */
static int
received_forged(const char *v, size_t n)
{
	char helo[64], ip[64];
	const char *p, *b, *e;
	size_t i, l;

	p = memmem(v, n, "from ", 5);
	if (p == NULL)
		return 0;
	p += 5;
	for (l = 0; p + l < v + n && p[l] != ' ' && l + 1 < sizeof helo; l++)
		helo[l] = p[l];
	helo[l] = '\0';
	for (i = 0; i < l; i++)
		if (!strchr("0123456789.", helo[i]))
			return 0;
	b = memchr(p, '[', (size_t)(v + n - p));
	e = b ? memchr(b, ']', (size_t)(v + n - b)) : NULL;
	if (l < 7 || e == NULL || (size_t)(e - b - 1) >= sizeof ip)
		return 0;
	memcpy(ip, b + 1, (size_t)(e - b - 1));
	ip[e - b - 1] = '\0';
	return strcmp(ip, helo) != 0;
}

static int
received_tokens(struct spam_tokens *t, const char *v, size_t n)
{
	size_t i = 0, j;
	int dots;

	while (i < n) {
		while (i < n && strchr(" \t()[];<>", v[i]))
			i++;
		for (j = i, dots = 0; j < n && !strchr(" \t()[];<>", v[j]); j++)
			dots += v[j] == '.';
		if (dots >= 1 && j - i > 3 && j - i < 64 && !strchr("0123456789",
		    v[j - 1])) {
			char h[64];
			memcpy(h, v + i, j - i);
			str_lower(h, j - i);
			if (spam_tokens_add(t, "received:", h, j - i) < 0)
				return -1;
		} else if (dots == 3 && j - i < 16) {
			const char *last = v + j;
			while (last > v + i && last[-1] != '.')
				last--;
			if (spam_tokens_add(t, "received:ip:", v + i,
			    (size_t)(last - v - i)) < 0)
				return -1;
		}
		i = j;
	}
	return 0;
}

static int
field_tokens(struct scan *sc, const struct hdr_field *f, int *received)
{
	char name[64], val[2048];
	struct buf dec = BUF_INIT;
	size_t nl = f->name_len < 40 ? f->name_len : 40, vl;
	int r = 0;

	memcpy(name, f->name, nl);
	str_lower(name, nl);
	name[nl] = '\0';
	if (spam_tokens_add(sc->t, "header:", name, nl) < 0)
		return -1;
	vl = hdr_unfold(f->value, f->value_len, val, sizeof val);
	if (strcmp(name, "subject") == 0) {
		if ((r = mime_words_decode(val, vl, &dec)) == 0) {
			subject_rules(dec.s ? dec.s : "", dec.len, sc->rules);
			r = spam_text_tokens(sc->t, "subject:", dec.s ? dec.s :
			    "", dec.len, sc->rules);
		}
	} else if (!strcmp(name, "from") || !strcmp(name, "reply-to") ||
	    !strcmp(name, "to") || !strcmp(name, "cc") ||
	    !strcmp(name, "return-path") || !strcmp(name, "sender")) {
		char pre[48];
		str_fmt(pre, sizeof pre, "%s:", name);
		if ((r = mime_words_decode(val, vl, &dec)) == 0)
			r = addr_tokens(sc->t, pre, dec.s ? dec.s : "",
			    dec.len);
	} else if (!strcmp(name, "x-mailer") || !strcmp(name, "user-agent")) {
		str_lower(val, vl);
		r = spam_tokens_add(sc->t, "x-mailer:", val, vl);
	} else if (!strcmp(name, "message-id")) {
		const char *at = memchr(val, '@', vl);
		if (at)
			r = spam_tokens_add(sc->t, "message-id:@", at + 1,
			    strcspn(at + 1, ">"));
	} else if (!strcmp(name, "received") && (*received)++ < 6) {
		if (received_forged(val, vl))
			*sc->rules |= 1u << RULE_RCVD_FORGED;
		r = received_tokens(sc->t, val, vl);
	}
	buf_free(&dec);
	return r;
}

static int
header_tokens(struct scan *sc, const char *h, size_t n)
{
	struct hdr_field f;
	size_t off = 0;
	const char *lf;
	int r, received = 0;
	unsigned seen = 0;

	while ((r = hdr_next(h, n, &off, &f)) != 0) {
		if (r < 0) {
			lf = memchr(h + off, '\n', n - off);
			if (lf == NULL)
				break;
			off = (size_t)(lf - h) + 1;
			continue;
		}
		if (hdr_name_is(&f, "Date"))
			seen |= 1u << RULE_MISSING_DATE;
		else if (hdr_name_is(&f, "Message-ID"))
			seen |= 1u << RULE_MISSING_MID;
		else if (hdr_name_is(&f, "From"))
			seen |= 1u << RULE_MISSING_FROM;
		else if (hdr_name_is(&f, "Subject"))
			seen |= 1u << RULE_MISSING_SUBJECT;
		if (field_tokens(sc, &f, &received) < 0)
			return -1;
	}
	*sc->rules |= ~seen & (1u << RULE_MISSING_DATE |
	    1u << RULE_MISSING_MID | 1u << RULE_MISSING_FROM |
	    1u << RULE_MISSING_SUBJECT);
	return 0;
}

static int
common_charset(const char *cs)
{
	static const char *const common[] = {
		"", "us-ascii", "utf-8", "iso-8859-1", "iso-8859-15",
		"windows-1252", NULL,
	};
	const char *const *c;

	for (c = common; *c; c++)
		if (strcmp(cs, *c) == 0)
			return 1;
	return 0;
}

static int
part_tokens(void *arg, const struct mime_part *p)
{
	struct scan *sc = arg;
	struct buf text = BUF_INIT;
	const char *dot;
	int r = 0;

	/* Text types, common charsets and transfer encodings say more about
	 * the year a corpus was collected than about spam: left out. */
	if ((strncmp(p->type, "text/", 5) != 0 && spam_tokens_add(sc->t,
	    "type:", p->type, strlen(p->type)) < 0) ||
	    (!common_charset(p->charset) && spam_tokens_add(sc->t, "charset:",
	    p->charset, strlen(p->charset)) < 0))
		return -1;
	if (p->filename[0] && (dot = strrchr(p->filename, '.')) != NULL &&
	    spam_tokens_add(sc->t, "filename:", dot, strlen(dot)) < 0)
		return -1;
	if (p->text == NULL)
		return 0;
	if (strcmp(p->cte, "base64") == 0)
		*sc->rules |= 1u << RULE_MIME_B64_TEXT;
	if (strcmp(p->type, "text/html") == 0) {
		sc->has_html = 1;
		if (!p->alt_has_plain)
			sc->html_alone = 1;
		r = spam_html_text(sc->t, p->text, p->text_len, &text,
		    sc->rules);
		if (r == 0)
			r = spam_text_tokens(sc->t, "", text.s ? text.s : "",
			    text.len, sc->rules);
		buf_free(&text);
	} else {
		if (strcmp(p->type, "text/plain") == 0)
			sc->has_plain = 1;
		r = spam_text_tokens(sc->t, "", p->text, p->text_len,
		    sc->rules);
	}
	return r;
}

int
spam_analyze(const char *msg, size_t n, const struct spam_conf *c,
    struct spam_tokens *t, unsigned *rules)
{
	struct mime_limits lim = { c->max_depth, c->max_parts, c->max_decoded };
	struct scan sc = { t, rules, 0, 0, 0 };
	size_t hl = hdr_block_len(msg, n), body;
	int i, r;

	*rules = 0;
	body = hl;
	if (hl > c->max_header) {
		hl = c->max_header;
		*rules |= 1u << RULE_SCAN_TRUNCATED;
	}
	if (header_tokens(&sc, msg, hl) < 0)
		return -1;
	if (n - body > c->max_body) {
		n = body + c->max_body;
		*rules |= 1u << RULE_SCAN_TRUNCATED;
	}
	r = mime_walk(msg, n, &lim, part_tokens, &sc);
	if (r < 0)
		return -1;
	if (r > 0 || t->full)
		*rules |= 1u << RULE_SCAN_TRUNCATED;
	if (sc.has_html && sc.html_alone && !sc.has_plain)
		*rules |= 1u << RULE_HTML_ONLY;
	for (i = 0; i < RULE_COUNT; i++)
		if (*rules & 1u << i & SPAM_RULES_LEARNED &&
		    spam_tokens_add(t, "rule:",
		    spam_rule_name(i), strlen(spam_rule_name(i))) < 0)
			return -1;
	return 0;
}
