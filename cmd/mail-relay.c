/*
 * mail-relay: run the queue.  Deliver each due recipient locally through
 * mail-deliver or remotely over SMTP, retry temporary failures, bounce
 * permanent ones.  See mail-relay(8).
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "prog.h"
#include "queue.h"
#include "relay.h"
#include "str.h"

static const char usage[] =
    "[-r ROOT] [-1] [-f] [-4] [-c N] [-b BINDIR] [-u USER] [-v]"
    " [ID...]";

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void
signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;	/* no SA_RESTART: waits return */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void
drop_privileges(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (pw == NULL)
		die(EX_NOUSER, "no such user: %s", user);
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 ||
	    setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0)
		die_sys(EX_OSERR, "cannot become %s", user);
}

static unsigned
number(const char *s)
{
	uint64_t v;

	if (str_to_u64(s, strlen(s), &v) < 0 || v == 0 || v > 1000)
		die(EX_USAGE, "bad number of deliveries: %s", s);
	return (unsigned)v;
}

int
main(int argc, char **argv)
{
	struct relay_opts o = { 0, 10, 0 };
	const char *root = NULL, *bindir = NULL, *user = NULL;
	struct relay_conf rc;
	int c, force = 0, v4 = 0, r = 0;

	prog_init(argv[0]);
	while ((c = getopt(argc, argv, "14b:c:fhr:u:Vv")) != -1) {
		switch (c) {
		case '1': o.once = 1; break;
		case '4': v4 = 1; break;
		case 'b': bindir = optarg; break;
		case 'c': o.maxproc = number(optarg); break;
		case 'f': force = 1; break;
		case 'r': root = optarg; break;
		case 'u': user = optarg; break;
		case 'V': print_version();
		case 'v': o.verbose = 1; break;
		case 'h': print_usage(usage);
		default: die_usage(usage);
		}
	}
	if (user != NULL)
		drop_privileges(user);
	root = conf_root(root);
	if (relay_conf_load(&rc, root, bindir) < 0)
		die_sys(EX_CONFIG, "cannot read the configuration in %s/etc",
		    root);
	rc.force = force;
	rc.v4only |= v4;
	rc.verbose = o.verbose;
	if (queue_init(root) < 0)
		die_sys(EX_TEMPFAIL, "cannot set up the queue in %s/queue",
		    root);
	signals();
	srandom((unsigned)getpid() ^ (unsigned)time(NULL));
	if (optind < argc) {		/* named messages, now */
		rc.force = 1;
		for (; optind < argc; optind++)
			if (relay_message(&rc, argv[optind], &stop) < 0)
				r = EX_TEMPFAIL;
		return r;
	}
	if (relay_run(&rc, &o, &stop) < 0)
		die_sys(EX_TEMPFAIL, "cannot read the queue in %s/queue", root);
	return 0;
}
