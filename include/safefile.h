/*
 * safefile: durable file writes.
 *
 * The rule everywhere in mailkit: write to a temporary name, fsync the
 * file, rename it into place, fsync the directory.  Only then is the data
 * on disk and may a program say so.
 */
#ifndef MAILKIT_SAFEFILE_H
#define MAILKIT_SAFEFILE_H

#include <stddef.h>
#include <sys/types.h>

/* Write data to path atomically and durably, with mode. 0 or -1. */
int sf_write_atomic(const char *path, const void *data, size_t n,
    mode_t mode);
/* fsync the directory at path. 0 or -1. */
int sf_fsync_dir(const char *path);
/* The directory that holds path ("." for a bare name, "/" for a name
 * at the root) into out. 0 or -1. */
int sf_parent(const char *path, char *out, size_t size);
/* fsync the directory that holds path. 0 or -1. */
int sf_fsync_parent(const char *path);
/* rename from -> to, then fsync the directory of to (and of from when
 * it differs). 0 or -1. */
int sf_rename_durable(const char *from, const char *to);
/* mkdir -p with mode for each created component. 0 or -1. */
int sf_mkdirs(const char *path, mode_t mode);
/* Read a whole small file (at most max bytes) into out. 0 or -1
 * (EFBIG when larger). */
struct buf;
int sf_read_small(const char *path, size_t max, struct buf *out);

#endif
