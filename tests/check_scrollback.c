/*
 * check_scrollback.c: the pane's lines: order and kinds, the ring growing
 * with its lines and freeing the oldest at capacity, the count of lines
 * ever added, the scroll offset kept within the lines, unread lines
 * counted while scrolled back with the view held in place, clear.
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

/* Within [0, count - 1], whatever the request. */
START_TEST(test_sb_scroll_clamp)
{
	struct scrollback	sb;

	sb_init(&sb, 50);
	sb_scroll(&sb, 5);
	ck_assert_msg(sb.offset == 0, "scroll back in an empty pane: expected "
	    "0, got %zu", sb.offset);
	add_n(&sb, "l", 0, 10);
	sb_scroll(&sb, 3);
	ck_assert_uint_eq(sb.offset, 3);
	sb_scroll(&sb, 100);
	ck_assert_msg(sb.offset == 9, "scroll back 103 of 10 lines: expected "
	    "9, got %zu", sb.offset);
	sb_scroll(&sb, LONG_MAX);
	ck_assert_uint_eq(sb.offset, 9);
	sb_scroll(&sb, -4);
	ck_assert_uint_eq(sb.offset, 5);
	sb_scroll(&sb, -100);
	ck_assert_msg(sb.offset == 0, "scroll forward past the bottom: "
	    "expected 0, got %zu", sb.offset);
	sb_scroll(&sb, 2);
	sb_scroll(&sb, LONG_MIN);
	ck_assert_uint_eq(sb.offset, 0);
	sb_scroll(&sb, 0);
	ck_assert_uint_eq(sb.offset, 0);
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
	sb_scroll(&sb, 2);
	ck_assert_str_eq(bottom_text(&sb), "l7");
	add_n(&sb, "n", 0, 3);
	ck_assert_msg(sb.unread == 3 && sb.offset == 5 &&
	    strcmp(bottom_text(&sb), "l7") == 0, "3 lines while back by 2: "
	    "expected 3 unread, offset 5, \"l7\" at the bottom; got %zu, %zu, "
	    "\"%s\"", sb.unread, sb.offset, esc_str(bottom_text(&sb)));
	sb_scroll(&sb, -3);
	ck_assert_msg(sb.unread == 3 && sb.offset == 2, "part way down: "
	    "expected 3 unread at offset 2, got %zu at %zu", sb.unread,
	    sb.offset);
	sb_scroll(&sb, -2);
	ck_assert_msg(sb.unread == 0 && sb.offset == 0, "at the bottom: "
	    "expected 0 unread, got %zu at offset %zu", sb.unread, sb.offset);

	/* At the bottom nothing is unread. */
	add_n(&sb, "b", 0, 3);
	ck_assert_uint_eq(sb.unread, 0);
	ck_assert_uint_eq(sb.offset, 0);

	sb_scroll(&sb, 4);
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
	sb_scroll(&sb, 2);
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

START_TEST(test_sb_clear)
{
	struct scrollback	sb;

	sb_init(&sb, 4);
	add_n(&sb, "l", 0, 7);
	sb_scroll(&sb, 2);
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
	tcase_add_test(tc, test_sb_unread);
	tcase_add_test(tc, test_sb_unread_at_capacity);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(scrollback_suite());
}
