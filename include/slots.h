/*
 * slots: a limit on the sessions of one service that run at once, across
 * the processes tcpserver, inetd or systemd start for them.
 *
 * ROOT/run/NAME/0 ... ROOT/run/NAME/(max-1) are slot files; a session
 * holds an flock() on one of them for its whole life.  The kernel drops
 * the lock when the process ends, kill -9 included, so no slot leaks.
 * Beyond the limit a server says a clear 421 / -ERR [SYS/TEMP] and ends,
 * where tcpserver -c would only stop accepting.
 */
#ifndef MAILKIT_SLOTS_H
#define MAILKIT_SLOTS_H

/* Take a free slot: its descriptor (keep it open), or -1 with errno
 * EBUSY when all max are taken, other errno on error. */
int slot_take(const char *root, const char *name, unsigned max);

#endif
