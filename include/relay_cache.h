/*
 * relay_cache: SMTP sessions a delivery process keeps open between its
 * messages, so that the next message to the same domain skips the DNS
 * lookups, the connect, the greeting, EHLO, STARTTLS and AUTH (Postfix
 * calls this its connection cache).
 *
 *	struct relay_cache *k = relay_cache_new();
 *	s = relay_cache_take(k, domain);     // NULL: open a new session
 *	... smtpc_send(&s->c, ...) ...
 *	relay_cache_put(k, s);               // kept, or QUIT and freed
 *	relay_cache_free(k);                 // QUIT every kept session
 *
 * A session is taken back only after RSET answers 250, so a server that
 * has closed it, or any state left over from the last transaction, is
 * never sent a message.  It is kept only while its last reply was not
 * 421 and no I/O failed, for at most RELAY_CACHE_USES transactions and
 * RELAY_CACHE_SECS seconds from its connect; at most RELAY_CACHE_MAX
 * sessions are kept, the oldest closed first.  A NULL cache keeps
 * nothing: relay_cache_put then ends the session at once.
 */
#ifndef MAILKIT_RELAY_CACHE_H
#define MAILKIT_RELAY_CACHE_H

#include <time.h>

#include "smtpc.h"

#define RELAY_CACHE_MAX		4
#define RELAY_CACHE_USES	100	/* Postfix: 100 */
#define RELAY_CACHE_SECS	300	/* Postfix: 300 s */

struct relay_session {
	struct smtpc c;
	char domain[256];		/* the key: the recipients' domain */
	char host[256], ip[64];		/* for the logs and the DSN */
	unsigned uses;			/* transactions so far */
	time_t opened;
};

struct relay_cache;

struct relay_cache *relay_cache_new(void);
/* A fresh session for domain, not yet connected (smtpc_init done);
 * NULL when out of memory. */
struct relay_session *relay_session_new(const char *domain);
/* An open session to domain that answered RSET, or NULL. */
struct relay_session *relay_cache_take(struct relay_cache *k,
    const char *domain);
void relay_cache_put(struct relay_cache *k, struct relay_session *s);
void relay_cache_free(struct relay_cache *k);

#endif
