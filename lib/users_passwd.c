/* users_passwd: a new password hash for an account of etc/users. */
#include <errno.h>
#include <string.h>

#include "password_read.h"
#include "users_admin.h"

static enum users_result
refused(struct users_admin *a, enum pwread r)
{
	if (r == PWREAD_IOERR)
		return users_fail(a, USERS_IO, errno,
		    "cannot read the password");
	if (r == PWREAD_LONG)
		return users_fail(a, USERS_BAD_INPUT, 0,
		    "password longer than %d bytes", PASSWORD_READ_MAX - 1);
	return users_fail(a, USERS_BAD_INPUT, 0, "%s",
	    r == PWREAD_NUL ? "password holds a NUL byte" :
	    r == PWREAD_DIFFER ? "the passwords differ" :
	    "empty password refused");
}

/* A hashed password, the plain text wiped. */
enum users_result
users_new_hash(struct users_admin *a, char *hash, size_t size)
{
	char pw[PASSWORD_READ_MAX];
	enum pwread got;
	int r, e;

	got = password_read(a->in, a->prompt, pw, sizeof pw);
	if (got != PWREAD_OK)
		return refused(a, got);
	r = password_hash(pw, hash, size);
	e = errno;
	explicit_bzero(pw, sizeof pw);
	if (r < 0)
		return users_fail(a, USERS_INTERNAL, e,
		    "cannot hash the password");
	return USERS_OK;
}

enum users_result
users_passwd(struct users_admin *a, const char *address)
{
	char addr[ADDR_MAX + 1], hash[256];
	struct users_edit u;
	enum users_result r;

	if ((r = users_check(a, address, addr)) != USERS_OK ||
	    (r = users_new_hash(a, hash, sizeof hash)) != USERS_OK ||
	    (r = users_lock(a, &u)) != USERS_OK)
		return r;
	r = users_changed(a, users_edit_set_field(&u, addr, 1, hash),
	    "change", addr);
	r = users_commit(a, &u, r);
	users_edit_end(&u);
	return r;
}
