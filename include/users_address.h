/*
 * users_address: an address given to mail-user, checked for an account.
 *
 *	char a[ADDR_MAX + 1];
 *	const char *why;
 *	if (users_address_check(root, arg, a, sizeof a, &why) < 0)
 *		... "bad address ARG: WHY"
 *
 * The address must parse as "local@domain" (addr.h), have a domain, hold
 * no quotes or ':' in its local part (they would break the accounts
 * file), and make a safe mailbox name under ROOT/mail.  out gets it
 * lowercased.  0, or -1 with a short reason in *why.
 */
#ifndef MAILKIT_USERS_ADDRESS_H
#define MAILKIT_USERS_ADDRESS_H

#include <stddef.h>

int users_address_check(const char *root, const char *s, char *out,
    size_t size, const char **why);

#endif
