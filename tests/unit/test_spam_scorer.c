/* Unit tests: the scorer's commands: filter, check, train, and what they
 * say when they fail. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "io.h"
#include "spam_scorer.h"
#include "tap.h"
#include "tmproot.h"

static struct buf shown;

static const char spam[] = "From: deals@cheap-pills.example\n"
    "Subject: cheap viagra offer\n\nbuy cheap viagra now casino money\n";
static const char ham[] = "From: alice@project.example\n"
    "Subject: patch for the build\n\nthe makefile change looks fine\n";

static void
keep(void *arg, const char *line)
{
	(void)arg;
	buf_adds(&shown, line);
}

static void
make_root(const char *conf)
{
	tmproot_make("test_spam_scorer");
	tmproot_put("etc/spamscore", conf, NULL, 0);
	buf_truncate(&shown, 0);
}

static int
input(const char *s)
{
	return tmproot_input(s, strlen(s));
}

static void
scorer(struct spam_scorer *s, struct io *io, int in, int out)
{
	memset(s, 0, sizeof *s);
	io_init(io, in, out, 0);
	s->io = io;
	s->out = keep;
	CHECK(spam_scorer_init(s, tmproot, NULL) == SCORER_OK);
}

static void
train(void)
{
	char p[160], name[32];
	struct spam_scorer s;
	struct io io;
	int i;

	for (i = 0; i < 5; i++) {
		str_fmt(name, sizeof name, "spam%d", i);
		tmproot_put(name, spam, p, sizeof p);
		scorer(&s, &io, -1, -1);
		CHECK(spam_scorer_train(&s, (char *[]){ p }, 1, LEARN_SPAM,
		    0) == SCORER_OK);
		CHECK(s.changed == (i == 0) && s.unchanged == (i != 0));
		spam_scorer_free(&s);
	}
	tmproot_put("ham", ham, p, sizeof p);
	scorer(&s, &io, input(ham), -1);
	CHECK(spam_scorer_train(&s, NULL, 0, LEARN_HAM, 0) == SCORER_OK);
	CHECK(s.changed == 1);
	close(io.fd_in);
	spam_scorer_free(&s);
}

static void
t_check(void)
{
	char p[160], q[160];
	struct spam_scorer s;
	struct io io;

	/* messages of a dozen words: judged in full, as the wiring of
	 * check is under test here, not the evidence rule (test_spam) */
	make_root("evidence=0\n");
	tmproot_put("s", spam, p, sizeof p);
	tmproot_put("h", ham, q, sizeof q);
	scorer(&s, &io, -1, -1);
	CHECK(spam_scorer_check(&s, (char *[]){ q }, 1) == SCORER_OK);
	CHECK(strstr(shown.s, " ham ") != NULL);
	CHECK(strncmp(shown.s, "1.0/6.4 ham ", 12) == 0);
	spam_scorer_free(&s);
	train();
	buf_truncate(&shown, 0);
	scorer(&s, &io, -1, -1);
	s.verbose = 1;
	CHECK(spam_scorer_check(&s, (char *[]){ q, p }, 2) == SCORER_SPAM);
	CHECK(strstr(shown.s, " ham bayes=0.") != NULL);
	CHECK(strstr(shown.s, " spam bayes=0.99") != NULL);
	CHECK(strstr(shown.s, "tests=BAYES_99") != NULL);
	str_fmt(q, sizeof q, "%s/nonexistent", tmproot);
	CHECK(spam_scorer_check(&s, (char *[]){ q }, 1) == SCORER_NO_INPUT);
	CHECK(strstr(s.why, "/nonexistent: No such file or directory") !=
	    NULL);
	spam_scorer_free(&s);
	tmproot_remove();
}

static void
t_filter(void)
{
	char p[160];
	struct spam_scorer s;
	struct buf out = BUF_INIT;
	struct io io;
	int fd;

	make_root("reject=0\n");
	str_fmt(p, sizeof p, "%s/out", tmproot);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	scorer(&s, &io, input("X-Spam-Flag: YES\r\nSubject: hi\r\n\r\n"
	    "body\r\n"), fd);
	CHECK(spam_scorer_filter(&s) == SCORER_OK);
	close(io.fd_in);
	close(fd);
	spam_scorer_free(&s);
	CHECK(sf_read_small(p, 4096, &out) == 0);
	CHECK(strncmp(out.s, "Subject: hi\r\nX-Spam-Score: ", 27) == 0);
	CHECK(strstr(out.s, "X-Spam-Flag") == NULL);
	CHECK(strstr(out.s, "MISSING_FROM\r\n\r\nbody\r\n") != NULL);
	buf_free(&out);
	tmproot_remove();
	make_root("reject=1\n");
	scorer(&s, &io, input("no header at all"), -1);
	CHECK(spam_scorer_filter(&s) == SCORER_REFUSED);
	CHECK(strncmp(s.why, "message refused as spam (score ", 31) == 0);
	close(io.fd_in);
	spam_scorer_free(&s);
	tmproot_remove();
}

static void
t_failures(void)
{
	struct spam_scorer s;
	char p[160];
	int fd;

	make_root("requierd=3\n");
	memset(&s, 0, sizeof s);
	CHECK(spam_scorer_init(&s, tmproot, NULL) == SCORER_BAD_CONFIG);
	CHECK_STR(s.why, "etc/spamscore: unknown key \"requierd\"");
	tmproot_remove();
	make_root("");
	str_fmt(p, sizeof p, "%s/spam", tmproot);
	CHECK(mkdir(p, 0755) == 0);
	str_fmt(p, sizeof p, "%s/spam/data.mdb", tmproot);
	fd = open(p, O_WRONLY | O_CREAT, 0644);
	CHECK(write(fd, "not lmdb", 8) == 8);
	close(fd);
	memset(&s, 0, sizeof s);
	CHECK(spam_scorer_init(&s, tmproot, NULL) == SCORER_OK);
	CHECK(spam_scorer_check(&s, NULL, 0) == SCORER_AGAIN);
	CHECK(strncmp(s.why, "cannot open token database ", 27) == 0);
	spam_scorer_free(&s);
	tmproot_remove();
}

int
main(void)
{
	RUN(t_check);
	RUN(t_filter);
	RUN(t_failures);
	buf_free(&shown);
	return tap_done();
}
