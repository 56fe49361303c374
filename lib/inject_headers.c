/* inject_headers: header fields a message must have (Date:, Message-ID:,
 * From:) when the submitter left them out; see include/inject.h. */
#include <string.h>

#include "header.h"
#include "inject.h"
#include "smtp_received.h"

/* A display name as an atom phrase or a quoted string. */
static int
add_phrase(struct buf *out, const char *name)
{
	const char *p;
	int plain = 1;

	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == ' ' || *p == '-' ||
		    *p == '.'))
			plain = 0;
	if (plain)
		return buf_adds(out, name);
	if (buf_addc(out, '"') < 0)
		return -1;
	for (p = name; *p; p++) {
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			continue;
		if ((*p == '"' || *p == '\\') && buf_addc(out, '\\') < 0)
			return -1;
		if (buf_addc(out, *p) < 0)
			return -1;
	}
	return buf_addc(out, '"');
}

static int
add_from(const struct inject_hdr *h, struct buf *out)
{
	if (h->fullname == NULL || *h->fullname == '\0')
		return buf_addf(out, "From: %s%s", h->from, h->eol);
	if (buf_adds(out, "From: ") < 0 || add_phrase(out, h->fullname) < 0)
		return -1;
	return buf_addf(out, " <%s>%s", h->from, h->eol);
}

int
inject_headers(const char *hdr, size_t n, const struct inject_hdr *h,
    struct buf *out)
{
	struct hdr_field f;
	char date[64];

	if (!hdr_find(hdr, n, "Date", &f)) {
		if (received_date(h->when, date, sizeof date) < 0 ||
		    buf_addf(out, "Date: %s%s", date, h->eol) < 0)
			return -1;
	}
	if (!hdr_find(hdr, n, "Message-ID", &f) &&
	    buf_addf(out, "Message-ID: <%s@%s>%s", h->id, h->me, h->eol) < 0)
		return -1;
	if (h->from != NULL && !hdr_find(hdr, n, "From", &f) &&
	    add_from(h, out) < 0)
		return -1;
	return 0;
}
