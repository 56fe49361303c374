/* users_list: the accounts of etc/users with what their mailboxes hold. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "conf.h"
#include "mailbox.h"
#include "users_admin.h"

struct entry {
	struct account account;
	char mailbox[PATH_MAX];
	enum mailbox_format format;
	uint64_t bytes, messages;
};

/* What the mailbox on disk is and holds, or a warning why not. */
static void
measure(struct users_admin *a, struct entry *e)
{
	struct stat st;

	e->format = e->account.format;
	if (account_mailbox_path(a->root, e->account.address, e->mailbox,
	    sizeof e->mailbox) < 0 || lstat(e->mailbox, &st) < 0)
		return;
	e->format = S_ISDIR(st.st_mode) ? MAILBOX_MAILDIR : MAILBOX_MBOX;
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		users_warn(a, "%s: %s is no mailbox (a link?)",
		    e->account.address, e->mailbox);
	else if (mailbox_usage(e->mailbox, e->format, &e->bytes,
	    &e->messages) < 0)
		users_warn(a, "%s: cannot measure mailbox %s",
		    e->account.address, e->mailbox);
}

static int
one(void *arg, char *item, size_t n)
{
	struct users_admin *a = arg;
	struct entry e;

	memset(&e, 0, sizeof e);
	if (account_parse(item, n, &e.account) < 0) {
		users_warn(a, "etc/users: malformed line skipped: %.40s",
		    item);
		return 0;
	}
	measure(a, &e);
	users_out(a, "%s\t%s\t%llu\t%llu\t%llu\t%llu\n", e.account.address,
	    e.format == MAILBOX_MBOX ? "mbox" : "maildir",
	    (unsigned long long)e.account.quota_bytes,
	    (unsigned long long)e.account.quota_messages,
	    (unsigned long long)e.bytes, (unsigned long long)e.messages);
	return 0;
}

enum users_result
users_list(struct users_admin *a)
{
	if (conf_each(a->root, "etc/users", one, a) < 0)
		return users_fail(a, USERS_AGAIN, errno,
		    "cannot read %s/etc/users", a->root);
	return USERS_OK;
}
