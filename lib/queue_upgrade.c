/* queue_upgrade: move a queue of the first layout to the current one; see
 * include/queue.h. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "queue.h"
#include "safefile.h"
#include "str.h"

/* Each mess/H/ID becomes env/H/ID.msg, beside its envelope.  A rename is
 * atomic, so a crash halfway leaves every message in one place or the
 * other, and the next call goes on; a name already taken is left alone. */
static int
move_bucket(const char *root, unsigned h)
{
	char dir[PATH_MAX], env[PATH_MAX], from[PATH_MAX], to[PATH_MAX];
	struct dirent *d;
	struct stat st;
	DIR *dp;
	int r = 0, moved = 0;

	if (str_fmt(dir, sizeof dir, "%s/queue/mess/%x", root, h) < 0 ||
	    str_fmt(env, sizeof env, "%s/queue/env/%x", root, h) < 0)
		return -1;
	dp = opendir(dir);
	if (dp == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.' ||
		    str_fmt(from, sizeof from, "%s/%s", dir, d->d_name) < 0 ||
		    queue_mess_path(root, d->d_name, to, sizeof to) < 0 ||
		    lstat(to, &st) == 0)
			continue;
		if (rename(from, to) < 0)
			r = -1;
		else
			moved = 1;
	}
	closedir(dp);
	if (moved && sf_fsync_dir(env) < 0)
		r = -1;
	(void)rmdir(dir);	/* fails while anything is left in it */
	return r;
}

int
queue_upgrade(const char *root)
{
	char p[PATH_MAX];
	unsigned h;
	int r = 0;

	if (str_fmt(p, sizeof p, "%s/queue/mess", root) < 0)
		return -1;
	if (access(p, F_OK) < 0)
		return errno == ENOENT ? 0 : -1;
	for (h = 0; h < 16; h++)
		if (move_bucket(root, h) < 0)
			r = -1;
	(void)rmdir(p);
	return r;
}
