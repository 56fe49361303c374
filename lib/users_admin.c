/* users_admin: what the commands of mail-user share: their messages, the
 * address check and the lock of etc/users; see include/users_admin.h. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "users_address.h"
#include "users_admin.h"

/* Truncated, not refused, when too long: the text is a message. */
static void
vsay(char *out, size_t size, int errnum, const char *fmt, va_list ap)
{
	size_t n;

	(void)vsnprintf(out, size, fmt, ap);
	n = strlen(out);
	if (errnum != 0)
		(void)snprintf(out + n, size - n, ": %s", strerror(errnum));
}

enum users_result
users_fail(struct users_admin *a, enum users_result r, int errnum,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(a->why, sizeof a->why, errnum, fmt, ap);
	va_end(ap);
	return r;
}

void
users_warn(struct users_admin *a, const char *fmt, ...)
{
	char text[sizeof a->why];
	va_list ap;

	va_start(ap, fmt);
	vsay(text, sizeof text, 0, fmt, ap);
	va_end(ap);
	a->warn(a->arg, text);
}

void
users_out(struct users_admin *a, const char *fmt, ...)
{
	char text[PATH_MAX + 64];
	va_list ap;

	va_start(ap, fmt);
	vsay(text, sizeof text, 0, fmt, ap);
	va_end(ap);
	a->out(a->arg, text);
}

enum users_result
users_check(struct users_admin *a, const char *address, char *addr)
{
	const char *why;

	if (users_address_check(a->root, address, addr, ADDR_MAX + 1,
	    &why) == 0)
		return USERS_OK;
	return users_fail(a, USERS_BAD_INPUT, 0, "bad address %s: %s",
	    address, why);
}

enum users_result
users_lock(struct users_admin *a, struct users_edit *u)
{
	if (users_edit_begin(u, a->root, USERS_LOCK_TIMEOUT) == 0)
		return USERS_OK;
	if (errno == ETIMEDOUT)
		return users_fail(a, USERS_AGAIN, 0, "etc/users is locked by "
		    "another program, try again");
	return users_fail(a, USERS_AGAIN, errno, "cannot read %s/etc/users",
	    a->root);
}

enum users_result
users_commit(struct users_admin *a, struct users_edit *u,
    enum users_result r)
{
	if (r == USERS_OK && users_edit_commit(u) < 0)
		return users_fail(a, USERS_AGAIN, errno,
		    "cannot write %s/etc/users", a->root);
	return r;
}

enum users_result
users_changed(struct users_admin *a, int n, const char *verb,
    const char *addr)
{
	if (n < 0)
		return users_fail(a, USERS_INTERNAL, errno, "cannot %s %s",
		    verb, addr);
	if (n == 0)
		return users_fail(a, USERS_NO_ACCOUNT, 0,
		    "%s: no such account", addr);
	return USERS_OK;
}
