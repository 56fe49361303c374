/*
 * scratch: a temporary ROOT for the targets that work on files, removed
 * at exit.  It is made on /dev/shm when that is writable (tmpfs: creating
 * and removing files costs no disk journal and fsync is free, which is
 * most of a run on ext4), else in /tmp.
 *
 *	const char *root = scratch_root("fuzz_pop3");
 *	scratch_put(path, "text");      write a file (abort on failure)
 *	scratch_rm(path);               rm -r
 *	scratch_entries(dir);           entries in dir, -1 if unreadable
 */
#ifndef MAILKIT_FUZZ_SCRATCH_H
#define MAILKIT_FUZZ_SCRATCH_H

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "str.h"

static char scratch_dir[96];

static inline int
scratch_rm_one(const char *p, const struct stat *st, int type,
    struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	(void)remove(p);
	return 0;
}

static inline void
scratch_rm(const char *path)
{
	nftw(path, scratch_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline void
scratch_cleanup(void)
{
	if (scratch_dir[0])
		scratch_rm(scratch_dir);
}

static inline const char *
scratch_root(const char *name)
{
	static const char *const bases[] = { "/dev/shm", "/tmp" };
	size_t i;

	for (i = 0; i < 2; i++) {
		if (str_fmt(scratch_dir, sizeof scratch_dir, "%s/%s.XXXXXX",
		    bases[i], name) < 0)
			abort();
		if (mkdtemp(scratch_dir) != NULL) {
			atexit(scratch_cleanup);
			return scratch_dir;
		}
	}
	abort();
}

static inline void
scratch_put(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(s, f) == EOF || fclose(f) != 0)
		abort();
}

static inline long
scratch_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	long n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

#endif
