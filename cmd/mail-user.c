/* mail-user: add, change, remove and list the accounts of ROOT/etc/users,
 * and create or retire their mailboxes.  See mail-user(8). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "prog.h"
#include "users_admin.h"

static const char usage[] =
    "[-r ROOT] add [-m maildir|mbox] ADDRESS < password\n"
    "       mail-user [-r ROOT] passwd ADDRESS < password\n"
    "       mail-user [-r ROOT] del [-p] ADDRESS\n"
    "       mail-user [-r ROOT] quota ADDRESS [BYTES|- [MESSAGES|-]]\n"
    "       mail-user [-r ROOT] list";

enum command { ADD, PASSWD, DEL, QUOTA, LIST };

/* Each command: its options for getopt (NULL: none) and how many
 * arguments follow them. */
static const struct {
	const char *name, *flags;
	int min, max;
} commands[] = {
	[ADD] = { "add", "+m:", 1, 1 }, [PASSWD] = { "passwd", NULL, 1, 1 },
	[DEL] = { "del", "+p", 1, 1 }, [QUOTA] = { "quota", NULL, 1, 3 },
	[LIST] = { "list", NULL, 0, 0 },
};

static const int exit_code[] = {
	[USERS_OK] = 0, [USERS_BAD_INPUT] = EX_DATAERR,
	[USERS_NO_ACCOUNT] = EX_NOUSER, [USERS_NOT_LOCAL] = EX_NOHOST,
	[USERS_CANT_CREATE] = EX_CANTCREAT, [USERS_IO] = EX_IOERR,
	[USERS_AGAIN] = EX_TEMPFAIL, [USERS_INTERNAL] = EX_SOFTWARE,
};

static void
warn(void *arg, const char *text)
{
	(void)arg;
	warnx_("%s", text);
}

static void
out(void *arg, const char *text)
{
	(void)arg;
	fputs(text, stdout);
}

static struct users_admin admin = { NULL, 0, 2, warn, out, NULL, "" };

static enum command
find_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(name, commands[i].name) == 0)
			return (enum command)i;
	die_usage(usage);
}

/* arg: the arguments after the options, NULL-terminated. */
static enum users_result
run(enum command c, char **arg, const char *mailbox, int purge)
{
	switch (c) {
	case ADD: return users_add(&admin, arg[0], mailbox);
	case PASSWD: return users_passwd(&admin, arg[0]);
	case DEL: return users_del(&admin, arg[0], purge);
	case QUOTA: return users_quota(&admin, arg[0], arg[1],
	    arg[1] ? arg[2] : NULL);
	default: return users_list(&admin);
	}
}

/* argv[0] is the command's name. */
static enum users_result
command(int argc, char **argv)
{
	enum command c = find_command(argv[0]);
	const char *flags = commands[c].flags, *m = NULL;
	int o, purge = 0;

	optind = 1;
	while (flags && (o = getopt(argc, argv, flags)) != -1) {
		if (o == 'p')
			purge = 1;
		else if (o == 'm')
			m = optarg;
		else
			die_usage(usage);
	}
	if (m && strcmp(m, "mbox") != 0 && strcmp(m, "maildir") != 0)
		die(EX_USAGE, "-m takes maildir or mbox, not %s", m);
	if (argc - optind < commands[c].min || argc - optind > commands[c].max)
		die_usage(usage);
	return run(c, argv + optind, m, purge);
}

int
main(int argc, char **argv)
{
	const char *root = NULL;
	enum users_result r;
	int c;

	prog_init(argv[0]);
	while ((c = getopt(argc, argv, "+r:hV")) != -1) {
		switch (c) {
		case 'r': root = optarg; break;
		case 'V': print_version();
		case 'h': print_usage(usage);
		default: die_usage(usage);
		}
	}
	if (optind >= argc)
		die_usage(usage);
	admin.root = conf_root(root);
	r = command(argc - optind, argv + optind);
	if (r != USERS_OK)
		die(exit_code[r], "%s", admin.why);
	if (fflush(stdout) != 0 || ferror(stdout))
		die_sys(EX_IOERR, "cannot write the output");
	return 0;
}
