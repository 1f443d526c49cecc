/*
 * utf8.c: a strict UTF-8 decoder, following the well-formed byte sequences
 * table of the Unicode standard (section 3.9), so that overlongs and
 * surrogates are refused as such.
 */
#include "common.h"

#include "utf8.h"

/* The valid range of the second byte for a lead byte B. */
static void
second_range(unsigned char b, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xBF;
	if (b == 0xE0)
		*lo = 0xA0;
	else if (b == 0xED)
		*hi = 0x9F;
	else if (b == 0xF0)
		*lo = 0x90;
	else if (b == 0xF4)
		*hi = 0x8F;
}

/* Return the length of the sequence that lead byte B starts, 0 if none. */
static size_t
lead_length(unsigned char b)
{
	if (b < 0x80)
		return 1;
	if (b >= 0xC2 && b <= 0xDF)
		return 2;
	if (b >= 0xE0 && b <= 0xEF)
		return 3;
	if (b >= 0xF0 && b <= 0xF4)
		return 4;
	return 0;
}

size_t
utf8_decode(const unsigned char *s, size_t len, int32_t *cp)
{
	unsigned char	 lo, hi;
	size_t		 n, i;
	int32_t		 v;

	n = lead_length(s[0]);
	if (n == 1) {
		*cp = s[0];
		return 1;
	}
	*cp = UTF8_INVALID;
	if (n == 0)
		return 1;
	v = s[0] & (0x7F >> n);
	second_range(s[0], &lo, &hi);
	for (i = 1; i < n; i++) {
		if (i >= len)
			return i;
		if (s[i] < lo || s[i] > hi)
			return i;
		v = (v << 6) | (s[i] & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = v;
	return n;
}

size_t
utf8_incomplete_tail(const unsigned char *s, size_t len)
{
	size_t	i, start, need, got;
	int32_t	cp;

	/* A sequence is at most 4 bytes: look for its lead in the last 3. */
	for (i = 1; i <= 3 && i <= len; i++) {
		start = len - i;
		if ((s[start] & 0xC0) == 0x80)
			continue;
		need = lead_length(s[start]);
		if (need <= i)
			return 0;
		got = utf8_decode(s + start, i, &cp);
		return got == i ? i : 0;
	}
	return 0;
}

size_t
utf8_encode(uint32_t cp, char *out)
{
	unsigned char	*o = (unsigned char *)out;

	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = UTF8_REPLACEMENT;
	if (cp < 0x80) {
		o[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = 0xC0 | (cp >> 6);
		o[1] = 0x80 | (cp & 0x3F);
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = 0xE0 | (cp >> 12);
		o[1] = 0x80 | ((cp >> 6) & 0x3F);
		o[2] = 0x80 | (cp & 0x3F);
		return 3;
	}
	o[0] = 0xF0 | (cp >> 18);
	o[1] = 0x80 | ((cp >> 12) & 0x3F);
	o[2] = 0x80 | ((cp >> 6) & 0x3F);
	o[3] = 0x80 | (cp & 0x3F);
	return 4;
}

size_t
utf8_cut(const char *s, size_t len, size_t max)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 k, back;

	if (len <= max)
		return len;
	/* Step back over at most 3 continuation bytes to a character start. */
	for (k = max, back = 0; k > 0 && back < 3; k--, back++) {
		if ((u[k] & 0xC0) != 0x80)
			return k;
	}
	return (u[k] & 0xC0) != 0x80 ? k : max;
}
