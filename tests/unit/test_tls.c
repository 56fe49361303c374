/* Unit tests: what the TLS client (lib/tls.c) puts in its ClientHello.
 * The peer end of a socketpair takes the ClientHello and says nothing
 * (shut for writing), so every handshake ends at once and the bytes the
 * client sent can be searched for the SNI. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io.h"
#include "ossl.h"
#include "str.h"
#include "tap.h"
#include "tls.h"

static char hello[16384], err[256];
static size_t hello_len;

/* tls_client_start against a silent peer: its result is always NULL;
 * the ClientHello lands in hello. */
static void
client_hello(const char *name, int verify)
{
	struct io io;
	struct tls *t;
	ssize_t r;
	int sv[2];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(shutdown(sv[1], SHUT_WR) == 0);
	io_init(&io, sv[0], sv[0], 2000);
	err[0] = '\0';
	t = tls_client_start(&io, name, verify, err, sizeof err);
	CHECK(t == NULL);
	hello_len = 0;
	while ((r = recv(sv[1], hello + hello_len, sizeof hello - hello_len,
	    MSG_DONTWAIT)) > 0)
		hello_len += (size_t)r;
	close(sv[0]);
	close(sv[1]);
}

static int
hello_has(const char *s)
{
	return memmem(hello, hello_len, s, strlen(s)) != NULL;
}

static void
t_sni_is_the_host_name(void)
{
	client_hello("mx.d4.test", 0);
	CHECK(hello_len > 0);
	CHECK(hello_has("mx.d4.test"));
	client_hello("mx.d4.test", 1);
	CHECK(hello_has("mx.d4.test"));
	CHECK(strstr(err, "TLS handshake failed") != NULL);
}

static void
t_no_sni_for_an_ip_address(void)
{
	client_hello("127.0.0.4", 0);
	CHECK(hello_len > 0);
	CHECK(!hello_has("127.0.0.4"));
	client_hello("127.0.0.4", 1);
	CHECK(hello_len > 0);
	CHECK(!hello_has("127.0.0.4"));
	client_hello("2001:db8::25", 1);
	CHECK(hello_len > 0);
	CHECK(!hello_has("2001:db8::25"));
}

static void
t_verify_needs_a_name(void)
{
	client_hello(NULL, 1);
	CHECK(hello_len == 0);
	CHECK(strstr(err, "cannot set up TLS for the peer name") != NULL);
	client_hello("", 1);
	CHECK(hello_len == 0);
	/* without verify a nameless peer is fine (opportunistic TLS) */
	client_hello(NULL, 0);
	CHECK(hello_len > 0);
}

int
main(void)
{
	char why[256];

	if (ossl_load(why, sizeof why) < 0) {
		printf("# skipped: %s\n", why);
		return tap_done();
	}
	RUN(t_sni_is_the_host_name);
	RUN(t_no_sni_for_an_ip_address);
	RUN(t_verify_needs_a_name);
	return tap_done();
}
