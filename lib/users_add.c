/* users_add: a new account of etc/users, and its mailbox. */
#include <errno.h>
#include <string.h>

#include "conf.h"
#include "str.h"
#include "users_admin.h"
#include "users_mailbox.h"

static void
warn_give(void *arg, const char *name, long uid)
{
	users_warn(arg, "cannot give %s to uid %ld", name, uid);
}

static enum users_result
make_mailbox(struct users_admin *a, const char *addr,
    enum mailbox_format want)
{
	struct users_mailbox m;
	enum users_mb r = users_mailbox_make(a->root, addr, want, &m);
	int e = errno;

	if (r == USERS_MB_NO_PATH)
		return users_fail(a, USERS_BAD_INPUT, e,
		    "%s: no mailbox path", addr);
	if (m.existed)
		users_warn(a, "%s: mailbox %s exists already, kept", addr,
		    m.path);
	if (r != USERS_MB_OK)
		return users_fail(a, USERS_CANT_CREATE, e,
		    "cannot create mailbox %s", m.path);
	if (m.got != want)
		users_warn(a, "%s: mailbox %s is %s", addr, m.path,
		    m.got == MAILBOX_MBOX ? "an mbox" : "a Maildir");
	users_mailbox_give(a->root, addr, m.got, warn_give, a);
	return USERS_OK;
}

/* The account line into line; what can be checked without the lock. */
static enum users_result
new_account(struct users_admin *a, const char *address,
    const char *mailbox, char *addr, char *line, size_t size)
{
	enum users_result r = users_check(a, address, addr);
	const char *at = strrchr(addr, '@');
	char hash[256];

	if (r != USERS_OK)
		return r;
	if (conf_is_local_domain(a->root, at + 1) != 1)
		return users_fail(a, USERS_NOT_LOCAL, 0,
		    "%s: domain %s is not in etc/domains", addr, at + 1);
	if ((r = users_new_hash(a, hash, sizeof hash)) != USERS_OK)
		return r;
	if (str_fmt(line, size, mailbox ? "%s:%s::::::mailbox=%s" : "%s:%s",
	    addr, hash, mailbox ? mailbox : "") < 0)
		return users_fail(a, USERS_INTERNAL, 0,
		    "account line too long");
	return USERS_OK;
}

enum users_result
users_add(struct users_admin *a, const char *address, const char *mailbox)
{
	enum mailbox_format fmt = mailbox && strcmp(mailbox, "mbox") == 0 ?
	    MAILBOX_MBOX : MAILBOX_MAILDIR;
	char addr[ADDR_MAX + 1], line[1024];
	struct users_edit u;
	enum users_result r;

	r = new_account(a, address, mailbox, addr, line, sizeof line);
	if (r != USERS_OK || (r = users_lock(a, &u)) != USERS_OK)
		return r;
	if (users_edit_find(&u, addr, NULL) == 1)
		r = users_fail(a, USERS_CANT_CREATE, 0,
		    "%s: account exists already", addr);
	else
		r = make_mailbox(a, addr, fmt);
	if (r == USERS_OK && users_edit_add(&u, line) < 0)
		r = users_fail(a, USERS_INTERNAL, errno, "cannot add %s",
		    addr);
	r = users_commit(a, &u, r);
	users_edit_end(&u);
	return r;
}
