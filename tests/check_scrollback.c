/*
 * check_scrollback.c: the pane's lines: order and kinds, the ring growing
 * with its lines and freeing the oldest at capacity, the count of lines
 * ever added, scrolling by rows of the pane between the newest row at the
 * bottom and the oldest line's first row at the top, lines that wrap onto
 * several rows, unread lines counted while scrolled back with the view
 * held in place, clear.
 */
#include "common.h"

#include <check.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scrollback.h"

#include "check_util.h"

/* Line I must be WANT, of KIND. */
static void
expect_line(const struct scrollback *sb, size_t i, const char *want,
    enum line_kind kind)
{
	const struct sb_line	*l = sb_get(sb, i);

	ck_assert_msg(l != NULL && strcmp(l->text, want) == 0 &&
	    l->kind == kind, "line %zu: expected \"%s\" of kind %d, got \"%s\" "
	    "of kind %d", i, esc_str(want), (int)kind,
	    l != NULL ? esc_str(l->text) : "(none)",
	    l != NULL ? (int)l->kind : -1);
}

/* Add lines "NAME0" to "NAME<N-1>". */
static void
add_n(struct scrollback *sb, const char *name, int from, int n)
{
	char	text[32];
	int	i;

	for (i = from; i < from + n; i++) {
		snprintf(text, sizeof text, "%s%d", name, i);
		sb_add(sb, text, LINE_NORMAL);
	}
}

/* The line shown at the bottom of the pane. */
static const char *
bottom_text(const struct scrollback *sb)
{
	return sb_get(sb, sb->count - 1 - sb->offset)->text;
}

/* Each line one row. */
static size_t
one_row(const char *text)
{
	(void)text;
	return 1;
}

/* "N|text" takes N rows (0 to 9), other lines one. */
static size_t
n_rows(const char *text)
{
	if (text[0] >= '0' && text[0] <= '9' && text[1] == '|')
		return (size_t)(text[0] - '0');
	return 1;
}

/* The pane's bottom: line OFFSET from the newest, HIDDEN rows below. */
static void
expect_at(const struct scrollback *sb, size_t offset, size_t hidden,
    const char *what)
{
	ck_assert_msg(sb->offset == offset && sb->hidden == hidden,
	    "%s: expected offset %zu, %zu rows hidden; got %zu, %zu", what,
	    offset, hidden, sb->offset, sb->hidden);
}

START_TEST(test_sb_add_get)
{
	struct scrollback	 sb;
	char			 text[] = "copied";

	sb_init(&sb, 10);
	ck_assert_msg(sb_get(&sb, 0) == NULL, "an empty pane: expected no "
	    "line 0");
	sb_add(&sb, "*** alice joined", LINE_NOTICE);
	sb_add(&sb, text, LINE_OWN);
	text[0] = 'X';
	sb_add(&sb, "hi bob", LINE_MENTION);
	sb_add(&sb, "reconnecting", LINE_CLIENT);
	ck_assert_uint_eq(sb.count, 4);
	expect_line(&sb, 0, "*** alice joined", LINE_NOTICE);
	expect_line(&sb, 1, "copied", LINE_OWN);
	expect_line(&sb, 2, "hi bob", LINE_MENTION);
	expect_line(&sb, 3, "reconnecting", LINE_CLIENT);
	ck_assert_msg(sb_get(&sb, 4) == NULL, "expected no line 4");
	sb_free(&sb);
}
END_TEST

START_TEST(test_sb_eviction)
{
	struct scrollback	sb;
	char			want[32];
	size_t			i;

	sb_init(&sb, 3);
	add_n(&sb, "l", 0, 5);
	ck_assert_msg(sb.count == 3, "5 lines in 3: expected 3 kept, got %zu",
	    sb.count);
	expect_line(&sb, 0, "l2", LINE_NORMAL);
	expect_line(&sb, 2, "l4", LINE_NORMAL);

	/* Round and round a bigger ring. */
	sb_free(&sb);
	sb_init(&sb, 100);
	add_n(&sb, "m", 0, 1234);
	ck_assert_uint_eq(sb.count, 100);
	for (i = 0; i < 100; i++) {
		snprintf(want, sizeof want, "m%zu", 1134 + i);
		expect_line(&sb, i, want, LINE_NORMAL);
	}
	sb_free(&sb);

	/* A capacity of 0 keeps one line. */
	sb_init(&sb, 0);
	add_n(&sb, "z", 0, 3);
	ck_assert_uint_eq(sb.count, 1);
	expect_line(&sb, 0, "z2", LINE_NORMAL);
	sb_free(&sb);
}
END_TEST

/* The ring grows with its lines, in order, and costs nothing empty. */
START_TEST(test_sb_growth)
{
	struct scrollback	sb;
	char			want[32];
	size_t			i;

	sb_init(&sb, 1000);
	ck_assert_msg(sb.lines == NULL && sb.allocated == 0, "an empty pane: "
	    "expected no ring, got %zu entries", sb.allocated);
	add_n(&sb, "g", 0, 3);
	ck_assert_msg(sb.allocated >= 3 && sb.allocated < 1000, "3 lines of "
	    "1000: expected a small ring, got %zu entries", sb.allocated);
	add_n(&sb, "g", 3, 1497);
	ck_assert_msg(sb.allocated == 1000 && sb.count == 1000, "1500 lines "
	    "of 1000: expected a full ring of 1000, got %zu lines in %zu",
	    sb.count, sb.allocated);
	for (i = 0; i < 1000; i++) {
		snprintf(want, sizeof want, "g%zu", 500 + i);
		expect_line(&sb, i, want, LINE_NORMAL);
	}
	sb_free(&sb);
}
END_TEST

/* ADDED counts every line, dropped or cleared, so that it names lines. */
START_TEST(test_sb_added)
{
	struct scrollback	sb;

	sb_init(&sb, 4);
	add_n(&sb, "a", 0, 6);
	ck_assert_msg(sb.added == 6, "6 lines in 4: expected 6 added, got %zu",
	    sb.added);
	/* Line added - count is the oldest there is: a4 is the 4th ever. */
	expect_line(&sb, 4 - (sb.added - sb.count), "a4", LINE_NORMAL);
	sb_clear(&sb);
	sb_add(&sb, "old", LINE_HISTORY);
	ck_assert_msg(sb.added == 7 && sb.count == 1, "a line after clear: "
	    "expected 7 added, 1 there; got %zu, %zu", sb.added, sb.count);
	expect_line(&sb, 0, "old", LINE_HISTORY);
	sb_free(&sb);
}
END_TEST

/*
 * One row a line: back as far as the oldest line at the top of the pane,
 * whatever the request; forward as far as the newest at the bottom.
 */
START_TEST(test_sb_scroll_clamp)
{
	struct scrollback	sb;

	sb_init(&sb, 50);
	sb_scroll(&sb, 5, 4, one_row);
	expect_at(&sb, 0, 0, "scroll back in an empty pane");
	add_n(&sb, "l", 0, 10);
	sb_scroll(&sb, 3, 4, one_row);
	expect_at(&sb, 3, 0, "3 back");
	ck_assert_msg(sb_scrolled(&sb), "3 back: expected scrolled back");
	sb_scroll(&sb, 100, 4, one_row);
	expect_at(&sb, 6, 0, "103 back in 10 lines, a pane of 4 rows (l0 at "
	    "the top)");
	ck_assert_str_eq(bottom_text(&sb), "l3");
	sb_scroll(&sb, LONG_MAX, 4, one_row);
	expect_at(&sb, 6, 0, "LONG_MAX back");
	sb_scroll(&sb, -4, 4, one_row);
	expect_at(&sb, 2, 0, "4 forward");
	sb_scroll(&sb, -100, 4, one_row);
	expect_at(&sb, 0, 0, "forward past the bottom");
	ck_assert_msg(!sb_scrolled(&sb), "at the bottom: expected not "
	    "scrolled back");
	sb_scroll(&sb, 2, 4, one_row);
	sb_scroll(&sb, LONG_MIN, 4, one_row);
	expect_at(&sb, 0, 0, "LONG_MIN forward");
	sb_scroll(&sb, 0, 4, one_row);
	expect_at(&sb, 0, 0, "0");

	/* All the lines fit: there is nothing to scroll back to. */
	sb_scroll(&sb, 1, 10, one_row);
	expect_at(&sb, 0, 0, "10 lines in a pane of 10 rows, 1 back");
	sb_scroll(&sb, 5, 25, one_row);
	expect_at(&sb, 0, 0, "10 lines in a pane of 25 rows, 5 back");
	sb_scroll(&sb, 1, 9, one_row);
	expect_at(&sb, 1, 0, "10 lines in a pane of 9 rows, 1 back");
	sb_scroll(&sb, 1, 9, one_row);
	expect_at(&sb, 1, 0, "10 lines in a pane of 9 rows, 2 back");
	sb_free(&sb);
}
END_TEST

/*
 * Lines of several rows: the pane moves by rows, its bottom row possibly
 * inside a line, and stops with the oldest line's first row at the top.
 */
START_TEST(test_sb_scroll_rows)
{
	struct scrollback	sb;

	/* 8 rows: a, b b b, c, d d, e. */
	sb_init(&sb, 50);
	sb_add(&sb, "a", LINE_NORMAL);
	sb_add(&sb, "3|b", LINE_NORMAL);
	sb_add(&sb, "c", LINE_NORMAL);
	sb_add(&sb, "2|d", LINE_NORMAL);
	sb_add(&sb, "e", LINE_NORMAL);
	sb_scroll(&sb, 1, 3, n_rows);
	expect_at(&sb, 1, 0, "1 row back: d's last row at the bottom");
	sb_scroll(&sb, 1, 3, n_rows);
	expect_at(&sb, 1, 1, "2 rows back: d's first row at the bottom");
	sb_scroll(&sb, 2, 3, n_rows);
	expect_at(&sb, 3, 0, "4 rows back: b's last row at the bottom");
	/* 8 rows in 3: 5 back at most, a in the top row. */
	sb_scroll(&sb, 2, 3, n_rows);
	expect_at(&sb, 3, 1, "6 rows back: the top, 5 back");
	sb_scroll(&sb, LONG_MAX, 3, n_rows);
	expect_at(&sb, 3, 1, "LONG_MAX back: the top");
	sb_scroll(&sb, -1, 3, n_rows);
	expect_at(&sb, 3, 0, "1 row forward: b's last row at the bottom");
	sb_scroll(&sb, -2, 3, n_rows);
	expect_at(&sb, 1, 1, "2 more forward: d's first row at the bottom");
	sb_scroll(&sb, -2, 3, n_rows);
	expect_at(&sb, 0, 0, "2 more forward: the bottom");

	/* From the top, a pane that grows shows more below, a in its top row. */
	sb_scroll(&sb, LONG_MAX, 3, n_rows);
	sb_fit(&sb, 5, n_rows);
	expect_at(&sb, 2, 0, "at the top, the pane grown to 5 rows");
	sb_fit(&sb, 7, n_rows);
	expect_at(&sb, 1, 0, "at the top, the pane grown to 7 rows");
	sb_fit(&sb, 5, n_rows);
	expect_at(&sb, 1, 0, "the pane shrunk back to 5 rows");
	sb_fit(&sb, 8, n_rows);
	expect_at(&sb, 0, 0, "the pane grown to 8 rows: all of it");
	ck_assert_msg(!sb_scrolled(&sb), "the pane grown to hold all: "
	    "expected not scrolled back");

	/* A line taller than the pane: its first row at the top at most. */
	sb_clear(&sb);
	sb_add(&sb, "a", LINE_NORMAL);
	sb_add(&sb, "9|x", LINE_NORMAL);
	sb_scroll(&sb, 4, 3, n_rows);
	expect_at(&sb, 0, 4, "4 back in a line of 9 rows");
	sb_scroll(&sb, LONG_MAX, 3, n_rows);
	expect_at(&sb, 0, 7, "a line of 9 rows, LONG_MAX back: a at the top");
	/* Wrapped wider, x is one row: its rows below the pane are gone. */
	sb_fit(&sb, 3, one_row);
	expect_at(&sb, 0, 0, "the lines one row each");

	/* A line of no row is taken as one. */
	sb_clear(&sb);
	add_n(&sb, "0|z", 0, 5);
	sb_scroll(&sb, 2, 2, n_rows);
	expect_at(&sb, 2, 0, "lines of '0' rows, 2 back");
	sb_scroll(&sb, LONG_MAX, 2, n_rows);
	expect_at(&sb, 3, 0, "lines of '0' rows, LONG_MAX back");
	sb_free(&sb);
}
END_TEST

/* New lines while scrolled back: counted, and the view stays put. */
START_TEST(test_sb_unread)
{
	struct scrollback	sb;

	sb_init(&sb, 100);
	add_n(&sb, "l", 0, 10);
	ck_assert_uint_eq(sb.unread, 0);
	sb_scroll(&sb, 2, 2, one_row);
	ck_assert_str_eq(bottom_text(&sb), "l7");
	add_n(&sb, "n", 0, 3);
	ck_assert_msg(sb.unread == 3 && sb.offset == 5 &&
	    strcmp(bottom_text(&sb), "l7") == 0, "3 lines while back by 2: "
	    "expected 3 unread, offset 5, \"l7\" at the bottom; got %zu, %zu, "
	    "\"%s\"", sb.unread, sb.offset, esc_str(bottom_text(&sb)));
	sb_scroll(&sb, -3, 2, one_row);
	ck_assert_msg(sb.unread == 3 && sb.offset == 2, "part way down: "
	    "expected 3 unread at offset 2, got %zu at %zu", sb.unread,
	    sb.offset);
	sb_scroll(&sb, -2, 2, one_row);
	ck_assert_msg(sb.unread == 0 && sb.offset == 0, "at the bottom: "
	    "expected 0 unread, got %zu at offset %zu", sb.unread, sb.offset);

	/* At the bottom nothing is unread. */
	add_n(&sb, "b", 0, 3);
	ck_assert_uint_eq(sb.unread, 0);
	ck_assert_uint_eq(sb.offset, 0);

	sb_scroll(&sb, 4, 2, one_row);
	add_n(&sb, "c", 0, 2);
	sb_bottom(&sb);
	ck_assert_msg(sb.unread == 0 && sb.offset == 0, "sb_bottom: expected "
	    "0 unread at offset 0, got %zu at %zu", sb.unread, sb.offset);
	sb_free(&sb);
}
END_TEST

/*
 * At capacity the view stays on the same lines too, until the line at the
 * top of the scrollback is the one dropped.
 */
START_TEST(test_sb_unread_at_capacity)
{
	struct scrollback	sb;

	sb_init(&sb, 5);
	add_n(&sb, "l", 0, 5);
	sb_scroll(&sb, 2, 2, one_row);
	ck_assert_str_eq(bottom_text(&sb), "l2");
	sb_add(&sb, "n0", LINE_NORMAL);
	ck_assert_msg(sb.offset == 3 && sb.unread == 1 &&
	    strcmp(bottom_text(&sb), "l2") == 0, "full, back by 2, one more: "
	    "expected offset 3, 1 unread, \"l2\" at the bottom; got %zu, %zu, "
	    "\"%s\"", sb.offset, sb.unread, esc_str(bottom_text(&sb)));
	sb_add(&sb, "n1", LINE_NORMAL);
	ck_assert_uint_eq(sb.offset, 4);
	ck_assert_str_eq(bottom_text(&sb), "l2");
	/* Now l2 is the oldest: it goes, and the offset cannot grow. */
	sb_add(&sb, "n2", LINE_NORMAL);
	ck_assert_msg(sb.offset == 4 && sb.unread == 3 && sb.count == 5,
	    "past the top: expected offset 4, 3 unread, 5 lines; got %zu, "
	    "%zu, %zu", sb.offset, sb.unread, sb.count);
	ck_assert_str_eq(bottom_text(&sb), "l3");
	sb_free(&sb);
}
END_TEST

/*
 * The bottom row inside a line of several rows stays there as lines come
 * and the oldest go; once the bottom line itself goes, the next one is at
 * the bottom, and the pane is filled again from the oldest line down.
 */
START_TEST(test_sb_unread_rows)
{
	struct scrollback	sb;

	sb_init(&sb, 5);
	sb_add(&sb, "a", LINE_NORMAL);
	sb_add(&sb, "3|b", LINE_NORMAL);
	sb_add(&sb, "c", LINE_NORMAL);
	sb_add(&sb, "2|d", LINE_NORMAL);
	sb_add(&sb, "e", LINE_NORMAL);
	sb_scroll(&sb, 2, 3, n_rows);
	expect_at(&sb, 1, 1, "2 rows back");
	sb_add(&sb, "f", LINE_NORMAL);
	expect_at(&sb, 2, 1, "one more, a dropped");
	ck_assert_str_eq(bottom_text(&sb), "2|d");
	sb_add(&sb, "g", LINE_NORMAL);
	sb_add(&sb, "h", LINE_NORMAL);
	expect_at(&sb, 4, 1, "two more, d the oldest");
	sb_add(&sb, "i", LINE_NORMAL);
	expect_at(&sb, 4, 0, "d dropped: e at the bottom");
	ck_assert_uint_eq(sb.unread, 4);
	sb_fit(&sb, 3, n_rows);
	expect_at(&sb, 2, 0, "the pane filled again from e down");
	ck_assert_str_eq(bottom_text(&sb), "g");
	ck_assert_uint_eq(sb.unread, 4);
	sb_free(&sb);
}
END_TEST

START_TEST(test_sb_clear)
{
	struct scrollback	sb;

	sb_init(&sb, 4);
	add_n(&sb, "l", 0, 7);
	sb_scroll(&sb, 2, 2, one_row);
	sb_add(&sb, "x", LINE_NORMAL);
	sb_clear(&sb);
	ck_assert_msg(sb.count == 0 && sb.offset == 0 && sb.unread == 0 &&
	    sb_get(&sb, 0) == NULL, "after clear: expected nothing, got %zu "
	    "lines, offset %zu, %zu unread", sb.count, sb.offset, sb.unread);
	add_n(&sb, "m", 0, 6);
	ck_assert_uint_eq(sb.count, 4);
	expect_line(&sb, 0, "m2", LINE_NORMAL);
	expect_line(&sb, 3, "m5", LINE_NORMAL);
	sb_clear(&sb);
	sb_clear(&sb);
	sb_free(&sb);
}
END_TEST

static Suite *
scrollback_suite(void)
{
	Suite	*s = suite_create("scrollback");
	TCase	*tc;

	tc = tcase_create("lines");
	tcase_add_test(tc, test_sb_add_get);
	tcase_add_test(tc, test_sb_eviction);
	tcase_add_test(tc, test_sb_growth);
	tcase_add_test(tc, test_sb_added);
	tcase_add_test(tc, test_sb_clear);
	suite_add_tcase(s, tc);

	tc = tcase_create("scrolling");
	tcase_add_test(tc, test_sb_scroll_clamp);
	tcase_add_test(tc, test_sb_scroll_rows);
	tcase_add_test(tc, test_sb_unread);
	tcase_add_test(tc, test_sb_unread_at_capacity);
	tcase_add_test(tc, test_sb_unread_rows);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(scrollback_suite());
}
