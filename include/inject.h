/*
 * inject: putting a message into the queue, shared by the SMTP server and
 * the sendmail-compatible injector.
 *
 * inject_commit() takes a message written with queue_new()/
 * queue_new_write() and its envelope, runs the content filter (filter.h),
 * expands local aliases into their final recipients (depth-limited), and
 * commits durably; on success it wakes the queue runner.
 *
 *	r = inject_commit(root, &q, &env, filter_ms, why, sizeof why);
 *	INJECT_OK    queued (env.id holds the queue id)
 *	INJECT_TEMP  nothing queued, try again (why says why)
 *	INJECT_PERM  nothing queued, refused by the filter (why)
 *
 * inject_expand() adds addr to e, or its alias targets, recursively (for
 * local domains only).
 * inject_headers() adds Date:, Message-ID: (and From: when from != NULL)
 * missing from the header block hdr to out.  inject_addrlist() calls fn
 * for each address in an RFC 5322 address list (To:, Cc:, Bcc:), with
 * display names, comments and groups taken away.
 *
 * inject_main() is the injector itself: see mail-submit(8).
 */
#ifndef MAILKIT_INJECT_H
#define MAILKIT_INJECT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "queue.h"

#define INJECT_ALIAS_DEPTH	8

enum inject_result { INJECT_OK, INJECT_TEMP, INJECT_PERM };

enum inject_result inject_commit(const char *root, struct qnew *q,
    struct qenv *e, int filter_ms, char *why, size_t size);
int inject_expand(const char *root, const char *addr, struct qenv *e);

struct inject_hdr {
	const char *me;		/* for Message-ID's right-hand side */
	const char *id;		/* queue id, for Message-ID */
	const char *from;	/* From: address to add, or NULL */
	const char *fullname;	/* its display name, or NULL */
	const char *eol;	/* "\r\n" or "\n" */
	time_t when;
};
int inject_headers(const char *hdr, size_t n, const struct inject_hdr *h,
    struct buf *out);

int inject_addrlist(const char *v, size_t n,
    int (*fn)(void *arg, const char *addr, size_t len), void *arg);

struct inject_opts {
	const char *root;
	const char *sender;	/* -f, or NULL: the invoking user */
	const char *fullname;	/* -F */
	int extract;		/* -t */
	int ignore_dots;	/* -i, -oi */
	char **rcpt;		/* arguments */
	int nrcpt;
};
/* Read the message from fd 0 and queue it.  Returns a sysexits code and
 * puts a one-line reason into why unless 0. */
int inject_main(const struct inject_opts *o, char *why, size_t size);

#endif
