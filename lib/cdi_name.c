#include "cdi.h"
#include "cdi_name.h"

#include <ctype.h>
#include <string.h>

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* @s[0..n) starts as @first says, ends with a letter or digit, and has
 * only letters, digits and the bytes of @inner in between. */
static bool word(const char *s, size_t n, bool (*first)(char), const char *inner)
{
	if (n == 0 || !first(s[0]) || !is_alnum(s[n - 1]))
		return false;
	for (size_t i = 1; i + 1 < n; i++)
		if (!is_alnum(s[i]) && (s[i] == '\0' || !strchr(inner, s[i])))
			return false;
	return true;
}

bool cdi_is_vendor_or_class(const char *s, size_t n, size_t max)
{
	return n <= max && word(s, n, is_letter, "_-.");
}

bool cdi_is_device_name(const char *s, size_t n)
{
	return word(s, n, is_alnum, "_-.:");
}

bool cdi_is_kind(const char *s, size_t n)
{
	const char *slash = memchr(s, '/', n);
	size_t v;

	if (!slash)
		return false;
	v = (size_t)(slash - s);
	return cdi_is_vendor_or_class(s, v, CDI_VENDOR_MAX) &&
	       cdi_is_vendor_or_class(slash + 1, n - v - 1, CDI_CLASS_MAX);
}

bool cdi_is_qualified_name(const char *s)
{
	size_t n = s ? strnlen(s, CDI_NAME_MAX) : 0;
	const char *eq;

	if (n == 0 || n >= CDI_NAME_MAX)
		return false;
	eq = memchr(s, '=', n);
	if (!eq)
		return false;
	return cdi_is_kind(s, (size_t)(eq - s)) &&
	       cdi_is_device_name(eq + 1, n - (size_t)(eq - s) - 1);
}

bool cdi_is_ifname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= 16 || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == ':' || isspace((unsigned char)s[i]))
			return false;
	return true;
}
