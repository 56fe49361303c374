/*
 * peer: who is on the other end of a server that speaks on stdin/stdout.
 *
 * tcpserver says so in TCPREMOTEIP; inetd and systemd sockets are asked
 * with getpeername(); a descriptor 0 that is no socket is a pipe from a
 * local program.  SMTP and POP3 both decide with this what a client may do
 * without TLS (loopback) and what a local program may do.
 */
#ifndef MAILKIT_PEER_H
#define MAILKIT_PEER_H

#include <stddef.h>

enum peer_kind {
	PEER_IP,	/* ip holds the client's address */
	PEER_LOCAL,	/* not a socket: ip is "local" */
	PEER_UNKNOWN	/* the address could not be found: ip is "unknown" */
};

/* Fill ip (size bytes) and say what kind of client this is. */
enum peer_kind peer_find(char *ip, size_t size);

/* 1 for 127.0.0.0/8, ::1 and ::ffff:127.x.y.z. */
int peer_is_loopback(const char *ip);

#endif
