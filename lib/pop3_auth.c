/* pop3_auth: configuration, loopback test and password checks for the
 * POP3 server; see include/pop3.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "sasl.h"
#include "conf.h"
#include "peer.h"
#include "pop3.h"
#include "str.h"

int
pop3_is_loopback(const char *ip)
{
	return peer_is_loopback(ip);
}

int
pop3_conf_load(struct pop3_conf *c, const char *root)
{
	unsigned long long pause, timeout, sessions;
	enum peer_kind kind;
	char path[PATH_MAX];

	memset(c, 0, sizeof *c);
	c->root = root;
	if (conf_number(root, "etc/authpause", 2000, &pause) < 0 ||
	    conf_number(root, "etc/pop3timeout", 600, &timeout) < 0 ||
	    conf_number(root, "etc/pop3maxsessions", 0, &sessions) < 0 ||
	    conf_path(path, sizeof path, root, "etc/pop3-plaintext") < 0)
		return -1;
	c->auth_pause_ms = pause > 60000 ? 60000 : (unsigned)pause;
	c->timeout_ms = timeout > 86400 ? 86400000 : (int)timeout * 1000;
	c->max_sessions = sessions > 100000 ? 100000 : (unsigned)sessions;
	c->plaintext_ok = access(path, F_OK) == 0;
	kind = peer_find(c->remote_ip, sizeof c->remote_ip);
	if (kind == PEER_LOCAL ||
	    (kind == PEER_IP && peer_is_loopback(c->remote_ip)))
		c->plaintext_ok = 1;
	return 0;
}

static void
child(const char *prog, int fd)
{
	char *const argv[] = { (char *)prog, (char *)"/bin/true", NULL };
	int null = open("/dev/null", O_RDWR);

	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
	    dup2(fd, 3) < 0)
		_exit(111);
	if (fd != 3)
		close(fd);
	execv(prog, argv);
	_exit(111);
}

static int
feed(int fd, const char *user, const char *password)
{
	char ts[64];
	int r;

	(void)str_fmt(ts, sizeof ts, "<%ld.%ld@mailkit>", (long)getpid(),
	    (long)time(NULL));
	r = fd_write_all(fd, user, strlen(user) + 1) < 0 ||
	    fd_write_all(fd, password, strlen(password) + 1) < 0 ||
	    fd_write_all(fd, ts, strlen(ts) + 1) < 0;
	close(fd);
	return r ? -1 : 0;
}

int
pop3_checkpassword(const char *prog, const char *user, const char *password)
{
	void (*old)(int);
	int p[2], status;
	pid_t pid, w;

	if (pipe(p) < 0)
		return -1;
	old = signal(SIGPIPE, SIG_IGN);
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		child(prog, p[0]);
	}
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		signal(SIGPIPE, old);
		return -1;
	}
	(void)feed(p[1], user, password);
	do
		w = waitpid(pid, &status, 0);
	while (w < 0 && errno == EINTR);
	signal(SIGPIPE, old);
	if (w < 0 || !WIFEXITED(status))
		return -1;
	if (WEXITSTATUS(status) == 0)
		return 1;
	return WEXITSTATUS(status) == 111 ? -1 : 0;
}

int
pop3_verify(const struct pop3_conf *c, const char *user,
    const char *password)
{
	struct account a;
	int r;

	if (c->checkpassword != NULL)
		return pop3_checkpassword(c->checkpassword, user, password);
	r = account_lookup(c->root, user, &a);
	if (r <= 0)
		return r;
	r = password_verify(a.password, password);
	mem_wipe(a.password, sizeof a.password);
	return r;
}
