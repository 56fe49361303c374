/* users_mailbox_retire: a deleted account's mailbox moved aside or
 * removed. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "safefile.h"
#include "str.h"
#include "users_mailbox.h"

static int
rm_entry(const char *p, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)f;
	return (type == FTW_DP ? rmdir(p) : unlink(p)) < 0 ? -1 : 0;
}

static enum users_mb
remove_tree(struct users_mailbox *m)
{
	if (nftw(m->path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) < 0 ||
	    sf_fsync_parent(m->path) < 0)
		return USERS_MB_CANT_REMOVE;
	return USERS_MB_OK;
}

/* ROOT/mail/.deleted/ADDRESS.UNIXTIME, with .N when that is taken. */
static enum users_mb
move_aside(const char *root, const char *address, struct users_mailbox *m)
{
	struct stat st;
	int i;

	if (conf_path(m->dir, sizeof m->dir, root, "mail/.deleted") < 0 ||
	    sf_mkdirs(m->dir, 0700) < 0)
		return USERS_MB_CANT_MKDIR;
	for (i = 0; i < 100; i++) {
		if (str_fmt(m->to, sizeof m->to, i ? "%s/%s.%lld.%d" :
		    "%s/%s.%lld", m->dir, address, (long long)time(NULL),
		    i) < 0)
			return USERS_MB_NAME_TOO_LONG;
		if (lstat(m->to, &st) < 0 && errno == ENOENT)
			break;
	}
	if (sf_rename_durable(m->path, m->to) < 0)
		return USERS_MB_CANT_MOVE;
	return USERS_MB_MOVED;
}

enum users_mb
users_mailbox_retire(const char *root, const char *address, int purge,
    struct users_mailbox *m)
{
	struct stat st;

	memset(m, 0, sizeof *m);
	if (account_mailbox_path(root, address, m->path, sizeof m->path) < 0 ||
	    lstat(m->path, &st) < 0)
		return USERS_MB_OK;
	return purge ? remove_tree(m) : move_aside(root, address, m);
}
