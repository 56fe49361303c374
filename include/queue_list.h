/*
 * queue_list: the queue listing of mail-queue list and sendmail -bp.
 *
 *	n = queue_list_print(root, 1, QLIST_TSV);
 *
 * prints every queued message, sorted by queue ID (IDs begin with the
 * arrival time, so oldest first), and returns the number of envelopes
 * that could not be read and were left out (0 when all were listed), or
 * -1 with errno on an error.  A message that vanishes while the listing
 * runs (delivered meanwhile) is left out in silence.
 *
 * QLIST_TSV: one line per message, then one line per recipient, fields
 * separated by one TAB; control bytes in a field are shown as '?':
 *
 *	message	ID	SIZE	AGE	ARRIVAL	SENDER	FLAGS
 *	rcpt	ID	ADDRESS	STATE	ATTEMPTS	NEXT	STATUS	DIAGNOSTIC
 *
 * SIZE in bytes, AGE in seconds, ARRIVAL and NEXT in UNIX seconds;
 * SENDER is <> for the null sender; FLAGS is "-" or a comma-separated
 * list of held (mail-queue hold) and dsn (the message is a bounce);
 * STATE is todo, done or failed; STATUS and DIAGNOSTIC are "-" before
 * the first attempt.
 *
 * QLIST_JSON: one JSON object per line (JSON Lines), one per message:
 *
 *	{"id":"…","size":N,"age":N,"arrival":N,"sender":"…","held":false,
 *	 "dsn":false,"recipients":[{"address":"…","state":"todo",
 *	 "attempts":N,"next":N,"status":null,"diagnostic":null}]}
 *
 * The null sender is "".  Strings are valid UTF-8 (bad bytes become
 * U+FFFD).  queue_list_format() appends one message in either form to
 * out (for mail-queue show and tests).
 */
#ifndef MAILKIT_QUEUE_LIST_H
#define MAILKIT_QUEUE_LIST_H

#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "queue.h"

enum qlist_format { QLIST_TSV = 0, QLIST_JSON };

int queue_list_print(const char *root, int fd, enum qlist_format fmt);
int queue_list_format(const struct qenv *e, uint64_t size, time_t now,
    enum qlist_format fmt, struct buf *out);

#endif
