/*
 * check_nick.c: the nick rules: 1 to 32 code points (not bytes), no
 * control, format, separator or space character, no ':', valid UTF-8 only;
 * and a notice text for every verdict.
 */
#include "common.h"

#include <check.h>

#include <stdlib.h>
#include <string.h>

#include "nick.h"

#include "check_util.h"

static const char *
verdict_name(enum nick_error e)
{
	switch (e) {
	case NICK_OK:
		return "NICK_OK";
	case NICK_EMPTY:
		return "NICK_EMPTY";
	case NICK_TOO_LONG:
		return "NICK_TOO_LONG";
	case NICK_BAD_CHAR:
		return "NICK_BAD_CHAR";
	case NICK_BAD_UTF8:
		return "NICK_BAD_UTF8";
	case NICK_ROOM_PREFIX:
		return "NICK_ROOM_PREFIX";
	}
	return "(bad verdict)";
}

/* nick_check on an exact-size copy of S, so valgrind sees overreads. */
static enum nick_error
check_exact(const char *s, size_t len)
{
	unsigned char	*copy;
	enum nick_error	 got;

	if (len == 0)
		return nick_check(s, 0);
	copy = dup_exact(s, len);
	got = nick_check((const char *)copy, len);
	free(copy);
	return got;
}

/* Check S (LEN bytes) against the rules. */
static void
expect_nick_len(const char *s, size_t len, enum nick_error want)
{
	enum nick_error	 got = check_exact(s, len);

	ck_assert_msg(got == want, "nick \"%s\" (%zu bytes): expected %s, "
	    "got %s", esc(s, len), len, verdict_name(want), verdict_name(got));
}

#define NICK(lit, want)	expect_nick_len(lit, sizeof(lit) - 1, want)

/* N copies of the character CH (CHLEN bytes) into BUF; return the length. */
static size_t
repeat(char *buf, size_t size, const char *ch, size_t chlen, size_t n)
{
	size_t	i;

	ck_assert_msg(n * chlen <= size, "test buffer too small");
	for (i = 0; i < n; i++)
		memcpy(buf + i * chlen, ch, chlen);
	return n * chlen;
}

/* --- length -------------------------------------------------------------- */

START_TEST(test_nick_ok)
{
	NICK("a", NICK_OK);
	NICK("bob", NICK_OK);
	NICK("alice_42", NICK_OK);
	NICK("[away]bob", NICK_OK);
	NICK("x-y.z|w", NICK_OK);
	NICK("Zo\xC3\xAB", NICK_OK);			/* Zoë */
	NICK("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", NICK_OK); /* 日本語 */
	NICK("\xD0\x90\xD0\xBD\xD1\x8F", NICK_OK);	/* Аня */
}
END_TEST

START_TEST(test_nick_empty)
{
	expect_nick_len("", 0, NICK_EMPTY);
	expect_nick_len("bob", 0, NICK_EMPTY);
}
END_TEST

/* The limit counts characters: 32 of any width pass, 33 do not. */
START_TEST(test_nick_length_in_code_points)
{
	static const struct {
		const char	*ch;
		const char	*what;
	} chars[] = {
		{ "a", "ASCII" },
		{ "\xC3\xA9", "2-byte" },
		{ "\xE4\xBD\xA0", "CJK" },
		{ "\xF0\x9F\x98\x80", "emoji" },
	};
	char		buf[33 * 4];
	size_t		i, n, len, chlen;
	enum nick_error	got;

	for (i = 0; i < ARRAY_SIZE(chars); i++) {
		chlen = strlen(chars[i].ch);
		for (n = 1; n <= 33; n++) {
			len = repeat(buf, sizeof buf, chars[i].ch, chlen, n);
			got = check_exact(buf, len);
			ck_assert_msg(got == (n <= NICK_MAX_CHARS ? NICK_OK :
			    NICK_TOO_LONG), "%zu %s characters (%zu bytes): "
			    "expected %s, got %s", n, chars[i].what, len,
			    n <= NICK_MAX_CHARS ? "NICK_OK" : "NICK_TOO_LONG",
			    verdict_name(got));
		}
	}
	ck_assert_msg(NICK_MAX_CHARS == 32, "expected NICK_MAX_CHARS 32, got "
	    "%d", NICK_MAX_CHARS);
	/* 32 four-byte characters and a NUL fit NICK_MAX_BYTES. */
	ck_assert_msg(NICK_MAX_BYTES >= 32 * 4 + 1, "expected NICK_MAX_BYTES "
	    ">= 129, got %d", NICK_MAX_BYTES);
}
END_TEST

START_TEST(test_nick_too_long_ascii)
{
	NICK("abcdefghijklmnopqrstuvwxyz012345", NICK_OK);
	NICK("abcdefghijklmnopqrstuvwxyz0123456", NICK_TOO_LONG);
	NICK("abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz",
	    NICK_TOO_LONG);
}
END_TEST

/* --- characters ---------------------------------------------------------- */

START_TEST(test_nick_spaces_and_controls)
{
	NICK(" ", NICK_BAD_CHAR);
	NICK("bob smith", NICK_BAD_CHAR);
	NICK(" bob", NICK_BAD_CHAR);
	NICK("bob ", NICK_BAD_CHAR);
	NICK("bob\tx", NICK_BAD_CHAR);
	NICK("\t", NICK_BAD_CHAR);
	NICK("bob\n", NICK_BAD_CHAR);
	NICK("bob\r", NICK_BAD_CHAR);
	NICK("a\x1B[31mred", NICK_BAD_CHAR);		/* ESC */
	NICK("\x1B", NICK_BAD_CHAR);
	NICK("bob\x7F", NICK_BAD_CHAR);			/* DEL */
	NICK("\x01", NICK_BAD_CHAR);
	NICK("a\x08", NICK_BAD_CHAR);			/* BS */
	expect_nick_len("a\0b", 3, NICK_BAD_CHAR);	/* NUL */
	NICK("a\xC2\x85" "b", NICK_BAD_CHAR);		/* C1 NEL U+0085 */
	NICK("\xC2\x9B" "31m", NICK_BAD_CHAR);		/* C1 CSI U+009B */
	NICK("\xC2\x80", NICK_BAD_CHAR);		/* U+0080 */
	NICK("\xC2\x9F", NICK_BAD_CHAR);		/* U+009F */
}
END_TEST

START_TEST(test_nick_unicode_separators)
{
	NICK("bob\xC2\xA0smith", NICK_BAD_CHAR);	/* NBSP U+00A0 */
	NICK("bob\xE3\x80\x80", NICK_BAD_CHAR);		/* U+3000 */
	NICK("\xE2\x80\x80x", NICK_BAD_CHAR);		/* EN QUAD U+2000 */
	NICK("a\xE2\x80\x8A" "b", NICK_BAD_CHAR);	/* HAIR SPACE U+200A */
	NICK("a\xE2\x80\xAF" "b", NICK_BAD_CHAR);	/* NNBSP U+202F */
	NICK("a\xE2\x81\x9F" "b", NICK_BAD_CHAR);	/* MMSP U+205F */
	NICK("a\xE1\x9A\x80" "b", NICK_BAD_CHAR);	/* OGHAM U+1680 */
	NICK("a\xE2\x80\xA8" "b", NICK_BAD_CHAR);	/* LS U+2028 */
	NICK("a\xE2\x80\xA9" "b", NICK_BAD_CHAR);	/* PS U+2029 */
}
END_TEST

START_TEST(test_nick_format_characters)
{
	NICK("b\xE2\x80\x8B" "ob", NICK_BAD_CHAR);	/* ZWSP U+200B */
	NICK("b\xE2\x80\x8D" "ob", NICK_BAD_CHAR);	/* ZWJ U+200D */
	NICK("\xE2\x80\x8E" "bob", NICK_BAD_CHAR);	/* LRM U+200E */
	NICK("\xE2\x80\x8F" "bob", NICK_BAD_CHAR);	/* RLM U+200F */
	NICK("\xE2\x80\xAA" "bob", NICK_BAD_CHAR);	/* LRE U+202A */
	NICK("bob\xE2\x80\xAE" "evil", NICK_BAD_CHAR);	/* RLO U+202E */
	NICK("\xE2\x81\xA6" "bob", NICK_BAD_CHAR);	/* LRI U+2066 */
	NICK("\xE2\x81\xA9" "bob", NICK_BAD_CHAR);	/* PDI U+2069 */
	NICK("\xE2\x81\xA0" "bob", NICK_BAD_CHAR);	/* WJ U+2060 */
	NICK("\xEF\xBB\xBF" "bob", NICK_BAD_CHAR);	/* BOM U+FEFF */
	NICK("bo\xC2\xAD" "b", NICK_BAD_CHAR);		/* SHY U+00AD */
	NICK("\xD8\x9C" "bob", NICK_BAD_CHAR);		/* ALM U+061C */
	NICK("\xE1\xA0\x8E" "bob", NICK_BAD_CHAR);	/* MVS U+180E */
	NICK("\xEF\xBF\xB9" "bob", NICK_BAD_CHAR);	/* U+FFF9 */
	NICK("bob\xF3\xA0\x80\x81", NICK_BAD_CHAR);	/* TAG U+E0001 */
	NICK("bob\xF3\xA0\x81\xA1", NICK_BAD_CHAR);	/* TAG a U+E0061 */
}
END_TEST

/* ':' ends the nick in "NICK: TEXT". */
START_TEST(test_nick_colon)
{
	NICK(":", NICK_BAD_CHAR);
	NICK("bob:", NICK_BAD_CHAR);
	NICK("a:b", NICK_BAD_CHAR);
	NICK("127.0.0.1:53808", NICK_BAD_CHAR);
	/* Other punctuation, and look-alikes of ':', are fine. */
	NICK("b;o,b", NICK_OK);
	NICK("a\xEF\xBC\x9A" "b", NICK_OK);		/* FULLWIDTH COLON */
}
END_TEST

/* '#' begins a room's name, never a nick; a room's name is '#' + a nick. */
START_TEST(test_nick_room_names)
{
	NICK("#dev", NICK_ROOM_PREFIX);
	NICK("#", NICK_ROOM_PREFIX);
	NICK("a#b", NICK_OK);
	NICK("b#", NICK_OK);
	ck_assert(room_name_check("#dev", 4));
	ck_assert(room_name_check("#D\xC3\xA9v", 5));
	ck_assert(room_name_check("#a", 2));
	ck_assert(!room_name_check("#", 1));
	ck_assert(!room_name_check("dev", 3));
	ck_assert(!room_name_check("##dev", 5));
	ck_assert(!room_name_check("#de v", 5));
	ck_assert(!room_name_check("#de:v", 5));
	ck_assert(!room_name_check("#\x1b[31m", 6));
	ck_assert(!room_name_check("#0123456789012345678901234567890123",
	    34));
	ck_assert(room_name_check("#01234567890123456789012345678901", 33));
	ck_assert_str_ne(room_name_error_text(), "");
}
END_TEST

START_TEST(test_nick_emoji)
{
	NICK("\xF0\x9F\x98\x80", NICK_OK);			/* 😀 */
	NICK("bob\xF0\x9F\x8E\x89", NICK_OK);			/* bob🎉 */
	NICK("\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", NICK_OK);	/* 👍🏽 */
	NICK("\xE2\x9D\xA4\xEF\xB8\x8F", NICK_OK);	/* U+2764 U+FE0F */
	NICK("\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7", NICK_OK);	/* 🇫🇷 */
}
END_TEST

/* --- encoding ------------------------------------------------------------ */

START_TEST(test_nick_invalid_utf8)
{
	NICK("\xFF", NICK_BAD_UTF8);
	NICK("bob\xFF", NICK_BAD_UTF8);
	NICK("\x80" "bob", NICK_BAD_UTF8);		/* lone continuation */
	NICK("\xC0\x80", NICK_BAD_UTF8);		/* overlong NUL */
	NICK("\xC1\xBF", NICK_BAD_UTF8);		/* overlong */
	NICK("\xE0\x80\xAF", NICK_BAD_UTF8);		/* overlong '/' */
	NICK("\xED\xA0\x80", NICK_BAD_UTF8);		/* surrogate */
	NICK("\xF4\x90\x80\x80", NICK_BAD_UTF8);	/* past U+10FFFF */
	NICK("\xF5\x80\x80\x80", NICK_BAD_UTF8);
	NICK("bob\xE4\xBD", NICK_BAD_UTF8);		/* truncated at end */
	NICK("bob\xF0\x9F\x98", NICK_BAD_UTF8);
	NICK("\xC3", NICK_BAD_UTF8);
	NICK("\xE4\xBD" "bob", NICK_BAD_UTF8);		/* truncated inside */
}
END_TEST

/* Every prefix of a valid nick, in a block of exactly its size. */
START_TEST(test_nick_prefixes_stay_within_len)
{
	static const char	 nick[] = "b\xC3\xB6" "b\xE4\xBD\xA0"
	    "\xF0\x9F\x98\x80";
	/* Where a character ends: the prefixes that are whole. */
	static const size_t	 whole[] = { 0, 1, 3, 4, 7, 11 };
	enum nick_error		 got, want;
	size_t			 n, k;
	int			 is_whole;

	for (n = 0; n < sizeof nick; n++) {
		is_whole = 0;
		for (k = 0; k < ARRAY_SIZE(whole); k++)
			if (whole[k] == n)
				is_whole = 1;
		want = n == 0 ? NICK_EMPTY : is_whole ? NICK_OK :
		    NICK_BAD_UTF8;
		got = check_exact(nick, n);
		ck_assert_msg(got == want, "\"%s\" (%zu bytes): expected %s, "
		    "got %s", esc(nick, n), n, verdict_name(want),
		    verdict_name(got));
	}
}
END_TEST

/* --- notices ------------------------------------------------------------- */

START_TEST(test_nick_error_text)
{
	static const enum nick_error	 all[] = {
		NICK_OK, NICK_EMPTY, NICK_TOO_LONG, NICK_BAD_CHAR,
		NICK_BAD_UTF8, NICK_ROOM_PREFIX,
	};
	const char			*t, *u;
	size_t				 i, j, k;

	for (i = 0; i < ARRAY_SIZE(all); i++) {
		t = nick_error_text(all[i]);
		ck_assert_msg(t != NULL && t[0] != '\0', "%s: expected a "
		    "notice text, got \"%s\"", verdict_name(all[i]),
		    esc_str(t));
		for (k = 0; t[k] != '\0'; k++)
			ck_assert_msg((unsigned char)t[k] >= 0x20 &&
			    (unsigned char)t[k] < 0x7F, "%s: expected "
			    "printable ASCII, got \"%s\"",
			    verdict_name(all[i]), esc_str(t));
		/* Each error says something of its own. */
		for (j = 1; j < i; j++) {
			u = nick_error_text(all[j]);
			ck_assert_msg(strcmp(t, u) != 0, "%s and %s: expected "
			    "different texts, both are \"%s\"",
			    verdict_name(all[j]), verdict_name(all[i]), t);
		}
	}
}
END_TEST

static Suite *
nick_suite(void)
{
	Suite	*s = suite_create("nick");
	TCase	*tc;

	tc = tcase_create("length");
	tcase_add_test(tc, test_nick_ok);
	tcase_add_test(tc, test_nick_empty);
	tcase_add_test(tc, test_nick_length_in_code_points);
	tcase_add_test(tc, test_nick_too_long_ascii);
	suite_add_tcase(s, tc);

	tc = tcase_create("characters");
	tcase_add_test(tc, test_nick_spaces_and_controls);
	tcase_add_test(tc, test_nick_unicode_separators);
	tcase_add_test(tc, test_nick_format_characters);
	tcase_add_test(tc, test_nick_colon);
	tcase_add_test(tc, test_nick_room_names);
	tcase_add_test(tc, test_nick_emoji);
	suite_add_tcase(s, tc);

	tc = tcase_create("encoding");
	tcase_add_test(tc, test_nick_invalid_utf8);
	tcase_add_test(tc, test_nick_prefixes_stay_within_len);
	suite_add_tcase(s, tc);

	tc = tcase_create("notices");
	tcase_add_test(tc, test_nick_error_text);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(nick_suite());
}
