/* inject_queue: filter, alias expansion and durable commit of a new
 * message; see include/inject.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "filter.h"
#include "inject.h"
#include "str.h"

static int
expand(const char *root, const char *addr, struct qenv *e, unsigned depth)
{
	const char *at = strrchr(addr, '@');
	struct buf b = BUF_INIT;
	size_t off;
	int n, r = 0;

	n = 0;
	if (at != NULL && depth < INJECT_ALIAS_DEPTH &&
	    conf_is_local_domain(root, at + 1) == 1)
		n = conf_alias(root, addr, &b);
	if (n < 0)
		r = -1;
	else if (n == 0)
		r = qenv_has_rcpt(e, addr) ? 0 : qenv_add_rcpt(e, addr);
	for (off = 0; n > 0 && r == 0 && off < b.len;
	    off += strlen(b.s + off) + 1)
		r = expand(root, b.s + off, e, depth + 1);
	buf_free(&b);
	return r;
}

int
inject_expand(const char *root, const char *addr, struct qenv *e)
{
	return expand(root, addr, e, 0);
}

/* Replace e's recipients by their expansion. 0 or -1. */
static int
expand_all(const char *root, struct qenv *e)
{
	struct qenv x;
	size_t i;
	int r = 0;

	qenv_init(&x);
	for (i = 0; i < e->nrcpt && r == 0; i++)
		r = expand(root, e->rcpt[i].addr, &x, 0);
	if (r == 0 && x.nrcpt == 0)
		r = -1;
	if (r == 0) {
		free(e->rcpt);
		e->rcpt = x.rcpt;
		e->nrcpt = x.nrcpt;
		e->cap = x.cap;
		x.rcpt = NULL;
		x.nrcpt = x.cap = 0;
	}
	qenv_free(&x);
	return r;
}

/* Run the filter from q into a fresh queue file; on FILTER_OK *q is the
 * new message. */
static enum filter_result
run_filter(const char *root, struct qnew *q, int ms, char *why, size_t size)
{
	struct qnew f;
	struct stat sb;
	enum filter_result r;
	int in;

	if (!filter_configured(root))
		return FILTER_NONE;
	in = queue_new_flush(q) < 0 ? -1 : open(q->tmp, O_RDONLY | O_CLOEXEC);
	if (in < 0 || queue_new(root, &f) < 0) {
		if (in >= 0)
			close(in);
		(void)str_copy(why, size, "cannot open the message for the filter");
		return FILTER_FAIL;
	}
	r = filter_run(root, in, f.fd, ms, why, size);
	close(in);
	if (r == FILTER_OK && fstat(f.fd, &sb) < 0)
		r = FILTER_FAIL;
	if (r != FILTER_OK) {
		queue_new_abort(&f);
		return r;
	}
	f.size = (uint64_t)sb.st_size;
	queue_new_abort(q);
	*q = f;
	return r;
}

enum inject_result
inject_commit(const char *root, struct qnew *q, struct qenv *e, int ms,
    char *why, size_t size)
{
	enum filter_result f;

	f = run_filter(root, q, ms, why, size);
	if (f == FILTER_TEMP || f == FILTER_FAIL || f == FILTER_PERM) {
		queue_new_abort(q);
		return f == FILTER_PERM ? INJECT_PERM : INJECT_TEMP;
	}
	if (expand_all(root, e) < 0) {
		queue_new_abort(q);
		(void)str_copy(why, size, "cannot expand aliases");
		return INJECT_TEMP;
	}
	e->arrival = time(NULL);
	if (queue_new_commit(root, q, e) < 0) {
		(void)str_fmt(why, size, "cannot queue the message: %s",
		    strerror(errno));
		return INJECT_TEMP;
	}
	queue_trigger(root);
	return INJECT_OK;
}
