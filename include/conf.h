/*
 * conf: the installation root and the small files in ROOT/etc.
 *
 * Every file is read the same way: one item per line, '#' starts a comment
 * line, blank lines ignored, surrounding white space trimmed.  Lines over
 * CONF_LINE_MAX bytes make the file unreadable (-1, errno EINVAL): a
 * configuration is never half-read.
 */
#ifndef MAILKIT_CONF_H
#define MAILKIT_CONF_H

#include <stddef.h>
#include "buf.h"

#define CONF_LINE_MAX	1024
#ifndef MAILKIT_ROOT_DEFAULT
#define MAILKIT_ROOT_DEFAULT "/var/lib/mailkit"
/* ROOT/etc/maxsize when absent: the largest message in bytes (0 = none). */
#define CONF_MAXSIZE_DEFAULT	35882577ULL
#endif

/* The root: the -r argument if given, else $MAILKIT_ROOT, else the
 * built-in default. */
const char *conf_root(const char *opt);

/* ROOT/rel into out.  0, or -1 (ENAMETOOLONG). */
int conf_path(char *out, size_t size, const char *root, const char *rel);

/* First item of ROOT/rel into out.  1 found, 0 file absent or empty,
 * -1 error. */
int conf_first(const char *root, const char *rel, char *out, size_t size);

/* A number from ROOT/rel, or def when the file is absent. 0 or -1. */
int conf_number(const char *root, const char *rel, unsigned long long def,
    unsigned long long *out);

/* Call fn for every item of ROOT/rel; stops when fn returns non-zero and
 * returns that value.  0 after all items (or when the file is absent),
 * -1 on a read error. */
int conf_each(const char *root, const char *rel,
    int (*fn)(void *arg, char *item, size_t len), void *arg);

/* 1 when the domain is listed in ROOT/etc/domains (case-insensitive). */
int conf_is_local_domain(const char *root, const char *domain);

/* ROOT/etc/me, or the system host name when absent. */
int conf_me(const char *root, char *out, size_t size);

/* Targets of an alias "alias: a, b, c" in ROOT/etc/aliases, appended to
 * out as NUL-separated addresses; returns the number of targets (0 when
 * the name is no alias), -1 on error.  Lookup is case-insensitive: first
 * the whole address, then, for a local domain, its local part alone (so
 * "postmaster: root@example.test" serves postmaster@ every local domain). */
int conf_alias(const char *root, const char *address, struct buf *out);

#endif
