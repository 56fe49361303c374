/* base64: RFC 4648, strict; see include/base64.h. */
#include <errno.h>

#include "base64.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decode one quantum of 4 characters; last says whether padding may
 * appear.  Bytes produced, or -1. */
static int
quantum(const char *q, int last, unsigned char out[3])
{
	int v[4], i, pad = 0;

	for (i = 0; i < 4; i++) {
		if (q[i] == '=' && last && i >= 2) {
			pad++;
			v[i] = 0;
			continue;
		}
		if (pad > 0 || (v[i] = b64_value((unsigned char)q[i])) < 0)
			return -1;
	}
	out[0] = (unsigned char)(v[0] << 2 | v[1] >> 4);
	out[1] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
	out[2] = (unsigned char)((v[2] & 3) << 6 | v[3]);
	/* the bits the padding hides must be zero (canonical encoding) */
	if ((pad == 1 && (v[2] & 3)) || (pad == 2 && (v[1] & 15)))
		return -1;
	return 3 - pad;
}

int
b64_decode(const char *in, size_t n, struct buf *out)
{
	unsigned char b[3];
	size_t i;
	int k;

	if (n % 4 != 0)
		return errno = EINVAL, -1;
	for (i = 0; i < n; i += 4) {
		k = quantum(in + i, i + 4 == n, b);
		if (k < 0)
			return errno = EINVAL, -1;
		if (buf_add(out, b, (size_t)k) < 0)
			return -1;
	}
	return 0;
}

int
b64_encode(const void *in, size_t n, struct buf *out)
{
	const unsigned char *p = in;
	char q[4];
	size_t i;

	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = alphabet[v >> 18 & 63];
		q[1] = alphabet[v >> 12 & 63];
		q[2] = i + 1 < n ? alphabet[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? alphabet[v & 63] : '=';
		if (buf_add(out, q, 4) < 0)
			return -1;
	}
	return 0;
}
