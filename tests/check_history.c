/*
 * check_history.c: the lines sent: what is kept (no empty lines, no
 * repeats), browsing with Up and Down and the draft kept meanwhile, the
 * ring dropping the oldest at 1000 lines, and repeated reverse search.
 */
#include "common.h"

#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"

#include "check_util.h"

/* GOT must be the C string WANT, or both NULL. */
#define expect_str(what, got, want) do {				\
	const char	*es_g = (got), *es_w = (want);			\
									\
	ck_assert_msg(es_g == es_w || (es_g != NULL && es_w != NULL &&	\
	    strcmp(es_g, es_w) == 0), "%s: expected \"%s\", got "	\
	    "\"%s\"", (what), esc_str(es_w), esc_str(es_g));		\
} while (0)

static void
add_all(struct history *h, const char *const *lines, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		history_add(h, lines[i]);
}

START_TEST(test_history_add)
{
	static const char	*const lines[] = {
		"one", "", "two", "two", "one", "one", "three",
	};
	struct history		h;

	history_init(&h);
	add_all(&h, lines, ARRAY_SIZE(lines));
	ck_assert_msg(h.count == 4, "after %zu adds with an empty line and "
	    "repeats: expected 4 lines, got %zu", ARRAY_SIZE(lines), h.count);
	expect_str("Up 1", history_up(&h, ""), "three");
	expect_str("Up 2", history_up(&h, ""), "one");
	expect_str("Up 3", history_up(&h, ""), "two");
	expect_str("Up 4", history_up(&h, ""), "one");
	expect_str("Up at the oldest", history_up(&h, ""), NULL);
	expect_str("Up again", history_up(&h, ""), NULL);
	expect_str("Down 1", history_down(&h), "two");
	history_free(&h);
}
END_TEST

START_TEST(test_history_empty)
{
	struct history	h;

	history_init(&h);
	expect_str("Up without history", history_up(&h, "typing"), NULL);
	expect_str("Down without history", history_down(&h), NULL);
	ck_assert_msg(h.draft == NULL, "Up without history: expected no draft");
	history_free(&h);
}
END_TEST

/* Up from the bottom keeps what was typed; Down past the newest gives it. */
START_TEST(test_history_draft)
{
	static const char	*const lines[] = { "a", "b", "c" };
	struct history		h;

	history_init(&h);
	add_all(&h, lines, ARRAY_SIZE(lines));
	expect_str("Down at the bottom", history_down(&h), NULL);
	expect_str("Up 1", history_up(&h, "half-typed"), "c");
	expect_str("Up 2", history_up(&h, "c edited"), "b");
	expect_str("Down 1", history_down(&h), "c");
	expect_str("Down to the draft", history_down(&h), "half-typed");
	expect_str("Down past the draft", history_down(&h), NULL);
	/* Browsing again saves the new draft. */
	expect_str("Up again", history_up(&h, "other"), "c");
	expect_str("Down again", history_down(&h), "other");
	/* An empty draft. */
	expect_str("Up, empty", history_up(&h, ""), "c");
	expect_str("Down, empty", history_down(&h), "");
	history_free(&h);
}
END_TEST

/* Adding or resetting stops browsing: Up starts from the newest again. */
START_TEST(test_history_reset)
{
	static const char	*const lines[] = { "a", "b", "c" };
	struct history		h;

	history_init(&h);
	add_all(&h, lines, ARRAY_SIZE(lines));
	history_up(&h, "x");
	history_up(&h, "x");
	history_reset(&h);
	ck_assert_msg(h.draft == NULL && h.pos == h.count, "after a reset: "
	    "expected no draft and pos %zu, got pos %zu", h.count, h.pos);
	expect_str("Up after a reset", history_up(&h, "y"), "c");
	history_add(&h, "d");
	expect_str("Up after an add", history_up(&h, "z"), "d");
	expect_str("Down after an add", history_down(&h), "z");
	history_free(&h);
}
END_TEST

/* 1005 lines: the first 5 are dropped, the rest browsed in order. */
START_TEST(test_history_ring)
{
	struct history	 h;
	const char	*got;
	char		 want[32];
	int		 i;

	history_init(&h);
	for (i = 0; i < HISTORY_MAX_LINES + 5; i++) {
		snprintf(want, sizeof want, "line %d", i);
		history_add(&h, want);
	}
	ck_assert_msg(h.count == HISTORY_MAX_LINES, "after %d adds: expected "
	    "%d lines, got %zu", HISTORY_MAX_LINES + 5, HISTORY_MAX_LINES,
	    h.count);
	for (i = HISTORY_MAX_LINES + 4; i >= 5; i--) {
		snprintf(want, sizeof want, "line %d", i);
		got = history_up(&h, "draft");
		expect_str("Up through the ring", got, want);
	}
	expect_str("Up past the oldest kept", history_up(&h, ""), NULL);
	for (i = 6; i < HISTORY_MAX_LINES + 5; i++) {
		snprintf(want, sizeof want, "line %d", i);
		expect_str("Down through the ring", history_down(&h), want);
	}
	expect_str("Down to the draft", history_down(&h), "draft");
	history_free(&h);
}
END_TEST

/* C-r, C-r, C-r: ever older matches, then none. */
START_TEST(test_history_search)
{
	static const char	*const lines[] = {
		"alpha", "beta", "alphabet", "gamma", "ALPHA",
	};
	struct history		h;
	const char		*got;
	size_t			from;

	history_init(&h);
	add_all(&h, lines, ARRAY_SIZE(lines));
	from = h.count;
	got = history_search(&h, "lph", &from);
	ck_assert_msg(got != NULL && strcmp(got, "alphabet") == 0 && from == 2,
	    "search \"lph\": expected \"alphabet\" at 2, got \"%s\" at %zu",
	    esc_str(got), from);
	got = history_search(&h, "lph", &from);
	ck_assert_msg(got != NULL && strcmp(got, "alpha") == 0 && from == 0,
	    "search \"lph\" again: expected \"alpha\" at 0, got \"%s\" at %zu",
	    esc_str(got), from);
	got = history_search(&h, "lph", &from);
	ck_assert_msg(got == NULL && from == 0, "search \"lph\" a third time: "
	    "expected none, at 0 still; got \"%s\" at %zu", esc_str(got),
	    from);
	/* From past the end: from the newest. */
	from = 99;
	got = history_search(&h, "mm", &from);
	ck_assert_msg(got != NULL && strcmp(got, "gamma") == 0 && from == 3,
	    "search \"mm\" from 99: expected \"gamma\" at 3, got \"%s\" at %zu",
	    esc_str(got), from);
	from = h.count;
	got = history_search(&h, "", &from);
	ck_assert_msg(got != NULL && strcmp(got, "ALPHA") == 0 && from == 4,
	    "search \"\": expected the newest, got \"%s\" at %zu",
	    esc_str(got), from);
	from = h.count;
	got = history_search(&h, "delta", &from);
	ck_assert_msg(got == NULL && from == h.count, "search \"delta\": "
	    "expected none, got \"%s\" at %zu", esc_str(got), from);
	history_free(&h);
}
END_TEST

/* Search in a ring that has wrapped round. */
START_TEST(test_history_search_ring)
{
	struct history	 h;
	const char	*got;
	char		 line[32];
	size_t		 from, found = 0;
	int		 i;

	history_init(&h);
	for (i = 0; i < HISTORY_MAX_LINES * 2 + 10; i++) {
		snprintf(line, sizeof line, "%s %d", i % 100 == 7 ? "needle" :
		    "hay", i);
		history_add(&h, line);
	}
	from = h.count;
	while ((got = history_search(&h, "needle", &from)) != NULL) {
		snprintf(line, sizeof line, "needle %d",
		    HISTORY_MAX_LINES * 2 + 7 - (int)found * 100);
		expect_str("repeated search", got, line);
		found++;
	}
	ck_assert_msg(found == HISTORY_MAX_LINES / 100, "expected %d matches "
	    "among the last %d lines, got %zu", HISTORY_MAX_LINES / 100,
	    HISTORY_MAX_LINES, found);
	history_free(&h);
}
END_TEST

static Suite *
history_suite(void)
{
	Suite	*s = suite_create("history");
	TCase	*tc;

	tc = tcase_create("browse");
	tcase_add_test(tc, test_history_add);
	tcase_add_test(tc, test_history_empty);
	tcase_add_test(tc, test_history_draft);
	tcase_add_test(tc, test_history_reset);
	tcase_add_test(tc, test_history_ring);
	suite_add_tcase(s, tc);

	tc = tcase_create("search");
	tcase_add_test(tc, test_history_search);
	tcase_add_test(tc, test_history_search_ring);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(history_suite());
}
