/* Unit tests: POP3 loopback test and settings from ROOT/etc. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pop3.h"
#include "tap.h"

static void
t_loopback(void)
{
	CHECK(pop3_is_loopback("127.0.0.1"));
	CHECK(pop3_is_loopback("127.255.0.9"));
	CHECK(pop3_is_loopback("::1"));
	CHECK(pop3_is_loopback("::ffff:127.0.0.1"));
	CHECK(!pop3_is_loopback("128.0.0.1"));
	CHECK(!pop3_is_loopback("1.127.0.0"));
	CHECK(!pop3_is_loopback("::2"));
	CHECK(!pop3_is_loopback(""));
	CHECK(!pop3_is_loopback("192.0.2.1"));
}

static void
put(const char *dir, const char *name, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof p, "%s/etc/%s", dir, name);
	f = fopen(p, "w");
	if (f == NULL)
		abort();
	fputs(text, f);
	fclose(f);
}

static void
t_settings(void)
{
	char dir[] = "/tmp/test_pop3_confXXXXXX", etc[600];
	struct pop3_conf c;

	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(etc, sizeof etc, "%s/etc", dir);
	if (mkdir(etc, 0700) < 0)
		abort();
	setenv("TCPREMOTEIP", "192.0.2.1", 1);
	CHECK(pop3_conf_load(&c, dir) == 0);
	CHECK(c.auth_pause_ms == 2000 && c.timeout_ms == 600000);
	CHECK(!c.plaintext_ok);
	put(dir, "authpause", "250\n");
	put(dir, "pop3timeout", "30\n");
	put(dir, "pop3-plaintext", "");
	CHECK(pop3_conf_load(&c, dir) == 0);
	CHECK(c.auth_pause_ms == 250 && c.timeout_ms == 30000);
	CHECK(c.plaintext_ok);
	put(dir, "authpause", "soon\n");
	CHECK(pop3_conf_load(&c, dir) == -1);
	setenv("TCPREMOTEIP", "127.0.0.1", 1);
	snprintf(etc, sizeof etc, "rm -rf '%s'", dir);
	CHECK(system(etc) == 0);
}

int
main(void)
{
	RUN(t_loopback);
	RUN(t_settings);
	return tap_done();
}
