/* Unit tests: queue envelope format and the write/commit/remove cycle. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "queue.h"
#include "str.h"
#include "tap.h"

static void
t_env_roundtrip(void)
{
	struct qenv e, f;
	struct buf b = BUF_INIT;

	qenv_init(&e);
	str_copy(e.id, sizeof e.id, "abc123");	/* test code: literal fits */
	e.arrival = 1700000000;
	e.held = 1;
	e.warned = 1;
	CHECK(qenv_add_rcpt(&e, "a@example.test") == 0);
	CHECK(qenv_add_rcpt(&e, "b@remote.test") == 0);
	e.rcpt[1].state = Q_FAILED;
	e.rcpt[1].attempts = 3;
	str_copy(e.rcpt[1].status, sizeof e.rcpt[1].status, "5.1.1");
	str_copy(e.rcpt[1].diag, sizeof e.rcpt[1].diag, "550 5.1.1 no such user here");
	CHECK(qenv_format(&e, &b) == 0);
	CHECK(qenv_parse(b.s, b.len, &f) == 0);
	CHECK_STR(f.id, "abc123");
	CHECK_STR(f.sender, "");
	CHECK(f.arrival == 1700000000 && f.held == 1 && f.dsn == 0);
	CHECK(f.warned == 1);
	CHECK(f.nrcpt == 2);
	CHECK_STR(f.rcpt[0].addr, "a@example.test");
	CHECK(f.rcpt[0].state == Q_TODO && f.rcpt[0].status[0] == '\0');
	CHECK(f.rcpt[1].state == Q_FAILED && f.rcpt[1].attempts == 3);
	CHECK_STR(f.rcpt[1].diag, "550 5.1.1 no such user here");
	qenv_free(&f);
	/* a TAB or newline in a field can never become a record */
	str_copy(e.rcpt[0].diag, sizeof e.rcpt[0].diag, "evil\nrcpt\tx@y");
	buf_truncate(&b, 0);
	CHECK(qenv_format(&e, &b) == -1);
	qenv_free(&e);
	buf_free(&b);
}

static void
t_env_rejects_garbage(void)
{
	struct qenv e;
	static const char *bad[] = {
		"",
		"mailkit-queue 2\nid\tx\nrcpt\ta@b\ttodo\t0\t0\t-\t-\n",
		"mailkit-queue 1\nid\tx\n",
		"mailkit-queue 1\nid\tx\nrcpt\ta@b\tmaybe\t0\t0\t-\t-\n",
		"mailkit-queue 1\nid\tx\nrcpt\ta@b\ttodo\t0\t0\t-\n",
		"mailkit-queue 1\nid\tx\nrcpt\ta@b\ttodo\t0\t0\t-\t-",
		"mailkit-queue 1\nid\tx\nrcpt\ta@b\ttodo\t0\t0\t-\t-\r\n",
		"mailkit-queue 1\r\nid\tx\nrcpt\ta@b\ttodo\t0\t0\t-\t-\n",
		"mailkit-queue 1\nid\tx\nrcpt\ta@b\ttodo\t0\t0\t-\tdiag\rx\n",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(qenv_parse(bad[i], strlen(bad[i]), &e) == -1);
}

static int
count(void *arg, const char *id)
{
	(void)id;
	(*(int *)arg)++;
	return 0;
}

static void
t_new_commit_lock_remove(void)
{
	char root[] = "/tmp/mkq.XXXXXX", p[4096];
	struct qnew q;
	struct qenv e, f;
	struct stat st;
	int n = 0, fd, fd2;

	CHECK(mkdtemp(root) != NULL);
	CHECK(queue_init(root) == 0);
	CHECK(queue_new(root, &q) == 0);
	CHECK(queue_new_write(&q, "Subject: x\r\n\r\nhi\r\n", 18, 0) == 0);
	CHECK(queue_new_write(&q, "0123456789", 10, 20) == -1 &&
	    errno == EFBIG);
	qenv_init(&e);
	str_copy(e.sender, sizeof e.sender, "s@example.test");
	CHECK(qenv_add_rcpt(&e, "r@example.test") == 0);
	CHECK(queue_new_commit(root, &q, &e) == 0);
	CHECK(stat(q.tmp, &st) == -1);
	CHECK(queue_each(root, count, &n) == 0 && n == 1);
	CHECK(queue_env_load(root, q.id, &f) == 0);
	CHECK_STR(f.sender, "s@example.test");
	fd = queue_lock(root, q.id);
	CHECK(fd >= 0);
	fd2 = queue_lock(root, q.id);
	CHECK(fd2 == -1 && errno == EWOULDBLOCK);
	f.rcpt[0].state = Q_DONE;
	CHECK(queue_env_save(root, &f) == 0);
	qenv_free(&f);
	CHECK(queue_env_load(root, q.id, &f) == 0 && f.rcpt[0].state == Q_DONE);
	qenv_free(&f);
	CHECK(queue_remove(root, q.id) == 0);
	CHECK(queue_mess_path(root, q.id, p, sizeof p) == 0);
	CHECK(stat(p, &st) == -1);
	n = 0;
	CHECK(queue_each(root, count, &n) == 0 && n == 0);
	close(fd);
	qenv_free(&e);
	CHECK(queue_lock(root, "../../etc") == -1 && errno == EINVAL);
	snprintf(p, sizeof p, "rm -rf %s", root);
	CHECK(system(p) == 0);
}

/* Several writers on a queue that does not exist yet, each creating it
 * only when its first queue_new() fails (as mail-submit does): none may
 * fail because another is still making the directories. */
static void
t_concurrent_first_use(void)
{
	char root[] = "/tmp/mkq.XXXXXX", cmd[64];
	int round, i, st, bad = 0;

	for (round = 0; round < 20; round++) {
		CHECK(mkdtemp(root) != NULL);
		for (i = 0; i < 8; i++) {
			if (fork() == 0) {
				struct qnew q;
				struct qenv e;
				if (queue_new(root, &q) < 0 &&
				    (queue_init(root) < 0 ||
				    queue_new(root, &q) < 0))
					_exit(1);
				qenv_init(&e);
				if (qenv_add_rcpt(&e, "a@b.test") < 0 ||
				    queue_new_commit(root, &q, &e) < 0)
					_exit(2);
				_exit(0);
			}
		}
		while (wait(&st) > 0)
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				bad++;
		snprintf(cmd, sizeof cmd, "rm -rf %s", root);
		CHECK(system(cmd) == 0);
		memcpy(root + strlen(root) - 6, "XXXXXX", 6);
	}
	CHECK(bad == 0);
}

/* Small writes are gathered, a large one goes straight through, and the
 * bytes reach tmp/ID in order at queue_new_flush() and in mess/ at commit. */
static void
t_write_gathers(void)
{
	char root[] = "/tmp/mkq.XXXXXX", p[4096];
	static char big[QNEW_BUF + 100], want[QNEW_BUF * 2];
	struct qnew q;
	struct qenv e;
	struct stat st;
	size_t n = 0, i;
	FILE *f;

	memset(big, 'B', sizeof big);
	CHECK(mkdtemp(root) != NULL);
	CHECK(queue_init(root) == 0);
	CHECK(queue_new(root, &q) == 0);
	for (i = 0; i < 10; i++) {
		CHECK(queue_new_write(&q, "line\r\n", 6, 0) == 0);
		memcpy(want + n, "line\r\n", 6);
		n += 6;
	}
	CHECK(stat(q.tmp, &st) == 0 && st.st_size == 0);
	CHECK(queue_new_write(&q, NULL, 0, 0) == 0);
	CHECK(queue_new_write(&q, big, sizeof big, 0) == 0);
	memcpy(want + n, big, sizeof big);
	n += sizeof big;
	CHECK(queue_new_write(&q, "end\r\n", 5, 0) == 0);
	memcpy(want + n, "end\r\n", 5);
	n += 5;
	CHECK(q.size == n);
	CHECK(queue_new_flush(&q) == 0);
	CHECK(stat(q.tmp, &st) == 0 && (size_t)st.st_size == n);
	qenv_init(&e);
	CHECK(qenv_add_rcpt(&e, "r@example.test") == 0);
	CHECK(queue_new_commit(root, &q, &e) == 0);
	CHECK(queue_mess_path(root, q.id, p, sizeof p) == 0);
	f = fopen(p, "rb");
	CHECK(f != NULL);
	if (f != NULL) {
		static char got[sizeof want];
		CHECK(fread(got, 1, sizeof got, f) == n);
		CHECK(memcmp(got, want, n) == 0);
		fclose(f);
	}
	qenv_free(&e);
	snprintf(p, sizeof p, "rm -rf %s", root);
	CHECK(system(p) == 0);
}

static void
touch_old(const char *path, const char *text)
{
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
	CHECK(utimensat(AT_FDCWD, path, old, 0) == 0);
}

/* The sweep removes old leftovers of crashes: files in tmp/ and message
 * files whose envelope is gone; never a queued pair, never an envelope,
 * never a fresh file a writer may still be busy with. */
static void
t_sweep(void)
{
	char root[] = "/tmp/mkq.XXXXXX", p[4096], env[4096], orphan[4096];
	char fresh[4096], tmp[4096], lone[4096];
	struct qnew q;
	struct qenv e;
	struct stat st;

	CHECK(mkdtemp(root) != NULL);
	CHECK(queue_init(root) == 0);
	CHECK(queue_new(root, &q) == 0);
	CHECK(queue_new_write(&q, "x\r\n", 3, 0) == 0);
	qenv_init(&e);
	CHECK(qenv_add_rcpt(&e, "r@example.test") == 0);
	CHECK(queue_new_commit(root, &q, &e) == 0);
	CHECK(queue_mess_path(root, q.id, p, sizeof p) == 0);
	CHECK(queue_env_path(root, q.id, env, sizeof env) == 0);
	touch_old(p, "x\r\n");
	CHECK(utimensat(AT_FDCWD, env, (struct timespec[2]){ { 1000000000, 0 },
	    { 1000000000, 0 } }, 0) == 0);
	CHECK(queue_mess_path(root, "0123abcd", orphan, sizeof orphan) == 0);
	touch_old(orphan, "orphan\r\n");
	CHECK(queue_mess_path(root, "0123abce", fresh, sizeof fresh) == 0);
	touch_old(fresh, "fresh\r\n");
	CHECK(utimensat(AT_FDCWD, fresh, NULL, 0) == 0);
	CHECK(queue_env_path(root, "0123abcf", lone, sizeof lone) == 0);
	touch_old(lone, "mailkit-queue 1\n");
	snprintf(tmp, sizeof tmp, "%s/queue/tmp/0123abd0", root);
	touch_old(tmp, "partial");
	CHECK(queue_sweep(root, 3600) == 2);
	CHECK(stat(orphan, &st) == -1 && errno == ENOENT);
	CHECK(stat(tmp, &st) == -1 && errno == ENOENT);
	CHECK(stat(p, &st) == 0 && stat(env, &st) == 0);
	CHECK(stat(fresh, &st) == 0 && stat(lone, &st) == 0);
	qenv_free(&e);
	snprintf(p, sizeof p, "rm -rf %s", root);
	CHECK(system(p) == 0);
}

int
main(void)
{
	RUN(t_concurrent_first_use);
	RUN(t_env_roundtrip);
	RUN(t_env_rejects_garbage);
	RUN(t_new_commit_lock_remove);
	RUN(t_write_gathers);
	RUN(t_sweep);
	return tap_done();
}
