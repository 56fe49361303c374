/* sasl_plain: RFC 4616 PLAIN message; see include/sasl.h. */
#include <string.h>

#include "base64.h"
#include "sasl.h"

void
mem_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

int
sasl_plain_decode(const char *b64, size_t n, struct sasl_plain *sp,
    const char **err)
{
	const char *s, *authz, *user, *pw, *end;

	memset(sp, 0, sizeof *sp);
	if (b64_decode(b64, n, &sp->raw) < 0 || sp->raw.len == 0) {
		*err = "bad base64";
		sasl_plain_free(sp);	/* what decoded before the error */
		return -1;
	}
	s = sp->raw.s;
	end = s + sp->raw.len;
	authz = s;
	user = memchr(authz, '\0', (size_t)(end - authz));
	if (user == NULL)
		goto malformed;
	user++;
	pw = memchr(user, '\0', (size_t)(end - user));
	if (pw == NULL || pw == user)
		goto malformed;
	pw++;
	/* a third NUL would hide bytes from the password check */
	if (memchr(pw, '\0', (size_t)(end - pw)) != NULL)
		goto malformed;
	if (*authz != '\0' && strcmp(authz, user) != 0) {
		*err = "authorization identity not allowed";
		sasl_plain_free(sp);
		return -1;
	}
	sp->user = user;
	sp->password = pw;
	return 0;
malformed:
	*err = "malformed PLAIN message";
	sasl_plain_free(sp);
	return -1;
}

void
sasl_plain_free(struct sasl_plain *sp)
{
	if (sp->raw.s != NULL)
		mem_wipe(sp->raw.s, sp->raw.cap);
	buf_free(&sp->raw);
	sp->user = sp->password = NULL;
}
