/* spam_html: HTML reduced to text plus its tells; see include/spam.h. */
#include <stdlib.h>
#include <string.h>

#include "spam.h"
#include "str.h"

struct html {
	struct spam_tokens *t;
	struct buf *out;
	unsigned *rules;
	char href_host[128];	/* of the open <a>, "" when none */
	size_t anchor_start;	/* offset in out where its text begins */
	int in_anchor;
};

static const char *const inline_tags[] = {
	"b", "i", "u", "font", "span", "em", "strong", "small", "big", "sub",
	"sup", "a", "s", "strike", NULL,
};

static const char *const told_tags[] = {
	"img", "form", "script", "iframe", "object", "embed", "input", "map",
	"base", NULL,
};

static int
in_list(const char *const *l, const char *s)
{
	for (; *l; l++)
		if (strcmp(*l, s) == 0)
			return 1;
	return 0;
}

/* The registrable part of a host, roughly: its last two labels. */
static void
site(const char *h, size_t n, char *out, size_t size)
{
	size_t i, dots = 0;

	while (n && h[n - 1] == '.')
		n--;
	for (i = n; i > 0; i--)
		if (h[i - 1] == '.' && ++dots == 2)
			break;
	str_copyn(out, size, h + i, n - i);
	str_lower(out, strlen(out));
}

/* Host of a URL (or of "www.x.y" text) into out; 0 when it is none. */
static int
url_host(const char *u, size_t n, char *out, size_t size)
{
	const char *h = memmem(u, n, "://", 3), *e;

	if (h)
		h += 3;
	else if (n > 4 && str_case_prefix(u, n, "www."))
		h = u;
	else
		return 0;
	for (e = h; e < u + n && !strchr("/?#:@ \t\r\n\"'<>", *e); e++)
		;
	if (e < u + n && *e == '@') {		/* user@host */
		h = e + 1;
		for (e = h; e < u + n && !strchr("/?#: \t\"'<>", *e); e++)
			;
	}
	if (e == h || memchr(h, '.', (size_t)(e - h)) == NULL)
		return 0;
	site(h, (size_t)(e - h), out, size);
	return 1;
}

/* Value of attribute name in tag text a[0..n), or NULL. */
static const char *
attr(const char *a, size_t n, const char *name, size_t *vl)
{
	size_t nl = strlen(name), i;
	const char *v;
	char q;

	for (i = 1; i + nl < n; i++) {
		if (!strchr(" \t\r\n\"'", a[i - 1]) ||
		    !str_case_prefix(a + i, n - i, name))
			continue;
		v = a + i + nl;
		while (v < a + n && (*v == ' ' || *v == '\t'))
			v++;
		if (v >= a + n || *v != '=')
			continue;
		v++;
		while (v < a + n && (*v == ' ' || *v == '\t'))
			v++;
		q = v < a + n && (*v == '"' || *v == '\'') ? *v++ : 0;
		for (*vl = 0; v + *vl < a + n; (*vl)++)
			if (q ? v[*vl] == q : strchr(" \t\r\n>", v[*vl]) != NULL)
				break;
		return v;
	}
	return NULL;
}

static int
hidden_style(const char *s, size_t n)
{
	char v[256];
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < sizeof v; i++)
		if (s[i] != ' ' && s[i] != '\t')
			v[o++] = s[i];
	v[o] = '\0';
	str_lower(v, o);
	return strstr(v, "display:none") || strstr(v, "visibility:hidden") ||
	    strstr(v, "font-size:0") || strstr(v, "font-size:1px");
}

static void
anchor_close(struct html *h)
{
	const char *s = h->out->s + h->anchor_start;
	size_t n = h->out->len - h->anchor_start;
	char host[128];

	while (n && (*s == ' ' || *s == '\n'))
		s++, n--;
	if (h->href_host[0] && url_host(s, n, host, sizeof host) &&
	    strcmp(host, h->href_host) != 0)
		*h->rules |= 1u << RULE_HTML_LINK_MISMATCH;
	h->in_anchor = 0;
}

static int
tag(struct html *h, const char *a, size_t n)
{
	char name[16];
	const char *v;
	size_t i = 1, o = 0, vl;
	int closing = 0;

	if (i < n && a[i] == '/')
		closing = 1, i++;
	while (i < n && o + 1 < sizeof name && !strchr(" \t\r\n/>", a[i]))
		name[o++] = a[i++];
	name[o] = '\0';
	str_lower(name, o);
	if (closing && strcmp(name, "a") == 0 && h->in_anchor)
		anchor_close(h);
	if (!closing && in_list(told_tags, name) &&
	    spam_tokens_add(h->t, "html:", name, o) < 0)
		return -1;
	if (!closing && (v = attr(a, n, "style", &vl)) && hidden_style(v, vl))
		*h->rules |= 1u << RULE_HTML_HIDDEN_TEXT;
	if (!closing && ((v = attr(a, n, "href", &vl)) ||
	    (v = attr(a, n, "src", &vl)))) {
		if (spam_url_tokens(h->t, v, vl, h->rules) < 0)
			return -1;
		if (strcmp(name, "a") == 0) {
			h->in_anchor = url_host(v, vl, h->href_host,
			    sizeof h->href_host);
			h->anchor_start = h->out->len;
		}
	}
	return in_list(inline_tags, name) ? 0 : buf_addc(h->out, ' ');
}

static size_t
utf8_put(char *o, unsigned long c)
{
	if (c < 0x80)
		return o[0] = (char)c, 1;
	if (c < 0x800)
		return o[0] = (char)(0xc0 | c >> 6),
		    o[1] = (char)(0x80 | (c & 0x3f)), 2;
	if (c < 0x10000)
		return o[0] = (char)(0xe0 | c >> 12),
		    o[1] = (char)(0x80 | (c >> 6 & 0x3f)),
		    o[2] = (char)(0x80 | (c & 0x3f)), 3;
	return 0;
}

/* Decode the entity at s (s[0] == '&'); its length, output in h->out. */
static size_t
entity(struct html *h, const char *s, size_t n)
{
	static const struct { const char *name; unsigned long c; } ents[] = {
		{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
		{ "nbsp", ' ' }, { "apos", '\'' }, { "copy", 0xa9 },
		{ "reg", 0xae },
	};
	const char *semi = memchr(s, ';', n < 12 ? n : 12);
	char tmp[4], *end;
	unsigned long c = 0;
	size_t i, l;

	if (semi == NULL)
		return 0;
	l = (size_t)(semi - s - 1);
	if (l >= 2 && s[1] == '#') {
		c = (s[2] == 'x' || s[2] == 'X') ? strtoul(s + 3, &end, 16) :
		    strtoul(s + 2, &end, 10);
		if (end != semi)
			return 0;
	} else {
		for (i = 0; i < sizeof ents / sizeof ents[0]; i++)
			if (str_case_eq(s + 1, l, ents[i].name,
			    strlen(ents[i].name)))
				c = ents[i].c;
		if (c == 0)
			return 0;
	}
	if (c == 0 || c > 0xffff || (l = utf8_put(tmp, c)) == 0)
		return (size_t)(semi - s) + 1;
	return buf_add(h->out, tmp, l) < 0 ? (size_t)-1 :
	    (size_t)(semi - s) + 1;
}

/* Skip a <script> or <style> element's content; offset past its end. */
static size_t
skip_element(const char *s, size_t n, size_t i, const char *name)
{
	char close[16];
	const char *e;

	str_fmt(close, sizeof close, "</%s", name);
	for (; i < n; i++)
		if (s[i] == '<' && str_case_prefix(s + i, n - i, close)) {
			e = memchr(s + i, '>', n - i);
			return e ? (size_t)(e - s) + 1 : n;
		}
	return n;
}

static size_t
comment_end(const char *s, size_t n, size_t i)
{
	const char *e = memmem(s + i, n - i, "-->", 3);

	return e ? (size_t)(e - s) + 3 : n;
}

int
spam_html_text(struct spam_tokens *t, const char *s, size_t n,
    struct buf *out, unsigned *rules)
{
	struct html h = { t, out, rules, "", 0, 0 };
	size_t i = 0, j, k;
	const char *gt = s;

	while (i < n) {
		if (s[i] == '<' && n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
			i = comment_end(s, n, i + 4);
			continue;
		}
		/* Once no '>' is left, no '<' can open a tag: linear time. */
		if (s[i] == '<' && gt && i + 1 < n && (s[i + 1] == '/' ||
		    s[i + 1] == '!' || (s[i + 1] | 0x20) >= 'a') &&
		    (gt = memchr(s + i, '>', n - i)) != NULL) {
			j = (size_t)(gt - s) + 1;
			if (tag(&h, s + i, j - i) < 0)
				return -1;
			if (str_case_prefix(s + i, j - i, "<script") ||
			    str_case_prefix(s + i, j - i, "<style"))
				j = skip_element(s, n, j, s[i + 2] == 'c' ||
				    s[i + 2] == 'C' ? "script" : "style");
			i = j;
			continue;
		}
		if (s[i] == '&' && (k = entity(&h, s + i, n - i)) > 0) {
			if (k == (size_t)-1)
				return -1;
			i += k;
			continue;
		}
		if (buf_addc(out, s[i++]) < 0)
			return -1;
	}
	if (h.in_anchor)
		anchor_close(&h);
	return 0;
}
