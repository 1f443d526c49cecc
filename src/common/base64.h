/*
 * base64.h: the standard base64 alphabet of RFC 4648, padded, with a
 * strict decoder: what one side writes, the other reads back, and nothing
 * else reads as the same bytes.
 */
#ifndef TSCHAT_BASE64_H
#define TSCHAT_BASE64_H

#include <stddef.h>

/* The characters that LEN bytes encode to, without the NUL. */
#define BASE64_ENCODED_LEN(len)	((((len) + 2) / 3) * 4)

/*
 * Write the base64 of LEN bytes of IN to OUT, OUTSIZE bytes, terminated:
 * the length written, or 0 (and OUT untouched) when OUTSIZE is too small.
 */
size_t	base64_encode(const unsigned char *in, size_t len, char *out,
	    size_t outsize);

/*
 * Decode LEN characters of IN into OUT, OUTSIZE bytes, setting *OUTLEN.
 * The input must be whole groups of four, padded with '=', with no
 * whitespace, and unused bits of the last group zero (so that one string
 * decodes to given bytes, not several); -1 otherwise, or when OUT is too
 * small (OUT may then hold part of the bytes).
 */
int	base64_decode(const char *in, size_t len, unsigned char *out,
	    size_t outsize, size_t *outlen);

#endif
