/* pop3_trans: the POP3 transaction-state commands and UPDATE. */
#include <string.h>

#include "pop3_session.h"
#include "str.h"

/* Message number arg: 0-based index of a message not deleted, or -1
 * after replying. */
static long
msgno(struct pop3 *p, const char *arg, size_t n)
{
	uint64_t v;

	if (n == 0 || str_to_u64(arg, n, &v) < 0 || v == 0 ||
	    v > p->mbx.n) {
		pop3_reply(p, "-ERR no such message");
		return -1;
	}
	if (p->mbx.msg[v - 1].deleted) {
		pop3_reply(p, "-ERR message %llu already deleted",
		    (unsigned long long)v);
		return -1;
	}
	return (long)(v - 1);
}

static int
totals(struct pop3 *p, size_t *count, uint64_t *octets)
{
	size_t i;

	*count = 0;
	*octets = 0;
	for (i = 0; i < p->mbx.n; i++) {
		if (p->mbx.msg[i].deleted)
			continue;
		(*count)++;
		*octets += p->mbx.msg[i].size;
	}
	return 0;
}

int
pop3_cmd_stat(struct pop3 *p, char *arg)
{
	size_t count;
	uint64_t octets;

	if (*arg != '\0')
		return pop3_reply(p, "-ERR STAT takes no argument"), 0;
	totals(p, &count, &octets);
	pop3_reply(p, "+OK %zu %llu", count, (unsigned long long)octets);
	return 0;
}

static void
list_line(struct pop3 *p, size_t i, int uidl, int single)
{
	if (uidl)
		pop3_reply(p, "%s%zu %s", single ? "+OK " : "", i + 1,
		    mbx_uid(&p->mbx, i));
	else
		pop3_reply(p, "%s%zu %llu", single ? "+OK " : "", i + 1,
		    (unsigned long long)p->mbx.msg[i].size);
}

static int
listing(struct pop3 *p, char *arg, int uidl)
{
	size_t i;
	long k;

	if (*arg != '\0') {
		k = msgno(p, arg, strlen(arg));
		if (k >= 0)
			list_line(p, (size_t)k, uidl, 1);
		return 0;
	}
	pop3_reply(p, "+OK %s follows", uidl ? "unique-id listing" :
	    "scan listing");
	for (i = 0; i < p->mbx.n; i++)
		if (!p->mbx.msg[i].deleted)
			list_line(p, i, uidl, 0);
	pop3_reply(p, ".");
	return 0;
}

int
pop3_cmd_list(struct pop3 *p, char *arg)
{
	return listing(p, arg, 0);
}

int
pop3_cmd_uidl(struct pop3 *p, char *arg)
{
	return listing(p, arg, 1);
}

static int
send_message(struct pop3 *p, long k, int64_t lines)
{
	const char *err;
	int r;

	if (mbx_check(&p->mbx, (size_t)k, &err) < 0) {
		pop3_reply(p, "-ERR %s", err);
		return 0;
	}
	pop3_reply(p, "+OK %llu octets",
	    (unsigned long long)p->mbx.msg[k].size);
	r = mbx_send(&p->mbx, (size_t)k, p->io, lines);
	if (r < 0) {
		/* the reply is cut: the client must not take it as whole */
		p->end = r == -1 ? "mailbox-changed" : "io-error";
		return 1;
	}
	p->retrieved++;
	p->retrieved_octets += p->mbx.msg[k].size;
	return 0;
}

int
pop3_cmd_retr(struct pop3 *p, char *arg)
{
	long k = msgno(p, arg, strlen(arg));

	return k < 0 ? 0 : send_message(p, k, -1);
}

int
pop3_cmd_top(struct pop3 *p, char *arg)
{
	char *sp = strchr(arg, ' ');
	uint64_t lines;
	long k;

	if (sp == NULL || str_to_u64(sp + 1, strlen(sp + 1), &lines) < 0 ||
	    lines > INT64_MAX) {
		pop3_reply(p, "-ERR usage: TOP message lines");
		return 0;
	}
	k = msgno(p, arg, (size_t)(sp - arg));
	return k < 0 ? 0 : send_message(p, k, (int64_t)lines);
}

int
pop3_cmd_dele(struct pop3 *p, char *arg)
{
	long k = msgno(p, arg, strlen(arg));

	if (k >= 0) {
		p->mbx.msg[k].deleted = 1;
		pop3_reply(p, "+OK message %ld deleted", k + 1);
	}
	return 0;
}

int
pop3_cmd_rset(struct pop3 *p, char *arg)
{
	size_t i;

	(void)arg;
	for (i = 0; i < p->mbx.n; i++)
		p->mbx.msg[i].deleted = 0;
	pop3_reply(p, "+OK %zu messages", p->mbx.n);
	return 0;
}

int
pop3_cmd_noop(struct pop3 *p, char *arg)
{
	(void)arg;
	pop3_reply(p, "+OK");
	return 0;
}

int
pop3_cmd_quit(struct pop3 *p, char *arg)
{
	const char *err;
	size_t count, deleted;
	uint64_t octets;

	(void)arg;
	p->end = "quit";
	if (p->state != POP3_TRANSACTION) {
		pop3_reply(p, "+OK goodbye");
		return 1;
	}
	totals(p, &count, &octets);
	deleted = p->mbx.n - count;
	p->deleted = deleted;
	if (mbx_update(&p->mbx, &err) < 0) {
		p->end = "update-failed";
		mbx_close(&p->mbx);
		pop3_reply(p, "-ERR [SYS/TEMP] %s", err);
		return 1;
	}
	/* unlocked before the reply, so the client's next session finds
	 * the mailbox free */
	mbx_close(&p->mbx);
	pop3_reply(p, "+OK %zu messages deleted, %zu left", deleted, count);
	return 1;
}
