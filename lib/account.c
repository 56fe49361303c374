/* account: ROOT/etc/users lookups; see include/account.h. */
#include <errno.h>
#include <string.h>

#include "account.h"
#include "conf.h"
#include "str.h"

const char *
account_field(const char *line, size_t n, int idx, size_t *len)
{
	const char *p = line, *end = line + n, *c;

	for (; idx > 0; idx--) {
		c = memchr(p, ':', (size_t)(end - p));
		if (c == NULL)
			return NULL;
		p = c + 1;
	}
	c = memchr(p, ':', (size_t)(end - p));
	*len = (size_t)((c ? c : end) - p);
	return p;
}

static int
set_extra(struct account *a, const char *k, size_t kn, const char *v,
    size_t vn)
{
	uint64_t num;

	if (str_case_eq(k, kn, "mailbox", 7)) {
		if (str_case_eq(v, vn, "mbox", 4))
			a->format = MAILBOX_MBOX;
		else if (str_case_eq(v, vn, "maildir", 7))
			a->format = MAILBOX_MAILDIR;
		else
			return -1;
	} else if (str_case_eq(k, kn, "quota", 5)) {
		if (str_to_u64(v, vn, &num) < 0)
			return -1;
		a->quota_bytes = num;
	} else if (str_case_eq(k, kn, "quota_messages", 14)) {
		if (str_to_u64(v, vn, &num) < 0)
			return -1;
		a->quota_messages = num;
	} else if (str_case_eq(k, kn, "quota_tempfail", 14)) {
		a->quota_tempfail = str_case_eq(v, vn, "yes", 3);
	}
	/* unknown keys are left for other programs */
	return 0;
}

static int
parse_extra(struct account *a, const char *s, size_t n)
{
	const char *end = s + n, *t, *eq;

	while (s < end) {
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		t = s;
		while (t < end && *t != ' ' && *t != '\t')
			t++;
		if (t > s) {
			eq = memchr(s, '=', (size_t)(t - s));
			if (eq == NULL || set_extra(a, s, (size_t)(eq - s),
			    eq + 1, (size_t)(t - eq - 1)) < 0)
				return -1;
		}
		s = t;
	}
	return 0;
}

int
account_parse(const char *line, size_t n, struct account *a)
{
	const char *f;
	size_t len;

	memset(a, 0, sizeof *a);
	f = account_field(line, n, 0, &len);
	if (f == NULL || len == 0 ||
	    str_copyn(a->address, sizeof a->address, f, len) < 0)
		return -1;
	str_lower(a->address, len);
	f = account_field(line, n, 1, &len);
	if (f == NULL || str_copyn(a->password, sizeof a->password, f, len) < 0)
		return -1;
	f = account_field(line, n, 7, &len);
	if (f != NULL && parse_extra(a, f, len) < 0)
		return -1;
	return 0;
}

struct lookup_arg {
	const char *address;
	struct account *a;
};

static int
match_account(void *arg, char *item, size_t n)
{
	struct lookup_arg *l = arg;
	const char *colon = memchr(item, ':', n);

	if (colon == NULL || !str_case_eq(item, (size_t)(colon - item),
	    l->address, strlen(l->address)))
		return 0;
	if (account_parse(item, n, l->a) < 0) {
		errno = EINVAL;
		return -1;
	}
	return 1;
}

int
account_lookup(const char *root, const char *address, struct account *a)
{
	struct lookup_arg l = { address, a };

	return conf_each(root, "etc/users", match_account, &l);
}

int
account_mailbox_path(const char *root, const char *address, char *out,
    size_t size)
{
	const char *at = strrchr(address, '@');
	char local[ADDR_LOCAL_MAX + 1], domain[ADDR_DOMAIN_MAX + 1];

	if (at == NULL)
		return errno = EINVAL, -1;
	if (str_copyn(local, sizeof local, address, (size_t)(at - address)) < 0
	    || str_copy(domain, sizeof domain, at + 1) < 0)
		return errno = EINVAL, -1;
	if (!addr_is_safe_name(local, strlen(local)) ||
	    !addr_is_safe_name(domain, strlen(domain)))
		return errno = EINVAL, -1;
	str_lower(local, strlen(local));
	str_lower(domain, strlen(domain));
	return str_fmt(out, size, "%s/mail/%s/%s", root, domain, local);
}
