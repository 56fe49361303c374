/* mime_decode: base64 and quoted-printable; see include/mime.h. */
#include "base64.h"
#include "mime.h"

int
mime_b64_decode(const char *in, size_t n, struct buf *out)
{
	unsigned long acc = 0;
	int bits = 0, v;
	size_t i;

	if (buf_reserve(out, n / 4 * 3 + 3) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (in[i] == '=')
			break;
		v = b64_value((unsigned char)in[i]);
		if (v < 0)
			continue;
		acc = (acc << 6 | (unsigned long)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (buf_addc(out, (char)(acc >> bits & 0xff)) < 0)
				return -1;
		}
	}
	return 0;
}

static int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Length of "=" followed by optional blanks and a line break, or 0. */
static size_t
soft_break(const char *p, size_t n)
{
	size_t i = 1;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i < n && p[i] == '\r')
		i++;
	if (i < n && p[i] == '\n')
		return i + 1;
	return i == n ? n : 0;
}

int
mime_qp_decode(const char *in, size_t n, struct buf *out)
{
	size_t i = 0, k;
	int hi, lo;

	if (buf_reserve(out, n) < 0)
		return -1;
	while (i < n) {
		if (in[i] != '=') {
			if (buf_addc(out, in[i++]) < 0)
				return -1;
			continue;
		}
		if ((k = soft_break(in + i, n - i)) > 0) {
			i += k;
			continue;
		}
		hi = i + 1 < n ? hex_value((unsigned char)in[i + 1]) : -1;
		lo = i + 2 < n ? hex_value((unsigned char)in[i + 2]) : -1;
		if (hi >= 0 && lo >= 0) {
			if (buf_addc(out, (char)(hi << 4 | lo)) < 0)
				return -1;
			i += 3;
		} else if (buf_addc(out, in[i++]) < 0)
			return -1;
	}
	return 0;
}
