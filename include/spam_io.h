/*
 * spam_io: moving messages in and out of the spam scorer.
 *
 * spam_hfilter copies a message through in chunks, in memory that does
 * not grow with the message: header fields named X-Spam-* (with their
 * continuation lines) are dropped, and the caller's fields are inserted
 * just before the empty line that ends the header (or at the end of a
 * message that has no body).
 *
 *	struct spam_hfilter h;
 *	spam_hfilter_init(&h, add, addlen, write_fn, arg);
 *	spam_hfilter_feed(&h, p, n) ... spam_hfilter_end(&h);
 *
 * spam_each_message() calls fn for every message found at path: a file
 * holding one message, an mbox file (split at "From " lines that follow
 * an empty line), a Maildir (its cur/ and new/), or a directory of
 * message files.  Each message is given as at most max bytes of it.
 * Returns 0, fn's non-zero value, or -1 (errno) when path cannot be read.
 */
#ifndef MAILKIT_SPAM_IO_H
#define MAILKIT_SPAM_IO_H

#include <stddef.h>

typedef int (*spam_write_fn)(void *arg, const char *p, size_t n);

struct spam_hfilter {
	spam_write_fn write;
	void *arg;
	const char *add;
	size_t addlen;
	int state, drop, added;
	char pend[8];
	size_t plen;
};

void spam_hfilter_init(struct spam_hfilter *h, const char *add,
    size_t addlen, spam_write_fn write, void *arg);
int spam_hfilter_feed(struct spam_hfilter *h, const char *p, size_t n);
int spam_hfilter_end(struct spam_hfilter *h);

typedef int (*spam_msg_fn)(void *arg, const char *msg, size_t n,
    const char *where);

int spam_each_message(const char *path, size_t max, spam_msg_fn fn,
    void *arg);

#endif
