/*
 * base64: RFC 4648 encoding and strict decoding.
 *
 * b64_decode() refuses anything that is not canonical base64: characters
 * outside the alphabet (white space included), a length that is not a
 * multiple of 4, misplaced '=' padding, non-zero bits in the padding.
 * Appends to out; 0 or -1 (errno EINVAL, or ENOMEM).
 */
#ifndef MAILKIT_BASE64_H
#define MAILKIT_BASE64_H

#include <stddef.h>
#include "buf.h"

int b64_decode(const char *in, size_t n, struct buf *out);
/* The 6-bit value of one base64 character, or -1 outside the alphabet
 * (also for lenient decoders such as MIME's). */
int b64_value(unsigned char c);
int b64_encode(const void *in, size_t n, struct buf *out);

#endif
