/* mail-pop3: POP3 server on stdin/stdout for tcpserver, inetd and systemd
 * sockets.  See mail-pop3(8). */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "conf.h"
#include "io.h"
#include "pop3.h"
#include "priv.h"
#include "prog.h"
#include "tls.h"

static const char usage[] =
    "[-r ROOT] [-u USER] [-T] [-a CHECKPASSWORD]";

int
main(int argc, char **argv)
{
	const char *root = NULL, *checkpw = NULL, *user = NULL;
	struct pop3_conf c;
	static struct io io;
	int ch, tls = 0;

	prog_init(argv[0]);
	while ((ch = getopt(argc, argv, "r:u:Ta:hV")) != -1) {
		switch (ch) {
		case 'r': root = optarg; break;
		case 'T': tls = 1; break;
		case 'u': user = optarg; break;
		case 'a': checkpw = optarg; break;
		case 'V': print_version();
		case 'h': print_usage(usage);
		default: die_usage(usage);
		}
	}
	if (optind != argc)
		die_usage(usage);
	if (user != NULL && priv_drop(user) < 0)
		die_sys(EX_NOUSER, "cannot become user %s", user);
	root = conf_root(root);
	if (checkpw != NULL && access(checkpw, X_OK) < 0)
		die_sys(EX_CONFIG, "checkpassword program %s", checkpw);
	if (tls && !tls_server_available(root))
		die(EX_CONFIG, "-T: no certificate in %s/etc/tls", root);
	if (pop3_conf_load(&c, root) < 0)
		die_sys(EX_CONFIG, "cannot read the configuration in %s/etc",
		    root);
	c.implicit_tls = tls;
	c.checkpassword = checkpw;
	signal(SIGPIPE, SIG_IGN);
	io_init(&io, 0, 1, c.timeout_ms);
	return pop3_session(&io, &c);
}
