/* smtp_local: is a local address known, and may a user send as an address;
 * see include/smtp_session.h. */
#include <string.h>

#include "account.h"
#include "conf.h"
#include "inject.h"
#include "smtp_session.h"
#include "str.h"

static int
is_postmaster(const char *addr)
{
	return str_case_prefix(addr, strlen(addr), "postmaster@");
}

int
smtp_local_exists(const char *root, const char *addr)
{
	struct account a;
	struct buf b = BUF_INIT;
	int r;

	if (is_postmaster(addr))
		return 1;
	r = account_lookup(root, addr, &a);
	if (r != 0)
		return r;
	r = conf_alias(root, addr, &b);
	buf_free(&b);
	return r < 0 ? -1 : r > 0;
}

static int
resolves_to(const char *root, const char *user, const char *addr,
    unsigned depth)
{
	struct buf b = BUF_INIT;
	size_t off;
	int r, n;

	if (str_case_eq(addr, strlen(addr), user, strlen(user)))
		return 1;
	if (depth >= INJECT_ALIAS_DEPTH)
		return 0;
	n = conf_alias(root, addr, &b);
	r = n < 0 ? -1 : 0;
	for (off = 0; n > 0 && off < b.len && r == 0;
	    off += strlen(b.s + off) + 1)
		r = resolves_to(root, user, b.s + off, depth + 1);
	buf_free(&b);
	return r;
}

int
smtp_sender_ok(const char *root, const char *user, const char *sender)
{
	if (*sender == '\0')
		return 0;
	return resolves_to(root, user, sender, 0);
}
