/*
 * sasl: the SASL PLAIN message (RFC 4616) shared by SMTP AUTH and POP3
 * AUTH: "authzid NUL authcid NUL passwd", after base64 decoding.
 *
 * sasl_plain_decode() takes the base64 text the client sent, decodes it
 * strictly and splits it.  An authzid, when present, must equal the
 * authcid (mailkit has no proxy authorization).  0, or -1 with *err set:
 * "bad base64", "malformed PLAIN message", "authorization identity not
 * allowed".  The password is wiped from the decode buffer by
 * sasl_plain_free().
 */
#ifndef MAILKIT_SASL_H
#define MAILKIT_SASL_H

#include <stddef.h>
#include "buf.h"

struct sasl_plain {
	struct buf raw;		/* decoded bytes; fields point into it */
	const char *user;
	const char *password;
};

int sasl_plain_decode(const char *b64, size_t n, struct sasl_plain *sp,
    const char **err);
void sasl_plain_free(struct sasl_plain *sp);

/* Wipe n bytes so the compiler cannot drop the stores. */
void mem_wipe(void *p, size_t n);

#endif
