/* users_mailbox_make: a new account's mailbox, owned like ROOT/mail. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "conf.h"
#include "mailbox.h"
#include "str.h"
#include "users_mailbox.h"

enum users_mb
users_mailbox_make(const char *root, const char *address,
    enum mailbox_format want, struct users_mailbox *m)
{
	struct stat st;

	memset(m, 0, sizeof *m);
	if (account_mailbox_path(root, address, m->path, sizeof m->path) < 0)
		return USERS_MB_NO_PATH;
	m->existed = lstat(m->path, &st) == 0;
	if (mailbox_prepare(m->path, want, &m->got) < 0)
		return USERS_MB_CANT_CREATE;
	return USERS_MB_OK;
}

/* fchown the entry name of dir (never through a symbolic link); its fd
 * when want_fd, else -1. */
static int
give(int dir, const char *name, const struct stat *to, int want_fd,
    users_give_warn_fn warn, void *arg)
{
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);

	if (fd < 0 || fchown(fd, to->st_uid, to->st_gid) < 0) {
		warn(arg, name, (long)to->st_uid);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (want_fd)
		return fd;
	close(fd);
	return -1;
}

void
users_mailbox_give(const char *root, const char *address,
    enum mailbox_format fmt, users_give_warn_fn warn, void *arg)
{
	static const char *const sub[] = { "tmp", "new", "cur" };
	char dir[PATH_MAX], local[ADDR_LOCAL_MAX + 1];
	const char *at = strrchr(address, '@');
	int mail, dom, mb, i;
	struct stat st;

	if (geteuid() != 0 || at == NULL ||
	    conf_path(dir, sizeof dir, root, "mail") < 0 ||
	    str_copyn(local, sizeof local, address,
	    (size_t)(at - address)) < 0)
		return;
	mail = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mail < 0 || fstat(mail, &st) < 0 || st.st_uid == 0) {
		if (mail >= 0)
			close(mail);
		return;
	}
	dom = give(mail, at + 1, &st, 1, warn, arg);
	mb = dom < 0 ? -1 :
	    give(dom, local, &st, fmt == MAILBOX_MAILDIR, warn, arg);
	for (i = 0; mb >= 0 && i < 3; i++)
		give(mb, sub[i], &st, 0, warn, arg);
	if (mb >= 0)
		close(mb);
	if (dom >= 0)
		close(dom);
	close(mail);
}
