/* password: {SCHEME}hash verification and hashing through crypt(3). */
#include <crypt.h>
#include <errno.h>
#include <string.h>

#include "account.h"
#include "str.h"

static const char *const crypt_schemes[] = {
	"{SHA512-CRYPT}", "{SHA256-CRYPT}", "{BLF-CRYPT}", "{YESCRYPT}",
	"{CRYPT}", NULL
};

static const char *
crypt_hash_of(const char *stored)
{
	size_t n;
	int i;

	for (i = 0; crypt_schemes[i] != NULL; i++) {
		n = strlen(crypt_schemes[i]);
		if (str_case_prefix(stored, strlen(stored), crypt_schemes[i]))
			return stored + n;
	}
	return NULL;
}

int
password_verify(const char *stored, const char *password)
{
	struct crypt_data cd;
	const char *hash, *out;
	size_t hn;

	if (str_case_prefix(stored, strlen(stored), "{PLAIN}")) {
		hash = stored + 7;
		hn = strlen(hash);
		/* length leaks; contents do not */
		return strlen(password) == hn &&
		    mem_equal_ct(hash, password, hn);
	}
	hash = crypt_hash_of(stored);
	if (hash == NULL || hash[0] != '$')
		return 0;
	memset(&cd, 0, sizeof cd);
	out = crypt_r(password, hash, &cd);
	if (out == NULL || out[0] == '*')
		return 0;
	hn = strlen(hash);
	return strlen(out) == hn && mem_equal_ct(out, hash, hn);
}

int
password_hash(const char *password, char *out, size_t size)
{
	struct crypt_data cd;
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	const char *h;

	if (crypt_gensalt_rn("$6$", 0, NULL, 0, salt, sizeof salt) == NULL)
		return -1;
	memset(&cd, 0, sizeof cd);
	h = crypt_r(password, salt, &cd);
	if (h == NULL || h[0] == '*')
		return errno = EINVAL, -1;
	return str_fmt(out, size, "{SHA512-CRYPT}%s", h);
}
