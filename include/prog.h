/*
 * prog: what every program in cmd/ does the same way: its name, usage,
 * version, and dying with a one-line message and a sysexits code.
 * Only cmd/ calls these; lib/ never exits and never prints.
 */
#ifndef MAILKIT_PROG_H
#define MAILKIT_PROG_H

#include <sysexits.h>

#define MAILKIT_VERSION "0.1.0"

/* Set the program name (basename of argv[0]) for messages and logs. */
void prog_init(const char *argv0);
const char *prog_name(void);

/* "prog: message" on stderr, then exit(code). */
void die(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
/* "prog: message: strerror(errno)" on stderr, then exit(code). */
void die_sys(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
/* "prog: message" on stderr. */
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "usage: prog USAGE" on stderr and exit 64 (a usage error). */
void die_usage(const char *usage) __attribute__((noreturn));
/* The same on stdout and exit 0: what -h asks for. */
void print_usage(const char *usage) __attribute__((noreturn));
/* Print "prog mailkit VERSION" and exit 0. */
void print_version(void) __attribute__((noreturn));

#endif
