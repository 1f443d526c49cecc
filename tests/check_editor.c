/*
 * check_editor.c: the input line's editor: insertion (and what it
 * refuses), each motion and edit with ASCII and CJK text, kills and yanks,
 * the line limit, word starts for completion, and horizontal scrolling
 * that keeps the cursor and the character under it inside the field.
 */
#include "common.h"

#include <check.h>

#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "editor.h"
#include "utf8.h"
#include "wrap.h"

#include "check_util.h"

#define ZHONG	"\xE4\xB8\xAD"		/* U+4E2D */
#define WEN	"\xE6\x96\x87"		/* U+6587 */
#define ZI	"\xE5\xAD\x97"		/* U+5B57 */
#define SHUO	"\xE8\xAF\xB4"		/* U+8BF4 */

/* The editor must hold WANT with the cursor at character WANT_CURSOR. */
#define expect_line(ed, want, want_cursor) \
	expect_line_at(__LINE__, (ed), (want), (want_cursor))

static void
expect_line_at(int line, const struct editor *ed, const char *want,
    size_t want_cursor)
{
	char	*got;
	size_t	 len;

	got = editor_utf8(ed, &len);
	ck_assert_msg(len == strlen(want) && memcmp(got, want, len) == 0 &&
	    got[len] == '\0' && ed->cursor == want_cursor,
	    "line %d: expected \"%s\" with the cursor at %zu; got \"%s\" with "
	    "the cursor at %zu", line, esc_str(want), want_cursor,
	    esc(got, len), ed->cursor);
	free(got);
}

/* The kill buffer must hold WANT. */
static void
expect_kill(const struct editor *ed, const char *want)
{
	char	got[256];
	size_t	i, n = 0;

	for (i = 0; i < ed->kill_len && n + 4 < sizeof got; i++)
		n += utf8_encode(ed->kill[i], got + n);
	ck_assert_bytes(got, n, want, strlen(want));
}

static void
set(struct editor *ed, const char *s, size_t cursor)
{
	editor_set(ed, s, strlen(s));
	ed->cursor = cursor;
}

START_TEST(test_editor_insert)
{
	struct editor	ed;

	editor_init(&ed);
	expect_line(&ed, "", 0);
	ck_assert_int_eq(editor_insert(&ed, 'a'), 0);
	ck_assert_int_eq(editor_insert(&ed, 0x4E2D), 0);
	ck_assert_int_eq(editor_insert(&ed, 'b'), 0);
	expect_line(&ed, "a" ZHONG "b", 3);
	editor_left(&ed);
	editor_left(&ed);
	ck_assert_int_eq(editor_insert(&ed, 0x6587), 0);
	expect_line(&ed, "a" WEN ZHONG "b", 2);
	editor_insert_utf8(&ed, "x" ZI "y", strlen("x" ZI "y"));
	expect_line(&ed, "a" WEN "x" ZI "y" ZHONG "b", 5);
	editor_free(&ed);
}
END_TEST

/* Controls never get in, typed or pasted: no newline, no escape. */
START_TEST(test_editor_refuses_controls)
{
	static const uint32_t	bad[] = {
		0x00, 0x09, 0x0A, 0x0D, 0x1B, 0x1F, 0x7F, 0x80, 0x85, 0x9B,
		0x9F, 0x202E, 0x2067, 0xD800, 0xDFFF, 0x110000, 0xFFFFFFFF,
	};
	static const char	paste[] = "a\nb\r\x1B[31mc\x7F\xC2\x9B" "d\tz"
	    "\xFF\xC0\xAF\xED\xA0\x80" ZHONG "\xE2\x80\xAE!";
	struct editor		ed;
	size_t			i;

	editor_init(&ed);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_msg(editor_insert(&ed, bad[i]) == -1 && ed.len == 0,
		    "editor_insert(U+%04lX): expected -1 and an empty line, "
		    "got a line of %zu", (unsigned long)bad[i], ed.len);
	editor_insert_utf8(&ed, paste, sizeof paste - 1);
	expect_line(&ed, "ab[31mcdz" ZHONG "!", 11);
	editor_free(&ed);
}
END_TEST

START_TEST(test_editor_line_limit)
{
	struct editor	 ed;
	char		*big;
	size_t		 i;

	editor_init(&ed);
	for (i = 0; i < EDITOR_MAX_CHARS; i++)
		ck_assert_int_eq(editor_insert(&ed, 0x4E2D), 0);
	ck_assert_msg(editor_insert(&ed, 'x') == -1 &&
	    ed.len == EDITOR_MAX_CHARS, "a full line: expected -1 and %d "
	    "characters, got %zu", EDITOR_MAX_CHARS, ed.len);
	editor_insert_utf8(&ed, "more", 4);
	ck_assert_uint_eq(ed.len, EDITOR_MAX_CHARS);

	/* A paste longer than the line: as much as fits. */
	big = malloc(EDITOR_MAX_CHARS + 100);
	memset(big, 'q', EDITOR_MAX_CHARS + 100);
	editor_clear(&ed);
	editor_insert(&ed, 'a');
	editor_insert_utf8(&ed, big, EDITOR_MAX_CHARS + 100);
	ck_assert_msg(ed.len == EDITOR_MAX_CHARS &&
	    ed.cursor == EDITOR_MAX_CHARS && ed.text[0] == 'a' &&
	    ed.text[EDITOR_MAX_CHARS - 1] == 'q', "a long paste: expected %d "
	    "characters, \"a\" then \"q\"s, got %zu", EDITOR_MAX_CHARS,
	    ed.len);
	editor_set(&ed, big, EDITOR_MAX_CHARS + 100);
	ck_assert_uint_eq(ed.len, EDITOR_MAX_CHARS);

	/* A yank into a nearly full line: as much as fits. */
	editor_home(&ed);
	editor_kill_word_right(&ed);
	ck_assert_uint_eq(ed.len, 0);
	editor_insert(&ed, 'z');
	editor_yank(&ed);
	editor_yank(&ed);
	ck_assert_msg(ed.len == EDITOR_MAX_CHARS && ed.text[0] == 'z',
	    "two yanks of a full line: expected %d characters, got %zu",
	    EDITOR_MAX_CHARS, ed.len);
	free(big);
	editor_free(&ed);
}
END_TEST

START_TEST(test_editor_motions)
{
	struct editor	ed;

	editor_init(&ed);
	set(&ed, "a" ZHONG "b", 3);
	editor_right(&ed);
	expect_line(&ed, "a" ZHONG "b", 3);
	editor_left(&ed);
	expect_line(&ed, "a" ZHONG "b", 2);
	editor_left(&ed);
	editor_left(&ed);
	editor_left(&ed);
	expect_line(&ed, "a" ZHONG "b", 0);
	editor_right(&ed);
	expect_line(&ed, "a" ZHONG "b", 1);
	editor_end(&ed);
	expect_line(&ed, "a" ZHONG "b", 3);
	editor_home(&ed);
	expect_line(&ed, "a" ZHONG "b", 0);
	editor_free(&ed);
}
END_TEST

/* M-b and M-f over alphanumeric words; CJK counts as word characters. */
START_TEST(test_editor_word_motions)
{
	static const char	s[] = "foo bar-baz  " ZHONG WEN " qux";
	static const size_t	back[] = { 16, 13, 8, 4, 0, 0 };
	static const size_t	fwd[] = { 3, 7, 11, 15, 19, 19 };
	struct editor		ed;
	size_t			i;

	editor_init(&ed);
	set(&ed, s, 19);
	for (i = 0; i < ARRAY_SIZE(back); i++) {
		editor_word_left(&ed);
		ck_assert_msg(ed.cursor == back[i], "M-b number %zu: expected "
		    "the cursor at %zu, got %zu", i + 1, back[i], ed.cursor);
	}
	for (i = 0; i < ARRAY_SIZE(fwd); i++) {
		editor_word_right(&ed);
		ck_assert_msg(ed.cursor == fwd[i], "M-f number %zu: expected "
		    "the cursor at %zu, got %zu", i + 1, fwd[i], ed.cursor);
	}
	editor_free(&ed);
}
END_TEST

START_TEST(test_editor_backspace_delete)
{
	struct editor	ed;

	editor_init(&ed);
	set(&ed, "a" ZHONG "b", 2);
	editor_backspace(&ed);
	expect_line(&ed, "ab", 1);
	editor_backspace(&ed);
	editor_backspace(&ed);
	expect_line(&ed, "b", 0);
	set(&ed, ZHONG WEN ZI, 1);
	editor_delete(&ed);
	expect_line(&ed, ZHONG ZI, 1);
	editor_end(&ed);
	editor_delete(&ed);
	expect_line(&ed, ZHONG ZI, 2);
	editor_home(&ed);
	editor_delete(&ed);
	editor_delete(&ed);
	editor_delete(&ed);
	expect_line(&ed, "", 0);
	editor_free(&ed);
}
END_TEST

START_TEST(test_editor_kill_lines)
{
	struct editor	ed;

	editor_init(&ed);
	set(&ed, "hello world", 6);
	editor_kill_to_start(&ed);
	expect_line(&ed, "world", 0);
	expect_kill(&ed, "hello ");
	editor_end(&ed);
	editor_yank(&ed);
	expect_line(&ed, "worldhello ", 11);

	set(&ed, "hello " ZHONG WEN, 5);
	editor_kill_to_end(&ed);
	expect_line(&ed, "hello", 5);
	expect_kill(&ed, " " ZHONG WEN);
	editor_home(&ed);
	editor_yank(&ed);
	expect_line(&ed, " " ZHONG WEN "hello", 3);

	/* An empty kill keeps the last one. */
	editor_end(&ed);
	editor_kill_to_end(&ed);
	editor_home(&ed);
	editor_kill_to_start(&ed);
	expect_kill(&ed, " " ZHONG WEN);
	/* So does clearing the line. */
	editor_clear(&ed);
	editor_yank(&ed);
	expect_line(&ed, " " ZHONG WEN, 3);
	editor_free(&ed);
}
END_TEST

/* C-w: back over blanks then non-blanks, punctuation and all. */
START_TEST(test_editor_kill_word_left)
{
	struct editor	ed;

	editor_init(&ed);
	set(&ed, "foo bar-baz  ", 13);
	editor_kill_word_left(&ed);
	expect_line(&ed, "foo ", 4);
	expect_kill(&ed, "bar-baz  ");
	editor_kill_word_left(&ed);
	expect_line(&ed, "", 0);
	expect_kill(&ed, "foo ");
	editor_kill_word_left(&ed);
	expect_kill(&ed, "foo ");

	set(&ed, SHUO " " ZHONG WEN ZI "!x", 5);
	editor_kill_word_left(&ed);
	expect_line(&ed, SHUO " !x", 2);
	expect_kill(&ed, ZHONG WEN ZI);
	editor_free(&ed);
}
END_TEST

/* M-d: to the end of the next alphanumeric word. */
START_TEST(test_editor_kill_word_right)
{
	struct editor	ed;

	editor_init(&ed);
	set(&ed, "foo bar-baz", 0);
	editor_kill_word_right(&ed);
	expect_line(&ed, " bar-baz", 0);
	expect_kill(&ed, "foo");
	editor_kill_word_right(&ed);
	expect_line(&ed, "-baz", 0);
	expect_kill(&ed, " bar");

	set(&ed, "x " ZHONG WEN ", y", 1);
	editor_kill_word_right(&ed);
	expect_line(&ed, "x, y", 1);
	expect_kill(&ed, " " ZHONG WEN);
	editor_free(&ed);
}
END_TEST

/* Every kill at every cursor position, then a yank, gives the line back. */
START_TEST(test_editor_kill_yank_round_trip)
{
	static const char	s[] = "say " ZHONG WEN " to-day, " ZI "x  y!";
	static void		(*const kills[])(struct editor *) = {
		editor_kill_to_start, editor_kill_to_end,
		editor_kill_word_left, editor_kill_word_right,
	};
	struct editor		ed;
	size_t			pos, k, len, want;

	editor_init(&ed);
	editor_set(&ed, s, strlen(s));
	len = ed.len;
	for (k = 0; k < ARRAY_SIZE(kills); k++) {
		for (pos = 0; pos <= len; pos++) {
			set(&ed, s, pos);
			kills[k](&ed);
			if (ed.len == len)
				continue;	/* nothing killed */
			/* After the text put back. */
			want = ed.cursor + ed.kill_len;
			editor_yank(&ed);
			expect_line(&ed, s, want);
			ck_assert_msg(k == 3 || want == (k == 1 ? len : pos),
			    "kill %zu at %zu, then a yank: expected the "
			    "cursor at %zu, got %zu", k, pos,
			    k == 1 ? len : pos, want);
		}
	}
	editor_free(&ed);
}
END_TEST

START_TEST(test_editor_set_clear_utf8)
{
	struct editor	 ed;
	char		*out;
	size_t		 len;

	editor_init(&ed);
	out = editor_utf8(&ed, &len);
	ck_assert_msg(len == 0 && out[0] == '\0', "an empty line: expected "
	    "\"\", got \"%s\"", esc(out, len));
	free(out);
	set(&ed, "old", 1);
	ed.scroll = 1;
	editor_set(&ed, "new " ZHONG, strlen("new " ZHONG));
	expect_line(&ed, "new " ZHONG, 5);
	ck_assert_uint_eq(ed.scroll, 0);
	editor_clear(&ed);
	expect_line(&ed, "", 0);
	editor_free(&ed);
}
END_TEST

START_TEST(test_editor_word_start)
{
	static const struct {
		const char	*s;
		size_t		 cursor, start;
	} cases[] = {
		{ "", 0, 0 }, { "al", 2, 0 }, { "hello wor", 9, 6 },
		{ "hello ", 6, 6 }, { "hello wor", 3, 0 },
		{ "a, b" ZHONG "x", 6, 3 }, { ZHONG " " WEN, 3, 2 },
	};
	struct editor	ed;
	size_t		i, got;

	editor_init(&ed);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		set(&ed, cases[i].s, cases[i].cursor);
		got = editor_word_start(&ed);
		ck_assert_msg(got == cases[i].start, "\"%s\" with the cursor "
		    "at %zu: expected the word to start at %zu, got %zu",
		    esc_str(cases[i].s), cases[i].cursor, cases[i].start, got);
	}
	editor_free(&ed);
}
END_TEST

/*
 * The field after editor_view at WIDTH: the returned column is the cells
 * from ed->scroll to the cursor, and the character under the cursor (a
 * blank cell at the end) lies wholly inside the field.
 */
static void
check_view(struct editor *ed, int width)
{
	size_t	i, col = 0, cw;
	int	got;

	got = editor_view(ed, width);
	ck_assert_msg(ed->scroll <= ed->cursor, "width %d, cursor %zu: "
	    "expected scroll <= cursor, got %zu", width, ed->cursor,
	    ed->scroll);
	for (i = ed->scroll; i < ed->cursor; i++)
		col += (size_t)wrap_cp_width(ed->text[i]);
	cw = ed->cursor < ed->len ? (size_t)wrap_cp_width(ed->text[ed->cursor])
	    : 1;
	ck_assert_msg(got >= 0 && (size_t)got == col, "width %d, cursor %zu, "
	    "scroll %zu: expected column %zu, got %d", width, ed->cursor,
	    ed->scroll, col, got);
	ck_assert_msg(ed->scroll == ed->cursor ||
	    wrap_cp_width(ed->text[ed->scroll]) > 0, "width %d, cursor %zu: "
	    "the field starts on a combining mark at %zu", width, ed->cursor,
	    ed->scroll);
	if (cw <= (size_t)width)
		ck_assert_msg(col + cw <= (size_t)width, "width %d, cursor "
		    "%zu, scroll %zu: the cursor's character spans columns "
		    "%zu to %zu, outside the field", width, ed->cursor,
		    ed->scroll, col, col + cw - 1);
	else
		ck_assert_msg(col == 0, "width %d: a character wider than the "
		    "field: expected column 0, got %zu", width, col);
}

/* A line of 100 characters, some wide, at every cursor position. */
START_TEST(test_editor_view_every_position)
{
	static const int	widths[] = { 1, 2, 3, 4, 5, 7, 10, 11, 33, 80 };
	struct editor		ed;
	uint64_t		seed = 42;
	size_t			i, w, pos;

	editor_init(&ed);
	for (i = 0; i < 100; i++)
		editor_insert(&ed, i % 7 == 3 || i % 11 == 5 ? 0x4E2D + i :
		    (uint32_t)('a' + i % 26));
	for (w = 0; w < ARRAY_SIZE(widths); w++) {
		ed.scroll = 0;
		editor_home(&ed);
		for (pos = 0; pos <= ed.len; pos++) {
			check_view(&ed, widths[w]);
			editor_right(&ed);
		}
		for (pos = 0; pos <= ed.len; pos++) {
			check_view(&ed, widths[w]);
			editor_left(&ed);
		}
		for (pos = 0; pos < 300; pos++) {
			ed.cursor = test_random(&seed) % (ed.len + 1);
			check_view(&ed, widths[w]);
		}
	}
	editor_free(&ed);
}
END_TEST

/* Typing at the right edge scrolls by a margin, not at every key. */
START_TEST(test_editor_view_margin)
{
	struct editor	ed;
	size_t		i, jumps = 0, last = 0;
	int		col;

	editor_init(&ed);
	for (i = 0; i < 100; i++) {
		editor_insert(&ed, 'a');
		check_view(&ed, 20);
		if (ed.scroll != last)
			jumps++;
		last = ed.scroll;
	}
	ck_assert_msg(jumps > 0 && jumps <= 100 / 5, "100 characters typed "
	    "at width 20: expected at most 20 scrolls, got %zu", jumps);
	/* Back at the left edge: context shows again on the left. */
	for (i = 0; i < 100; i++) {
		editor_left(&ed);
		col = editor_view(&ed, 20);
		ck_assert_msg(ed.cursor == 0 || col > 0 || ed.scroll == 0,
		    "cursor %zu: expected some context left of it, got column "
		    "%d at scroll %zu", ed.cursor, col, ed.scroll);
	}
	ck_assert_uint_eq(ed.scroll, 0);
	editor_free(&ed);
}
END_TEST

/*
 * Whole lines that fit are shown from their start; wide characters and
 * combining marks are never split from the field.
 */
START_TEST(test_editor_view_short_and_wide)
{
	struct editor	ed;
	size_t		i;
	int		col;

	editor_init(&ed);
	set(&ed, "ab" ZHONG, 3);
	ed.scroll = 2;
	col = editor_view(&ed, 10);
	ck_assert_msg(col == 4 && ed.scroll == 0, "\"ab" "\\u4E2D\" at "
	    "width 10: expected column 4 from scroll 0, got %d from %zu", col,
	    ed.scroll);
	/* Ten wide characters in a field of 5: never split at an edge. */
	set(&ed, ZHONG ZHONG ZHONG ZHONG ZHONG ZHONG ZHONG ZHONG ZHONG ZHONG,
	    0);
	for (ed.cursor = 0; ed.cursor <= ed.len; ed.cursor++) {
		check_view(&ed, 5);
		check_view(&ed, 10);
	}
	/* Combining marks: no cells, never the first thing in the field. */
	editor_clear(&ed);
	for (i = 0; i < 40; i++) {
		editor_insert(&ed, i % 3 == 0 ? 0x4E2D : 'e');
		editor_insert(&ed, 0x0301);
	}
	for (ed.cursor = 0; ed.cursor <= ed.len; ed.cursor++)
		check_view(&ed, 7);
	for (ed.cursor = ed.len; ed.cursor > 0; ed.cursor--)
		check_view(&ed, 7);
	editor_free(&ed);
}
END_TEST

static Suite *
editor_suite(void)
{
	Suite	*s = suite_create("editor");
	TCase	*tc;

	tc = tcase_create("insert");
	tcase_add_test(tc, test_editor_insert);
	tcase_add_test(tc, test_editor_refuses_controls);
	tcase_add_test(tc, test_editor_line_limit);
	tcase_add_test(tc, test_editor_set_clear_utf8);
	suite_add_tcase(s, tc);

	tc = tcase_create("motions and edits");
	tcase_add_test(tc, test_editor_motions);
	tcase_add_test(tc, test_editor_word_motions);
	tcase_add_test(tc, test_editor_backspace_delete);
	tcase_add_test(tc, test_editor_word_start);
	suite_add_tcase(s, tc);

	tc = tcase_create("kill and yank");
	tcase_add_test(tc, test_editor_kill_lines);
	tcase_add_test(tc, test_editor_kill_word_left);
	tcase_add_test(tc, test_editor_kill_word_right);
	tcase_add_test(tc, test_editor_kill_yank_round_trip);
	suite_add_tcase(s, tc);

	tc = tcase_create("view");
	tcase_add_test(tc, test_editor_view_every_position);
	tcase_add_test(tc, test_editor_view_margin);
	tcase_add_test(tc, test_editor_view_short_and_wide);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	/* wcwidth(3) knows wide characters only in a UTF-8 locale. */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
		fprintf(stderr, "check_editor: SKIP: no C.UTF-8 locale, needed "
		    "for character widths\n");
		return 77;
	}
	return run_suite(editor_suite());
}
