/* peer: the client of a stdin/stdout server; see include/peer.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "peer.h"
#include "str.h"

int
peer_is_loopback(const char *ip)
{
	return strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0 ||
	    strncmp(ip, "::ffff:127.", 11) == 0;
}

/* The peer of fd 0: 1 found (in ip), 0 not a socket, -1 other. */
static int
socket_peer(char *ip, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	const void *a;

	if (getpeername(0, (struct sockaddr *)&ss, &len) < 0)
		return errno == ENOTSOCK ? 0 : -1;
	if (ss.ss_family == AF_INET)
		a = &((struct sockaddr_in *)&ss)->sin_addr;
	else if (ss.ss_family == AF_INET6)
		a = &((struct sockaddr_in6 *)&ss)->sin6_addr;
	else
		return 0;	/* a Unix socket is local */
	return inet_ntop(ss.ss_family, a, ip, (socklen_t)size) ? 1 : -1;
}

enum peer_kind
peer_find(char *ip, size_t size)
{
	const char *env = getenv("TCPREMOTEIP");
	int r;

	if (env != NULL && *env != '\0') {
		if (str_copy(ip, size, env) == 0)
			return PEER_IP;
		(void)str_copy(ip, size, "unknown");
		return PEER_UNKNOWN;
	}
	r = socket_peer(ip, size);
	if (r == 1)
		return PEER_IP;
	(void)str_copy(ip, size, r == 0 ? "local" : "unknown");
	return r == 0 ? PEER_LOCAL : PEER_UNKNOWN;
}
