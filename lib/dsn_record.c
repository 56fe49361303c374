/* dsn_record: failure records, the input of mail-bounce; see
 * include/dsn.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dsn.h"
#include "str.h"

void
dsn_init(struct dsn *d)
{
	memset(d, 0, sizeof *d);
	d->full_max = DSN_FULL_MAX;
	d->me = "localhost";
	d->to = "";
}

void
dsn_free(struct dsn *d)
{
	free(d->r);
	d->r = NULL;
	d->n = d->cap = 0;
}

/* "N.N.N" with a class of 2, 4 or 5 and 1-3 digits per part. */
static int
valid_status(const char *s)
{
	int part = 0, digits = 0;

	if (s[0] != '2' && s[0] != '4' && s[0] != '5')
		return 0;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (++digits > 3)
				return 0;
		} else if (*s == '.' && digits > 0 && part < 2) {
			part++;
			digits = 0;
		} else
			return 0;
	}
	return part == 2 && digits > 0;
}

/* Printable ASCII only: the text goes into header fields. */
static int
clean_text(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

static int
field(const char **p, const char *end, const char **f, size_t *len)
{
	const char *tab;

	if (*p > end)
		return 0;
	tab = memchr(*p, '\t', (size_t)(end - *p));
	if (tab == NULL)
		tab = end;
	*f = *p;
	*len = (size_t)(tab - *p);
	*p = tab + 1;
	return 1;
}

static int
parse_last(const char *s, size_t n, time_t *t)
{
	uint64_t v;

	*t = 0;
	if (n == 0 || (n == 1 && s[0] == '-'))
		return 0;
	if (str_to_u64(s, n, &v) < 0 || v > (uint64_t)1 << 40)
		return -1;
	*t = (time_t)v;
	return 0;
}

int
dsn_parse_record(const char *s, size_t n, struct dsn_rcpt *r,
    const char **err)
{
	const char *p = s, *end = s + n, *f[5];
	size_t len[5];
	struct addr a;
	int k;

	memset(r, 0, sizeof *r);
	for (k = 0; k < 5 && field(&p, end, &f[k], &len[k]); k++)
		;
	if (k < 3 || p <= end)
		return *err = "want 3 to 5 TAB-separated fields", -1;
	if (addr_parse(f[0], len[0], ADDR_UTF8 | ADDR_NO_DOMAIN, &a, err) < 0)
		return -1;
	if (str_copyn(r->rcpt, sizeof r->rcpt, f[0], len[0]) < 0)
		return *err = "recipient too long", -1;
	if (str_copyn(r->status, sizeof r->status, f[1], len[1]) < 0 ||
	    !valid_status(r->status))
		return *err = "bad status code", -1;
	if (!clean_text(f[2], len[2]) || len[2] == 0 ||
	    str_copyn(r->diag, sizeof r->diag, f[2], len[2]) < 0)
		return *err = "bad diagnostic", -1;
	if (k > 3 && !(len[3] == 1 && f[3][0] == '-') &&
	    (!clean_text(f[3], len[3]) || memchr(f[3], ' ', len[3]) ||
	    str_copyn(r->remote, sizeof r->remote, f[3], len[3]) < 0))
		return *err = "bad remote MTA", -1;
	if (k > 4 && parse_last(f[4], len[4], &r->last) < 0)
		return *err = "bad last-attempt time", -1;
	return 0;
}

int
dsn_add_line(struct dsn *d, const char *s, size_t n, const char **err)
{
	struct dsn_rcpt *nr;
	size_t cap, bytes;

	if (d->n == d->cap) {
		cap = d->cap ? d->cap * 2 : 8;
		if (size_mul(cap, sizeof *d->r, &bytes) < 0 ||
		    (nr = realloc(d->r, bytes)) == NULL)
			return *err = "out of memory", -1;
		d->r = nr;
		d->cap = cap;
	}
	if (dsn_parse_record(s, n, &d->r[d->n], err) < 0)
		return -1;
	d->n++;
	return 0;
}

/* Field text: control bytes become spaces, 8-bit bytes '?'. */
static int
add_clean(struct buf *out, const char *s)
{
	unsigned char c;

	for (; *s; s++) {
		c = (unsigned char)*s;
		if (buf_addc(out, c < 0x20 ? ' ' : c >= 0x7f ? '?' : *s) < 0)
			return -1;
	}
	return 0;
}

int
dsn_format_record(const struct dsn_rcpt *r, struct buf *out)
{
	if (add_clean(out, r->rcpt) < 0 || buf_addc(out, '\t') < 0 ||
	    add_clean(out, r->status) < 0 || buf_addc(out, '\t') < 0 ||
	    add_clean(out, r->diag[0] ? r->diag : "x-unix; unknown") < 0 ||
	    buf_addc(out, '\t') < 0 ||
	    add_clean(out, r->remote[0] ? r->remote : "-") < 0)
		return -1;
	if (r->last > 0)
		return buf_addf(out, "\t%lld\n", (long long)r->last);
	return buf_adds(out, "\t-\n");
}
