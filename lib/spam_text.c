/* spam_text: words, URLs and addresses of plain text; see spam.h. */
#include <string.h>

#include "spam.h"
#include "str.h"

#define WORD_MAX	256

static int
is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	    c == '\v';
}

static int
is_ip(const char *h, size_t n)
{
	size_t i, dots = 0;

	for (i = 0; i < n; i++) {
		if (h[i] == '.')
			dots++;
		else if (h[i] < '0' || h[i] > '9')
			return 0;
	}
	return dots == 3;
}

/* Tokens for a host name: each suffix of up to four labels. */
static int
host_tokens(struct spam_tokens *t, const char *prefix, const char *h,
    size_t n)
{
	size_t i, labels = 0;

	while (n && h[n - 1] == '.')
		n--;
	for (i = n; i > 0 && labels < 4; i--)
		if (h[i - 1] == '.') {
			labels++;
			if (spam_tokens_add(t, prefix, h + i, n - i) < 0)
				return -1;
		}
	if (labels < 4 && n && spam_tokens_add(t, prefix, h, n) < 0)
		return -1;
	return 0;
}

static int
path_tokens(struct spam_tokens *t, const char *p, size_t n)
{
	size_t i = 0, j, k = 0;

	while (i < n && k < 12) {
		while (i < n && strchr("/?&=#.-_+%;", p[i]))
			i++;
		for (j = i; j < n && !strchr("/?&=#.-_+%;", p[j]); j++)
			;
		if (j - i >= 2 && j - i <= 20) {
			if (spam_tokens_add(t, "url:", p + i, j - i) < 0)
				return -1;
			k++;
		}
		i = j;
	}
	return 0;
}

int
spam_url_tokens(struct spam_tokens *t, const char *url, size_t n,
    unsigned *rules)
{
	char u[WORD_MAX];
	const char *h, *e, *at;
	size_t hl;

	if (n >= sizeof u)
		n = sizeof u - 1;
	memcpy(u, url, n);
	str_lower(u, n);
	h = memmem(u, n, "://", 3);
	if (h) {
		if (spam_tokens_add(t, "proto:", u, (size_t)(h - u)) < 0)
			return -1;
		h += 3;
	} else
		h = u;
	e = h;
	while (e < u + n && !strchr("/?#:", *e))
		e++;
	at = memchr(h, '@', (size_t)(e - h));
	if (at) {
		if (spam_tokens_add(t, "url:", "userinfo", 8) < 0)
			return -1;
		h = at + 1;
	}
	hl = (size_t)(e - h);
	if (is_ip(h, hl)) {
		*rules |= 1u << RULE_URL_IP_HOST;
		if (spam_tokens_add(t, "url:", "ip", 2) < 0)
			return -1;
	} else if (host_tokens(t, "url:", h, hl) < 0)
		return -1;
	return path_tokens(t, e, (size_t)(u + n - e));
}

static int
email_tokens(struct spam_tokens *t, const char *prefix, const char *w,
    size_t n, const char *at)
{
	char pre[32];

	if (str_fmt(pre, sizeof pre, "%semail:", prefix) < 0)
		return -1;
	if (spam_tokens_add(t, pre, w, (size_t)(at - w)) < 0)
		return -1;
	return host_tokens(t, pre, at + 1, (size_t)(w + n - at - 1));
}

static int
word(struct spam_tokens *t, const char *prefix, const char *s, size_t n,
    unsigned *rules)
{
	char w[WORD_MAX], skip[32];
	const char *at;

	while (n && strchr("\"'([<{*", s[0]))
		s++, n--;
	while (n && strchr(".,;:\"')]>}*", s[n - 1]))
		n--;
	if (n < 3)
		return 0;
	if (n >= sizeof w || n > 40) {
		str_fmt(skip, sizeof skip, "skip:%c %zu", s[0], n / 10 * 10);
		return spam_tokens_add(t, prefix, skip, strlen(skip));
	}
	memcpy(w, s, n);
	str_lower(w, n);
	if (memmem(w, n, "://", 3) || strncmp(w, "www.", 4) == 0)
		return spam_url_tokens(t, w, n, rules);
	at = memchr(w, '@', n);
	if (at && at > w && memchr(at, '.', (size_t)(w + n - at)))
		return email_tokens(t, prefix, w, n, at);
	if (n > 12) {
		str_fmt(skip, sizeof skip, "skip:%c %zu", w[0], n / 10 * 10);
		return spam_tokens_add(t, prefix, skip, strlen(skip));
	}
	return spam_tokens_add(t, prefix, w, n);
}

int
spam_text_tokens(struct spam_tokens *t, const char *prefix, const char *s,
    size_t n, unsigned *rules)
{
	size_t i = 0, j;

	while (i < n && !t->full) {
		while (i < n && is_ws((unsigned char)s[i]))
			i++;
		for (j = i; j < n && !is_ws((unsigned char)s[j]); j++)
			;
		if (j > i && word(t, prefix, s + i, j - i, rules) < 0)
			return -1;
		i = j;
	}
	return 0;
}
