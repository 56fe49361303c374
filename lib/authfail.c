/* authfail: pauses after failed logins; see include/authfail.h. */
#include <errno.h>
#include <time.h>

#include "authfail.h"

void
sleep_ms(unsigned ms)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int
authfail_pause(unsigned *failures, unsigned base_ms)
{
	unsigned n = ++*failures;

	sleep_ms(base_ms * (n < AUTHFAIL_MAX ? n : AUTHFAIL_MAX));
	return n >= AUTHFAIL_LIMIT;
}
