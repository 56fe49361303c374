/*
 * priv: dropping root for good.
 *
 * Programs that listen or deliver accept -u USER.  When started as root
 * they call priv_drop(user) before reading any input: supplementary
 * groups cleared, then gid, then uid set to the user's, and a check that
 * root cannot be regained.  Started as anyone else, priv_drop() succeeds
 * only when that already is the user (so run scripts work unchanged in
 * tests), and fails with EPERM otherwise.
 */
#ifndef MAILKIT_PRIV_H
#define MAILKIT_PRIV_H

/* 0, or -1 with errno (ENOENT: no such user). */
int priv_drop(const char *user);

#endif
