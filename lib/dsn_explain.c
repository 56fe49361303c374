/* dsn_explain: status codes in words a sender understands; see
 * include/dsn.h. */
#include <string.h>

#include "dsn.h"

struct explain {
	const char *prefix;
	const char *text;
};

/* Most specific first: the first prefix that matches wins. */
static const struct explain table[] = {
	{ "4.4.7", "The message could not be delivered for several days, "
	    "so the mail system gave up trying." },
	{ "5.1.10", "The recipient's domain has announced that it does not "
	    "accept any mail (null MX)." },
	{ "5.1.1", "The address does not exist at the receiving mail system. "
	    "Please check the spelling of the address." },
	{ "5.1.2", "The domain name of the address does not exist. Please "
	    "check the part of the address after the @ sign." },
	{ "5.1.3", "The address is not written correctly." },
	{ "5.2.2", "The recipient's mailbox is full." },
	{ "5.2.3", "The message is larger than the recipient's mail system "
	    "accepts." },
	{ "5.3.4", "The message is larger than the receiving mail system "
	    "accepts." },
	{ "5.4.4", "No mail server could be found for the recipient's "
	    "domain." },
	{ "5.4.6", "The message was caught in a mail routing loop." },
	{ "5.7.", "The receiving mail system refused the message for "
	    "security or policy reasons (for example, it looked like "
	    "spam)." },
	{ "5.", "The receiving mail system refused the message "
	    "permanently." },
	{ "4.", "The receiving mail system could not accept the message "
	    "yet; delivery is still being retried." },
	{ "2.", "The message was delivered." },
};

const char *
dsn_explain(const char *status)
{
	size_t i, n;

	for (i = 0; i < sizeof table / sizeof table[0]; i++) {
		n = strlen(table[i].prefix);
		if (strncmp(status, table[i].prefix, n) != 0)
			continue;
		/* "5.1.1" must not match "5.1.10" and the like. */
		if (table[i].prefix[n - 1] != '.' && status[n] != '\0')
			continue;
		if (table[i].text[0] != '\0')
			return table[i].text;
	}
	return "The message could not be delivered.";
}
