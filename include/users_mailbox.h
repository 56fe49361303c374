/*
 * users_mailbox: the mailbox of an account, made when mail-user adds it
 * and retired when it is deleted.
 *
 *	struct users_mailbox m;
 *	r = users_mailbox_make(root, "a@example.test", MAILBOX_MAILDIR, &m);
 *		USERS_MB_OK: m.path exists; m.existed when it was there
 *		before, m.got what it is (an old mailbox keeps its format)
 *	users_mailbox_give(root, "a@example.test", m.got, warn, arg);
 *	r = users_mailbox_retire(root, "a@example.test", purge, &m);
 *		USERS_MB_OK: removed (purge) or there was none;
 *		USERS_MB_MOVED: moved to m.to
 *
 * users_mailbox_give: when run as root, the mailbox (with tmp, new, cur)
 * and its domain directory get the owner of ROOT/mail, so that programs
 * running as that user can deliver into it.  Each level is opened
 * without following links: that user could have put one there.  For an
 * entry that cannot be given, warn(arg, name, uid) is called.
 *
 * users_mailbox_retire: the mailbox is moved to
 * ROOT/mail/.deleted/ADDRESS.UNIXTIME[.N], or with purge removed.
 * Messages are never lost in silence.
 *
 * Errors (errno set, except USERS_MB_NAME_TOO_LONG): USERS_MB_NO_PATH (no
 * mailbox path for the address), USERS_MB_CANT_CREATE (m.path),
 * USERS_MB_CANT_REMOVE (m.path), USERS_MB_CANT_MKDIR (m.dir),
 * USERS_MB_NAME_TOO_LONG (the new name), USERS_MB_CANT_MOVE (m.path to
 * m.to).
 */
#ifndef MAILKIT_USERS_MAILBOX_H
#define MAILKIT_USERS_MAILBOX_H

#include <limits.h>

#include "account.h"

enum users_mb {
	USERS_MB_OK,
	USERS_MB_MOVED,
	USERS_MB_NO_PATH,
	USERS_MB_CANT_CREATE,
	USERS_MB_CANT_REMOVE,
	USERS_MB_CANT_MKDIR,
	USERS_MB_NAME_TOO_LONG,
	USERS_MB_CANT_MOVE
};

struct users_mailbox {
	char path[PATH_MAX];	/* ROOT/mail/DOMAIN/LOCAL */
	char dir[PATH_MAX];	/* retire: ROOT/mail/.deleted */
	char to[PATH_MAX];	/* retire: where the mailbox went */
	int existed;
	enum mailbox_format got;
};

typedef void (*users_give_warn_fn)(void *arg, const char *name, long uid);

enum users_mb users_mailbox_make(const char *root, const char *address,
    enum mailbox_format want, struct users_mailbox *m);
void users_mailbox_give(const char *root, const char *address,
    enum mailbox_format fmt, users_give_warn_fn warn, void *arg);
enum users_mb users_mailbox_retire(const char *root, const char *address,
    int purge, struct users_mailbox *m);

#endif
