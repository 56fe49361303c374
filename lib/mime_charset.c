/* mime_charset: charsets folded to UTF-8 with iconv; see include/mime.h. */
#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "mime.h"
#include "str.h"

static int
is_utf8_or_ascii(const char *cs)
{
	return cs[0] == '\0' || strcmp(cs, "us-ascii") == 0 ||
	    strcmp(cs, "utf-8") == 0 || strcmp(cs, "utf8") == 0 ||
	    strcmp(cs, "ascii") == 0;
}

/* Convert with cd; on an invalid sequence copy one byte and go on. */
static int
convert(iconv_t cd, const char *in, size_t n, struct buf *out)
{
	char *ip = (char *)in, *op;
	size_t il = n, ol, room;

	while (il > 0) {
		if (buf_reserve(out, il * 4 + 16) < 0)
			return -1;
		room = out->cap - out->len - 1;
		op = out->s + out->len;
		ol = room;
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 &&
		    errno != E2BIG) {
			out->len += room - ol;
			if (errno == EINVAL)	/* truncated at the end */
				il = 0;
			else if (il > 0) {
				out->s[out->len++] = *ip++;
				il--;
			}
			out->s[out->len] = '\0';
			continue;
		}
		out->len += room - ol;
		out->s[out->len] = '\0';
	}
	return 0;
}

int
mime_to_utf8(const char *charset, const char *in, size_t n, struct buf *out)
{
	iconv_t cd;
	int r;

	if (is_utf8_or_ascii(charset))
		return buf_add(out, in, n);
	cd = iconv_open("UTF-8", charset);
	if (cd == (iconv_t)-1)
		return buf_add(out, in, n);
	r = convert(cd, in, n, out);
	iconv_close(cd);
	return r;
}
