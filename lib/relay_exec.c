/* relay_exec: running mail-deliver, mail-bounce and mail-submit with
 * execve and an argv, never a shell; see include/relay.h. */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "relay.h"

extern char **environ;

static void
move_fd(int from, int to)
{
	if (from < 0 || from == to)
		return;
	if (dup2(from, to) < 0)
		_exit(71);
}

pid_t
relay_spawn(char *const *argv, int in, int out, int err)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	signal(SIGPIPE, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	/* 0, 1, 2 may themselves be among in/out/err: dup high first. */
	if (in >= 0 && in <= 2 && (in = dup(in)) < 0)
		_exit(71);
	if (out >= 0 && out <= 2 && (out = dup(out)) < 0)
		_exit(71);
	if (err >= 0 && err <= 2 && (err = dup(err)) < 0)
		_exit(71);
	move_fd(in, 0);
	move_fd(out, 1);
	move_fd(err, 2);
	execve(argv[0], argv, environ);
	_exit(errno == ENOENT ? 127 : 126);
}

int
relay_wait(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}
