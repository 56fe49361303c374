/* mime_ctype: Content-Type values and their parameters; see mime.h. */
#include <string.h>

#include "mime.h"
#include "str.h"

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void
mime_content_type(const char *v, size_t n, char *type, size_t tsize)
{
	size_t i = 0, o = 0;

	while (i < n && is_space(v[i]))
		i++;
	while (i < n && v[i] != ';' && !is_space(v[i]) && o + 1 < tsize)
		type[o++] = v[i++];
	type[o] = '\0';
	str_lower(type, o);
	if (memchr(type, '/', o) == NULL)
		type[0] = '\0';
}

/* Copy a parameter value (quoted or token) at v[i..n) into out. */
static void
param_value(const char *v, size_t n, size_t i, char *out, size_t size)
{
	size_t o = 0;

	if (i < n && v[i] == '"') {
		for (i++; i < n && v[i] != '"'; i++) {
			if (v[i] == '\\' && i + 1 < n)
				i++;
			if (o + 1 < size)
				out[o++] = v[i];
		}
	} else
		while (i < n && v[i] != ';' && !is_space(v[i]) && o + 1 < size)
			out[o++] = v[i++];
	out[o] = '\0';
}

int
mime_param(const char *v, size_t n, const char *name, char *out, size_t size)
{
	size_t nl = strlen(name), i = 0;
	int quoted = 0;

	if (size == 0)
		return 0;
	for (; i < n; i++) {
		if (v[i] == '"')
			quoted = !quoted;
		if (quoted || v[i] != ';')
			continue;
		i++;
		while (i < n && is_space(v[i]))
			i++;
		if (n - i > nl && str_case_prefix(v + i, n - i, name)) {
			size_t j = i + nl;
			while (j < n && is_space(v[j]))
				j++;
			if (j < n && v[j] == '=') {
				j++;
				while (j < n && is_space(v[j]))
					j++;
				param_value(v, n, j, out, size);
				return 1;
			}
		}
		i--;
	}
	out[0] = '\0';
	return 0;
}
