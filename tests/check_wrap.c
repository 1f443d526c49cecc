/*
 * check_wrap.c: display widths (ASCII, CJK, combining marks) and breaking
 * lines into rows: at spaces, hard inside long words, never inside a
 * character, wide characters moved whole, marks kept with their base.
 */
#include "common.h"

#include <check.h>

#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "wrap.h"

#include "check_util.h"

#define MAX_ROWS	512

#define CJK_ZHONG	"\xE4\xB8\xAD"		/* U+4E2D, 2 cells */
#define CJK_WEN		"\xE6\x96\x87"		/* U+6587, 2 cells */
#define ACUTE		"\xCC\x81"		/* U+0301, combining */

/* The rows of S at WIDTH must start at the offsets WANT (N of them). */
static void
expect_rows(const char *s, int width, const size_t *want, size_t n)
{
	size_t	starts[MAX_ROWS], rows, i;
	char	got[512], exp[512];
	size_t	go = 0, eo = 0;

	rows = wrap_rows(s, strlen(s), width, starts, MAX_ROWS);
	for (i = 0; i < rows && i < MAX_ROWS; i++)
		go += (size_t)snprintf(got + go, sizeof got - go, " %zu",
		    starts[i]);
	for (i = 0; i < n; i++)
		eo += (size_t)snprintf(exp + eo, sizeof exp - eo, " %zu",
		    want[i]);
	ck_assert_msg(rows == n && memcmp(starts, want, n * sizeof *want) == 0,
	    "wrap_rows(\"%s\", %d): expected %zu rows starting at%s; got %zu "
	    "starting at%s", esc_str(s), width, n, exp, rows, got);
}

/*
 * The bytes of the row from START to NEXT (the next row's start, or the
 * length) that are drawn: without the spaces at the break.
 */
static size_t
row_len(const char *s, size_t start, size_t next)
{
	while (next > start && s[next - 1] == ' ')
		next--;
	return next - start;
}

/* Cells of the character at S (LEN > 0 bytes); its byte count in *NP. */
static int
first_width(const char *s, size_t len, size_t *np)
{
	int32_t	cp;

	*np = utf8_decode((const unsigned char *)s, len, &cp);
	return wrap_cp_width((uint32_t)cp);
}

/*
 * Check every property of the rows of S (LEN bytes) at WIDTH: each fits,
 * starts on a character and not on a mark, the gaps are spaces only, a
 * hard break happens only in a row without a space to break at, no row
 * could have taken more; joined with one space per gap they give S back
 * (for S with single spaces and none at its ends).
 */
static void
check_rows(const char *s, size_t len, int width, int single_spaces)
{
	size_t	starts[MAX_ROWS], rows, k, next, rl, i, n, x, o = 0;
	char	joined[4096];
	int	word;

	rows = wrap_rows(s, len, width, starts, MAX_ROWS);
	ck_assert_msg(rows >= 1 && rows <= MAX_ROWS && starts[0] == 0,
	    "\"%s\" at %d: expected 1..%d rows from 0, got %zu from %zu",
	    esc(s, len), width, MAX_ROWS, rows, starts[0]);
	for (k = 0; k < rows; k++) {
		next = k + 1 < rows ? starts[k + 1] : len;
		ck_assert_msg(next > starts[k] || (len == 0 && rows == 1),
		    "\"%s\" at %d: row %zu is empty (%zu to %zu)",
		    esc(s, len), width, k, starts[k], next);
		rl = row_len(s, starts[k], next);
		ck_assert_msg(wrap_width(s + starts[k], rl) <= (size_t)width,
		    "\"%s\" at %d: row %zu \"%s\" is %zu cells, more than %d",
		    esc(s, len), width, k, esc(s + starts[k], rl),
		    wrap_width(s + starts[k], rl), width);
		for (i = starts[k] + rl; i < next; i++)
			ck_assert_msg(s[i] == ' ', "\"%s\" at %d: byte %zu "
			    "between rows %zu and %zu is not a space",
			    esc(s, len), width, i, k, k + 1);
		memcpy(joined + o, s + starts[k], rl);
		o += rl;
		if (k + 1 == rows)
			break;
		ck_assert_msg(((unsigned char)s[next] & 0xC0) != 0x80 &&
		    first_width(s + next, len - next, &n) != 0,
		    "\"%s\" at %d: row %zu starts inside a character or on a "
		    "mark", esc(s, len), width, k + 1);
		if (starts[k] + rl < next) {
			joined[o++] = ' ';
			/* Broken at a space: the next word did not fit. */
			x = next;
			while (x < len && s[x] != ' ')
				x++;
		} else {
			/* Broken hard: no space after a word in the row. */
			word = 0;
			for (i = starts[k]; i < next; i++) {
				ck_assert_msg(!(word && s[i] == ' '),
				    "\"%s\" at %d: row %zu \"%s\" broken "
				    "inside a word though it has a space",
				    esc(s, len), width, k,
				    esc(s + starts[k], rl));
				word = s[i] != ' ';
			}
			x = next + n;
		}
		ck_assert_msg(wrap_width(s + starts[k], x - starts[k]) >
		    (size_t)width, "\"%s\" at %d: row %zu \"%s\" could have "
		    "held \"%s\"", esc(s, len), width, k,
		    esc(s + starts[k], rl), esc(s + next, x - next));
	}
	if (single_spaces)
		ck_assert_bytes(joined, o, s, len);
}

START_TEST(test_wrap_cp_width)
{
	static const struct {
		uint32_t	cp;
		int		width;
	} cases[] = {
		{ 'a', 1 }, { ' ', 1 }, { 0x00E9, 1 }, { 0x4E2D, 2 },
		{ 0xAC00, 2 }, { 0xFF21, 2 }, { 0x0301, 0 }, { 0x200B, 0 },
		{ 0x07, 1 }, { 0x9B, 1 }, { 0x10FFFF, 1 },
	};
	size_t	i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		ck_assert_msg(wrap_cp_width(cases[i].cp) == cases[i].width,
		    "wrap_cp_width(U+%04lX): expected %d, got %d",
		    (unsigned long)cases[i].cp, cases[i].width,
		    wrap_cp_width(cases[i].cp));
}
END_TEST

START_TEST(test_wrap_width)
{
	static const struct {
		const char	*s;
		size_t		 cells;
	} cases[] = {
		{ "", 0 }, { "abc", 3 }, { CJK_ZHONG CJK_WEN, 4 },
		{ "e" ACUTE "x", 2 }, { "a" CJK_ZHONG "b", 4 },
		{ "\xFF" "a", 2 },
	};
	size_t	i, got;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		got = wrap_width(cases[i].s, strlen(cases[i].s));
		ck_assert_msg(got == cases[i].cells, "wrap_width(\"%s\"): "
		    "expected %zu, got %zu", esc_str(cases[i].s),
		    cases[i].cells, got);
	}
}
END_TEST

START_TEST(test_wrap_empty)
{
	static const size_t	want[] = { 0 };
	size_t			start = 99;

	expect_rows("", 10, want, 1);
	ck_assert_msg(wrap_rows("", 0, 10, &start, 0) == 1 && start == 99,
	    "with no room for starts: expected 1 row and nothing stored, got "
	    "start %zu", start);
	check_rows("", 0, 2, 1);
}
END_TEST

START_TEST(test_wrap_words)
{
	static const size_t	w11[] = { 0, 12 }, w5[] = { 0, 6, 12 },
				w8[] = { 0, 6, 12 }, w15[] = { 0 };

	expect_rows("hello world foo", 11, w11, ARRAY_SIZE(w11));
	expect_rows("hello world foo", 5, w5, ARRAY_SIZE(w5));
	expect_rows("hello world foo", 8, w8, ARRAY_SIZE(w8));
	expect_rows("hello world foo", 15, w15, ARRAY_SIZE(w15));
}
END_TEST

START_TEST(test_wrap_spaces)
{
	/* Runs of spaces at a break are skipped; trailing ones vanish. */
	static const size_t	a[] = { 0, 7 }, b[] = { 0 }, c[] = { 0 },
				d[] = { 0, 4 };

	expect_rows("abc    def", 5, a, ARRAY_SIZE(a));
	expect_rows("abc      ", 4, b, ARRAY_SIZE(b));
	expect_rows("          ", 4, c, ARRAY_SIZE(c));
	/* Leading spaces are not a place to break. */
	expect_rows("  abcdef", 4, d, ARRAY_SIZE(d));
	check_rows("abc    def", 10, 5, 0);
	check_rows("  abcdef", 8, 4, 0);
}
END_TEST

START_TEST(test_wrap_long_word)
{
	static const size_t	a[] = { 0, 4, 8 }, b[] = { 0, 3, 7, 11 };

	expect_rows("abcdefghij", 4, a, ARRAY_SIZE(a));
	expect_rows("ab abcdefghij", 4, b, ARRAY_SIZE(b));
	check_rows("ab abcdefghij xy", 16, 4, 1);
}
END_TEST

START_TEST(test_wrap_cjk)
{
	static const char	s[] = CJK_ZHONG CJK_WEN CJK_ZHONG CJK_WEN
				    CJK_ZHONG;
	static const size_t	w2[] = { 0, 3, 6, 9, 12 },
				w3[] = { 0, 3, 6, 9, 12 },
				w5[] = { 0, 6, 12 }, w9[] = { 0, 12 };
	static const size_t	mixed[] = { 0, 1 };
	int			width;

	expect_rows(s, 2, w2, ARRAY_SIZE(w2));
	expect_rows(s, 3, w3, ARRAY_SIZE(w3));
	expect_rows(s, 5, w5, ARRAY_SIZE(w5));
	expect_rows(s, 9, w9, ARRAY_SIZE(w9));
	/* A wide character that does not fit goes whole to the next row. */
	expect_rows("a" CJK_ZHONG, 2, mixed, ARRAY_SIZE(mixed));
	for (width = 2; width <= 11; width++) {
		check_rows(s, strlen(s), width, 1);
		check_rows("a" CJK_ZHONG "b" CJK_WEN "cd" CJK_ZHONG,
		    strlen("a" CJK_ZHONG "b" CJK_WEN "cd" CJK_ZHONG), width, 1);
	}
}
END_TEST

START_TEST(test_wrap_combining)
{
	static const char	s[] = "e" ACUTE "e" ACUTE "e" ACUTE "e" ACUTE;
	static const size_t	w2[] = { 0, 6 }, w3[] = { 0, 9 };
	/* A mark on a space: the space is kept, not broken after. */
	static const size_t	onspace[] = { 0, 7 };

	expect_rows(s, 2, w2, ARRAY_SIZE(w2));
	expect_rows(s, 3, w3, ARRAY_SIZE(w3));
	expect_rows("aaaa " ACUTE "b", 5, onspace, ARRAY_SIZE(onspace));
	check_rows(s, strlen(s), 2, 1);
	check_rows("caf" "e" ACUTE " na" "i" ACUTE "ve", strlen("caf" "e"
	    ACUTE " na" "i" ACUTE "ve"), 3, 1);
}
END_TEST

START_TEST(test_wrap_more_rows_than_room)
{
	size_t	starts[2] = { 7, 7 }, rows;

	rows = wrap_rows("aaaa bbbb cccc", 14, 4, starts, 2);
	ck_assert_msg(rows == 3 && starts[0] == 0 && starts[1] == 5,
	    "expected 3 rows with the first two at 0 and 5; got %zu, %zu and "
	    "%zu", rows, starts[0], starts[1]);
}
END_TEST

/* Plain text at every width from 2 to 80. */
START_TEST(test_wrap_prose_every_width)
{
	static const char	s[] = "It was the best of times, it was the "
	    "worst of times, it was the age of wisdom, it was the age of "
	    "foolishness, supercalifragilisticexpialidocious and so on.";
	int			width;

	for (width = 2; width <= 80; width++)
		check_rows(s, strlen(s), width, 1);
}
END_TEST

/* Random words of ASCII, CJK and marked letters, at many widths. */
START_TEST(test_wrap_random)
{
	static const char	*const pieces[] = {
		"a", "bc", "defgh", CJK_ZHONG, CJK_WEN, "e" ACUTE, "x",
		"longerword", CJK_ZHONG CJK_WEN CJK_ZHONG,
	};
	uint64_t	 seed = 0x5eed;
	char		 s[1024];
	size_t		 len, n;
	int		 round, width, words;

	for (round = 0; round < 200; round++) {
		len = 0;
		words = 1 + (int)(test_random(&seed) % 30);
		while (words-- > 0) {
			do {
				n = test_random(&seed) % ARRAY_SIZE(pieces);
				memcpy(s + len, pieces[n], strlen(pieces[n]));
				len += strlen(pieces[n]);
			} while (test_random(&seed) % 3 == 0);
			if (words > 0)
				s[len++] = ' ';
		}
		for (width = 2; width <= 40; width += 1 + round % 3)
			check_rows(s, len, width, 1);
	}
}
END_TEST

static Suite *
wrap_suite(void)
{
	Suite	*s = suite_create("wrap");
	TCase	*tc;

	tc = tcase_create("width");
	tcase_add_test(tc, test_wrap_cp_width);
	tcase_add_test(tc, test_wrap_width);
	suite_add_tcase(s, tc);

	tc = tcase_create("rows");
	tcase_add_test(tc, test_wrap_empty);
	tcase_add_test(tc, test_wrap_words);
	tcase_add_test(tc, test_wrap_spaces);
	tcase_add_test(tc, test_wrap_long_word);
	tcase_add_test(tc, test_wrap_cjk);
	tcase_add_test(tc, test_wrap_combining);
	tcase_add_test(tc, test_wrap_more_rows_than_room);
	tcase_add_test(tc, test_wrap_prose_every_width);
	tcase_add_test(tc, test_wrap_random);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	/* wcwidth(3) knows wide characters only in a UTF-8 locale. */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
		fprintf(stderr, "check_wrap: SKIP: no C.UTF-8 locale, needed "
		    "for character widths\n");
		return 77;
	}
	return run_suite(wrap_suite());
}
