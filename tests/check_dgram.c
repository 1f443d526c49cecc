/*
 * check_dgram.c: UDP datagrams: the messages of one (lines, CRLF, empty
 * lines, the --max-line cut, raw framing, stopping), and the echo reply,
 * stamped and never longer than the request plus 64 bytes, checked on
 * thousands of random datagrams.
 */
#include "common.h"

#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgram.h"

#include "check_util.h"

#define MAX_MSGS	4096
/* The default stamp is 27 bytes: "[Wed Aug 14 20:50:19 2013] ". */
#define STAMP		"[Wed Aug 14 20:50:19 2013] "
#define STAMP_LEN	(sizeof(STAMP) - 1)

#include "check_msgs.h"

/* The messages of the datagram IN (LEN bytes, exact-size copy) into G. */
static void
messages(struct got *g, enum frame_mode mode, size_t max_line,
    const char *in, size_t len)
{
	unsigned char	*copy;

	if (len == 0) {
		dgram_messages(mode, max_line, in, 0, collect, g);
		return;
	}
	copy = dup_exact(in, len);
	dgram_messages(mode, max_line, (const char *)copy, len, collect, g);
	free(copy);
}

static void
expect_msgs(enum frame_mode mode, size_t max_line, const char *in,
    size_t len, const struct want *w, size_t n)
{
	struct got	g = { 0 };

	messages(&g, mode, max_line, in, len);
	ck_assert_msg(got_matches(&g, w, n), "%s datagram \"%s\" (max_line "
	    "%zu): expected %s; got %s", mode == FRAME_RAW ? "raw" : "line",
	    esc(in, len), max_line, want_describe(w, n), got_describe(&g));
	got_free(&g);
}

#define MSGS(mode, max, lit, ...) do {					\
	static const struct want	want_[] = { __VA_ARGS__ };	\
	expect_msgs(mode, max, lit, sizeof(lit) - 1, want_,		\
	    ARRAY_SIZE(want_));						\
} while (0)

#define NOMSGS(mode, max, lit) \
	expect_msgs(mode, max, lit, sizeof(lit) - 1, NULL, 0)

/*
 * The echo reply to IN (LEN bytes) with STAMP, in an output block of
 * exactly the bound, so that valgrind sees any write past it. Return the
 * reply in a block the caller frees.
 */
static char *
echo(enum frame_mode mode, size_t max_line, const char *stamp,
    size_t stamp_len, const char *in, size_t len, struct dgram_result *res)
{
	unsigned char	*copy;
	char		*out = malloc(DGRAM_REPLY_MAX(len));

	if (out == NULL)
		abort();
	if (len == 0) {
		dgram_echo(mode, max_line, stamp, stamp_len, in, 0, out, res);
		return out;
	}
	copy = dup_exact(in, len);
	dgram_echo(mode, max_line, stamp, stamp_len, (const char *)copy, len,
	    out, res);
	free(copy);
	return out;
}

/* The echo reply to the literal IN must be exactly WANT. */
static void
expect_echo(enum frame_mode mode, const char *in, size_t len,
    const char *want, unsigned int messages_want, unsigned int dropped_want)
{
	struct dgram_result	 res;
	char			*out;

	out = echo(mode, 8192, STAMP, STAMP_LEN, in, len, &res);
	ck_assert_msg(res.len == strlen(want) &&
	    memcmp(out, want, res.len) == 0, "%s echo of \"%s\": expected "
	    "\"%s\" (%zu bytes), got \"%s\" (%zu bytes)",
	    mode == FRAME_RAW ? "raw" : "line", esc(in, len), esc_str(want),
	    strlen(want), esc(out, res.len), res.len);
	ck_assert_msg(res.messages == messages_want &&
	    res.dropped == dropped_want, "echo of \"%s\": expected %u "
	    "messages, %u dropped; got %u, %u dropped", esc(in, len),
	    messages_want, dropped_want, res.messages, res.dropped);
	free(out);
}

#define ECHO(mode, lit, want, nmsg, ndrop) \
	expect_echo(mode, lit, sizeof(lit) - 1, want, nmsg, ndrop)

/* --- the messages of a datagram ------------------------------------------ */

START_TEST(test_dgram_lines)
{
	MSGS(FRAME_LINE, 8192, "a\nb", { "a", 0 }, { "b", 0 });
	MSGS(FRAME_LINE, 8192, "a\nb\n", { "a", 0 }, { "b", 0 });
	MSGS(FRAME_LINE, 8192, "hello", { "hello", 0 });
	MSGS(FRAME_LINE, 8192, "hello\n", { "hello", 0 });
	NOMSGS(FRAME_LINE, 8192, "");
}
END_TEST

START_TEST(test_dgram_crlf)
{
	MSGS(FRAME_LINE, 8192, "a\r\nb\r\n", { "a", 0 }, { "b", 0 });
	MSGS(FRAME_LINE, 8192, "a\r\nb", { "a", 0 }, { "b", 0 });
	MSGS(FRAME_LINE, 8192, "\r\n", { "", 0 });
	/* Only a CR before a newline is dropped. */
	MSGS(FRAME_LINE, 8192, "a\rb\n", { "a\rb", 0 });
	MSGS(FRAME_LINE, 8192, "a\r\r\n", { "a\r", 0 });
}
END_TEST

/*
 * The datagram's end ends a line as a newline does, so a CR before it is
 * dropped, as frame_finish drops it at the end of a TCP stream ("x\r" ->
 * "x", check_frame.c): UDP and TCP peers sending the same bytes get the
 * same messages.
 */
START_TEST(test_dgram_cr_at_end)
{
	MSGS(FRAME_LINE, 8192, "x\r", { "x", 0 });
	MSGS(FRAME_LINE, 8192, "a\r\nb\r", { "a", 0 }, { "b", 0 });
	MSGS(FRAME_LINE, 8192, "\r", { "", 0 });
	/* Only one CR. */
	MSGS(FRAME_LINE, 8192, "x\r\r", { "x\r", 0 });
}
END_TEST

START_TEST(test_dgram_empty_lines)
{
	MSGS(FRAME_LINE, 8192, "a\n\nb", { "a", 0 }, { "", 0 }, { "b", 0 });
	MSGS(FRAME_LINE, 8192, "\n", { "", 0 });
	MSGS(FRAME_LINE, 8192, "\n\n", { "", 0 }, { "", 0 });
	MSGS(FRAME_LINE, 8192, "\nx", { "", 0 }, { "x", 0 });
}
END_TEST

/* Bytes are not interpreted: NUL and invalid UTF-8 pass. */
START_TEST(test_dgram_binary)
{
	struct got	g = { 0 };

	messages(&g, FRAME_LINE, 8192, "a\0b\n\xFF", 5);
	ck_assert_msg(g.n == 2 && g.len[0] == 3 &&
	    memcmp(g.msg[0], "a\0b", 3) == 0 && g.len[1] == 1 &&
	    (unsigned char)g.msg[1][0] == 0xFF,
	    "expected \"a\\x00b\", \"\\xFF\"; got %s", got_describe(&g));
	got_free(&g);
}
END_TEST

START_TEST(test_dgram_max_line)
{
	MSGS(FRAME_LINE, 8, "0123456789\nnext", { "01234567", FRAME_CUT },
	    { "next", 0 });
	MSGS(FRAME_LINE, 8, "0123456789", { "01234567", FRAME_CUT });
	/* Exactly max_line is whole, with or without its CR. */
	MSGS(FRAME_LINE, 8, "01234567\r\nab", { "01234567", 0 }, { "ab", 0 });
	MSGS(FRAME_LINE, 8, "01234567", { "01234567", 0 });
	MSGS(FRAME_LINE, 8, "012345678\n", { "01234567", FRAME_CUT });
}
END_TEST

/* The cut never splits a character. */
START_TEST(test_dgram_max_line_utf8)
{
	/* 你好世界: 3 bytes each; 5 bytes hold one. */
	MSGS(FRAME_LINE, 5, "\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96\xE7\x95\x8C"
	    "\nok", { "\xE4\xBD\xA0", FRAME_CUT }, { "ok", 0 });
	MSGS(FRAME_LINE, 4, "ab\xF0\x9F\x98\x80\n", { "ab", FRAME_CUT });
	MSGS(FRAME_LINE, 4, "a\xC3\xA9\xC3\xA9", { "a\xC3\xA9", FRAME_CUT });
	MSGS(FRAME_LINE, 6, "\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96\r\n",
	    { "\xE4\xBD\xA0\xE5\xA5\xBD", FRAME_CUT });
}
END_TEST

START_TEST(test_dgram_raw)
{
	MSGS(FRAME_RAW, 8192, "abc", { "abc", 0 });
	MSGS(FRAME_RAW, 8192, "a\nb\r\n", { "a\nb\r\n", 0 });
	MSGS(FRAME_RAW, 8192, "\n", { "\n", 0 });
	MSGS(FRAME_RAW, 8, "0123456789", { "01234567", FRAME_CUT });
	/* "ab你好" is 8 bytes; 4 would split 你. */
	MSGS(FRAME_RAW, 4, "ab\xE4\xBD\xA0\xE5\xA5\xBD", { "ab", FRAME_CUT });
	NOMSGS(FRAME_RAW, 8192, "");
}
END_TEST

START_TEST(test_dgram_stop)
{
	struct got	g = { 0 };

	g.stop_at = 1;
	messages(&g, FRAME_LINE, 8192, "a\nb\nc\n", 6);
	ck_assert_msg(g.n == 1, "a callback stopping at \"a\": expected one "
	    "message, got %s", got_describe(&g));
	got_free(&g);

	g.stop_at = 2;
	messages(&g, FRAME_LINE, 8192, "a\nb\nc", 5);
	ck_assert_msg(g.n == 2, "a callback stopping at \"b\": expected two "
	    "messages, got %s", got_describe(&g));
	got_free(&g);

	g.stop_at = 1;
	messages(&g, FRAME_LINE, 4, "abcdefgh\nnext\n", 14);
	ck_assert_msg(g.n == 1 && g.flags[0] == FRAME_CUT, "a callback "
	    "stopping at a cut line: expected one cut message, got %s",
	    got_describe(&g));
	got_free(&g);
}
END_TEST

/* --- the echo reply ------------------------------------------------------ */

START_TEST(test_dgram_echo_stamped)
{
	ECHO(FRAME_LINE, "hello", STAMP "hello\n", 1, 0);
	ECHO(FRAME_LINE, "hello\n", STAMP "hello\n", 1, 0);
	ECHO(FRAME_LINE, "hello\r\n", STAMP "hello\n", 1, 0);
	ECHO(FRAME_LINE, "a\nb", STAMP "a\n" STAMP "b\n", 2, 0);
	ECHO(FRAME_LINE, "a\r\nb\r\n", STAMP "a\n" STAMP "b\n", 2, 0);
	ECHO(FRAME_LINE, "\n", STAMP "\n", 1, 0);
}
END_TEST

/* Any stamp is used as given. */
START_TEST(test_dgram_echo_other_stamp)
{
	struct dgram_result	 res;
	char			*out;

	out = echo(FRAME_LINE, 8192, "<t> ", 4, "x\ny", 3, &res);
	ck_assert_bytes(out, res.len, "<t> x\n<t> y\n", 12);
	free(out);
	out = echo(FRAME_LINE, 8192, "", 0, "x\ny", 3, &res);
	ck_assert_bytes(out, res.len, "x\ny\n", 4);
	free(out);
}
END_TEST

START_TEST(test_dgram_echo_raw)
{
	ECHO(FRAME_RAW, "hello", STAMP "hello", 1, 0);
	ECHO(FRAME_RAW, "a\nb", STAMP "a\nb", 1, 0);
	ECHO(FRAME_RAW, "a\r\n", STAMP "a\r\n", 1, 0);
	ECHO(FRAME_RAW, "x", STAMP "x", 1, 0);
}
END_TEST

START_TEST(test_dgram_echo_empty)
{
	struct dgram_result	 res;
	char			*out;

	out = echo(FRAME_LINE, 8192, STAMP, STAMP_LEN, "", 0, &res);
	ck_assert_msg(res.len == 0 && res.messages == 0 && res.dropped == 0,
	    "line: an empty datagram: expected no reply, got %zu bytes, %u "
	    "messages, %u dropped", res.len, res.messages, res.dropped);
	free(out);
	out = echo(FRAME_RAW, 8192, STAMP, STAMP_LEN, "", 0, &res);
	ck_assert_msg(res.len == 0 && res.messages == 0 && res.dropped == 0,
	    "raw: an empty datagram: expected no reply, got %zu bytes, %u "
	    "messages, %u dropped", res.len, res.messages, res.dropped);
	free(out);
}
END_TEST

/*
 * 100 one-byte lines, 200 bytes: the reply may hold 264 bytes, 29 a line,
 * so 9 lines go back and 91 are dropped and counted.
 */
START_TEST(test_dgram_echo_many_short_lines)
{
	struct dgram_result	 res;
	char			 in[200], *out, want[9 * 29];
	size_t			 i;

	for (i = 0; i < 100; i++) {
		in[2 * i] = (char)('a' + i % 26);
		in[2 * i + 1] = '\n';
	}
	for (i = 0; i < 9; i++) {
		memcpy(want + 29 * i, STAMP, STAMP_LEN);
		want[29 * i + 27] = (char)('a' + i % 26);
		want[29 * i + 28] = '\n';
	}
	out = echo(FRAME_LINE, 8192, STAMP, STAMP_LEN, in, sizeof in, &res);
	ck_assert_msg(res.messages == 100 && res.dropped == 91,
	    "100 one-byte lines: expected 100 messages, 91 dropped; got %u, "
	    "%u dropped", res.messages, res.dropped);
	ck_assert_bytes(out, res.len, want, sizeof want);
	free(out);

	/* A single empty line: 1 byte in, 28 out: fits. */
	out = echo(FRAME_LINE, 8192, STAMP, STAMP_LEN, "\n\n\n", 3, &res);
	ck_assert_msg(res.messages == 3 && res.dropped == 1 &&
	    res.len == 2 * 28, "three empty lines (3 bytes, bound 67): "
	    "expected two replies of 28 bytes and one dropped; got %zu bytes, "
	    "%u messages, %u dropped", res.len, res.messages, res.dropped);
	free(out);
}
END_TEST

/* A stamp longer than the slack: a short request gets nothing back. */
START_TEST(test_dgram_echo_long_stamp)
{
	struct dgram_result	 res;
	char			 stamp[100], *out;

	memset(stamp, 'S', sizeof stamp);
	out = echo(FRAME_LINE, 8192, stamp, sizeof stamp, "hi", 2, &res);
	ck_assert_msg(res.len == 0 && res.messages == 1 && res.dropped == 1,
	    "a 100-byte stamp on \"hi\": expected nothing and one dropped; "
	    "got %zu bytes, %u messages, %u dropped", res.len, res.messages,
	    res.dropped);
	free(out);
	out = echo(FRAME_RAW, 8192, stamp, sizeof stamp, "hi", 2, &res);
	ck_assert_msg(res.len == 0 && res.dropped == 1, "raw, a 100-byte "
	    "stamp on \"hi\": expected nothing and one dropped; got %zu bytes, "
	    "%u dropped", res.len, res.dropped);
	free(out);
}
END_TEST

/* Cut lines are counted, and echoed cut. */
START_TEST(test_dgram_echo_cut)
{
	struct dgram_result	 res;
	char			*out;

	out = echo(FRAME_LINE, 4, STAMP, STAMP_LEN, "abcdefgh\nxy", 11, &res);
	ck_assert_bytes_str(out, res.len, STAMP "abcd\n" STAMP "xy\n");
	ck_assert_msg(res.messages == 2 && res.cut == 1 && res.dropped == 0,
	    "expected 2 messages, 1 cut, none dropped; got %u, %u cut, %u "
	    "dropped", res.messages, res.cut, res.dropped);
	free(out);
}
END_TEST

/*
 * Random datagrams of 1 to 2000 bytes with random newlines and CRs, in
 * both framings and several line limits: the reply stays within its bound
 * (the output block is exactly that size, for valgrind), every message is
 * delivered or counted as dropped, and the reply is, in order, the stamped
 * messages that dgram_messages finds, some left out.
 */
START_TEST(test_dgram_echo_fuzz)
{
	static const size_t	 max_lines[] = { 8192, 100, 7, 1 };
	static char		 in[2000];
	struct dgram_result	 res;
	struct got		 g = { 0 };
	uint64_t		 rng = 0xC0FFEE1234ULL;
	enum frame_mode		 mode;
	size_t			 len, i, o, j, delivered, cuts, max_line;
	uint32_t		 r;
	char			*out;
	int			 round;

	for (round = 0; round < 3000; round++) {
		len = 1 + test_random(&rng) % 2000;
		r = test_random(&rng);
		/* Newline density from dense to none. */
		for (i = 0; i < len; i++) {
			uint32_t	x = test_random(&rng);

			if (r % 4 != 3 && x % (2u << (r % 4 * 3)) == 0)
				in[i] = '\n';
			else if (x % 53 == 1)
				in[i] = '\r';
			else
				in[i] = (char)(x >> 8);
		}
		mode = round % 5 == 4 ? FRAME_RAW : FRAME_LINE;
		max_line = max_lines[(r >> 8) % ARRAY_SIZE(max_lines)];

		out = echo(mode, max_line, STAMP, STAMP_LEN, in, len, &res);
		if (res.len > len + 64)
			ck_abort_msg("round %d: a %zu-byte datagram got a "
			    "%zu-byte reply, over the bound of %zu", round, len,
			    res.len, len + 64);

		messages(&g, mode, max_line, in, len);
		delivered = 0;
		cuts = 0;
		for (j = 0; j < g.n; j++)
			if (g.flags[j] & FRAME_CUT)
				cuts++;
		/* Walk the reply: each piece is the next message kept. */
		for (o = 0, j = 0; o < res.len; j++) {
			size_t	need;

			if (j >= g.n)
				ck_abort_msg("round %d: the reply holds more "
				    "than the %zu messages", round, g.n);
			need = STAMP_LEN + g.len[j] +
			    (mode == FRAME_LINE ? 1 : 0);
			if (o + need > res.len || memcmp(out + o, STAMP,
			    STAMP_LEN) != 0 || memcmp(out + o + STAMP_LEN,
			    g.msg[j], g.len[j]) != 0 || (mode == FRAME_LINE &&
			    out[o + need - 1] != '\n'))
				continue;	/* message j was dropped */
			delivered++;
			o += need;
		}
		if (mode == FRAME_LINE) {
			size_t	newlines = 0;

			for (o = 0; o < res.len; o++)
				newlines += out[o] == '\n';
			if (newlines != delivered)
				ck_abort_msg("round %d: expected %zu newlines "
				    "in the reply, one a line, got %zu", round,
				    delivered, newlines);
		}
		if (res.messages != g.n || res.messages != delivered +
		    res.dropped || res.cut != cuts)
			ck_abort_msg("round %d (%s, max_line %zu, %zu bytes): "
			    "expected %zu messages = %zu delivered + dropped, "
			    "%zu cut; got %u messages, %u dropped, %u cut",
			    round, mode == FRAME_RAW ? "raw" : "line",
			    max_line, len, g.n, delivered, cuts, res.messages,
			    res.dropped, res.cut);
		got_free(&g);
		free(out);
	}
}
END_TEST

static Suite *
dgram_suite(void)
{
	Suite	*s = suite_create("dgram");
	TCase	*tc;

	tc = tcase_create("messages");
	tcase_add_test(tc, test_dgram_lines);
	tcase_add_test(tc, test_dgram_crlf);
	tcase_add_test(tc, test_dgram_cr_at_end);
	tcase_add_test(tc, test_dgram_empty_lines);
	tcase_add_test(tc, test_dgram_binary);
	tcase_add_test(tc, test_dgram_max_line);
	tcase_add_test(tc, test_dgram_max_line_utf8);
	tcase_add_test(tc, test_dgram_raw);
	tcase_add_test(tc, test_dgram_stop);
	suite_add_tcase(s, tc);

	tc = tcase_create("echo");
	tcase_add_test(tc, test_dgram_echo_stamped);
	tcase_add_test(tc, test_dgram_echo_other_stamp);
	tcase_add_test(tc, test_dgram_echo_raw);
	tcase_add_test(tc, test_dgram_echo_empty);
	tcase_add_test(tc, test_dgram_echo_many_short_lines);
	tcase_add_test(tc, test_dgram_echo_long_stamp);
	tcase_add_test(tc, test_dgram_echo_cut);
	suite_add_tcase(s, tc);

	tc = tcase_create("bound");
	tcase_add_test(tc, test_dgram_echo_fuzz);
	tcase_set_timeout(tc, 300);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(dgram_suite());
}
