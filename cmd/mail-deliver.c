/* mail-deliver: write one message from stdin into local mailboxes. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "conf.h"
#include "deliver.h"
#include "log.h"
#include "msgsrc.h"
#include "priv.h"
#include "prog.h"
#include "str.h"

static const char usage[] =
    "[-r ROOT] [-u USER] [-f SENDER] ADDRESS... < message";

/* The envelope sender, as given with -f: "", "<>", "a@b" or "<a@b>". */
static void
parse_sender(const char *s, char *out, size_t size)
{
	struct addr a;
	const char *why;
	size_t n = strlen(s);

	if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
		s++;
		n -= 2;
	}
	if (n == 0) {
		out[0] = '\0';
		return;
	}
	if (addr_parse(s, n, ADDR_UTF8, &a, &why) < 0)
		die(EX_USAGE, "bad sender address: %s", why);
	if (addr_format(&a, out, size) < 0)
		die(EX_USAGE, "sender address too long");
}

static void
report(const char *address, const struct deliver_result *r, uint64_t size)
{
	struct logrec lr;

	log_begin(&lr, r->code == 0 ? "delivered" : "failed");
	log_str(&lr, "to", address);
	log_num(&lr, "size", size);
	log_num(&lr, "exit", (uint64_t)r->code);
	log_str(&lr, "status", r->text);
	log_end(&lr);
	if (r->code != 0)
		warnx_("%s: %s", address, r->text);
}

int
main(int argc, char **argv)
{
	struct deliver_opts o = { NULL, "", 30 };
	struct deliver_result r;
	struct msgsrc m;
	char sender[ADDR_MAX + 1] = "", tmpdir[PATH_MAX];
	unsigned long long lock_timeout;
	const char *opt_root = NULL, *user = NULL;
	int c, worst = 0;

	prog_init(argv[0]);
	while ((c = getopt(argc, argv, "r:u:f:hV")) != -1) {
		switch (c) {
		case 'r': opt_root = optarg; break;
		case 'u': user = optarg; break;
		case 'f': parse_sender(optarg, sender, sizeof sender); break;
		case 'V': print_version();
		case 'h': print_usage(usage);
		default: die_usage(usage);
		}
	}
	if (optind >= argc)
		die_usage(usage);
	if (user != NULL && priv_drop(user) < 0)
		die_sys(EX_TEMPFAIL, "4.3.0 cannot become user %s", user);
	o.root = conf_root(opt_root);
	o.sender = sender;
	if (conf_number(o.root, "etc/locktimeout", 30, &lock_timeout) < 0)
		die_sys(EX_TEMPFAIL, "4.3.5 cannot read etc/locktimeout");
	if (lock_timeout > 3600)
		die(EX_TEMPFAIL, "4.3.5 etc/locktimeout over 3600 seconds");
	o.lock_timeout = (int)lock_timeout;
	if (conf_path(tmpdir, sizeof tmpdir, o.root, "tmp") < 0)
		die(EX_TEMPFAIL, "4.3.5 root path too long");
	(void)mkdir(tmpdir, 0700);
	if (msgsrc_load(&m, 0, tmpdir) < 0)
		die_sys(EX_TEMPFAIL, "4.3.0 cannot read the message");
	for (; optind < argc; optind++) {
		deliver_one(&o, &m, argv[optind], &r);
		report(argv[optind], &r, (uint64_t)m.size);
		worst = deliver_worst(worst, r.code);
	}
	msgsrc_free(&m);
	return worst;
}
