/* Unit tests: implicit TLS by port and the auth= file checks of lib/route.c
 * (test_dns has the rest of etc/routes and etc/tls-policy). */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "route.h"
#include "tap.h"
#include "tmproot.h"

static char path[160], user[64], pass[64], why[512];

static void
routes(const char *text)
{
	tmproot_put("etc/routes", text, NULL, 0);
}

static void
t_port_465_is_implicit_tls(void)
{
	struct route r;

	routes("a.test mx.a.test:465\nb.test mx.b.test:587 tls\n"
	    "c.test [::1]:465\nd.test 127.0.0.9:2525 smtps\n"
	    "e.test mx.e.test\n");
	CHECK(route_lookup(tmproot, "a.test", &r) == 1);
	CHECK_STR(r.host, "mx.a.test");
	CHECK(r.port == 465 && r.smtps == 1 && r.tls == 0);
	CHECK(route_lookup(tmproot, "b.test", &r) == 1);
	CHECK(r.port == 587 && r.smtps == 0 && r.tls == 1);
	CHECK(route_lookup(tmproot, "c.test", &r) == 1);
	CHECK_STR(r.host, "::1");
	CHECK(r.port == 465 && r.smtps == 1);
	CHECK(route_lookup(tmproot, "d.test", &r) == 1);
	CHECK(r.port == 2525 && r.smtps == 1);
	CHECK(route_lookup(tmproot, "e.test", &r) == 1);
	CHECK(r.port == 0 && r.smtps == 0 && r.tls == 0);
	CHECK(route_lookup(tmproot, "f.test", &r) == 0);
}

/* An auth file with text and mode; returns route_auth_read's result. */
static int
auth(const char *text, mode_t mode)
{
	tmproot_put("etc/auth", text, path, sizeof path);
	CHECK(chmod(path, mode) == 0);
	memset(user, 0, sizeof user);
	memset(pass, 0, sizeof pass);
	why[0] = '\0';
	return route_auth_read(path, user, sizeof user, pass, sizeof pass,
	    why, sizeof why);
}

static void
t_auth_file_read(void)
{
	CHECK(auth("bob@x.test\ns3cret \r\n", 0600) == 0);
	CHECK_STR(user, "bob@x.test");
	CHECK_STR(pass, "s3cret");
	CHECK(auth("bob\npw", 0400) == 0);
	CHECK_STR(pass, "pw");
	CHECK(route_auth_load(path, user, sizeof user, pass, sizeof pass) ==
	    0);
	errno = 0;
	CHECK(auth("only a user\n", 0600) == -1 && errno == EINVAL);
	CHECK(strstr(why, "want a user name line") != NULL);
	CHECK(auth("bob\n\n", 0600) == -1 && errno == EINVAL);
}

static void
t_auth_file_mode_refused(void)
{
	char want[300];

	CHECK(auth("bob\npw\n", 0644) == -1 && errno == EPERM);
	str_fmt(want, sizeof want, "%s has mode 0644: group or others may "
	    "read or write it (chmod 600)", path);
	CHECK(strcmp(why, want) == 0);
	CHECK(pass[0] == '\0');
	CHECK(auth("bob\npw\n", 0640) == -1 && errno == EPERM);
	CHECK(strstr(why, "mode 0640") != NULL);
	CHECK(auth("bob\npw\n", 0602) == -1 && errno == EPERM);
	CHECK(auth("bob\npw\n", 0620) == -1 && errno == EPERM);
	/* execute bits leak nothing */
	CHECK(auth("bob\npw\n", 0711) == 0);
	CHECK(route_auth_load(path, user, sizeof user, pass, sizeof pass) ==
	    0);
	CHECK(chmod(path, 0604) == 0);
	CHECK(route_auth_load(path, user, sizeof user, pass, sizeof pass) ==
	    -1 && errno == EPERM);
}

static void
t_auth_file_not_regular(void)
{
	char dir[200], fifo[200];

	str_fmt(dir, sizeof dir, "%s/etc", tmproot);
	CHECK(route_auth_read(dir, user, sizeof user, pass, sizeof pass, why,
	    sizeof why) == -1 && errno == EPERM);
	CHECK(strstr(why, "is not a regular file") != NULL);
	str_fmt(fifo, sizeof fifo, "%s/fifo", tmproot);
	CHECK(mkfifo(fifo, 0600) == 0);
	/* must not block waiting for a writer */
	CHECK(route_auth_read(fifo, user, sizeof user, pass, sizeof pass,
	    why, sizeof why) == -1 && errno == EPERM);
	CHECK(strstr(why, fifo) != NULL);
	str_fmt(fifo, sizeof fifo, "%s/none", tmproot);
	CHECK(route_auth_read(fifo, user, sizeof user, pass, sizeof pass,
	    why, sizeof why) == -1 && errno == ENOENT);
	CHECK(strstr(why, "cannot read") != NULL);
}

static void
t_auth_file_of_another_user(void)
{
	if (geteuid() != 0) {
		printf("# skipped: chown needs root\n");
		return;
	}
	CHECK(auth("bob\npw\n", 0600) == 0);
	CHECK(chown(path, 65534, 65534) == 0);
	CHECK(route_auth_read(path, user, sizeof user, pass, sizeof pass,
	    why, sizeof why) == -1 && errno == EPERM);
	CHECK(strstr(why, "belongs to uid 65534, not to the mail user") !=
	    NULL);
}

static void
t_auth_file_too_big(void)
{
	static char big[5000];

	memset(big, 'a', sizeof big - 1);
	big[10] = '\n';
	CHECK(auth(big, 0600) == -1 && errno == EFBIG);
}

int
main(void)
{
	tmproot_make("test_route");
	RUN(t_port_465_is_implicit_tls);
	RUN(t_auth_file_read);
	RUN(t_auth_file_mode_refused);
	RUN(t_auth_file_not_regular);
	RUN(t_auth_file_of_another_user);
	RUN(t_auth_file_too_big);
	tmproot_remove();
	return tap_done();
}
