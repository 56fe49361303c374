/*
 * password_read: a new password, one line read from a file descriptor.
 *
 *	char pw[PASSWORD_READ_MAX];
 *	switch (password_read(0, 2, pw, sizeof pw)) { case PWREAD_OK: ... }
 *
 * The line end (LF, CR LF, or the end of the input) is not part of the
 * password.  When fd is a terminal the password is asked twice, with
 * echo off, the prompts written to promptfd; the terminal is put back as
 * it was before password_read returns.  A password longer than size - 1
 * bytes, holding a NUL byte, empty, or differing between the two answers
 * is refused.  out holds no password unless PWREAD_OK.
 */
#ifndef MAILKIT_PASSWORD_READ_H
#define MAILKIT_PASSWORD_READ_H

#include <stddef.h>

/* crypt(3) takes at most 511 bytes (CRYPT_MAX_PASSPHRASE_SIZE - 1): a
 * longer password is refused as such, not failed at hashing. */
#define PASSWORD_READ_MAX	512

enum pwread {
	PWREAD_OK,
	PWREAD_IOERR,		/* errno says why */
	PWREAD_NUL,		/* a NUL byte in the line */
	PWREAD_LONG,		/* size - 1 bytes or more */
	PWREAD_DIFFER,		/* the two answers on a terminal differ */
	PWREAD_EMPTY
};

enum pwread password_read(int fd, int promptfd, char *out, size_t size);

#endif
