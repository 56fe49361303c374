/*
 * deliver: what mail-deliver decides for one address, and why.
 *
 * deliver_one() resolves the address (account, or alias to local
 * accounts), refuses loops, checks the quota, and writes the message into
 * the mailbox in its format.  The result is a sysexits code and a text
 * that starts with an enhanced status code, ready for a bounce:
 *
 *	0	delivered
 *	65	5.6.0 bad message (NUL bytes, empty), 5.4.6 mail loop
 *	67	5.1.1 no such mailbox, 5.1.3 unusable address
 *	69	5.2.2 mailbox full (account's quota is permanent)
 *	75	4.x.x anything that may pass: lock held, disk full, I/O error,
 *		quota with quota_tempfail=yes, unreadable configuration
 */
#ifndef MAILKIT_DELIVER_H
#define MAILKIT_DELIVER_H

#include "msgsrc.h"

struct deliver_opts {
	const char *root;
	const char *sender;	/* "" for <> */
	int lock_timeout;	/* seconds to wait for an mbox lock */
};

struct deliver_result {
	int code;
	char text[512];
};

void deliver_one(const struct deliver_opts *o, const struct msgsrc *m,
    const char *address, struct deliver_result *res);

/* The worse of two exit codes: permanent > temporary > success. */
int deliver_worst(int a, int b);

#endif
