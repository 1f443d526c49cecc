/*
 * utf8.h: decoding and encoding UTF-8, strictly (no overlongs, surrogates
 * or code points past U+10FFFF).
 */
#ifndef TSCHAT_UTF8_H
#define TSCHAT_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_INVALID	(-1)
#define UTF8_REPLACEMENT 0xFFFD

/*
 * Decode one character from S (LEN > 0 bytes). Return the number of bytes
 * it took, at least 1, and store the code point in *CP, or UTF8_INVALID for
 * an ill-formed sequence, in which case the count is that of its maximal
 * ill-formed prefix (so one U+FFFD replaces each, as Unicode recommends).
 */
size_t	utf8_decode(const unsigned char *s, size_t len, int32_t *cp);

/*
 * Return how many of LEN bytes of S are an incomplete but so far valid
 * sequence at its end (0 to 3): bytes to keep for the next read.
 */
size_t	utf8_incomplete_tail(const unsigned char *s, size_t len);

/* Encode CP into OUT (4 bytes of room); return the length, 1 to 4. */
size_t	utf8_encode(uint32_t cp, char *out);

/*
 * Return the longest prefix length <= MAX of S (LEN bytes) that does not
 * end inside a character: where to cut a line that is too long.
 */
size_t	utf8_cut(const char *s, size_t len, size_t max);

#endif
