/* relay_cache: open SMTP sessions kept between the messages of one
 * delivery process; see include/relay_cache.h. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "relay_cache.h"
#include "str.h"

struct relay_cache {
	struct relay_session *s[RELAY_CACHE_MAX];
};

struct relay_cache *
relay_cache_new(void)
{
	return calloc(1, sizeof(struct relay_cache));
}

struct relay_session *
relay_session_new(const char *domain)
{
	struct relay_session *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	smtpc_init(&s->c, NULL);
	(void)str_copy(s->domain, sizeof s->domain, domain);
	s->opened = time(NULL);
	return s;
}

static void
end(struct relay_session *s)
{
	smtpc_quit(&s->c);
	free(s);
}

/* Still worth another transaction? */
static int
reusable(const struct relay_session *s, time_t now)
{
	return s->c.fd >= 0 && s->c.io.err == IO_OK && s->c.last.code != 0 &&
	    s->c.last.code != 421 && s->uses < RELAY_CACHE_USES &&
	    now - s->opened < RELAY_CACHE_SECS;
}

struct relay_session *
relay_cache_take(struct relay_cache *k, const char *domain)
{
	struct relay_session *s;
	size_t i;

	if (k == NULL)
		return NULL;
	for (i = 0; i < RELAY_CACHE_MAX; i++) {
		s = k->s[i];
		if (s == NULL || strcasecmp(s->domain, domain) != 0)
			continue;
		k->s[i] = NULL;
		if (reusable(s, time(NULL)) && smtpc_rset(&s->c) == 250)
			return s;
		end(s);
	}
	return NULL;
}

void
relay_cache_put(struct relay_cache *k, struct relay_session *s)
{
	size_t i, oldest = 0;

	if (s == NULL)
		return;
	if (k == NULL || !reusable(s, time(NULL))) {
		end(s);
		return;
	}
	for (i = 0; i < RELAY_CACHE_MAX; i++) {
		if (k->s[i] == NULL) {
			k->s[i] = s;
			return;
		}
		if (k->s[i]->opened < k->s[oldest]->opened)
			oldest = i;
	}
	end(k->s[oldest]);
	k->s[oldest] = s;
}

void
relay_cache_free(struct relay_cache *k)
{
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < RELAY_CACHE_MAX; i++)
		if (k->s[i] != NULL)
			end(k->s[i]);
	free(k);
}
