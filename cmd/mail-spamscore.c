/*
 * mail-spamscore: score a message as spam or ham, mark it, check it, or
 * train the token database.  See mail-spamscore(1).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "io.h"
#include "prog.h"
#include "spam_scorer.h"

static const char usage[] =
    "[-r ROOT] [-d DB] [-v] [-c | -t spam|ham | -u spam|ham] [FILE|DIR...]";

enum mode { FILTER, CHECK, TRAIN, UNTRAIN };

static const int exit_code[] = {
	[SCORER_OK] = 0, [SCORER_SPAM] = 1, [SCORER_REFUSED] = EX_DATAERR,
	[SCORER_NO_INPUT] = EX_NOINPUT, [SCORER_AGAIN] = EX_TEMPFAIL,
	[SCORER_BAD_CONFIG] = EX_CONFIG,
};

static void
out(void *arg, const char *line)
{
	(void)arg;
	fputs(line, stdout);
}

static enum spam_learn
parse_class(const char *s)
{
	if (strcmp(s, "spam") == 0)
		return LEARN_SPAM;
	if (strcmp(s, "ham") == 0)
		return LEARN_HAM;
	die_usage(usage);
}

static enum spam_scorer_result
run(struct spam_scorer *s, enum mode mode, enum spam_learn cls,
    char **paths, int npaths)
{
	enum spam_scorer_result r;

	if (mode == CHECK) {
		r = spam_scorer_check(s, paths, npaths);
		if ((r == SCORER_OK || r == SCORER_SPAM) &&
		    fflush(stdout) != 0)
			die_sys(EX_IOERR, "writing");
		return r;
	}
	if (mode == FILTER)
		return spam_scorer_filter(s);
	r = spam_scorer_train(s, paths, npaths, cls, mode == UNTRAIN);
	if (r == SCORER_OK && s->verbose)
		fprintf(stderr, "%s: %s=%lu unchanged=%lu\n", prog_name(),
		    mode == UNTRAIN ? "untrained" : "trained", s->changed,
		    s->unchanged);
	return r;
}

int
main(int argc, char **argv)
{
	static struct io io;
	static struct spam_scorer s = { .io = &io, .out = out };
	const char *root = NULL, *db = NULL;
	enum spam_learn cls = LEARN_SPAM;
	enum spam_scorer_result r;
	enum mode mode = FILTER;
	int ch;

	prog_init(argv[0]);
	while ((ch = getopt(argc, argv, "r:d:ct:u:vhV")) != -1) {
		switch (ch) {
		case 'r': root = optarg; break;
		case 'd': db = optarg; break;
		case 'c': mode = CHECK; break;
		case 't': mode = TRAIN; cls = parse_class(optarg); break;
		case 'u': mode = UNTRAIN; cls = parse_class(optarg); break;
		case 'v': s.verbose++; break;
		case 'V': print_version();
		case 'h': print_usage(usage);
		default: die_usage(usage);
		}
	}
	argc -= optind, argv += optind;
	if ((r = spam_scorer_init(&s, conf_root(root), db)) != SCORER_OK)
		die(exit_code[r], "%s", s.why);
	io_init(&io, 0, 1, 0);
	if (mode == FILTER && argc > 0)
		die_usage(usage);
	r = run(&s, mode, cls, argv, argc);
	if (r != SCORER_OK && r != SCORER_SPAM)
		die(exit_code[r], "%s", s.why);
	spam_scorer_free(&s);
	return exit_code[r];
}
