/*
 * fuzz_sanitize.c: the terminal sanitiser (sanitize.c) and the UTF-8
 * decoder under it (utf8.c). Invariants: the output fits SANITIZE_MAX; it
 * is valid UTF-8 with no character a terminal would act on (TAB only when
 * asked for); it is a fixed point (sanitising it again changes nothing);
 * printable ASCII passes unchanged. The decoder takes 1 to LEN bytes, and
 * what it accepts encodes back to the same bytes (no overlong forms, no
 * surrogates); utf8_cut and utf8_incomplete_tail never split a character.
 */
#include "common.h"

#include "sanitize.h"
#include "utf8.h"

#include "fuzz.h"

static void
check_safe(const char *out, size_t n, int keep_tab)
{
	const unsigned char	*u = (const unsigned char *)out;
	size_t			 off = 0, k;
	int32_t			 cp;

	while (off < n) {
		k = utf8_decode(u + off, n - off, &cp);
		CHECK(cp != UTF8_INVALID, "invalid UTF-8 out, at byte %zu", off);
		CHECK(!sanitize_is_unsafe(cp) || (cp == '\t' && keep_tab),
		    "U+%04X came out at byte %zu", (unsigned)cp, off);
		off += k;
	}
}

static void
check_sanitize(const char *in, size_t len, int keep_tab)
{
	char	*out, *again;
	size_t	 n, m, i, j;

	out = malloc(SANITIZE_MAX(len) + 1);
	if (out == NULL)
		abort();
	n = sanitize(out, in, len, keep_tab);
	CHECK(n <= SANITIZE_MAX(len), "%zu bytes out for %zu in", n, len);
	check_safe(out, n, keep_tab);

	/* Sanitised text is safe already: it passes unchanged. */
	again = malloc(SANITIZE_MAX(n) + 1);
	if (again == NULL)
		abort();
	m = sanitize(again, out, n, keep_tab);
	CHECK(m == n && memcmp(out, again, n) == 0,
	    "not idempotent: %zu bytes, then %zu", n, m);
	free(again);

	/* Printable ASCII is kept, in order: it is a subsequence. */
	for (i = j = 0; i < len; i++) {
		if (in[i] < 0x20 || in[i] >= 0x7F)
			continue;
		while (j < n && out[j] != in[i])
			j++;
		CHECK(j < n, "the printable byte %zu ('%c') was lost", i, in[i]);
		j++;
	}
	free(out);
}

/* utf8_cut(MAX) is at most MAX and falls inside no valid character. */
static void
check_cut(const unsigned char *s, size_t len, size_t max)
{
	size_t	cut = utf8_cut((const char *)s, len, max), off = 0, n;
	int32_t	cp;

	CHECK(cut <= max, "utf8_cut(%zu) gave %zu", max, cut);
	CHECK(cut + 3 >= max, "utf8_cut(%zu) went back to %zu", max, cut);
	while (off < cut) {
		n = utf8_decode(s + off, len - off, &cp);
		CHECK(cp == UTF8_INVALID || off + n <= cut,
		    "utf8_cut(%zu) gave %zu, inside the character at %zu",
		    max, cut, off);
		off += n;
	}
}

static void
check_utf8(const unsigned char *s, size_t len)
{
	char	 enc[4];
	size_t	 off = 0, n, k, tail;
	int32_t	 cp;

	while (off < len) {
		n = utf8_decode(s + off, len - off, &cp);
		CHECK(n >= 1 && n <= 4 && n <= len - off,
		    "utf8_decode took %zu of %zu bytes", n, len - off);
		if (cp != UTF8_INVALID) {
			CHECK(cp >= 0 && cp <= 0x10FFFF &&
			    !(cp >= 0xD800 && cp <= 0xDFFF),
			    "decoded U+%04X", (unsigned)cp);
			k = utf8_encode((uint32_t)cp, enc);
			CHECK(k == n && memcmp(enc, s + off, n) == 0,
			    "U+%04X from %zu bytes encodes to %zu",
			    (unsigned)cp, n, k);
		}
		off += n;
	}
	tail = utf8_incomplete_tail(s, len);
	CHECK(tail <= 3 && tail <= len, "an incomplete tail of %zu", tail);
	if (tail > 0) {
		/* Those bytes decode as a truncated sequence, nothing more. */
		n = utf8_decode(s + len - tail, tail, &cp);
		CHECK(cp == UTF8_INVALID && n == tail,
		    "the tail of %zu bytes is not a truncated character", tail);
	}
	for (k = 0; k <= len && k < 8; k++)
		check_cut(s, len, len - k);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s = exact_copy(data, size);

	check_sanitize(s, size, 0);
	check_sanitize(s, size, 1);
	check_utf8((const unsigned char *)s, size);
	free(s);
	return 0;
}
