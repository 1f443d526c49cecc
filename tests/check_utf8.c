/*
 * check_utf8.c: the strict UTF-8 decoder, the incomplete-tail finder, the
 * encoder and the character-boundary cut.
 */
#include "common.h"

#include <check.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#include "check_util.h"

/* Decode the one character at the start of S (LEN bytes), read from an
 * exact-size copy; check the byte count and the code point. */
static void
expect_decode(const char *s, size_t len, size_t want_n, int32_t want_cp)
{
	unsigned char	*copy = dup_exact(s, len);
	int32_t		 cp = 12345;
	size_t		 n;

	n = utf8_decode(copy, len, &cp);
	free(copy);
	ck_assert_msg(n == want_n && cp == want_cp,
	    "utf8_decode(\"%s\"): expected %zu bytes, code point %ld; "
	    "got %zu bytes, code point %ld", esc(s, len), want_n,
	    (long)want_cp, n, (long)cp);
}

/*
 * Decode all of S (LEN bytes) into code points, U+FFFD for each ill-formed
 * part, and compare with WANT (NWANT of them).
 */
static void
expect_stream(const char *s, size_t len, const int32_t *want, size_t nwant)
{
	unsigned char	*copy = dup_exact(s, len);
	int32_t		 got[64], cp;
	size_t		 ngot = 0, off = 0, n, i;
	char		 gs[512], ws[512];
	int		 same;

	while (off < len && ngot < ARRAY_SIZE(got)) {
		n = utf8_decode(copy + off, len - off, &cp);
		ck_assert_msg(n >= 1 && n <= len - off,
		    "utf8_decode at offset %zu of \"%s\": expected a count in "
		    "1..%zu, got %zu", off, esc(s, len), len - off, n);
		got[ngot++] = cp == UTF8_INVALID ? UTF8_REPLACEMENT : cp;
		off += n;
	}
	free(copy);
	same = ngot == nwant;
	for (i = 0; same && i < nwant; i++)
		same = got[i] == want[i];
	if (same)
		return;
	gs[0] = ws[0] = '\0';
	for (i = 0; i < ngot; i++)
		snprintf(gs + strlen(gs), sizeof gs - strlen(gs), " %04lX",
		    (long)got[i]);
	for (i = 0; i < nwant; i++)
		snprintf(ws + strlen(ws), sizeof ws - strlen(ws), " %04lX",
		    (long)want[i]);
	ck_abort_msg("decoding \"%s\": expected%s; got%s", esc(s, len), ws,
	    gs);
}

#define DECODE(lit, n, cp)	expect_decode(lit, sizeof(lit) - 1, n, cp)
#define STREAM(lit, ...) do {						\
	static const int32_t	want_[] = { __VA_ARGS__ };		\
	expect_stream(lit, sizeof(lit) - 1, want_, ARRAY_SIZE(want_));	\
} while (0)

/* --- decoding well-formed sequences ------------------------------------ */

START_TEST(test_utf8_decode_ascii)
{
	DECODE("A", 1, 0x41);
	DECODE("\0", 1, 0);
	DECODE("\x1B", 1, 0x1B);
	DECODE("\x7F", 1, 0x7F);
	/* Only the first character is decoded. */
	DECODE("ab", 1, 0x61);
}
END_TEST

START_TEST(test_utf8_decode_two_bytes)
{
	DECODE("\xC2\x80", 2, 0x80);
	DECODE("\xC2\x9B", 2, 0x9B);
	DECODE("\xC3\xA9", 2, 0xE9);
	DECODE("\xDF\xBF", 2, 0x7FF);
	DECODE("\xD8\x9C", 2, 0x61C);
}
END_TEST

START_TEST(test_utf8_decode_three_bytes)
{
	DECODE("\xE0\xA0\x80", 3, 0x800);
	DECODE("\xE4\xBD\xA0", 3, 0x4F60);
	DECODE("\xE2\x80\xAE", 3, 0x202E);
	DECODE("\xED\x9F\xBF", 3, 0xD7FF);
	DECODE("\xEE\x80\x80", 3, 0xE000);
	DECODE("\xEF\xBF\xBD", 3, 0xFFFD);
	DECODE("\xEF\xBF\xBF", 3, 0xFFFF);
}
END_TEST

START_TEST(test_utf8_decode_four_bytes)
{
	DECODE("\xF0\x90\x80\x80", 4, 0x10000);
	DECODE("\xF0\x9F\x98\x80", 4, 0x1F600);
	DECODE("\xF3\xBF\xBF\xBF", 4, 0xFFFFF);
	DECODE("\xF4\x8F\xBF\xBF", 4, 0x10FFFF);
}
END_TEST

/* --- decoding ill-formed sequences ------------------------------------- */

START_TEST(test_utf8_decode_overlong)
{
	DECODE("\xC0\x80", 1, UTF8_INVALID);
	DECODE("\xC0\xAF", 1, UTF8_INVALID);
	DECODE("\xC1\xBF", 1, UTF8_INVALID);
	DECODE("\xE0\x80\x80", 1, UTF8_INVALID);
	DECODE("\xE0\x9F\xBF", 1, UTF8_INVALID);
	DECODE("\xF0\x80\x80\x80", 1, UTF8_INVALID);
	DECODE("\xF0\x8F\xBF\xBF", 1, UTF8_INVALID);
}
END_TEST

START_TEST(test_utf8_decode_surrogate)
{
	DECODE("\xED\xA0\x80", 1, UTF8_INVALID);	/* U+D800 */
	DECODE("\xED\xAF\xBF", 1, UTF8_INVALID);	/* U+DBFF */
	DECODE("\xED\xB0\x80", 1, UTF8_INVALID);	/* U+DC00 */
	DECODE("\xED\xBF\xBF", 1, UTF8_INVALID);	/* U+DFFF */
}
END_TEST

START_TEST(test_utf8_decode_beyond_max)
{
	DECODE("\xF4\x90\x80\x80", 1, UTF8_INVALID);	/* U+110000 */
	DECODE("\xF4\xBF\xBF\xBF", 1, UTF8_INVALID);
	DECODE("\xF5\x80\x80\x80", 1, UTF8_INVALID);
	DECODE("\xF7\xBF\xBF\xBF", 1, UTF8_INVALID);
	DECODE("\xF8\x88\x80\x80\x80", 1, UTF8_INVALID);
	DECODE("\xFC\x84\x80\x80\x80\x80", 1, UTF8_INVALID);
	DECODE("\xFE", 1, UTF8_INVALID);
	DECODE("\xFF", 1, UTF8_INVALID);
}
END_TEST

START_TEST(test_utf8_decode_lone_continuation)
{
	DECODE("\x80", 1, UTF8_INVALID);
	DECODE("\xBF", 1, UTF8_INVALID);
	DECODE("\x80\x80\x80", 1, UTF8_INVALID);
	DECODE("\xA0" "A", 1, UTF8_INVALID);
}
END_TEST

/* A truncated sequence is consumed up to where it goes wrong, no further. */
START_TEST(test_utf8_decode_truncated)
{
	DECODE("\xC3", 1, UTF8_INVALID);
	DECODE("\xC3" "A", 1, UTF8_INVALID);
	DECODE("\xE4", 1, UTF8_INVALID);
	DECODE("\xE4\xBD", 2, UTF8_INVALID);
	DECODE("\xE4\xBD" "A", 2, UTF8_INVALID);
	DECODE("\xE4\xBD\xE4\xBD\xA0", 2, UTF8_INVALID);
	DECODE("\xF0\x9F", 2, UTF8_INVALID);
	DECODE("\xF0\x9F\x98", 3, UTF8_INVALID);
	DECODE("\xF0\x9F\x98" "A", 3, UTF8_INVALID);
	DECODE("\xF4\x8F\xBF", 3, UTF8_INVALID);
	DECODE("\xE0\xA0", 2, UTF8_INVALID);
	/* The second byte out of the lead's range ends it at one byte. */
	DECODE("\xE0\x9F", 1, UTF8_INVALID);
	DECODE("\xF4\x90", 1, UTF8_INVALID);
}
END_TEST

/* The examples of the Unicode standard, section 3.9 (U+FFFD substitution
 * of maximal subparts). */
START_TEST(test_utf8_decode_unicode_examples)
{
	STREAM("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64",
	    0x61, 0xFFFD, 0xFFFD, 0xFFFD, 0x62, 0xFFFD, 0x63, 0xFFFD, 0xFFFD,
	    0x64);
	STREAM("\xC0\xAF\xE0\x80\xBF\xF0\x81\x82\x41",
	    0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD,
	    0x41);
	STREAM("\xED\xA0\x80\xED\xBF\xBF\xED\xAF\x41",
	    0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD,
	    0x41);
	STREAM("\xF4\x91\x92\x93\xFF\x41\x80\xBF\x42",
	    0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0x41, 0xFFFD, 0xFFFD,
	    0x42);
	STREAM("\xE1\x80\xE2\xF0\x91\x92\xF1\xBF\x41",
	    0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0x41);
	STREAM("Python\xE7\xBC\x96\xE7\xA8\x8B",
	    'P', 'y', 't', 'h', 'o', 'n', 0x7F16, 0x7A0B);
}
END_TEST

/* --- utf8_incomplete_tail ---------------------------------------------- */

static void
expect_tail(const char *s, size_t len, size_t want)
{
	unsigned char	*copy = dup_exact(s, len);
	size_t		 got;

	got = utf8_incomplete_tail(copy, len);
	free(copy);
	ck_assert_msg(got == want,
	    "utf8_incomplete_tail(\"%s\"): expected %zu, got %zu",
	    esc(s, len), want, got);
}

#define TAIL(lit, n)	expect_tail(lit, sizeof(lit) - 1, n)

START_TEST(test_utf8_tail_complete)
{
	TAIL("", 0);
	TAIL("abc", 0);
	TAIL("a\xC3\xA9", 0);
	TAIL("a\xE4\xBD\xA0", 0);
	TAIL("\xF0\x9F\x98\x80", 0);
	TAIL("x\xF0\x9F\x98\x80", 0);
}
END_TEST

START_TEST(test_utf8_tail_incomplete)
{
	TAIL("\xC3", 1);
	TAIL("a\xC3", 1);
	TAIL("a\xE4", 1);
	TAIL("a\xE4\xBD", 2);
	TAIL("\xF0", 1);
	TAIL("\xF0\x9F", 2);
	TAIL("\xF0\x9F\x98", 3);
	TAIL("ab\xF0\x9F\x98", 3);
	TAIL("\xE4\xBD\xA0\xE4", 1);
	TAIL("\xE0\xA0", 2);
	TAIL("\xF4\x8F\xBF", 3);
}
END_TEST

/* Bytes that can never become a character are not held back. */
START_TEST(test_utf8_tail_invalid)
{
	TAIL("a\x80", 0);
	TAIL("\x80\x80\x80", 0);
	TAIL("\xBF\xBF", 0);
	TAIL("\xC0", 0);
	TAIL("\xC1", 0);
	TAIL("\xF5", 0);
	TAIL("\xFF", 0);
	TAIL("\xE0\x80", 0);	/* overlong prefix */
	TAIL("\xED\xA0", 0);	/* surrogate prefix */
	TAIL("\xF4\x90", 0);	/* past U+10FFFF */
	TAIL("\xF0\x80\x80", 0);
	TAIL("\xE4" "A", 0);
}
END_TEST

/* Cut a valid string at every byte: the tail is the part of the character
 * the cut went through. */
START_TEST(test_utf8_tail_every_cut)
{
	static const char	 s[] =
	    "Py\xC3\xA9\xE7\xBC\x96\xF0\x9F\x98\x80!";
	static const size_t	 starts[] = { 0, 1, 2, 4, 7, 11, 12 };
	size_t			 p, want, i;

	for (p = 0; p <= sizeof s - 1; p++) {
		want = 0;
		for (i = 0; i < ARRAY_SIZE(starts); i++)
			if (starts[i] < p)
				want = p - starts[i];
		for (i = 0; i < ARRAY_SIZE(starts); i++)
			if (starts[i] == p)
				want = 0;
		expect_tail(s, p, want);
	}
}
END_TEST

/* --- utf8_encode --------------------------------------------------------- */

static void
expect_encode(uint32_t cp, const char *want, size_t wlen)
{
	char	out[8];
	size_t	n;

	memset(out, 'X', sizeof out);
	n = utf8_encode(cp, out);
	ck_assert_msg(n == wlen && memcmp(out, want, wlen) == 0,
	    "utf8_encode(U+%04lX): expected \"%s\", got \"%s\"",
	    (unsigned long)cp, esc(want, wlen), esc(out, n <= 4 ? n : 4));
	ck_assert_msg(out[4] == 'X', "utf8_encode(U+%04lX) wrote past 4 bytes",
	    (unsigned long)cp);
}

#define ENCODE(cp, lit)	expect_encode(cp, lit, sizeof(lit) - 1)

START_TEST(test_utf8_encode_bytes)
{
	ENCODE(0x41, "A");
	ENCODE(0x7F, "\x7F");
	ENCODE(0x80, "\xC2\x80");
	ENCODE(0xE9, "\xC3\xA9");
	ENCODE(0x7FF, "\xDF\xBF");
	ENCODE(0x800, "\xE0\xA0\x80");
	ENCODE(0x20AC, "\xE2\x82\xAC");
	ENCODE(0xFFFD, "\xEF\xBF\xBD");
	ENCODE(0xFFFF, "\xEF\xBF\xBF");
	ENCODE(0x10000, "\xF0\x90\x80\x80");
	ENCODE(0x10348, "\xF0\x90\x8D\x88");
	ENCODE(0x10FFFF, "\xF4\x8F\xBF\xBF");
}
END_TEST

/* What cannot be encoded becomes U+FFFD, never ill-formed bytes. */
START_TEST(test_utf8_encode_unencodable)
{
	ENCODE(0xD800, "\xEF\xBF\xBD");
	ENCODE(0xDFFF, "\xEF\xBF\xBD");
	ENCODE(0x110000, "\xEF\xBF\xBD");
	ENCODE(0x7FFFFFFF, "\xEF\xBF\xBD");
	ENCODE(0xFFFFFFFF, "\xEF\xBF\xBD");
}
END_TEST

START_TEST(test_utf8_encode_round_trip)
{
	unsigned char	out[4];
	uint32_t	cp;
	int32_t		back;
	size_t		n, m, want;

	for (cp = 0; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		n = utf8_encode(cp, (char *)out);
		m = utf8_decode(out, n, &back);
		if (n != want || m != n || back != (int32_t)cp)
			ck_abort_msg("U+%04lX: expected %zu bytes decoding "
			    "back to itself; encoded as \"%s\" (%zu bytes), "
			    "decoded %zu bytes as %ld", (unsigned long)cp, want,
			    esc(out, n <= 4 ? n : 4), n, m, (long)back);
	}
}
END_TEST

/* --- utf8_cut ------------------------------------------------------------ */

static void
expect_cut(const char *s, size_t len, size_t max, size_t want)
{
	unsigned char	*copy = dup_exact(s, len);
	size_t		 got;

	got = utf8_cut((const char *)copy, len, max);
	free(copy);
	ck_assert_msg(got == want,
	    "utf8_cut(\"%s\", max %zu): expected %zu, got %zu",
	    esc(s, len), max, want, got);
}

START_TEST(test_utf8_cut_every_max)
{
	/* "Python编程": 编 at 6..8, 程 at 9..11. */
	static const char	 s[] = "Python\xE7\xBC\x96\xE7\xA8\x8B";
	static const size_t	 want[] = {
		0, 1, 2, 3, 4, 5, 6, 6, 6, 9, 9, 9, 12, 12, 12
	};
	size_t			 max;

	for (max = 0; max < ARRAY_SIZE(want); max++)
		expect_cut(s, sizeof s - 1, max, want[max]);
}
END_TEST

START_TEST(test_utf8_cut_four_bytes)
{
	/* "a😀b": the emoji at 1..4. */
	static const char	 s[] = "a\xF0\x9F\x98\x80" "b";
	static const size_t	 want[] = { 0, 1, 1, 1, 1, 5, 6, 6 };
	size_t			 max;

	for (max = 0; max < ARRAY_SIZE(want); max++)
		expect_cut(s, sizeof s - 1, max, want[max]);
}
END_TEST

/* At no max does a cut of valid text leave a partial character. */
START_TEST(test_utf8_cut_never_splits)
{
	static const char	 s[] = "\xC3\xA9\xE4\xBD\xA0\xF0\x9F\x98\x80"
	    "x\xD8\x9C\xE2\x80\xAE\xF4\x8F\xBF\xBF";
	size_t			 max, got, off, n;
	int32_t			 cp;

	for (max = 0; max <= sizeof s; max++) {
		got = utf8_cut(s, sizeof s - 1, max);
		ck_assert_msg(got <= max && got + 3 >= MINIMUM(max,
		    sizeof s - 1), "utf8_cut(max %zu): expected a cut in "
		    "[max - 3, max], got %zu", max, got);
		for (off = 0; off < got; off += n) {
			n = utf8_decode((const unsigned char *)s + off,
			    got - off, &cp);
			ck_assert_msg(cp != UTF8_INVALID,
			    "utf8_cut(max %zu) = %zu splits the character at "
			    "%zu: \"%s\"", max, got, off, esc(s, got));
		}
	}
}
END_TEST

/* Invalid bytes have no character to keep whole: the cut stays near max. */
START_TEST(test_utf8_cut_invalid)
{
	static const char	s[] = "\x80\x80\x80\x80\x80\x80";
	size_t			got;

	got = utf8_cut(s, sizeof s - 1, 4);
	ck_assert_msg(got >= 1 && got <= 4,
	    "utf8_cut of continuation bytes at max 4: expected 1..4, got %zu",
	    got);
	expect_cut("abc", 3, 3, 3);
	expect_cut("abc", 3, 10, 3);
	expect_cut("", 0, 0, 0);
}
END_TEST

static Suite *
utf8_suite(void)
{
	Suite	*s = suite_create("utf8");
	TCase	*tc;

	tc = tcase_create("decode valid");
	tcase_add_test(tc, test_utf8_decode_ascii);
	tcase_add_test(tc, test_utf8_decode_two_bytes);
	tcase_add_test(tc, test_utf8_decode_three_bytes);
	tcase_add_test(tc, test_utf8_decode_four_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("decode invalid");
	tcase_add_test(tc, test_utf8_decode_overlong);
	tcase_add_test(tc, test_utf8_decode_surrogate);
	tcase_add_test(tc, test_utf8_decode_beyond_max);
	tcase_add_test(tc, test_utf8_decode_lone_continuation);
	tcase_add_test(tc, test_utf8_decode_truncated);
	tcase_add_test(tc, test_utf8_decode_unicode_examples);
	suite_add_tcase(s, tc);

	tc = tcase_create("incomplete tail");
	tcase_add_test(tc, test_utf8_tail_complete);
	tcase_add_test(tc, test_utf8_tail_incomplete);
	tcase_add_test(tc, test_utf8_tail_invalid);
	tcase_add_test(tc, test_utf8_tail_every_cut);
	suite_add_tcase(s, tc);

	tc = tcase_create("encode");
	tcase_add_test(tc, test_utf8_encode_bytes);
	tcase_add_test(tc, test_utf8_encode_unencodable);
	tcase_add_test(tc, test_utf8_encode_round_trip);
	/* A million code points, slower under valgrind. */
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	tc = tcase_create("cut");
	tcase_add_test(tc, test_utf8_cut_every_max);
	tcase_add_test(tc, test_utf8_cut_four_bytes);
	tcase_add_test(tc, test_utf8_cut_never_splits);
	tcase_add_test(tc, test_utf8_cut_invalid);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(utf8_suite());
}
