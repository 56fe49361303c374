/* mail-user: add, change, remove and list the accounts of ROOT/etc/users,
 * and create or retire their mailboxes.  See mail-user(8). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "addr.h"
#include "conf.h"
#include "mailbox.h"
#include "prog.h"
#include "safefile.h"
#include "str.h"
#include "users_edit.h"

static const char usage[] =
    "[-r ROOT] add [-m maildir|mbox] ADDRESS < password\n"
    "       mail-user [-r ROOT] passwd ADDRESS < password\n"
    "       mail-user [-r ROOT] del [-p] ADDRESS\n"
    "       mail-user [-r ROOT] quota ADDRESS [BYTES|- [MESSAGES|-]]\n"
    "       mail-user [-r ROOT] list";

#define LOCK_TIMEOUT	30
#define PASSWORD_MAX	1024

static const char *root;

/* One line from fd 0, without its line end.  Length, or dies. */
static size_t
read_line(char *out, size_t size)
{
	size_t n = 0;
	ssize_t r;
	char c;

	for (;;) {
		r = read(0, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die_sys(EX_IOERR, "cannot read the password");
		if (r == 0 || c == '\n')
			break;
		if (c == '\0')
			die(EX_DATAERR, "password holds a NUL byte");
		if (n + 1 >= size)
			die(EX_DATAERR, "password longer than %d bytes",
			    PASSWORD_MAX - 1);
		out[n++] = c;
	}
	if (n > 0 && out[n - 1] == '\r')
		n--;
	out[n] = '\0';
	return n;
}

/* From a terminal: asked twice, without echo. */
static void
read_password(char *out, size_t size)
{
	char again[PASSWORD_MAX];
	struct termios old, quiet;
	int tty = isatty(0) && tcgetattr(0, &old) == 0;

	if (tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		(void)tcsetattr(0, TCSAFLUSH, &quiet);
		fputs("Password: ", stderr);
	}
	(void)read_line(out, size);
	if (tty) {
		fputs("\nAgain: ", stderr);
		(void)read_line(again, sizeof again);
		fputs("\n", stderr);
		(void)tcsetattr(0, TCSAFLUSH, &old);
		if (strcmp(out, again) != 0)
			die(EX_DATAERR, "the passwords differ");
		explicit_bzero(again, sizeof again);
	}
	if (out[0] == '\0')
		die(EX_DATAERR, "empty password refused");
}

/* A hashed password, the plain text wiped. */
static void
new_hash(char *hash, size_t size)
{
	char pw[PASSWORD_MAX];

	read_password(pw, sizeof pw);
	if (password_hash(pw, hash, size) < 0)
		die_sys(EX_SOFTWARE, "cannot hash the password");
	explicit_bzero(pw, sizeof pw);
}

/* The address, checked and lowercased, into out. */
static void
check_address(const char *s, char *out, size_t size)
{
	char mb[PATH_MAX];
	const char *why;
	struct addr a;

	if (addr_parse(s, strlen(s), 0, &a, &why) < 0)
		die(EX_DATAERR, "bad address %s: %s", s, why);
	if (a.domain_len == 0)
		die(EX_DATAERR, "bad address %s: no domain", s);
	if (strpbrk(a.local, "\":") != NULL)
		die(EX_DATAERR, "bad address %s: quotes and ':' not allowed", s);
	if (addr_format(&a, out, size) < 0)
		die(EX_DATAERR, "bad address %s: too long", s);
	str_lower(out, strlen(out));
	if (account_mailbox_path(root, out, mb, sizeof mb) < 0)
		die(EX_DATAERR, "bad address %s: unsafe as a mailbox name", s);
}

static void
edit_begin(struct users_edit *u)
{
	if (users_edit_begin(u, root, LOCK_TIMEOUT) < 0) {
		if (errno == ETIMEDOUT)
			die(EX_TEMPFAIL, "etc/users is locked by another "
			    "program, try again");
		die_sys(EX_TEMPFAIL, "cannot read %s/etc/users", root);
	}
}

static void
edit_commit(struct users_edit *u)
{
	if (users_edit_commit(u) < 0)
		die_sys(EX_TEMPFAIL, "cannot write %s/etc/users", root);
	users_edit_end(u);
}

/* fchown the entry name of dir (never through a symbolic link); its fd
 * when want_fd, else -1. */
static int
give(int dir, const char *name, const struct stat *to, int want_fd)
{
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);

	if (fd < 0 || fchown(fd, to->st_uid, to->st_gid) < 0) {
		warnx_("cannot give %s to uid %ld", name, (long)to->st_uid);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (want_fd)
		return fd;
	close(fd);
	return -1;
}

/* Give a mailbox made by root (and its domain directory) the owner of
 * ROOT/mail, so that programs running as that user (-u) can deliver into
 * it.  Each level is opened without following links: that user could
 * have put one there. */
static void
chown_like_mail(const char *address, enum mailbox_format fmt)
{
	static const char *const sub[] = { "tmp", "new", "cur" };
	char dir[PATH_MAX], local[ADDR_LOCAL_MAX + 1];
	const char *at = strrchr(address, '@');
	int mail, dom, mb, i;
	struct stat st;

	if (geteuid() != 0 || at == NULL ||
	    conf_path(dir, sizeof dir, root, "mail") < 0 ||
	    str_copyn(local, sizeof local, address,
	    (size_t)(at - address)) < 0)
		return;
	mail = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mail < 0 || fstat(mail, &st) < 0 || st.st_uid == 0) {
		if (mail >= 0)
			close(mail);
		return;
	}
	dom = give(mail, at + 1, &st, 1);
	mb = dom < 0 ? -1 : give(dom, local, &st, fmt == MAILBOX_MAILDIR);
	for (i = 0; mb >= 0 && i < 3; i++)
		give(mb, sub[i], &st, 0);
	if (mb >= 0)
		close(mb);
	if (dom >= 0)
		close(dom);
	close(mail);
}

static void
make_mailbox(const char *address, enum mailbox_format want)
{
	enum mailbox_format got;
	char mb[PATH_MAX];
	struct stat st;

	if (account_mailbox_path(root, address, mb, sizeof mb) < 0)
		die_sys(EX_DATAERR, "%s: no mailbox path", address);
	if (lstat(mb, &st) == 0)
		warnx_("%s: mailbox %s exists already, kept", address, mb);
	if (mailbox_prepare(mb, want, &got) < 0)
		die_sys(EX_CANTCREAT, "cannot create mailbox %s", mb);
	if (got != want)
		warnx_("%s: mailbox %s is %s", address, mb,
		    got == MAILBOX_MBOX ? "an mbox" : "a Maildir");
	chown_like_mail(address, got);
}

static int
cmd_add(int argc, char **argv)
{
	enum mailbox_format fmt = MAILBOX_MAILDIR;
	char addr[ADDR_MAX + 1], hash[256], line[1024];
	const char *at, *mopt = NULL;
	struct users_edit u;
	int c;

	while ((c = getopt(argc, argv, "+m:")) != -1) {
		if (c != 'm')
			die_usage(usage);
		mopt = optarg;
	}
	if (mopt && strcmp(mopt, "mbox") == 0)
		fmt = MAILBOX_MBOX;
	else if (mopt && strcmp(mopt, "maildir") != 0)
		die(EX_USAGE, "-m takes maildir or mbox, not %s", mopt);
	if (argc - optind != 1)
		die_usage(usage);
	check_address(argv[optind], addr, sizeof addr);
	at = strrchr(addr, '@');
	if (conf_is_local_domain(root, at + 1) != 1)
		die(EX_NOHOST, "%s: domain %s is not in etc/domains", addr,
		    at + 1);
	new_hash(hash, sizeof hash);
	if (str_fmt(line, sizeof line, mopt ? "%s:%s::::::mailbox=%s" :
	    "%s:%s", addr, hash, mopt ? mopt : "") < 0)
		die(EX_SOFTWARE, "account line too long");
	edit_begin(&u);
	if (users_edit_find(&u, addr, NULL) == 1)
		die(EX_CANTCREAT, "%s: account exists already", addr);
	make_mailbox(addr, fmt);
	if (users_edit_add(&u, line) < 0)
		die_sys(EX_SOFTWARE, "cannot add %s", addr);
	edit_commit(&u);
	return 0;
}

static void
one_address(int argc, char **argv, char *addr, size_t size)
{
	if (argc != 2)
		die_usage(usage);
	check_address(argv[1], addr, size);
}

static int
cmd_passwd(int argc, char **argv)
{
	char addr[ADDR_MAX + 1], hash[256];
	struct users_edit u;
	int r;

	one_address(argc, argv, addr, sizeof addr);
	new_hash(hash, sizeof hash);
	edit_begin(&u);
	r = users_edit_set_field(&u, addr, 1, hash);
	if (r < 0)
		die_sys(EX_SOFTWARE, "cannot change %s", addr);
	if (r == 0)
		die(EX_NOUSER, "%s: no such account", addr);
	edit_commit(&u);
	return 0;
}

static int
rm_entry(const char *p, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)f;
	return (type == FTW_DP ? rmdir(p) : unlink(p)) < 0 ? -1 : 0;
}

/* Move the mailbox to ROOT/mail/.deleted/ADDRESS.UNIXTIME[.N], or with
 * purge remove it.  Messages are never lost in silence. */
static void
retire_mailbox(const char *addr, int purge)
{
	char mb[PATH_MAX], dir[PATH_MAX], to[PATH_MAX];
	struct stat st;
	int i;

	if (account_mailbox_path(root, addr, mb, sizeof mb) < 0 ||
	    lstat(mb, &st) < 0)
		return;
	if (purge) {
		if (nftw(mb, rm_entry, 16, FTW_DEPTH | FTW_PHYS) < 0 ||
		    sf_fsync_parent(mb) < 0)
			die_sys(EX_IOERR, "cannot remove mailbox %s", mb);
		return;
	}
	if (conf_path(dir, sizeof dir, root, "mail/.deleted") < 0 ||
	    sf_mkdirs(dir, 0700) < 0)
		die_sys(EX_IOERR, "cannot create %s", dir);
	for (i = 0; i < 100; i++) {
		if (str_fmt(to, sizeof to, i ? "%s/%s.%lld.%d" : "%s/%s.%lld",
		    dir, addr, (long long)time(NULL), i) < 0)
			die(EX_SOFTWARE, "path too long");
		if (lstat(to, &st) < 0 && errno == ENOENT)
			break;
	}
	if (sf_rename_durable(mb, to) < 0)
		die_sys(EX_IOERR, "cannot move mailbox %s to %s", mb, to);
	printf("%s\n", to);
}

static int
cmd_del(int argc, char **argv)
{
	char addr[ADDR_MAX + 1];
	struct users_edit u;
	int c, purge = 0, r;

	while ((c = getopt(argc, argv, "+p")) != -1) {
		if (c != 'p')
			die_usage(usage);
		purge = 1;
	}
	if (argc - optind != 1)
		die_usage(usage);
	check_address(argv[optind], addr, sizeof addr);
	edit_begin(&u);
	r = users_edit_remove(&u, addr);
	if (r < 0)
		die_sys(EX_SOFTWARE, "cannot remove %s", addr);
	if (r == 0)
		die(EX_NOUSER, "%s: no such account", addr);
	if (users_edit_commit(&u) < 0)
		die_sys(EX_TEMPFAIL, "cannot write %s/etc/users", root);
	/* still locked: an add of the same name waits for the move */
	retire_mailbox(addr, purge);
	users_edit_end(&u);
	return 0;
}

/* "-" keeps, 0 removes the limit, else a number. */
static int
set_limit(struct users_edit *u, const char *addr, const char *key,
    const char *arg)
{
	uint64_t v;
	char num[32];

	if (arg == NULL || strcmp(arg, "-") == 0)
		return 1;
	if (str_to_u64(arg, strlen(arg), &v) < 0)
		die(EX_DATAERR, "bad number %s", arg);
	(void)str_fmt(num, sizeof num, "%llu", (unsigned long long)v);
	return users_edit_set_extra(u, addr, key, v ? num : NULL);
}

static void
show_quota(const char *addr)
{
	struct account a;
	int r = account_lookup(root, addr, &a);

	if (r < 0)
		die_sys(EX_TEMPFAIL, "cannot read %s/etc/users", root);
	if (r == 0)
		die(EX_NOUSER, "%s: no such account", addr);
	printf("%s\t%llu\t%llu\n", a.address,
	    (unsigned long long)a.quota_bytes,
	    (unsigned long long)a.quota_messages);
}

static int
cmd_quota(int argc, char **argv)
{
	char addr[ADDR_MAX + 1];
	struct users_edit u;
	int r;

	if (argc < 2 || argc > 4)
		die_usage(usage);
	check_address(argv[1], addr, sizeof addr);
	if (argc == 2) {
		show_quota(addr);
		return 0;
	}
	edit_begin(&u);
	if (users_edit_find(&u, addr, NULL) != 1)
		die(EX_NOUSER, "%s: no such account", addr);
	r = set_limit(&u, addr, "quota", argv[2]);
	if (r == 1)
		r = set_limit(&u, addr, "quota_messages",
		    argc > 3 ? argv[3] : NULL);
	if (r < 0)
		die_sys(EX_SOFTWARE, "cannot change %s", addr);
	edit_commit(&u);
	return 0;
}

static int
list_one(void *arg, char *item, size_t n)
{
	uint64_t bytes = 0, count = 0;
	enum mailbox_format fmt;
	struct account a;
	char mb[PATH_MAX];
	struct stat st;

	(void)arg;
	if (account_parse(item, n, &a) < 0) {
		warnx_("etc/users: malformed line skipped: %.40s", item);
		return 0;
	}
	fmt = a.format;
	if (account_mailbox_path(root, a.address, mb, sizeof mb) == 0 &&
	    lstat(mb, &st) == 0) {
		fmt = S_ISDIR(st.st_mode) ? MAILBOX_MAILDIR : MAILBOX_MBOX;
		if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
			warnx_("%s: %s is no mailbox (a link?)", a.address, mb);
		else if (mailbox_usage(mb, fmt, &bytes, &count) < 0)
			warnx_("%s: cannot measure mailbox %s", a.address, mb);
	}
	printf("%s\t%s\t%llu\t%llu\t%llu\t%llu\n", a.address,
	    fmt == MAILBOX_MBOX ? "mbox" : "maildir",
	    (unsigned long long)a.quota_bytes,
	    (unsigned long long)a.quota_messages, (unsigned long long)bytes,
	    (unsigned long long)count);
	return 0;
}

static int
cmd_list(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		die_usage(usage);
	if (conf_each(root, "etc/users", list_one, NULL) < 0)
		die_sys(EX_TEMPFAIL, "cannot read %s/etc/users", root);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int, char **);
} cmds[] = {
	{ "add", cmd_add }, { "passwd", cmd_passwd }, { "del", cmd_del },
	{ "quota", cmd_quota }, { "list", cmd_list },
};

int
main(int argc, char **argv)
{
	const char *opt_root = NULL;
	size_t i;
	int c, r;

	prog_init(argv[0]);
	while ((c = getopt(argc, argv, "+r:hV")) != -1) {
		switch (c) {
		case 'r': opt_root = optarg; break;
		case 'V': print_version();
		default: die_usage(usage);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		die_usage(usage);
	root = conf_root(opt_root);
	optind = 1;
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(argv[0], cmds[i].name) == 0) {
			r = cmds[i].fn(argc, argv);
			if (fflush(stdout) != 0 || ferror(stdout))
				die_sys(EX_IOERR, "cannot write the output");
			return r;
		}
	die_usage(usage);
}
