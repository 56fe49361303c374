/* mail-submit: accept mail into the queue: ESMTP server on stdin/stdout
 * (-bs) or sendmail-compatible injector.  See mail-submit(8). */
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "inject.h"
#include "io.h"
#include "log.h"
#include "priv.h"
#include "prog.h"
#include "smtp.h"
#include "str.h"
#include "tls.h"

static const char usage[] =
    "[-r ROOT] [-u USER] -bs [-S] [-T]\n"
    "       mail-submit [-r ROOT] [-t] [-i] [-f SENDER] [-F NAME] "
    "[RCPT ...] < message\n"
    "       mail-submit [-r ROOT] -bp";

static int
serve(const char *root, int submission, int tls)
{
	static struct io io;
	struct smtp_conf c;

	if (tls && !tls_server_available(root))
		die(EX_CONFIG, "-T: no certificate in %s/etc/tls", root);
	if (smtp_conf_load(&c, root) < 0)
		die_sys(EX_CONFIG, "cannot read the configuration in %s/etc",
		    root);
	c.submission = submission;
	c.implicit_tls = tls;
	signal(SIGPIPE, SIG_IGN);
	io_init(&io, 0, 1, c.timeout_ms);
	return smtp_session(&io, &c);
}

/* sendmail -bp: the queue listing, by mail-queue beside this program. */
static void
list_queue(const char *root)
{
	char self[PATH_MAX], path[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *argv[] = { "mail-queue", "-r", (char *)root, "list", NULL };

	if (n <= 0)
		die_sys(EX_OSERR, "cannot find my own path");
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (slash != NULL)
		*slash = '\0';
	if (str_fmt(path, sizeof path, "%s/mail-queue", self) < 0)
		die(EX_OSERR, "path too long");
	execv(path, argv);
	die_sys(EX_UNAVAILABLE, "cannot run %s", path);
}

int
main(int argc, char **argv)
{
	struct inject_opts o;
	const char *root = NULL, *mode = "m", *user = NULL;
	char why[512];
	int ch, submission = 0, tls = 0, r;

	prog_init(argv[0]);
	if (strcmp(prog_name(), "mailq") == 0)
		mode = "p";	/* mailq is sendmail -bp */
	memset(&o, 0, sizeof o);
	while ((ch = getopt(argc, argv, "b:tif:F:o:B:N:R:vUr:u:STL:hV")) != -1) {
		switch (ch) {
		case 'b': mode = optarg; break;
		case 't': o.extract = 1; break;
		case 'i': o.ignore_dots = 1; break;
		case 'f': o.sender = optarg; break;
		case 'F': o.fullname = optarg; break;
		case 'o':
			if (strcmp(optarg, "i") == 0)
				o.ignore_dots = 1;
			break;
		case 'B': case 'N': case 'R': case 'L': case 'v': case 'U':
			break;		/* accepted for compatibility */
		case 'r': root = optarg; break;
		case 'u': user = optarg; break;
		case 'S': submission = 1; break;
		case 'T': tls = 1; break;
		case 'V': print_version();
		case 'h': print_usage(usage);
		default: die_usage(usage);
		}
	}
	if (user != NULL && priv_drop(user) < 0)
		die_sys(EX_NOUSER, "cannot become user %s", user);
	root = conf_root(root);
	if (strcmp(mode, "s") == 0) {
		if (optind != argc)
			die_usage(usage);
		return serve(root, submission, tls);
	}
	if (strcmp(mode, "p") == 0)
		list_queue(root);
	if (strcmp(mode, "m") != 0 || submission || tls)
		die_usage(usage);
	o.root = root;
	o.rcpt = argv + optind;
	o.nrcpt = argc - optind;
	r = inject_main(&o, why, sizeof why);
	if (r != 0)
		die(r, "%s", why[0] ? why : "failed");
	return 0;
}
