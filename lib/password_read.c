/* password_read: a new password from a file descriptor or a terminal. */
#include <errno.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "password_read.h"

/* One line from fd, without its line end, NUL-terminated in out. */
static enum pwread
read_line(int fd, char *out, size_t size)
{
	size_t n = 0;
	ssize_t r;
	char c;

	for (;;) {
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return PWREAD_IOERR;
		if (r == 0 || c == '\n')
			break;
		if (c == '\0')
			return PWREAD_NUL;
		if (n + 1 >= size)
			return PWREAD_LONG;
		out[n++] = c;
	}
	if (n > 0 && out[n - 1] == '\r')
		n--;
	out[n] = '\0';
	return PWREAD_OK;
}

static void
say(int fd, const char *s)
{
	(void)!write(fd, s, strlen(s));
}

/* Asked twice without echo; the terminal restored whatever happens. */
static enum pwread
read_tty(int fd, int promptfd, char *out, size_t size,
    const struct termios *old)
{
	char again[PASSWORD_READ_MAX];
	struct termios quiet = *old;
	enum pwread r;
	int e;

	quiet.c_lflag &= ~(tcflag_t)ECHO;
	(void)tcsetattr(fd, TCSAFLUSH, &quiet);
	say(promptfd, "Password: ");
	r = read_line(fd, out, size);
	if (r == PWREAD_OK) {
		say(promptfd, "\nAgain: ");
		r = read_line(fd, again, sizeof again);
		if (r == PWREAD_OK)
			say(promptfd, "\n");
	}
	e = errno;
	(void)tcsetattr(fd, TCSAFLUSH, old);
	if (r == PWREAD_OK && strcmp(out, again) != 0)
		r = PWREAD_DIFFER;
	explicit_bzero(again, sizeof again);
	errno = e;
	return r;
}

enum pwread
password_read(int fd, int promptfd, char *out, size_t size)
{
	struct termios old;
	enum pwread r;

	if (isatty(fd) && tcgetattr(fd, &old) == 0)
		r = read_tty(fd, promptfd, out, size, &old);
	else
		r = read_line(fd, out, size);
	if (r == PWREAD_OK && out[0] == '\0')
		r = PWREAD_EMPTY;
	if (r != PWREAD_OK)
		explicit_bzero(out, size);
	return r;
}
