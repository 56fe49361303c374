/* priv: dropping root; see include/priv.h. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "priv.h"

int
priv_drop(const char *user)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(user);
	if (pw == NULL) {
		if (errno == 0)
			errno = ENOENT;
		return -1;
	}
	if (geteuid() != 0)
		return getuid() == pw->pw_uid && geteuid() == pw->pw_uid ? 0
		    : (errno = EPERM, -1);
	if (pw->pw_uid == 0)
		return errno = EPERM, -1;	/* "dropping" to root is not */
	if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0)
		return -1;
	/* paranoia: the drop must be irreversible */
	if (setuid(0) == 0 || geteuid() == 0 || getegid() == 0)
		return errno = EPERM, -1;
	return 0;
}
