/* users_del: an account removed from etc/users, its mailbox retired. */
#include <errno.h>

#include "users_admin.h"
#include "users_mailbox.h"

static enum users_result
retire(struct users_admin *a, const char *addr, int purge)
{
	struct users_mailbox m;

	switch (users_mailbox_retire(a->root, addr, purge, &m)) {
	case USERS_MB_OK:
		return USERS_OK;
	case USERS_MB_MOVED:
		users_out(a, "%s\n", m.to);
		return USERS_OK;
	case USERS_MB_NAME_TOO_LONG:
		return users_fail(a, USERS_INTERNAL, 0, "path too long");
	case USERS_MB_CANT_MKDIR:
		return users_fail(a, USERS_IO, errno, "cannot create %s",
		    m.dir);
	case USERS_MB_CANT_MOVE:
		return users_fail(a, USERS_IO, errno,
		    "cannot move mailbox %s to %s", m.path, m.to);
	case USERS_MB_CANT_REMOVE:
	default:
		return users_fail(a, USERS_IO, errno,
		    "cannot remove mailbox %s", m.path);
	}
}

enum users_result
users_del(struct users_admin *a, const char *address, int purge)
{
	char addr[ADDR_MAX + 1];
	struct users_edit u;
	enum users_result r;

	if ((r = users_check(a, address, addr)) != USERS_OK ||
	    (r = users_lock(a, &u)) != USERS_OK)
		return r;
	r = users_changed(a, users_edit_remove(&u, addr), "remove", addr);
	r = users_commit(a, &u, r);
	/* still locked: an add of the same name waits for the move */
	if (r == USERS_OK)
		r = retire(a, addr, purge);
	users_edit_end(&u);
	return r;
}
