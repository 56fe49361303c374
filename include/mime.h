/*
 * mime: decode a MIME message held in memory, for scanners (the spam
 * scorer), with every bound explicit.
 *
 * Decoders append to a buf and never fail on bad input (bad bytes are
 * skipped, as mail clients do); they return -1 only when memory runs out.
 *
 *	mime_b64_decode(in, n, &out)	base64, ignoring line breaks and junk
 *	mime_qp_decode(in, n, &out)	quoted-printable, soft breaks removed
 *	mime_words_decode(in, n, &out)	RFC 2047 =?cs?B|Q?...?= words, to UTF-8
 *	mime_to_utf8(cs, in, n, &out)	charset to UTF-8 with iconv; unknown
 *					charsets and bad bytes are copied as is
 *
 * mime_walk() walks the entity tree of a message: multipart bodies are
 * split at their boundaries (nested up to lim->max_depth), message/rfc822
 * parts are entered, and for every leaf the callback gets a struct
 * mime_part with the leaf's header, its media type and, for text/...
 * leaves, the body decoded (transfer encoding and charset) to UTF-8,
 * at most lim->max_decoded bytes in total over the whole walk.  After
 * lim->max_parts leaves the walk stops.  mime_walk() returns a mask of
 * MIME_TRUNC_* bits saying which limits were hit, or -1 (ENOMEM), or the
 * callback's non-zero return value.
 */
#ifndef MAILKIT_MIME_H
#define MAILKIT_MIME_H

#include <stddef.h>
#include "buf.h"

int mime_b64_decode(const char *in, size_t n, struct buf *out);
int mime_qp_decode(const char *in, size_t n, struct buf *out);
int mime_words_decode(const char *in, size_t n, struct buf *out);
int mime_to_utf8(const char *charset, const char *in, size_t n,
    struct buf *out);

/* A Content-Type parsed: "type/subtype" lowercased, and a parameter. */
#define MIME_TYPE_MAX	64
#define MIME_PARAM_MAX	200
void mime_content_type(const char *v, size_t n, char *type, size_t tsize);
/* Value of parameter name (e.g. "boundary") into out; 1 found, 0 not. */
int mime_param(const char *v, size_t n, const char *name, char *out,
    size_t size);

struct mime_limits {
	size_t max_depth;	/* multipart nesting */
	size_t max_parts;	/* leaves visited */
	size_t max_decoded;	/* decoded text bytes, whole walk */
};

#define MIME_TRUNC_DEPTH	0x01
#define MIME_TRUNC_PARTS	0x02
#define MIME_TRUNC_DECODED	0x04

struct mime_part {
	const char *hdr;	/* the leaf's own header block */
	size_t hdr_len;
	const char *type;	/* "text/plain" (default), lowercase */
	const char *charset;	/* lowercase, "" when none */
	const char *cte;	/* transfer encoding, lowercase, "" when none */
	const char *filename;	/* "" when none */
	const char *text;	/* decoded UTF-8 for text leaves, else NULL */
	size_t text_len;
	size_t raw_len;		/* encoded body bytes */
	size_t depth;		/* 0 for a single-part message */
	int in_alternative;	/* inside multipart/alternative */
	int alt_has_plain;	/* that alternative has a text/plain */
};

typedef int (*mime_fn)(void *arg, const struct mime_part *p);

int mime_walk(const char *msg, size_t n, const struct mime_limits *lim,
    mime_fn fn, void *arg);

#endif
