/* ossl: OpenSSL loaded at first use; see include/ossl.h. */
#include <dlfcn.h>
#include <string.h>

#include "ossl.h"
#include "str.h"

#define OSSL_STR2(x) #x
#define OSSL_STR(x) OSSL_STR2(x)
#define OSSL_SONAME "libssl.so." OSSL_STR(OPENSSL_VERSION_MAJOR)

struct ossl ossl;

static int
load_all(char *err, size_t errsize)
{
	const char *why;
	void *lib, *p;

	lib = dlopen(OSSL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (lib == NULL) {
		why = dlerror();
		(void)str_fmt(err, errsize, "cannot load %s: %s", OSSL_SONAME,
		    why ? why : "unknown error");
		return -1;
	}
	/* dlsym() on the handle also searches libcrypto, which libssl
	 * needs and which came with it.  The memcpy is how POSIX lets an
	 * object pointer become a function pointer. */
#define OSSL_LOAD(f)							\
	if ((p = dlsym(lib, #f)) == NULL) {				\
		(void)str_fmt(err, errsize, "%s has no %s", OSSL_SONAME, #f); \
		return -1;						\
	}								\
	memcpy(&ossl.f, &p, sizeof p);
	OSSL_FUNCS(OSSL_LOAD)
#undef OSSL_LOAD
	return 0;
}

int
ossl_load(char *err, size_t errsize)
{
	static int state;	/* 0 not tried, 1 loaded, -1 failed */
	static char why[256];

	if (state == 0) {
		state = load_all(why, sizeof why) == 0 ? 1 : -1;
		if (state < 0)
			memset(&ossl, 0, sizeof ossl);
	}
	if (state < 0)
		(void)str_copy(err, errsize, why);
	return state > 0 ? 0 : -1;
}
