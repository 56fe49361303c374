/* users_quota: an account's limits (quota=, quota_messages= in the
 * extra field of etc/users), shown and set. */
#include <errno.h>
#include <string.h>

#include "str.h"
#include "users_admin.h"

static enum users_result
show(struct users_admin *a, const char *addr)
{
	struct account acct;
	int n = account_lookup(a->root, addr, &acct);

	if (n < 0)
		return users_fail(a, USERS_AGAIN, errno,
		    "cannot read %s/etc/users", a->root);
	if (n == 0)
		return users_changed(a, n, "read", addr);
	users_out(a, "%s\t%llu\t%llu\n", acct.address,
	    (unsigned long long)acct.quota_bytes,
	    (unsigned long long)acct.quota_messages);
	return USERS_OK;
}

/* "-" or NULL keeps, 0 removes the limit, else a number.  1 done or
 * kept, 0 no such account, -1 error, -2 not a number. */
static int
set_limit(struct users_admin *a, struct users_edit *u, const char *addr,
    const char *key, const char *arg)
{
	uint64_t v;
	char num[32];

	if (arg == NULL || strcmp(arg, "-") == 0)
		return 1;
	if (str_to_u64(arg, strlen(arg), &v) < 0) {
		(void)users_fail(a, USERS_BAD_INPUT, 0, "bad number %s", arg);
		return -2;
	}
	(void)str_fmt(num, sizeof num, "%llu", (unsigned long long)v);
	return users_edit_set_extra(u, addr, key, v ? num : NULL);
}

static enum users_result
set_limits(struct users_admin *a, struct users_edit *u, const char *addr,
    const char *bytes, const char *messages)
{
	int n;

	if (users_edit_find(u, addr, NULL) != 1)
		return users_fail(a, USERS_NO_ACCOUNT, 0,
		    "%s: no such account", addr);
	n = set_limit(a, u, addr, "quota", bytes);
	if (n == 1)
		n = set_limit(a, u, addr, "quota_messages", messages);
	if (n == -2)
		return USERS_BAD_INPUT;
	if (n < 0)
		return users_fail(a, USERS_INTERNAL, errno, "cannot change %s",
		    addr);
	return USERS_OK;
}

enum users_result
users_quota(struct users_admin *a, const char *address, const char *bytes,
    const char *messages)
{
	char addr[ADDR_MAX + 1];
	struct users_edit u;
	enum users_result r;

	if ((r = users_check(a, address, addr)) != USERS_OK)
		return r;
	if (bytes == NULL && messages == NULL)
		return show(a, addr);
	if ((r = users_lock(a, &u)) != USERS_OK)
		return r;
	r = users_commit(a, &u, set_limits(a, &u, addr, bytes, messages));
	users_edit_end(&u);
	return r;
}
