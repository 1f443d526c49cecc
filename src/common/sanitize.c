/*
 * sanitize.c: the one place that decides which characters may reach a
 * terminal. Used by the server for relayed text and its log, and by the
 * client for everything it shows.
 */
#include "common.h"

#include <stdio.h>
#include <string.h>

#include "sanitize.h"
#include "utf8.h"
#include "xmalloc.h"

int
sanitize_is_unsafe(int32_t cp)
{
	if (cp < 0x20 || cp == 0x7F)
		return 1;
	if (cp >= 0x80 && cp <= 0x9F)
		return 1;
	/* Bidi embeddings, overrides, isolates and marks. */
	if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
		return 1;
	if (cp == 0x200E || cp == 0x200F || cp == 0x061C)
		return 1;
	return 0;
}

size_t
sanitize(char *out, const char *in, size_t len, int keep_tab)
{
	const unsigned char	*s = (const unsigned char *)in;
	char			*o = out;
	size_t			 n;
	int32_t			 cp;

	while (len > 0) {
		if (s[0] >= 0x20 && s[0] < 0x7F) {
			*o++ = *s++;
			len--;
			continue;
		}
		n = utf8_decode(s, len, &cp);
		if (cp == UTF8_INVALID)
			o += utf8_encode(UTF8_REPLACEMENT, o);
		else if (cp == '\t' && keep_tab)
			*o++ = '\t';
		else if (cp < 0x20 || cp == 0x7F) {
			*o++ = '^';
			*o++ = cp == 0x7F ? '?' : (char)(cp + '@');
		} else if (sanitize_is_unsafe(cp)) {
			/* "<U+XXXX>" is 8 bytes, for at least 2 bytes in. */
			char	mark[16];

			snprintf(mark, sizeof mark, "<U+%04X>", (unsigned)cp);
			memcpy(o, mark, 8);
			o += 8;
		} else {
			memcpy(o, s, n);
			o += n;
		}
		s += n;
		len -= n;
	}
	return o - out;
}

char *
sanitize_str(const char *s)
{
	size_t	 len = strlen(s);
	char	*out;

	out = xmalloc(SANITIZE_MAX(len) + 1);
	out[sanitize(out, s, len, 0)] = '\0';
	return out;
}
