/* prog: program name, usage and dying; see include/prog.h.  The one place
 * in lib/ that exits, and it is called only from cmd/. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "log.h"
#include "prog.h"

void
prog_init(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	log_set_program(slash ? slash + 1 : argv0);
}

const char *
prog_name(void)
{
	return log_program();
}

static void
vsay(const char *fmt, va_list ap, const char *why)
{
	char msg[1024];
	int n;

	n = snprintf(msg, sizeof msg, "%s: ", prog_name());
	if (n < 0)
		return;
	vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
	n = (int)strlen(msg);
	if (why != NULL)
		snprintf(msg + n, sizeof msg - (size_t)n, ": %s", why);
	n = (int)strlen(msg);
	if ((size_t)n < sizeof msg - 1)
		msg[n++] = '\n';
	else
		msg[n - 1] = '\n';
	(void)fd_write_all(2, msg, (size_t)n);
}

void
die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap, NULL);
	va_end(ap);
	exit(code);
}

void
die_sys(int code, const char *fmt, ...)
{
	const char *why = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap, why);
	va_end(ap);
	exit(code);
}

void
warnx_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap, NULL);
	va_end(ap);
}

static void
write_usage(int fd, const char *usage)
{
	char msg[1024];
	int n = snprintf(msg, sizeof msg, "usage: %s %s\n", prog_name(), usage);

	if (n > 0)
		(void)fd_write_all(fd, msg, (size_t)n < sizeof msg ? (size_t)n
		    : sizeof msg - 1);
}

void
die_usage(const char *usage)
{
	write_usage(2, usage);
	exit(EX_USAGE);
}

void
print_usage(const char *usage)
{
	write_usage(1, usage);
	exit(0);
}

void
print_version(void)
{
	printf("%s mailkit %s\n", prog_name(), MAILKIT_VERSION);
	exit(0);
}
