/*
 * users_admin: the commands of mail-user on ROOT/etc/users and the
 * mailboxes of its accounts; the program parses its options and says
 * the result.
 *
 *	struct users_admin a = { root, 0, 2, warn, out, arg };
 *	r = users_add(&a, "Alice@Example.Test", "mbox");
 *	r = users_passwd(&a, address);
 *	r = users_del(&a, address, purge);
 *	r = users_quota(&a, address, NULL, NULL);	 show
 *	r = users_quota(&a, address, "1000000", "-");	 set
 *	r = users_list(&a);
 *
 * An address is checked and lowercased first (users_address.h).
 * users_add: a new account with a SHA512-CRYPT hash of a password read
 * from a.in (password_read.h, prompts on a terminal to a.prompt), and
 * its mailbox (users_mailbox.h); mailbox NULL writes no mailbox= key,
 * else "maildir" or "mbox".  users_passwd: a new password hash.
 * users_del: the account removed, then its mailbox moved aside (its new
 * name is output) or with purge removed, while etc/users is still
 * locked.  users_quota: shows "ADDRESS\tBYTES\tMESSAGES" when both limits
 * are NULL, else sets them ("-" or NULL keeps, 0 removes the limit).
 * users_list: one line per account, in the order of the file:
 * "ADDRESS\tFORMAT\tQUOTA\tQUOTA_MESSAGES\tBYTES\tMESSAGES", FORMAT and
 * usage as the mailbox is on disk (an absent mailbox: the account's
 * setting and 0 0; one that is no mailbox or cannot be measured: a
 * warning and 0 0); malformed lines are skipped with a warning.
 *
 * Every change is made under the lock of etc/users (users_edit.h, at
 * most USERS_LOCK_TIMEOUT seconds of waiting) and written whole, or not
 * at all.  On failure a.why holds one line that says what went wrong,
 * with the system's reason where there is one.  Warnings along the way
 * (a mailbox kept, an owner that could not be changed) are given to
 * a.warn(a.arg, text), one line without its newline; what the command
 * shows to a.out(a.arg, text), whole lines.
 */
#ifndef MAILKIT_USERS_ADMIN_H
#define MAILKIT_USERS_ADMIN_H

#include <stddef.h>

#include "account.h"
#include "users_edit.h"

#define USERS_LOCK_TIMEOUT	30

enum users_result {
	USERS_OK,
	USERS_BAD_INPUT,	/* address, password, number */
	USERS_NO_ACCOUNT,
	USERS_NOT_LOCAL,	/* the domain is not in etc/domains */
	USERS_CANT_CREATE,	/* account exists already, mailbox not made */
	USERS_IO,		/* password unread, mailbox not moved */
	USERS_AGAIN,		/* etc/users locked, unreadable, unwritable */
	USERS_INTERNAL		/* no hash, no memory, names too long */
};

struct users_admin {
	const char *root;
	int in;			/* passwords are read from here */
	int prompt;		/* terminal prompts are written here */
	void (*warn)(void *arg, const char *text);
	void (*out)(void *arg, const char *text);
	void *arg;
	char why[1024];		/* after a failure: what went wrong */
};

enum users_result users_add(struct users_admin *a, const char *address,
    const char *mailbox);
enum users_result users_passwd(struct users_admin *a, const char *address);
enum users_result users_del(struct users_admin *a, const char *address,
    int purge);
enum users_result users_quota(struct users_admin *a, const char *address,
    const char *bytes, const char *messages);
enum users_result users_list(struct users_admin *a);

/* Shared by the lib/users_*.c files.  users_fail: a->why from fmt (and
 * strerror(errnum) unless 0), returns r.  users_check: the address
 * checked into addr (ADDR_MAX + 1 bytes).  users_commit: etc/users
 * written when r is USERS_OK, still locked.  users_changed: the result
 * n of a users_edit change of addr (1 done). */
enum users_result users_fail(struct users_admin *a, enum users_result r,
    int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void users_warn(struct users_admin *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void users_out(struct users_admin *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum users_result users_check(struct users_admin *a, const char *address,
    char *addr);
enum users_result users_new_hash(struct users_admin *a, char *hash,
    size_t size);
enum users_result users_lock(struct users_admin *a, struct users_edit *u);
enum users_result users_commit(struct users_admin *a, struct users_edit *u,
    enum users_result r);
enum users_result users_changed(struct users_admin *a, int n,
    const char *verb, const char *addr);

#endif
