/*
 * check_complete.c: Tab completion of nicks: learning them from each form
 * of server line (and not from addresses or other notices), most recent
 * first, forgetting, the bound on how many are kept, and cycling through
 * the case-insensitive prefix matches.
 */
#include "common.h"

#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complete.h"

#include "check_util.h"

#define STAMP	"[Wed Aug 14 20:50:19 2013] "

/* The nicks known, most recent first, as "a b c". */
static const char *
nicks(const struct complete *c)
{
	static char	buf[1024];
	size_t		i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < c->count && o < sizeof buf - 1; i++)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s",
		    i > 0 ? " " : "", c->nicks[i]);
	return buf;
}

#define expect_nicks(c, want) do {					\
	const char	*en_g = nicks(c), *en_w = (want);		\
									\
	ck_assert_msg(strcmp(en_g, en_w) == 0, "line %d: expected "	\
	    "nicks \"%s\", got \"%s\"", __LINE__, esc_str(en_w),	\
	    esc_str(en_g));						\
} while (0)

static void
learn(struct complete *c, const char *line)
{
	complete_learn(c, line, strlen(line));
}

START_TEST(test_complete_learn_forms)
{
	struct complete	c;

	complete_init(&c);
	learn(&c, STAMP "alice: hello there");
	expect_nicks(&c, "alice");
	learn(&c, STAMP "* bob waves at alice");
	expect_nicks(&c, "bob alice");
	learn(&c, STAMP "*** carol joined (3 online)");
	expect_nicks(&c, "carol bob alice");
	learn(&c, STAMP "*** alice left (2 online)");
	expect_nicks(&c, "carol bob");
	learn(&c, STAMP "*** bob is now known as robert");
	expect_nicks(&c, "robert carol");
	learn(&c, STAMP "*** carol left: gone home (1 online)");
	expect_nicks(&c, "robert");
	/* Another stamp format, and none at all. */
	learn(&c, "[20:50] dave: hi");
	learn(&c, "*** eve joined (3 online)");
	learn(&c, "frank: x");
	expect_nicks(&c, "frank eve dave robert");
	/* Unicode nicks. */
	learn(&c, STAMP "\xE5\xBC\xA0\xE4\xB8\x89: \xE4\xBD\xA0\xE5\xA5\xBD");
	expect_nicks(&c, "\xE5\xBC\xA0\xE4\xB8\x89 frank eve dave robert");
	complete_free(&c);
}
END_TEST

/* Addresses, notices and message text teach nothing. */
START_TEST(test_complete_learn_nothing)
{
	static const char	*const lines[] = {
		STAMP "127.0.0.1:4000: hello",
		STAMP "[::1]:4000: hello",
		STAMP "*** 127.0.0.1:4000 joined (2 online)",
		STAMP "*** the nick alice is taken",
		STAMP "*** 3 online:",
		STAMP "*** line too long",
		STAMP "*** unknown command /x (try /help)",
		STAMP "*** server shutting down",
		STAMP "no colon here",
		STAMP "trailing:",
		STAMP "a b: not a nick",
		STAMP ": empty nick",
		STAMP "*** ",
		STAMP "* ",
		STAMP,
		"",
		"[unterminated stamp",
	};
	struct complete		c;
	size_t			i;

	complete_init(&c);
	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		learn(&c, lines[i]);
		ck_assert_msg(c.count == 0, "\"%s\": expected no nick learnt, "
		    "got \"%s\"", esc_str(lines[i]), esc_str(nicks(&c)));
	}
	/* Only the speaker, whatever the text says. */
	learn(&c, STAMP "gil: *** mallory joined (9 online)");
	expect_nicks(&c, "gil");
	/* An address becoming a nick. */
	learn(&c, STAMP "*** 127.0.0.1:4000 is now known as hank");
	expect_nicks(&c, "hank gil");
	complete_free(&c);
}
END_TEST

/* Seen again: to the front; the server's case rules: one entry. */
START_TEST(test_complete_recency)
{
	struct complete	c;

	complete_init(&c);
	complete_seen(&c, "a", 1);
	complete_seen(&c, "b", 1);
	complete_seen(&c, "c", 1);
	complete_seen(&c, "a", 1);
	expect_nicks(&c, "a c b");
	complete_seen(&c, "B", 1);
	expect_nicks(&c, "B a c");
	complete_forget(&c, "C", 1);
	expect_nicks(&c, "B a");
	complete_forget(&c, "zz", 2);
	expect_nicks(&c, "B a");
	complete_seen(&c, "with space", 10);
	complete_seen(&c, "", 0);
	complete_seen(&c, "colon:", 6);
	expect_nicks(&c, "B a");
	complete_seen(&c, "abcdef", 3);
	expect_nicks(&c, "abc B a");
	complete_free(&c);
}
END_TEST

/* At most COMPLETE_MAX_NICKS: the least recently seen goes. */
START_TEST(test_complete_bound)
{
	struct complete	c;
	char		nick[32];
	int		i;

	complete_init(&c);
	for (i = 0; i < COMPLETE_MAX_NICKS + 6; i++) {
		snprintf(nick, sizeof nick, "n%d", i);
		complete_seen(&c, nick, strlen(nick));
		if (i == COMPLETE_MAX_NICKS - 1)
			complete_seen(&c, "n0", 2);	/* kept fresh */
	}
	ck_assert_msg(c.count == COMPLETE_MAX_NICKS, "after %d nicks: expected "
	    "%d kept, got %zu", COMPLETE_MAX_NICKS + 6, COMPLETE_MAX_NICKS,
	    c.count);
	snprintf(nick, sizeof nick, "n%d", COMPLETE_MAX_NICKS + 5);
	ck_assert_str_eq(c.nicks[0], nick);
	ck_assert_str_eq(complete_match(&c, "n0", 2, 0), "n0");
	ck_assert_msg(complete_match(&c, "n1", 2, 0) != NULL &&
	    complete_match(&c, "n2", 2, 0) != NULL, "expected n1.. and n2.. "
	    "still matched");
	for (i = 1; i <= 6; i++) {
		snprintf(nick, sizeof nick, "n%d", i);
		ck_assert_msg(strcmp(complete_match(&c, nick, strlen(nick), 0),
		    nick) != 0, "expected %s, among the least recent, dropped",
		    nick);
	}
	complete_free(&c);
}
END_TEST

START_TEST(test_complete_match)
{
	static const char	*const order[] = { "alice", "Al", "ALBERT" };
	struct complete		c;
	const char		*got;
	size_t			n;

	complete_init(&c);
	complete_seen(&c, "ALBERT", 6);
	complete_seen(&c, "bob", 3);
	complete_seen(&c, "Al", 2);
	complete_seen(&c, "alice", 5);
	for (n = 0; n < 7; n++) {
		got = complete_match(&c, "al", 2, n);
		ck_assert_msg(got != NULL && strcmp(got, order[n % 3]) == 0,
		    "Tab %zu on \"al\": expected \"%s\", got \"%s\"", n + 1,
		    order[n % 3], esc_str(got));
	}
	got = complete_match(&c, "ALI", 3, 0);
	ck_assert_msg(got != NULL && strcmp(got, "alice") == 0, "\"ALI\": "
	    "expected \"alice\", got \"%s\"", esc_str(got));
	got = complete_match(&c, "bobby", 5, 0);
	ck_assert_msg(got == NULL, "\"bobby\": expected none, got \"%s\"",
	    esc_str(got));
	got = complete_match(&c, "x", 1, 3);
	ck_assert_msg(got == NULL, "\"x\": expected none, got \"%s\"",
	    esc_str(got));
	got = complete_match(&c, "", 0, 1);
	ck_assert_msg(got != NULL && strcmp(got, "Al") == 0, "\"\", 2nd: "
	    "expected \"Al\", got \"%s\"", esc_str(got));
	complete_free(&c);

	/* Nothing known at all. */
	complete_init(&c);
	ck_assert_msg(complete_match(&c, "a", 1, 0) == NULL, "no nicks: "
	    "expected no match");
	complete_free(&c);
}
END_TEST

/* Non-ASCII: bytes compared as they are; ASCII case still ignored. */
START_TEST(test_complete_match_unicode)
{
	struct complete	 c;
	const char	*got;

	complete_init(&c);
	complete_seen(&c, "\xC3\x89milie", 7);		/* Émilie */
	complete_seen(&c, "\xC3\xA9tienne", 8);		/* étienne */
	got = complete_match(&c, "\xC3\x89m", 3, 0);
	ck_assert_msg(got != NULL && strcmp(got, "\xC3\x89milie") == 0,
	    "\"\\u00C9m\": expected \"\\u00C9milie\", got \"%s\"",
	    esc_str(got));
	got = complete_match(&c, "\xC3\xA9M", 3, 0);
	ck_assert_msg(got == NULL, "\"\\u00E9M\": expected none, got \"%s\"",
	    esc_str(got));
	got = complete_match(&c, "\xC3\xA9T", 3, 0);
	ck_assert_msg(got != NULL && strcmp(got, "\xC3\xA9tienne") == 0,
	    "\"\\u00E9T\": expected \"\\u00E9tienne\", got \"%s\"",
	    esc_str(got));
	complete_free(&c);
}
END_TEST

static Suite *
complete_suite(void)
{
	Suite	*s = suite_create("complete");
	TCase	*tc;

	tc = tcase_create("learn");
	tcase_add_test(tc, test_complete_learn_forms);
	tcase_add_test(tc, test_complete_learn_nothing);
	tcase_add_test(tc, test_complete_recency);
	tcase_add_test(tc, test_complete_bound);
	suite_add_tcase(s, tc);

	tc = tcase_create("match");
	tcase_add_test(tc, test_complete_match);
	tcase_add_test(tc, test_complete_match_unicode);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(complete_suite());
}
