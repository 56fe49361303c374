/*
 * users_edit: changing ROOT/etc/users while programs read it and other
 * scripts may be changing it too.
 *
 *	struct users_edit u;
 *	if (users_edit_begin(&u, root, 30) < 0) ...	lock, then read
 *	users_edit_find(&u, "a@example.test", NULL)	1 found, 0 not
 *	users_edit_add(&u, "a@example.test:{SHA512-CRYPT}$6$...")
 *	users_edit_set_field(&u, "a@example.test", 1, "{SHA512-CRYPT}...")
 *	users_edit_set_extra(&u, "a@example.test", "quota", "1000")
 *	users_edit_remove(&u, "a@example.test")
 *	users_edit_commit(&u)	write etc/users.tmp, fsync, rename, fsync etc/
 *	users_edit_end(&u)	unlock and free; without commit nothing changed
 *
 * The lock is flock() on ROOT/etc/users.lock, waited for at most timeout
 * seconds (ETIMEDOUT).  Readers need no lock: the file is only ever
 * replaced whole by rename().  Every line the editor does not touch is
 * written back byte for byte (comments, unknown fields and keys); a
 * changed line keeps all its other fields.  The file keeps its mode,
 * owner and group (0640 when it is new).  Addresses match the first
 * field case-insensitively; comment and blank lines never match.
 *
 * The users_line_* helpers work on one line (without its newline) and are
 * what the editor uses; they append the new line to out.
 */
#ifndef MAILKIT_USERS_EDIT_H
#define MAILKIT_USERS_EDIT_H

#include <stddef.h>

#include "buf.h"

#define USERS_FILE_MAX	(256u << 20)

struct users_edit {
	int lockfd;
	char path[4096];	/* ROOT/etc/users */
	struct buf text;	/* the file as it will be written */
};

int users_edit_begin(struct users_edit *u, const char *root, int timeout);
/* 1 and *line (a copy, NUL-terminated; may be NULL) when found, 0 when
 * not, -1 on error. */
int users_edit_find(const struct users_edit *u, const char *address,
    struct buf *line);
/* Append a line (no newline in it). 0 or -1. */
int users_edit_add(struct users_edit *u, const char *line);
/* Remove every line of address.  Returns the number removed, or -1. */
int users_edit_remove(struct users_edit *u, const char *address);
/* Set field idx (1 = password, 7 = extra) of address's first line.
 * 1 done, 0 no such account, -1 error. */
int users_edit_set_field(struct users_edit *u, const char *address,
    int idx, const char *value);
/* Set key=value in the extra field (value NULL: remove the key).
 * 1 done, 0 no such account, -1 error. */
int users_edit_set_extra(struct users_edit *u, const char *address,
    const char *key, const char *value);
int users_edit_commit(struct users_edit *u);
void users_edit_end(struct users_edit *u);

/* 1 when line is an account line for address (case-insensitive). */
int users_line_is(const char *line, size_t n, const char *address);
/* The line with field idx replaced (missing fields added empty). */
int users_line_set_field(const char *line, size_t n, int idx,
    const char *value, struct buf *out);
/* The line with key=value set in its extra field, other keys kept in
 * their order; value NULL removes key. */
int users_line_set_extra(const char *line, size_t n, const char *key,
    const char *value, struct buf *out);

#endif
