/*
 * base64.c: RFC 4648 base64 (section 4), encoding and a decoder that takes
 * only the canonical form: padded, no whitespace, zero unused bits.
 */
#include "common.h"

#include <stdint.h>

#include "base64.h"

static const char	alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t
base64_encode(const unsigned char *in, size_t len, char *out, size_t outsize)
{
	size_t		 need, i, o = 0;
	unsigned long	 v;

	if (len / 3 + 1 > (SIZE_MAX - 1) / 4)
		return 0;
	need = BASE64_ENCODED_LEN(len);
	if (outsize < need + 1)
		return 0;
	for (i = 0; i + 3 <= len; i += 3) {
		v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 |
		    in[i + 2];
		out[o++] = alphabet[v >> 18 & 0x3F];
		out[o++] = alphabet[v >> 12 & 0x3F];
		out[o++] = alphabet[v >> 6 & 0x3F];
		out[o++] = alphabet[v & 0x3F];
	}
	if (len - i == 1) {
		v = (unsigned long)in[i] << 16;
		out[o++] = alphabet[v >> 18 & 0x3F];
		out[o++] = alphabet[v >> 12 & 0x3F];
		out[o++] = '=';
		out[o++] = '=';
	} else if (len - i == 2) {
		v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8;
		out[o++] = alphabet[v >> 18 & 0x3F];
		out[o++] = alphabet[v >> 12 & 0x3F];
		out[o++] = alphabet[v >> 6 & 0x3F];
		out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

/* The six bits that C stands for, or -1. */
static int
sextet(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
base64_decode(const char *in, size_t len, unsigned char *out, size_t outsize,
    size_t *outlen)
{
	size_t	i, j, o = 0, pad = 0;
	int	s;

	if (len % 4 != 0)
		return -1;
	if (len > 0 && in[len - 1] == '=')
		pad = in[len - 2] == '=' ? 2 : 1;
	if (len / 4 * 3 - pad > outsize)
		return -1;
	for (i = 0; i < len; i += 4) {
		/* '=' only as the last one or two of the last group. */
		size_t		n = i + 4 == len ? 4 - pad : 4;
		unsigned long	v = 0;

		for (j = 0; j < n; j++) {
			if ((s = sextet(in[i + j])) == -1)
				return -1;
			v = v << 6 | (unsigned long)s;
		}
		v <<= 6 * (4 - n);
		out[o++] = (unsigned char)(v >> 16);
		if (n > 2)
			out[o++] = (unsigned char)(v >> 8 & 0xFF);
		if (n > 3)
			out[o++] = (unsigned char)(v & 0xFF);
		/* Bits the padding leaves unused must be zero. */
		if ((n == 2 && (v & 0xFFFF) != 0) || (n == 3 && (v & 0xFF) != 0))
			return -1;
	}
	*outlen = o;
	return 0;
}
