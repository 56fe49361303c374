/*
 * account: the accounts file ROOT/etc/users, in Dovecot's passwd-file
 * layout, and password verification.
 *
 *	address:{SCHEME}hash[:uid:gid:gecos:home:shell:extra]
 *
 * extra holds space-separated key=value settings: mailbox=maildir|mbox,
 * quota=BYTES, quota_messages=N, quota_tempfail=yes|no.  Addresses are
 * compared case-insensitively.  See mailkit-users(5).
 */
#ifndef MAILKIT_ACCOUNT_H
#define MAILKIT_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"

enum mailbox_format { MAILBOX_MAILDIR = 0, MAILBOX_MBOX };

struct account {
	char address[ADDR_MAX + 1];	/* lowercased */
	char password[256];		/* "{SCHEME}hash" as stored */
	enum mailbox_format format;
	uint64_t quota_bytes;		/* 0: no limit */
	uint64_t quota_messages;	/* 0: no limit */
	int quota_tempfail;		/* over quota is temporary (4.2.2) */
};

/* 1 found, 0 no such account, -1 error (errno; EINVAL for a malformed
 * file). */
int account_lookup(const char *root, const char *address,
    struct account *a);

/* Field idx (0-based) of an accounts-file line of n bytes, its length in
 * *len; NULL when the line has fewer fields. */
const char *account_field(const char *line, size_t n, int idx, size_t *len);

/* Parse one line of the accounts file. 0 or -1 (malformed). */
int account_parse(const char *line, size_t n, struct account *a);

/* 1 when password matches the stored "{SCHEME}hash", 0 when not or when
 * the scheme is unknown.  Uses crypt(3); {PLAIN} compares in constant
 * time. */
int password_verify(const char *stored, const char *password);

/* Hash a new password as "{SHA512-CRYPT}$6$..." into out. 0 or -1. */
int password_hash(const char *password, char *out, size_t size);

/* ROOT/mail/DOMAIN/LOCAL for an account address, refusing unsafe names.
 * 0 or -1 (EINVAL unsafe, ENAMETOOLONG). */
int account_mailbox_path(const char *root, const char *address, char *out,
    size_t size);

#endif
