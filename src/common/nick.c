/*
 * nick.c: nick validation. The character classes are those of Unicode's
 * general categories Cc, Cf, Zs, Zl and Zp, listed here in ranges, because
 * the C library's classes depend on the locale and the server runs in "C".
 */
#include "common.h"

#include <stdint.h>

#include "nick.h"
#include "utf8.h"

struct range {
	int32_t	lo, hi;
};

/* Cc, Cf, Zs, Zl, Zp (Unicode 15). */
static const struct range forbidden[] = {
	{ 0x0000, 0x0020 }, { 0x007F, 0x00A0 }, { 0x00AD, 0x00AD },
	{ 0x0600, 0x0605 }, { 0x061C, 0x061C }, { 0x06DD, 0x06DD },
	{ 0x070F, 0x070F }, { 0x0890, 0x0891 }, { 0x08E2, 0x08E2 },
	{ 0x1680, 0x1680 }, { 0x180E, 0x180E }, { 0x2000, 0x200F },
	{ 0x2028, 0x202F }, { 0x205F, 0x2064 }, { 0x2066, 0x206F },
	{ 0x3000, 0x3000 }, { 0xFEFF, 0xFEFF }, { 0xFFF9, 0xFFFB },
	{ 0x110BD, 0x110BD }, { 0x110CD, 0x110CD }, { 0x13430, 0x1343F },
	{ 0x1BCA0, 0x1BCA3 }, { 0x1D173, 0x1D17A }, { 0xE0001, 0xE0001 },
	{ 0xE0020, 0xE007F },
};

static int
is_forbidden(int32_t cp)
{
	size_t	i;

	if (cp == ':')
		return 1;
	for (i = 0; i < ARRAY_SIZE(forbidden); i++) {
		if (cp >= forbidden[i].lo && cp <= forbidden[i].hi)
			return 1;
	}
	return 0;
}

enum nick_error
nick_check(const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 n, chars = 0;
	int32_t			 cp;

	if (len == 0)
		return NICK_EMPTY;
	if (s[0] == '#')
		return NICK_ROOM_PREFIX;
	while (len > 0) {
		n = utf8_decode(u, len, &cp);
		if (cp == UTF8_INVALID)
			return NICK_BAD_UTF8;
		if (is_forbidden(cp))
			return NICK_BAD_CHAR;
		if (++chars > NICK_MAX_CHARS)
			return NICK_TOO_LONG;
		u += n;
		len -= n;
	}
	return NICK_OK;
}

const char *
nick_error_text(enum nick_error e)
{
	switch (e) {
	case NICK_OK:
		return "ok";
	case NICK_EMPTY:
		return "a nick needs at least one character";
	case NICK_TOO_LONG:
		return "a nick has at most 32 characters";
	case NICK_BAD_CHAR:
		return "a nick may not hold spaces, controls, format "
		    "characters or ':'";
	case NICK_BAD_UTF8:
		return "a nick must be valid UTF-8";
	case NICK_ROOM_PREFIX:
		return "a nick may not start with '#', which names rooms";
	}
	return "invalid nick";
}

int
room_name_check(const char *s, size_t len)
{
	return len >= 2 && s[0] == '#' && nick_check(s + 1, len - 1) ==
	    NICK_OK;
}

const char *
room_name_error_text(void)
{
	return "a room's name is '#' and 1 to 32 characters, none of them a "
	    "space, control, format character or ':', nor a second '#'";
}
