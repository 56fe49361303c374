/* mime_walk: the entity tree of a message, bounded; see include/mime.h. */
#include <errno.h>
#include <string.h>

#include "header.h"
#include "mime.h"
#include "str.h"

struct walk {
	const struct mime_limits *lim;
	mime_fn fn;
	void *arg;
	size_t parts, decoded;
	int trunc, stop, ret;
};

struct ent {
	char type[MIME_TYPE_MAX];
	char charset[64];
	char cte[32];
	char filename[128];
	char boundary[MIME_PARAM_MAX];
};

static void
parse_field(struct ent *e, const struct hdr_field *f)
{
	char v[1024];
	size_t n = hdr_unfold(f->value, f->value_len, v, sizeof v);

	if (hdr_name_is(f, "Content-Type")) {
		mime_content_type(v, n, e->type, sizeof e->type);
		mime_param(v, n, "charset", e->charset, sizeof e->charset);
		str_lower(e->charset, strlen(e->charset));
		mime_param(v, n, "boundary", e->boundary, sizeof e->boundary);
		if (!e->filename[0])
			mime_param(v, n, "name", e->filename,
			    sizeof e->filename);
	} else if (hdr_name_is(f, "Content-Transfer-Encoding")) {
		str_copyn(e->cte, sizeof e->cte, v, strcspn(v, " \t;"));
		str_lower(e->cte, strlen(e->cte));
	} else if (hdr_name_is(f, "Content-Disposition"))
		mime_param(v, n, "filename", e->filename, sizeof e->filename);
}

static void
parse_header(struct ent *e, const char *p, size_t n, const char *deftype)
{
	struct hdr_field f;
	size_t off = 0;
	const char *lf;
	int r;

	memset(e, 0, sizeof *e);
	while ((r = hdr_next(p, n, &off, &f)) != 0) {
		if (r < 0) {	/* "From " line or junk: skip the line */
			lf = memchr(p + off, '\n', n - off);
			if (lf == NULL)
				break;
			off = (size_t)(lf - p) + 1;
			continue;
		}
		parse_field(e, &f);
	}
	if (!e->type[0])
		str_copy(e->type, sizeof e->type, deftype);
}

/* Find the next delimiter line "--boundary" at or after from.  Returns 1
 * with *start (where the line break before it begins), *next (just past
 * the delimiter line) and *close set, or 0. */
static int
next_delim(const char *p, size_t n, size_t from, const char *b, size_t bl,
    size_t *start, size_t *next, int *close)
{
	size_t i = from, at;
	const char *q, *lf;

	for (;;) {
		if (i == 0 && n >= bl + 2 && p[0] == '-' && p[1] == '-' &&
		    memcmp(p + 2, b, bl) == 0)
			at = 0, *start = 0;
		else {
			q = i < n ? memmem(p + i, n - i, "\n--", 3) : NULL;
			if (q == NULL)
				return 0;
			at = (size_t)(q - p) + 1;
			i = at;
			if (n - at < bl + 2 || memcmp(p + at + 2, b, bl) != 0)
				continue;
			*start = at - 1;
			if (*start > 0 && p[*start - 1] == '\r')
				(*start)--;
		}
		*close = n - at >= bl + 4 && p[at + bl + 2] == '-' &&
		    p[at + bl + 3] == '-';
		lf = memchr(p + at, '\n', n - at);
		*next = lf ? (size_t)(lf - p) + 1 : n;
		return 1;
	}
}

static int
is_text(const char *type)
{
	return strncmp(type, "text/", 5) == 0;
}

static int entity(struct walk *w, const char *p, size_t n, size_t depth,
    const char *deftype, int in_alt, int alt_plain);

static int
decode_text(struct walk *w, const struct ent *e, const char *body, size_t n,
    struct buf *out)
{
	struct buf raw = BUF_INIT;
	size_t left = w->lim->max_decoded - w->decoded, take;
	int r;

	take = n;
	if (take / 2 > left + 64) {	/* bound the work on huge parts */
		take = left * 2 + 128;
		w->trunc |= MIME_TRUNC_DECODED;
	}
	if (strcmp(e->cte, "base64") == 0)
		r = mime_b64_decode(body, take, &raw);
	else if (strcmp(e->cte, "quoted-printable") == 0)
		r = mime_qp_decode(body, take, &raw);
	else
		r = buf_add(&raw, body, take);
	if (r == 0)
		r = mime_to_utf8(e->charset, raw.s ? raw.s : "", raw.len, out);
	buf_free(&raw);
	if (r == 0 && out->len > left) {
		buf_truncate(out, left);
		w->trunc |= MIME_TRUNC_DECODED;
	}
	if (r == 0)
		w->decoded += out->len;
	return r;
}

static int
leaf(struct walk *w, const struct ent *e, const char *hdr, size_t hl,
    const char *body, size_t bl, size_t depth, int in_alt, int alt_plain)
{
	struct mime_part mp;
	struct buf text = BUF_INIT;
	int r = 0;

	if (++w->parts > w->lim->max_parts) {
		w->trunc |= MIME_TRUNC_PARTS;
		w->stop = 1;
		return 0;
	}
	memset(&mp, 0, sizeof mp);
	mp.hdr = hdr, mp.hdr_len = hl;
	mp.type = e->type, mp.charset = e->charset, mp.cte = e->cte;
	mp.filename = e->filename;
	mp.raw_len = bl, mp.depth = depth;
	mp.in_alternative = in_alt, mp.alt_has_plain = alt_plain;
	if (is_text(e->type) && !e->filename[0] &&
	    w->decoded < w->lim->max_decoded) {
		if (decode_text(w, e, body, bl, &text) < 0)
			return -1;
		mp.text = text.s ? text.s : "";
		mp.text_len = text.len;
	}
	r = w->fn(w->arg, &mp);
	buf_free(&text);
	if (r != 0) {
		w->stop = 1;
		w->ret = r;
	}
	return 0;
}

/* Does any child of this multipart have type text/plain? */
static int
alt_plain(const char *p, size_t n, const char *b, size_t bl, size_t max)
{
	size_t from = 0, s, nx, s2, nx2, k = 0;
	int close, close2;
	struct ent e;

	if (!next_delim(p, n, 0, b, bl, &s, &nx, &close))
		return 0;
	while (!close && k++ < max) {
		from = nx;
		if (!next_delim(p, n, from, b, bl, &s2, &nx2, &close2))
			s2 = n, close2 = 1;
		parse_header(&e, p + from, hdr_block_len(p + from, s2 - from),
		    "text/plain");
		if (strcmp(e.type, "text/plain") == 0)
			return 1;
		nx = nx2, close = close2;
	}
	return 0;
}

static int
multipart(struct walk *w, const struct ent *e, const char *p, size_t n,
    size_t depth)
{
	const char *b = e->boundary;
	size_t bl = strlen(b), s, nx, s2, nx2, from;
	int close, close2, alt, plain = 0, r;
	const char *deftype;

	alt = strcmp(e->type, "multipart/alternative") == 0;
	if (alt)
		plain = alt_plain(p, n, b, bl, w->lim->max_parts);
	deftype = strcmp(e->type, "multipart/digest") == 0 ?
	    "message/rfc822" : "text/plain";
	if (!next_delim(p, n, 0, b, bl, &s, &nx, &close))
		return 0;
	while (!close && !w->stop) {
		from = nx;
		if (!next_delim(p, n, from, b, bl, &s2, &nx2, &close2))
			s2 = n, nx2 = n, close2 = 1;
		r = entity(w, p + from, s2 - from, depth + 1, deftype, alt,
		    plain);
		if (r < 0)
			return -1;
		nx = nx2, close = close2;
	}
	return 0;
}

static int
entity(struct walk *w, const char *p, size_t n, size_t depth,
    const char *deftype, int in_alt, int plain)
{
	struct ent e;
	size_t hl = hdr_block_len(p, n);

	parse_header(&e, p, hl, deftype);
	if (strncmp(e.type, "multipart/", 10) == 0 && e.boundary[0]) {
		if (depth < w->lim->max_depth)
			return multipart(w, &e, p + hl, n - hl, depth);
		w->trunc |= MIME_TRUNC_DEPTH;
		return 0;
	}
	if (strcmp(e.type, "message/rfc822") == 0 && !e.cte[0]) {
		if (depth < w->lim->max_depth)
			return entity(w, p + hl, n - hl, depth + 1,
			    "text/plain", 0, 0);
		w->trunc |= MIME_TRUNC_DEPTH;
		return 0;
	}
	if (strncmp(e.type, "multipart/", 10) == 0)	/* no boundary */
		str_copy(e.type, sizeof e.type, "text/plain");
	return leaf(w, &e, p, hl, p + hl, n - hl, depth, in_alt, plain);
}

int
mime_walk(const char *msg, size_t n, const struct mime_limits *lim,
    mime_fn fn, void *arg)
{
	struct walk w;

	memset(&w, 0, sizeof w);
	w.lim = lim, w.fn = fn, w.arg = arg;
	if (entity(&w, msg, n, 0, "text/plain", 0, 0) < 0) {
		errno = ENOMEM;
		return -1;
	}
	return w.ret ? w.ret : w.trunc;
}
