/*
 * filter: the content filter hook ROOT/etc/filter.
 *
 * The file holds one line: a program path and its arguments separated by
 * spaces.  It is run with execve (never a shell), with the message on
 * stdin (in_fd, read from its start) and the new message expected on
 * stdout (out_fd).  Its stderr goes to an unlinked temporary file so a
 * chatty filter can never block.
 *
 *	r = filter_run(root, in_fd, out_fd, timeout_ms, why, sizeof why);
 *
 * FILTER_NONE     no filter configured: use the message as it is
 * FILTER_OK       exit 0 and some output: out_fd holds the new message
 * FILTER_TEMP     exit 75 (why: "temporary refusal")
 * FILTER_PERM     any other exit code (why: its first stderr line)
 * FILTER_FAIL     crash, timeout (the process group is killed), no output,
 *                 output of ROOT/etc/maxsize + FILTER_OUTPUT_SLACK bytes or
 *                 more (the filter runs with that RLIMIT_FSIZE, so a
 *                 runaway one is stopped before it fills the spool), or
 *                 the filter could not be run (why says which)
 */
#ifndef MAILKIT_FILTER_H
#define MAILKIT_FILTER_H

#include <stddef.h>

#define FILTER_ARGS_MAX	32
#define FILTER_OUTPUT_SLACK	(1024 * 1024)

enum filter_result { FILTER_NONE, FILTER_OK, FILTER_TEMP, FILTER_PERM,
	FILTER_FAIL };

enum filter_result filter_run(const char *root, int in_fd, int out_fd,
    int timeout_ms, char *why, size_t size);

/* 1 when ROOT/etc/filter names a program. */
int filter_configured(const char *root);

/* Split line into at most max-1 words on spaces, argv NULL-terminated.
 * Returns the number of words, -1 when there are too many. */
int filter_split(char *line, char **argv, int max);

#endif
