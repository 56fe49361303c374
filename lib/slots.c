/* slots: concurrent session limit; see include/slots.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <unistd.h>

#include "safefile.h"
#include "slots.h"
#include "str.h"

int
slot_take(const char *root, const char *name, unsigned max)
{
	char dir[PATH_MAX], p[PATH_MAX];
	unsigned i, k, start;
	int fd;

	if (max == 0 || str_fmt(dir, sizeof dir, "%s/run/%s", root, name) < 0
	    || sf_mkdirs(dir, 0750) < 0)
		return -1;
	/* start somewhere else in each process, so sessions rarely race
	 * for the same slot */
	start = (unsigned)getpid() % max;
	for (k = 0; k < max; k++) {
		i = (start + k) % max;
		if (str_fmt(p, sizeof p, "%s/%u", dir, i) < 0)
			return -1;
		fd = open(p, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640);
		if (fd < 0)
			return -1;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		close(fd);
		if (errno != EWOULDBLOCK)
			return -1;
	}
	return errno = EBUSY, -1;
}
