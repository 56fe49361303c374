/* filter: run the content filter ROOT/etc/filter; see include/filter.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "filter.h"
#include "str.h"

extern char **environ;

int
filter_split(char *line, char **argv, int max)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			break;
		if (n >= max - 1)
			return -1;
		argv[n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
	}
	argv[n] = NULL;
	return n;
}

int
filter_configured(const char *root)
{
	char line[CONF_LINE_MAX + 1];

	return conf_first(root, "etc/filter", line, sizeof line) != 0;
}

/* An unlinked temporary file in ROOT/queue/tmp for the filter's stderr. */
static int
errfile(const char *root)
{
	char path[PATH_MAX];
	int fd;

	if (str_fmt(path, sizeof path, "%s/queue/tmp/filter.XXXXXX",
	    root) < 0)
		return -1;
	fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	return fd;
}

/* The largest file the filter may write: the message size limit plus
 * room for what a filter adds (headers, a report).  A runaway filter is
 * stopped by SIGXFSZ instead of filling the spool. */
static unsigned long long
output_limit(const char *root)
{
	unsigned long long max;

	if (conf_number(root, "etc/maxsize", CONF_MAXSIZE_DEFAULT, &max) < 0)
		max = CONF_MAXSIZE_DEFAULT;
	if (max == 0 || max > (1ULL << 62))	/* 0: no size limit */
		return RLIM_INFINITY;
	return max + FILTER_OUTPUT_SLACK;
}

static void
child(char **argv, int in_fd, int out_fd, int err_fd, rlim_t limit)
{
	struct rlimit rl = { limit, limit };

	setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGXFSZ, SIG_DFL);
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0 ||
	    setrlimit(RLIMIT_FSIZE, &rl) < 0)
		_exit(111);
	execve(argv[0], argv, environ);
	_exit(111);
}

/* Wait for pid at most timeout_ms.  The status, or -1 after a kill. */
static int
wait_bounded(pid_t pid, int timeout_ms)
{
	struct timespec ts = { 0, 5000000L };
	long waited = 0;
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return st;
		if (r < 0 && errno != EINTR)
			return -1;
		if (waited >= timeout_ms) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			return -1;
		}
		nanosleep(&ts, NULL);
		waited += 5;
	}
}

/* First line of the stderr file, printable ASCII only. */
static void
first_line(int fd, char *why, size_t size)
{
	char b[256];
	ssize_t n;
	size_t i, j = 0;

	n = pread(fd, b, sizeof b - 1, 0);
	for (i = 0; n > 0 && i < (size_t)n && j + 1 < size; i++) {
		if (b[i] == '\n' || b[i] == '\r')
			break;
		why[j++] = b[i] >= ' ' && b[i] < 0x7f ? b[i] : '?';
	}
	why[j] = '\0';
	if (j == 0)
		(void)str_copy(why, size, "message refused by the content "
		    "filter");
}

static enum filter_result
verdict(int st, int out_fd, int err_fd, unsigned long long limit, char *why,
    size_t size)
{
	struct stat sb;

	if (st < 0)
		return str_copy(why, size, "content filter timed out"),
		    FILTER_FAIL;
	if ((WIFSIGNALED(st) && WTERMSIG(st) == SIGXFSZ) ||
	    (limit != RLIM_INFINITY && fstat(out_fd, &sb) == 0 &&
	    (unsigned long long)sb.st_size >= limit))
		return str_copy(why, size, "content filter output too big"),
		    FILTER_FAIL;
	if (WIFSIGNALED(st))
		return str_copy(why, size, "content filter crashed"),
		    FILTER_FAIL;
	if (WEXITSTATUS(st) == 75)
		return str_copy(why, size, "content filter: temporary "
		    "refusal, try again later"), FILTER_TEMP;
	if (WEXITSTATUS(st) == 111 && lseek(err_fd, 0, SEEK_END) == 0)
		return str_copy(why, size, "content filter could not be run"),
		    FILTER_FAIL;
	if (WEXITSTATUS(st) != 0)
		return first_line(err_fd, why, size), FILTER_PERM;
	if (fstat(out_fd, &sb) < 0 || sb.st_size == 0)
		return str_copy(why, size, "content filter wrote no message"),
		    FILTER_FAIL;
	return FILTER_OK;
}

enum filter_result
filter_run(const char *root, int in_fd, int out_fd, int timeout_ms,
    char *why, size_t size)
{
	char line[CONF_LINE_MAX + 1], *argv[FILTER_ARGS_MAX];
	unsigned long long limit;
	enum filter_result res;
	pid_t pid;
	int err_fd, r;

	r = conf_first(root, "etc/filter", line, sizeof line);
	if (r == 0)
		return FILTER_NONE;
	if (r < 0 || filter_split(line, argv, FILTER_ARGS_MAX) <= 0 ||
	    argv[0][0] != '/')
		return str_copy(why, size, "content filter misconfigured"),
		    FILTER_FAIL;
	limit = output_limit(root);
	if (lseek(in_fd, 0, SEEK_SET) < 0 || (err_fd = errfile(root)) < 0)
		return str_copy(why, size, "cannot run the content filter"),
		    FILTER_FAIL;
	pid = fork();
	if (pid == 0)
		child(argv, in_fd, out_fd, err_fd, (rlim_t)limit);
	if (pid < 0) {
		close(err_fd);
		return str_copy(why, size, "cannot fork the content filter"),
		    FILTER_FAIL;
	}
	setpgid(pid, pid);
	res = verdict(wait_bounded(pid, timeout_ms), out_fd, err_fd, limit,
	    why, size);
	close(err_fd);
	return res;
}
