/*
 * pin.c: key pins between their 32 bytes and their text, "sha256:" and
 * 44 characters of base64, exactly: a pin has one spelling.
 */
#include "common.h"

#include <string.h>

#include "base64.h"
#include "pin.h"

#define PIN_PREFIX_LEN	(sizeof(PIN_PREFIX) - 1)

_Static_assert(PIN_STRLEN ==
    PIN_PREFIX_LEN + BASE64_ENCODED_LEN(PIN_BYTES) + 1,
    "PIN_STRLEN is the prefix, the base64 and a NUL");

void
pin_format(const unsigned char d[PIN_BYTES], char out[PIN_STRLEN])
{
	memcpy(out, PIN_PREFIX, PIN_PREFIX_LEN);
	(void)base64_encode(d, PIN_BYTES, out + PIN_PREFIX_LEN,
	    PIN_STRLEN - PIN_PREFIX_LEN);
}

int
pin_parse(const char *s, size_t len, unsigned char d[PIN_BYTES])
{
	size_t	n;

	if (len != PIN_STRLEN - 1 ||
	    memcmp(s, PIN_PREFIX, PIN_PREFIX_LEN) != 0)
		return -1;
	if (base64_decode(s + PIN_PREFIX_LEN, len - PIN_PREFIX_LEN, d,
	    PIN_BYTES, &n) == -1 || n != PIN_BYTES)
		return -1;
	return 0;
}
