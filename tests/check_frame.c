/*
 * check_frame.c: turning a byte stream into messages: line framing (CRLF,
 * lone CRs, empty lines, an unfinished last line, reads split anywhere),
 * the --max-line cut, raw framing, stopping from the callback, and the
 * memory bound.
 */
#include "common.h"

#include <check.h>

#include <stdlib.h>
#include <string.h>

#include "frame.h"

#include "check_util.h"

#define MAX_MSGS	64

#include "check_msgs.h"

/* Feed IN (LEN bytes) split at the offsets CUTS (NCUTS, ascending) and
 * finish the stream, into G. */
static void
feed_pieces(struct got *g, enum frame_mode mode, size_t max_line,
    const char *in, size_t len, const size_t *cuts, size_t ncuts)
{
	struct frame	 fr = { NULL, 0, 0 };
	unsigned char	*piece;
	size_t		 i, from = 0, to;
	int		 rc;

	for (i = 0; i <= ncuts; i++) {
		to = i < ncuts ? cuts[i] : len;
		piece = dup_exact(in + from, to - from);
		rc = frame_feed(&fr, mode, max_line, (const char *)piece,
		    to - from, collect, g);
		free(piece);
		ck_assert_msg(rc == 0, "frame_feed: expected 0, got %d", rc);
		ck_assert_msg(fr.len <= max_line + 1,
		    "expected at most max_line + 1 = %zu bytes held, got %u",
		    max_line + 1, fr.len);
		from = to;
	}
	rc = frame_finish(&fr, mode, max_line, collect, g);
	ck_assert_msg(rc == 0, "frame_finish: expected 0, got %d", rc);
	ck_assert_msg(fr.buf == NULL && fr.len == 0,
	    "after frame_finish: expected nothing held, got %u bytes", fr.len);
}

/*
 * Feed IN whole, split at every offset, split at every pair of offsets and
 * one byte at a time: each way must give exactly WANT.
 */
static void
expect_lines(size_t max_line, const char *in, size_t len,
    const struct want *w, size_t n)
{
	struct got	g = { 0 };
	size_t		cuts[4096], a, b, i;

	feed_pieces(&g, FRAME_LINE, max_line, in, len, NULL, 0);
	ck_assert_msg(got_matches(&g, w, n),
	    "\"%s\" in one read (max_line %zu): expected %s; got %s",
	    esc(in, len), max_line, want_describe(w, n), got_describe(&g));
	got_free(&g);

	for (a = 0; a <= len; a++) {
		for (b = a; b <= len; b++) {
			cuts[0] = a;
			cuts[1] = b;
			feed_pieces(&g, FRAME_LINE, max_line, in, len, cuts, 2);
			ck_assert_msg(got_matches(&g, w, n),
			    "\"%s\" split at %zu and %zu (max_line %zu): "
			    "expected %s; got %s", esc(in, len), a, b,
			    max_line, want_describe(w, n), got_describe(&g));
			got_free(&g);
		}
	}

	ck_assert_msg(len <= ARRAY_SIZE(cuts), "test input too long");
	for (i = 0; i < len; i++)
		cuts[i] = i + 1;
	feed_pieces(&g, FRAME_LINE, max_line, in, len, cuts,
	    len > 0 ? len - 1 : 0);
	ck_assert_msg(got_matches(&g, w, n),
	    "\"%s\" one byte at a time (max_line %zu): expected %s; got %s",
	    esc(in, len), max_line, want_describe(w, n), got_describe(&g));
	got_free(&g);
}

#define LINES(max, lit, ...) do {					\
	static const struct want	want_[] = { __VA_ARGS__ };	\
	expect_lines(max, lit, sizeof(lit) - 1, want_,			\
	    ARRAY_SIZE(want_));						\
} while (0)

#define NOLINES(max, lit)	expect_lines(max, lit, sizeof(lit) - 1, NULL, 0)

/* --- line framing -------------------------------------------------------- */

START_TEST(test_frame_lines)
{
	LINES(8192, "a\nb\n", { "a", 0 }, { "b", 0 });
	LINES(8192, "hello\n", { "hello", 0 });
	LINES(8192, "one line\ntwo lines\nthree\n",
	    { "one line", 0 }, { "two lines", 0 }, { "three", 0 });
	NOLINES(8192, "");
}
END_TEST

START_TEST(test_frame_crlf)
{
	LINES(8192, "a\r\nb\n", { "a", 0 }, { "b", 0 });
	LINES(8192, "a\r\nb\r\n", { "a", 0 }, { "b", 0 });
	/* Only one CR before the newline is dropped. */
	LINES(8192, "a\r\r\n", { "a\r", 0 });
	LINES(8192, "\r\n", { "", 0 });
}
END_TEST

START_TEST(test_frame_lone_cr)
{
	LINES(8192, "a\rb\n", { "a\rb", 0 });
	LINES(8192, "\rx\r\n", { "\rx", 0 });
	LINES(8192, "a\rb\r\nc\r\n", { "a\rb", 0 }, { "c", 0 });
}
END_TEST

START_TEST(test_frame_empty_lines)
{
	LINES(8192, "\n", { "", 0 });
	LINES(8192, "\n\n\r\n", { "", 0 }, { "", 0 }, { "", 0 });
	LINES(8192, "a\n\nb\n", { "a", 0 }, { "", 0 }, { "b", 0 });
}
END_TEST

START_TEST(test_frame_unfinished_last_line)
{
	LINES(8192, "a\nlast", { "a", 0 }, { "last", 0 });
	LINES(8192, "only", { "only", 0 });
	LINES(8192, "x\r", { "x", 0 });
}
END_TEST

/* Bytes are not interpreted: NUL and invalid UTF-8 are passed on. */
START_TEST(test_frame_binary)
{
	struct got	g = { 0 };
	struct frame	fr = { NULL, 0, 0 };

	ck_assert_int_eq(frame_feed(&fr, FRAME_LINE, 8192, "a\0b\n", 4,
	    collect, &g), 0);
	ck_assert_msg(g.n == 1 && g.len[0] == 3 &&
	    memcmp(g.msg[0], "a\0b", 3) == 0,
	    "expected \"a\\x00b\", got %s", got_describe(&g));
	got_free(&g);
	LINES(8192, "a\n\xFF\xC0\n", { "a", 0 }, { "\xFF\xC0", 0 });
	frame_free(&fr);
}
END_TEST

START_TEST(test_frame_every_split)
{
	LINES(8192, "hello\r\nworld\n\npartial\rline\r\r\nend",
	    { "hello", 0 }, { "world", 0 }, { "", 0 },
	    { "partial\rline\r", 0 }, { "end", 0 });
	LINES(8192, "\xE4\xBD\xA0\xE5\xA5\xBD\r\n\xF0\x9F\x98\x80\n",
	    { "\xE4\xBD\xA0\xE5\xA5\xBD", 0 }, { "\xF0\x9F\x98\x80", 0 });
}
END_TEST

START_TEST(test_frame_mode_parse)
{
	enum frame_mode	m = FRAME_RAW;

	ck_assert_int_eq(frame_mode_parse("line", &m), 0);
	ck_assert_msg(m == FRAME_LINE, "\"line\": expected FRAME_LINE, got %d",
	    (int)m);
	ck_assert_int_eq(frame_mode_parse("raw", &m), 0);
	ck_assert_msg(m == FRAME_RAW, "\"raw\": expected FRAME_RAW, got %d",
	    (int)m);
	ck_assert_int_eq(frame_mode_parse("LINE", &m), -1);
	ck_assert_int_eq(frame_mode_parse("", &m), -1);
	ck_assert_int_eq(frame_mode_parse("lines", &m), -1);
}
END_TEST

/* --- the --max-line cut -------------------------------------------------- */

START_TEST(test_frame_max_line_cut)
{
	LINES(8, "0123456789\nnext\n",
	    { "01234567", FRAME_CUT }, { "next", 0 });
	/* Nine bytes: one too many. */
	LINES(8, "012345678\n", { "01234567", FRAME_CUT });
	LINES(8, "012345678\r\n", { "01234567", FRAME_CUT });
	/* An unfinished long line is cut too, once. */
	LINES(8, "0123456789abcdef", { "01234567", FRAME_CUT });
	LINES(8, "0123456789\nabcdefghijk\n\nxy",
	    { "01234567", FRAME_CUT }, { "abcdefgh", FRAME_CUT }, { "", 0 },
	    { "xy", 0 });
}
END_TEST

/* A line of exactly max_line bytes is whole, whatever its terminator. */
START_TEST(test_frame_max_line_exact)
{
	LINES(8, "01234567\r\n", { "01234567", 0 });
	LINES(8, "01234567\n", { "01234567", 0 });
	LINES(8, "01234567", { "01234567", 0 });
	LINES(8, "01234567\r", { "01234567", 0 });
	LINES(8, "01234567\r\nab\n", { "01234567", 0 }, { "ab", 0 });
	/* A CR that no newline follows is part of the line: too long. */
	LINES(8, "01234567\rx\n", { "01234567", FRAME_CUT });
	LINES(8, "01234567\r\r\n", { "01234567", FRAME_CUT });
}
END_TEST

/* The cut never splits a character. */
START_TEST(test_frame_max_line_utf8)
{
	/* 你好世界: 3 bytes each; 5 bytes hold one. */
	LINES(5, "\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96\xE7\x95\x8C\nok\n",
	    { "\xE4\xBD\xA0", FRAME_CUT }, { "ok", 0 });
	LINES(6, "\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96\n",
	    { "\xE4\xBD\xA0\xE5\xA5\xBD", FRAME_CUT });
	LINES(4, "ab\xF0\x9F\x98\x80\n", { "ab", FRAME_CUT });
	LINES(4, "a\xC3\xA9\xC3\xA9\n", { "a\xC3\xA9", FRAME_CUT });
}
END_TEST

/* A long line over many reads: one cut message, then normal lines. */
START_TEST(test_frame_max_line_many_feeds)
{
	struct frame	 fr = { NULL, 0, 0 };
	struct got	 g = { 0 };
	static const struct want w[] = {
		{ "01234567", FRAME_CUT }, { "next", 0 }, { "tail", 0 },
	};
	int		 i;

	for (i = 0; i < 100; i++) {
		ck_assert_int_eq(frame_feed(&fr, FRAME_LINE, 8, "0123456789",
		    10, collect, &g), 0);
		ck_assert_msg(fr.len <= 9, "expected at most 9 bytes held, "
		    "got %u", fr.len);
	}
	ck_assert_msg(g.n == 1, "after 1000 bytes without a newline: expected "
	    "one cut message, got %s", got_describe(&g));
	ck_assert_int_eq(frame_feed(&fr, FRAME_LINE, 8, "dropped\nnext\nta", 15,
	    collect, &g), 0);
	ck_assert_int_eq(frame_feed(&fr, FRAME_LINE, 8, "il\n", 3, collect,
	    &g), 0);
	ck_assert_msg(got_matches(&g, w, ARRAY_SIZE(w)), "expected %s; got %s",
	    want_describe(w, ARRAY_SIZE(w)), got_describe(&g));
	ck_assert_msg(!frame_pending(&fr) && fr.buf == NULL,
	    "after the last newline: expected nothing held, got %u bytes",
	    fr.len);
	got_free(&g);
	frame_free(&fr);
}
END_TEST

/* 10 MB without a newline: memory stays at the line limit. */
START_TEST(test_frame_memory_bound)
{
	static char	 chunk[64 * 1024];
	struct frame	 fr = { NULL, 0, 0 };
	struct got	 g = { 0 };
	size_t		 fed;

	memset(chunk, 'x', sizeof chunk);
	g.count_only = 1;
	for (fed = 0; fed < 10 * 1024 * 1024; fed += sizeof chunk) {
		ck_assert_int_eq(frame_feed(&fr, FRAME_LINE, 8192, chunk,
		    sizeof chunk, collect, &g), 0);
		ck_assert_msg(fr.len <= 8193, "after %zu bytes: expected at "
		    "most 8193 bytes held, got %u", fed + sizeof chunk, fr.len);
	}
	/* One byte at a time too. */
	for (fed = 0; fed < 100 * 1024; fed++) {
		ck_assert_int_eq(frame_feed(&fr, FRAME_LINE, 8192, "y", 1,
		    collect, &g), 0);
		ck_assert_msg(fr.len <= 8193, "expected at most 8193 bytes "
		    "held, got %u", fr.len);
	}
	ck_assert_msg(g.count == 1 && g.total == 8192,
	    "expected one message of 8192 bytes, got %zu of %zu bytes in all",
	    g.count, g.total);
	g.count_only = 0;
	ck_assert_int_eq(frame_feed(&fr, FRAME_LINE, 8192, "\nok\n", 4,
	    collect, &g), 0);
	ck_assert_msg(g.n == 1 && g.len[0] == 2 &&
	    memcmp(g.msg[0], "ok", 2) == 0 && g.flags[0] == 0,
	    "after the newline: expected \"ok\", got %s", got_describe(&g));
	got_free(&g);
	frame_free(&fr);
}
END_TEST

/* --- raw framing --------------------------------------------------------- */

START_TEST(test_frame_raw)
{
	static const struct want w[] = {
		{ "abc", 0 }, { "a\nb\r\n", 0 }, { "\n", 0 },
	};
	struct frame	 fr = { NULL, 0, 0 };
	struct got	 g = { 0 };

	ck_assert_int_eq(frame_feed(&fr, FRAME_RAW, 8192, "abc", 3, collect,
	    &g), 0);
	ck_assert_int_eq(frame_feed(&fr, FRAME_RAW, 8192, "", 0, collect, &g),
	    0);
	ck_assert_int_eq(frame_feed(&fr, FRAME_RAW, 8192, "a\nb\r\n", 5,
	    collect, &g), 0);
	ck_assert_int_eq(frame_feed(&fr, FRAME_RAW, 8192, "\n", 1, collect,
	    &g), 0);
	ck_assert_msg(!frame_pending(&fr), "raw: expected nothing held");
	ck_assert_int_eq(frame_finish(&fr, FRAME_RAW, 8192, collect, &g), 0);
	ck_assert_msg(got_matches(&g, w, ARRAY_SIZE(w)),
	    "raw: expected %s; got %s", want_describe(w, ARRAY_SIZE(w)),
	    got_describe(&g));
	got_free(&g);
}
END_TEST

START_TEST(test_frame_raw_cut)
{
	static const struct want w[] = {
		{ "01234567", FRAME_CUT }, { "01234567", 0 },
		{ "ab", FRAME_CUT }, { "x", 0 },
	};
	struct frame	 fr = { NULL, 0, 0 };
	struct got	 g = { 0 };

	ck_assert_int_eq(frame_feed(&fr, FRAME_RAW, 8, "0123456789", 10,
	    collect, &g), 0);
	ck_assert_int_eq(frame_feed(&fr, FRAME_RAW, 8, "01234567", 8,
	    collect, &g), 0);
	/* "ab你好" is 8 bytes; 4 would split 你. */
	ck_assert_int_eq(frame_feed(&fr, FRAME_RAW, 4,
	    "ab\xE4\xBD\xA0\xE5\xA5\xBD", 8, collect, &g), 0);
	ck_assert_int_eq(frame_feed(&fr, FRAME_RAW, 8, "x", 1, collect, &g),
	    0);
	ck_assert_msg(got_matches(&g, w, ARRAY_SIZE(w)),
	    "raw with max_line: expected %s; got %s",
	    want_describe(w, ARRAY_SIZE(w)), got_describe(&g));
	got_free(&g);
	frame_free(&fr);
}
END_TEST

/* --- stopping from the callback ------------------------------------------ */

START_TEST(test_frame_stop_whole_lines)
{
	struct frame	 fr = { NULL, 0, 0 };
	struct got	 g = { 0 };
	int		 rc;

	g.stop_at = 1;
	rc = frame_feed(&fr, FRAME_LINE, 8192, "a\nb\nc\n", 6, collect, &g);
	ck_assert_msg(rc == -1 && g.n == 1,
	    "callback stopping at \"a\": expected -1 and one message, got %d "
	    "and %s", rc, got_describe(&g));
	got_free(&g);
	frame_free(&fr);

	g.stop_at = 2;
	rc = frame_feed(&fr, FRAME_LINE, 8192, "a\nb\nc\nd", 7, collect, &g);
	ck_assert_msg(rc == -1 && g.n == 2,
	    "callback stopping at \"b\": expected -1 and two messages, got %d "
	    "and %s", rc, got_describe(&g));
	got_free(&g);
	frame_free(&fr);
}
END_TEST

START_TEST(test_frame_stop_held_line)
{
	struct frame	 fr = { NULL, 0, 0 };
	struct got	 g = { 0 };
	int		 rc;

	g.stop_at = 1;
	ck_assert_int_eq(frame_feed(&fr, FRAME_LINE, 8192, "fir", 3, collect,
	    &g), 0);
	rc = frame_feed(&fr, FRAME_LINE, 8192, "st\nsecond\n", 10, collect, &g);
	ck_assert_msg(rc == -1 && g.n == 1 && g.len[0] == 5 &&
	    memcmp(g.msg[0], "first", 5) == 0,
	    "callback stopping at a held line: expected -1 and \"first\" only, "
	    "got %d and %s", rc, got_describe(&g));
	got_free(&g);
	frame_free(&fr);
}
END_TEST

START_TEST(test_frame_stop_cut_line)
{
	struct frame	 fr = { NULL, 0, 0 };
	struct got	 g = { 0 };
	int		 rc;

	/* A whole line in the read, cut. */
	g.stop_at = 1;
	rc = frame_feed(&fr, FRAME_LINE, 4, "abcdefgh\nnext\n", 14, collect,
	    &g);
	ck_assert_msg(rc == -1 && g.n == 1 && g.flags[0] == FRAME_CUT,
	    "callback stopping at a cut line: expected -1 and one cut message, "
	    "got %d and %s", rc, got_describe(&g));
	got_free(&g);
	frame_free(&fr);

	/* An unfinished line, cut while held. */
	g.stop_at = 1;
	rc = frame_feed(&fr, FRAME_LINE, 4, "abcdefgh", 8, collect, &g);
	ck_assert_msg(rc == -1 && g.n == 1 && g.flags[0] == FRAME_CUT,
	    "callback stopping at an unfinished cut line: expected -1 and one "
	    "cut message, got %d and %s", rc, got_describe(&g));
	got_free(&g);
	frame_free(&fr);
}
END_TEST

START_TEST(test_frame_stop_raw_and_finish)
{
	struct frame	 fr = { NULL, 0, 0 };
	struct got	 g = { 0 };
	int		 rc;

	g.stop_at = 1;
	rc = frame_feed(&fr, FRAME_RAW, 8192, "abc", 3, collect, &g);
	ck_assert_msg(rc == -1 && g.n == 1,
	    "raw, callback stopping: expected -1 and one message, got %d and "
	    "%s", rc, got_describe(&g));
	got_free(&g);

	g.stop_at = 1;
	ck_assert_int_eq(frame_feed(&fr, FRAME_LINE, 8192, "tail", 4, collect,
	    &g), 0);
	rc = frame_finish(&fr, FRAME_LINE, 8192, collect, &g);
	ck_assert_msg(rc == -1 && g.n == 1,
	    "frame_finish, callback stopping: expected -1 and \"tail\", got %d "
	    "and %s", rc, got_describe(&g));
	ck_assert_msg(fr.buf == NULL && fr.len == 0,
	    "after frame_finish: expected nothing held, got %u bytes", fr.len);
	got_free(&g);
}
END_TEST

/* --- state --------------------------------------------------------------- */

START_TEST(test_frame_pending_and_free)
{
	struct frame	 fr = { NULL, 0, 0 };
	struct got	 g = { 0 };

	ck_assert_msg(!frame_pending(&fr), "new frame: expected not pending");
	ck_assert_int_eq(frame_feed(&fr, FRAME_LINE, 8192, "a\n", 2, collect,
	    &g), 0);
	ck_assert_msg(!frame_pending(&fr) && fr.buf == NULL,
	    "after a whole line: expected nothing held, got %u bytes", fr.len);
	ck_assert_int_eq(frame_feed(&fr, FRAME_LINE, 8192, "abc", 3, collect,
	    &g), 0);
	ck_assert_msg(frame_pending(&fr), "after \"abc\": expected pending");
	frame_free(&fr);
	ck_assert_msg(!frame_pending(&fr) && fr.buf == NULL && fr.len == 0,
	    "after frame_free: expected nothing held, got %u bytes", fr.len);
	/* What was dropped does not come back. */
	ck_assert_int_eq(frame_feed(&fr, FRAME_LINE, 8192, "d\n", 2, collect,
	    &g), 0);
	ck_assert_msg(g.n == 2 && g.len[1] == 1 && g.msg[1][0] == 'd',
	    "after frame_free and \"d\\n\": expected \"a\", \"d\"; got %s",
	    got_describe(&g));
	/* A cut line being dropped is forgotten by frame_free too. */
	ck_assert_int_eq(frame_feed(&fr, FRAME_LINE, 4, "abcdefgh", 8, collect,
	    &g), 0);
	ck_assert_msg(!frame_pending(&fr), "while dropping the rest of a cut "
	    "line: expected nothing held, got %u bytes", fr.len);
	frame_free(&fr);
	ck_assert_int_eq(frame_feed(&fr, FRAME_LINE, 4, "xy\n", 3, collect,
	    &g), 0);
	ck_assert_msg(g.n == 4 && g.len[3] == 2 && memcmp(g.msg[3], "xy", 2)
	    == 0, "after frame_free of a cut line: expected \"xy\" delivered, "
	    "got %s", got_describe(&g));
	got_free(&g);
	frame_free(&fr);
}
END_TEST

/* After frame_finish the frame starts afresh. */
START_TEST(test_frame_finish_resets)
{
	static const struct want w[] = {
		{ "0123", FRAME_CUT }, { "new", 0 },
	};
	struct frame	 fr = { NULL, 0, 0 };
	struct got	 g = { 0 };

	ck_assert_int_eq(frame_feed(&fr, FRAME_LINE, 4, "0123456789", 10,
	    collect, &g), 0);
	ck_assert_int_eq(frame_finish(&fr, FRAME_LINE, 4, collect, &g), 0);
	ck_assert_int_eq(frame_finish(&fr, FRAME_LINE, 4, collect, &g), 0);
	ck_assert_int_eq(frame_feed(&fr, FRAME_LINE, 4, "new\n", 4, collect,
	    &g), 0);
	ck_assert_msg(got_matches(&g, w, ARRAY_SIZE(w)), "expected %s; got %s",
	    want_describe(w, ARRAY_SIZE(w)), got_describe(&g));
	got_free(&g);
	frame_free(&fr);
}
END_TEST

static Suite *
frame_suite(void)
{
	Suite	*s = suite_create("frame");
	TCase	*tc;

	tc = tcase_create("line");
	tcase_add_test(tc, test_frame_lines);
	tcase_add_test(tc, test_frame_crlf);
	tcase_add_test(tc, test_frame_lone_cr);
	tcase_add_test(tc, test_frame_empty_lines);
	tcase_add_test(tc, test_frame_unfinished_last_line);
	tcase_add_test(tc, test_frame_binary);
	tcase_add_test(tc, test_frame_every_split);
	tcase_add_test(tc, test_frame_mode_parse);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("max-line");
	tcase_add_test(tc, test_frame_max_line_cut);
	tcase_add_test(tc, test_frame_max_line_exact);
	tcase_add_test(tc, test_frame_max_line_utf8);
	tcase_add_test(tc, test_frame_max_line_many_feeds);
	tcase_add_test(tc, test_frame_memory_bound);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	tc = tcase_create("raw");
	tcase_add_test(tc, test_frame_raw);
	tcase_add_test(tc, test_frame_raw_cut);
	suite_add_tcase(s, tc);

	tc = tcase_create("stop");
	tcase_add_test(tc, test_frame_stop_whole_lines);
	tcase_add_test(tc, test_frame_stop_held_line);
	tcase_add_test(tc, test_frame_stop_cut_line);
	tcase_add_test(tc, test_frame_stop_raw_and_finish);
	suite_add_tcase(s, tc);

	tc = tcase_create("state");
	tcase_add_test(tc, test_frame_pending_and_free);
	tcase_add_test(tc, test_frame_finish_resets);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(frame_suite());
}
