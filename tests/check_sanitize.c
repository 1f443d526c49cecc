/*
 * check_sanitize.c: neutralising untrusted text for a terminal: controls as
 * caret marks, C1 and bidi or invisible format characters as <U+XXXX>,
 * invalid UTF-8 as U+FFFD, all within SANITIZE_MAX.
 */
#include "common.h"

#include <check.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "utf8.h"

#include "check_util.h"

#define FFFD	"\xEF\xBF\xBD"

/*
 * Sanitise IN (LEN bytes, from an exact-size copy) into an exact-size
 * output block, and compare with WANT (WLEN bytes).
 */
static void
expect_san(const char *in, size_t len, int keep_tab, const char *want,
    size_t wlen)
{
	unsigned char	*copy = dup_exact(in, len);
	char		*out = malloc(MAXIMUM(SANITIZE_MAX(len), 1));
	size_t		 n;

	ck_assert_ptr_nonnull(out);
	n = sanitize(out, (const char *)copy, len, keep_tab);
	ck_assert_msg(n == wlen && memcmp(out, want, wlen) == 0,
	    "sanitize(\"%s\", keep_tab %d): expected \"%s\" (%zu bytes), "
	    "got \"%s\" (%zu bytes)", esc(in, len), keep_tab, esc(want, wlen),
	    wlen, esc(out, MINIMUM(n, SANITIZE_MAX(len))), n);
	free(out);
	free(copy);
}

#define SAN(lit, want)	expect_san(lit, sizeof(lit) - 1, 0, want, \
			    sizeof(want) - 1)
#define SAN_TAB(lit, keep, want) expect_san(lit, sizeof(lit) - 1, keep, \
			    want, sizeof(want) - 1)

/* --- what passes unchanged ----------------------------------------------- */

START_TEST(test_sanitize_ascii_unchanged)
{
	SAN("", "");
	SAN("hello, world", "hello, world");
	SAN(" !\"#$%&'()*+,-./0123456789:;<=>?@AZ[\\]^_`az{|}~",
	    " !\"#$%&'()*+,-./0123456789:;<=>?@AZ[\\]^_`az{|}~");
}
END_TEST

START_TEST(test_sanitize_utf8_unchanged)
{
	SAN("Python\xE7\xBC\x96\xE7\xA8\x8B", "Python\xE7\xBC\x96\xE7\xA8\x8B");
	SAN("caf\xC3\xA9 \xC3\xBC\xC3\x9F", "caf\xC3\xA9 \xC3\xBC\xC3\x9F");
	SAN("\xC2\xA0", "\xC2\xA0");			/* U+00A0, not C1 */
	SAN("\xD8\xA7\xD9\x84", "\xD8\xA7\xD9\x84");	/* Arabic letters */
	SAN("\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80");
	SAN("\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF");
	SAN(FFFD, FFFD);
}
END_TEST

/* --- C0 controls and DEL ------------------------------------------------- */

START_TEST(test_sanitize_c0_caret)
{
	SAN("\x1B", "^[");
	SAN("\x1B[31mred\x1B[0m", "^[[31mred^[[0m");
	SAN("\x1B]0;pwned\x07", "^[]0;pwned^G");
	SAN("a\rb", "a^Mb");
	SAN("a\bb", "a^Hb");
	SAN("\n", "^J");
	SAN("\x01\x1A\x1C\x1F", "^A^Z^\\^_");
	SAN("\x7F", "^?");
	SAN("x\x7Fy", "x^?y");
}
END_TEST

START_TEST(test_sanitize_nul)
{
	expect_san("a\0b", 3, 0, "a^@b", 4);
	expect_san("\0", 1, 1, "^@", 2);
}
END_TEST

START_TEST(test_sanitize_tab)
{
	SAN_TAB("a\tb", 1, "a\tb");
	SAN_TAB("a\tb", 0, "a^Ib");
	/* keep_tab keeps TAB only. */
	SAN_TAB("\t\x1B\r", 1, "\t^[^M");
}
END_TEST

/* --- C1 and format characters -------------------------------------------- */

START_TEST(test_sanitize_c1)
{
	SAN("\xC2\x9B", "<U+009B>");
	SAN("\xC2\x9B" "31m", "<U+009B>31m");
	SAN("\xC2\x80", "<U+0080>");
	SAN("\xC2\x85", "<U+0085>");
	SAN("\xC2\x9D" "0;x\xC2\x9C", "<U+009D>0;x<U+009C>");
	SAN("\xC2\x9F", "<U+009F>");
}
END_TEST

START_TEST(test_sanitize_bidi)
{
	SAN("\xE2\x80\xAE", "<U+202E>");
	SAN("abc\xE2\x80\xAE" "cba", "abc<U+202E>cba");
	SAN("\xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAC\xE2\x80\xAD",
	    "<U+202A><U+202B><U+202C><U+202D>");
	SAN("\xE2\x81\xA6\xE2\x81\xA7\xE2\x81\xA8\xE2\x81\xA9",
	    "<U+2066><U+2067><U+2068><U+2069>");
	SAN("\xE2\x80\x8E\xE2\x80\x8F", "<U+200E><U+200F>");
	SAN("\xD8\x9C", "<U+061C>");
}
END_TEST

START_TEST(test_sanitize_is_unsafe)
{
	static const int32_t	unsafe[] = {
		0x00, 0x07, 0x09, 0x0A, 0x1B, 0x1F, 0x7F, 0x80, 0x9B, 0x9F,
		0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
		0x2066, 0x2067, 0x2068, 0x2069,
	};
	static const int32_t	safe[] = {
		0x20, 'A', 0x7E, 0xA0, 0xE9, 0x4F60, 0xFFFD, 0x1F600, 0x10FFFF,
	};
	size_t			i;

	for (i = 0; i < ARRAY_SIZE(unsafe); i++)
		ck_assert_msg(sanitize_is_unsafe(unsafe[i]),
		    "U+%04lX: expected unsafe, got safe", (long)unsafe[i]);
	for (i = 0; i < ARRAY_SIZE(safe); i++)
		ck_assert_msg(!sanitize_is_unsafe(safe[i]),
		    "U+%04lX: expected safe, got unsafe", (long)safe[i]);
}
END_TEST

/* --- invalid UTF-8 ------------------------------------------------------- */

START_TEST(test_sanitize_invalid)
{
	SAN("\xFF", FFFD);
	SAN("a\x80z", "a" FFFD "z");
	SAN("a\xC0\x80z", "a" FFFD FFFD "z");	/* overlong NUL */
	SAN("\xC0\x9B", FFFD FFFD);		/* overlong ESC */
	SAN("\xE0\x80\x80", FFFD FFFD FFFD);
	SAN("\xF0\x80\x80\x80", FFFD FFFD FFFD FFFD);
	SAN("\xED\xA0\x80", FFFD FFFD FFFD);			/* surrogate */
	SAN("\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD);		/* > U+10FFFF */
	SAN("\xE4\xBD", FFFD);					/* truncated */
	SAN("\xE4\xBD" "A", FFFD "A");
	SAN("\xF0\x9F\x98", FFFD);
	SAN("\xE2\x80", FFFD);		/* the start of U+202E, cut */
}
END_TEST

/* --- the output bound ---------------------------------------------------- */

static void
expect_worst(const char *unit, size_t unit_len, size_t copies,
    size_t want_len)
{
	size_t	 len = unit_len * copies, i, n;
	char	*in = malloc(len), *out = malloc(SANITIZE_MAX(len) + 1);

	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(out);
	for (i = 0; i < copies; i++)
		memcpy(in + i * unit_len, unit, unit_len);
	out[SANITIZE_MAX(len)] = '#';
	n = sanitize(out, in, len, 0);
	ck_assert_msg(n == want_len && out[SANITIZE_MAX(len)] == '#',
	    "%zu x \"%s\": expected %zu bytes (SANITIZE_MAX %zu) and the byte "
	    "after SANITIZE_MAX untouched; got %zu bytes, that byte 0x%02X",
	    copies, esc(unit, unit_len), want_len, (size_t)SANITIZE_MAX(len),
	    n, (unsigned char)out[SANITIZE_MAX(len)]);
	free(in);
	free(out);
}

START_TEST(test_sanitize_worst_case)
{
	/* A C1 character, 2 bytes, is the worst: 8 bytes out. */
	expect_worst("\xC2\x9B", 2, 1000, SANITIZE_MAX((size_t)2000));
	expect_worst("\xD8\x9C", 2, 1000, SANITIZE_MAX((size_t)2000));
	expect_worst("\xE2\x80\xAE", 3, 1000, 8000);
	expect_worst("\x1B", 1, 1000, 2000);
	expect_worst("\xFF", 1, 1000, 3000);
	/* A C1 character cut in two at the end. */
	expect_worst("\xC2", 1, 1, 3);
}
END_TEST

/* The bytes an attacker would try, to build random buffers from. */
static const char *const pieces[] = {
	"a", "Z", " ", "\t", "\n", "\r", "\x1B", "\x7F", "\0", "\x9B", "\x80",
	"\xBF", "\xC0", "\xC2", "\xC2\x9B", "\xC2\x80", "\xC3\xA9", "\xD8\x9C",
	"\xE2", "\xE2\x80", "\xE2\x80\xAE", "\xE2\x81\xA6", "\xE4\xBD\xA0",
	"\xED\xA0\x80", "\xEF\xBF\xBD", "\xF0", "\xF0\x9F\x98",
	"\xF0\x9F\x98\x80", "\xF4\x90\x80\x80", "\xFF",
};

/* Whether OUT (LEN bytes) could reach a terminal: valid UTF-8 made only of
 * safe characters (and TAB when kept). */
static int
is_safe(const char *out, size_t len, int keep_tab, size_t *bad)
{
	size_t	off, n;
	int32_t	cp;

	for (off = 0; off < len; off += n) {
		n = utf8_decode((const unsigned char *)out + off, len - off,
		    &cp);
		if (cp == UTF8_INVALID ||
		    (sanitize_is_unsafe(cp) && !(cp == '\t' && keep_tab))) {
			*bad = off;
			return 0;
		}
	}
	return 1;
}

START_TEST(test_sanitize_fuzz)
{
	uint64_t	 seed = 0x7473636861740001ULL;
	char		 in[200], out[SANITIZE_MAX(sizeof in) + 1];
	char		 again[SANITIZE_MAX(SANITIZE_MAX(sizeof in))];
	size_t		 len, plen, n, n2, bad, guard;
	int		 iter, keep_tab;
	uint32_t	 r;
	const char	*p;

	for (iter = 0; iter < 5000; iter++) {
		keep_tab = iter & 1;
		len = 0;
		guard = test_random(&seed) % 64;
		while (guard-- > 0) {
			r = test_random(&seed);
			if (r % 4 == 0) {
				/* A random byte. */
				p = (const char *)&r + 1;
				plen = 1;
			} else {
				p = pieces[(r >> 8) % ARRAY_SIZE(pieces)];
				plen = *p == '\0' ? 1 : strlen(p);
			}
			if (len + plen > sizeof in)
				break;
			memcpy(in + len, p, plen);
			len += plen;
		}
		out[SANITIZE_MAX(len)] = '#';
		n = sanitize(out, in, len, keep_tab);
		ck_assert_msg(n <= SANITIZE_MAX(len) &&
		    out[SANITIZE_MAX(len)] == '#',
		    "sanitize(\"%s\"): expected at most %zu bytes and the "
		    "canary after them intact; got %zu bytes, canary 0x%02X",
		    esc(in, len), (size_t)SANITIZE_MAX(len), n,
		    (unsigned char)out[SANITIZE_MAX(len)]);
		ck_assert_msg(is_safe(out, n, keep_tab, &bad),
		    "sanitize(\"%s\", keep_tab %d) = \"%s\": expected only "
		    "safe characters, got an unsafe one at byte %zu",
		    esc(in, len), keep_tab, esc(out, n), bad);
		/* Safe text is left as it is. */
		n2 = sanitize(again, out, n, keep_tab);
		ck_assert_msg(n2 == n && memcmp(again, out, n) == 0,
		    "sanitizing \"%s\" again: expected it unchanged, got "
		    "\"%s\"", esc(out, n), esc(again, n2));
	}
}
END_TEST

/* --- sanitize_str -------------------------------------------------------- */

START_TEST(test_sanitize_str)
{
	static const struct {
		const char	*in, *want;
	} cases[] = {
		{ "", "" },
		{ "plain", "plain" },
		{ "a\x1B[2Jb", "a^[[2Jb" },
		{ "tab\there", "tab^Ihere" },
		{ "\xC2\x9B\xE2\x80\xAE", "<U+009B><U+202E>" },
		{ "bad\xFF", "bad" FFFD },
		{ "\xE7\xBC\x96", "\xE7\xBC\x96" },
	};
	size_t	 i;
	char	*got;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		got = sanitize_str(cases[i].in);
		ck_assert_msg(strcmp(got, cases[i].want) == 0,
		    "sanitize_str(\"%s\"): expected \"%s\", got \"%s\"",
		    esc_str(cases[i].in), esc_str(cases[i].want), esc_str(got));
		free(got);
	}
}
END_TEST

static Suite *
sanitize_suite(void)
{
	Suite	*s = suite_create("sanitize");
	TCase	*tc;

	tc = tcase_create("unchanged");
	tcase_add_test(tc, test_sanitize_ascii_unchanged);
	tcase_add_test(tc, test_sanitize_utf8_unchanged);
	suite_add_tcase(s, tc);

	tc = tcase_create("controls");
	tcase_add_test(tc, test_sanitize_c0_caret);
	tcase_add_test(tc, test_sanitize_nul);
	tcase_add_test(tc, test_sanitize_tab);
	suite_add_tcase(s, tc);

	tc = tcase_create("marks");
	tcase_add_test(tc, test_sanitize_c1);
	tcase_add_test(tc, test_sanitize_bidi);
	tcase_add_test(tc, test_sanitize_is_unsafe);
	suite_add_tcase(s, tc);

	tc = tcase_create("invalid");
	tcase_add_test(tc, test_sanitize_invalid);
	suite_add_tcase(s, tc);

	tc = tcase_create("bound");
	tcase_add_test(tc, test_sanitize_worst_case);
	tcase_add_test(tc, test_sanitize_fuzz);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("str");
	tcase_add_test(tc, test_sanitize_str);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(sanitize_suite());
}
