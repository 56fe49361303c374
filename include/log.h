/*
 * log: one key=value line per event on stderr.
 *
 *	struct logrec r;
 *	log_begin(&r, "accept");
 *	log_str(&r, "qid", qid);
 *	log_num(&r, "size", size);
 *	log_end(&r);
 * prints
 *	prog=mail-submit pid=42 event=accept qid=1A2B size=310
 *
 * Values with spaces, quotes, '=' or non-printable bytes are written
 * quoted, with \" \\ and \xNN escapes, so a line always parses back.
 * A record longer than LOG_LINE_MAX is cut and marked with "trunc=1".
 */
#ifndef MAILKIT_LOG_H
#define MAILKIT_LOG_H

#include <stddef.h>
#include <stdint.h>

#define LOG_LINE_MAX 2048

struct logrec {
	size_t len;
	int truncated;
	char s[LOG_LINE_MAX];
};

void log_set_program(const char *name);
const char *log_program(void);
void log_begin(struct logrec *r, const char *event);
void log_str(struct logrec *r, const char *key, const char *value);
void log_mem(struct logrec *r, const char *key, const char *v, size_t n);
void log_num(struct logrec *r, const char *key, uint64_t value);
void log_end(struct logrec *r);

#endif
