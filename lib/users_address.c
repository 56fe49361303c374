/* users_address: checking an address for an account of etc/users. */
#include <limits.h>
#include <string.h>

#include "account.h"
#include "addr.h"
#include "str.h"
#include "users_address.h"

int
users_address_check(const char *root, const char *s, char *out,
    size_t size, const char **why)
{
	char mb[PATH_MAX];
	struct addr a;

	if (addr_parse(s, strlen(s), 0, &a, why) < 0)
		return -1;
	*why = a.domain_len == 0 ? "no domain" :
	    strpbrk(a.local, "\":") != NULL ? "quotes and ':' not allowed" :
	    addr_format(&a, out, size) < 0 ? "too long" : NULL;
	if (*why != NULL)
		return -1;
	str_lower(out, strlen(out));
	if (account_mailbox_path(root, out, mb, sizeof mb) < 0) {
		*why = "unsafe as a mailbox name";
		return -1;
	}
	return 0;
}
