/* relay_local: one local recipient through mail-deliver; see
 * include/relay.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "relay.h"
#include "str.h"

#define ERR_MAX 8192

/* Read the child's stderr: log lines ("prog=...") pass through to ours,
 * the last other line is the diagnostic. */
static void
read_stderr(int fd, char *diag, size_t size)
{
	char buf[ERR_MAX + 1];
	size_t len = 0, start, i;
	ssize_t n;

	while ((n = read(fd, buf + len, ERR_MAX - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
		if (len == ERR_MAX) {	/* keep the tail */
			memmove(buf, buf + ERR_MAX / 2, ERR_MAX / 2);
			len = ERR_MAX / 2;
		}
	}
	diag[0] = '\0';
	for (start = 0, i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (strncmp(buf + start, "prog=", 5) == 0)
			(void)fd_write_all(2, buf + start, i + 1 - start);
		else if (i > start)
			str_copyn(diag, size, buf + start, i - start <
			    size - 1 ? i - start : size - 1);
		start = i + 1;
	}
}

/* The first "N.N.N" word of text whose class is c, else "c.0.0". */
static void
find_status(const char *text, char c, char *out, size_t size)
{
	const char *p;
	size_t n;

	for (p = text; *p; p++) {
		if (*p != c || p[1] != '.' || (p > text && p[-1] != ' '))
			continue;
		n = strspn(p, "0123456789.");
		if (n >= 5 && n < size && (p[n] == ' ' || p[n] == '\0') &&
		    str_copyn(out, size, p, n) == 0)
			return;
	}
	str_fmt(out, size, "%c.0.0", c);
}

void
relay_local(const struct relay_conf *rc, const struct qenv *e,
    const char *rcpt, struct relay_result *res)
{
	char prog[PATH_MAX], mess[PATH_MAX], diag[QDIAG_MAX], status[16];
	char *argv[] = { prog, "-r", (char *)rc->root, "-f",
	    (char *)e->sender, (char *)rcpt, NULL };
	int p[2] = { -1, -1 }, in = -1, code = -1;
	pid_t pid = -1;

	memset(res, 0, sizeof *res);
	if (relay_prog(rc, "mail-deliver", prog, sizeof prog) == 0 &&
	    queue_mess_path(rc->root, e->id, mess, sizeof mess) == 0 &&
	    (in = open(mess, O_RDONLY | O_CLOEXEC)) >= 0 &&
	    pipe2(p, O_CLOEXEC) == 0 &&
	    (pid = relay_spawn(argv, in, -1, p[1])) > 0) {
		close(p[1]);
		p[1] = -1;
		read_stderr(p[0], diag, sizeof diag);
		code = relay_wait(pid);
	} else
		str_fmt(diag, sizeof diag, "cannot run mail-deliver: %s",
		    strerror(errno));
	if (in >= 0)
		close(in);
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	if (code == 0)
		relay_set(res, RELAY_OK, "2.0.0", "x-unix; delivered");
	else if (code == 75 || code < 0 || code >= 126) {
		find_status(diag, '4', status, sizeof status);
		relay_set(res, RELAY_TEMP, status, "x-unix; %s", diag[0] ?
		    diag : "mail-deliver failed temporarily");
	} else {
		find_status(diag, '5', status, sizeof status);
		relay_set(res, RELAY_PERM, status, "x-unix; %s", diag[0] ?
		    diag : "mail-deliver failed");
	}
	str_copy(res->host, sizeof res->host, "local");
}
