/*
 * check_command.c: what a room member types: plain text, "//" escaping,
 * each command with and without its argument, unknown commands, blanks
 * around the argument, and parsing that stays within the given length;
 * and the lines the client acts on itself (/quit, /clear) and those it
 * sends however much they look like them.
 */
#include "common.h"

#include <check.h>

#include <stdlib.h>
#include <string.h>

#include "command.h"

#include "check_util.h"

static const char *
kind_name(enum command_kind k)
{
	switch (k) {
	case CMD_MESSAGE:
		return "CMD_MESSAGE";
	case CMD_NICK:
		return "CMD_NICK";
	case CMD_WHO:
		return "CMD_WHO";
	case CMD_ME:
		return "CMD_ME";
	case CMD_HELP:
		return "CMD_HELP";
	case CMD_QUIT:
		return "CMD_QUIT";
	case CMD_JOIN:
		return "CMD_JOIN";
	case CMD_PART:
		return "CMD_PART";
	case CMD_MSG:
		return "CMD_MSG";
	case CMD_ROOMS:
		return "CMD_ROOMS";
	case CMD_UNKNOWN:
		return "CMD_UNKNOWN";
	case CMD_USAGE:
		return "CMD_USAGE";
	}
	return "(bad kind)";
}

/* Whether P (N bytes) lies within LINE (LEN bytes). */
static int
within(const char *p, size_t n, const char *line, size_t len)
{
	return n == 0 || (p != NULL && p >= line && p + n <= line + len);
}

/*
 * Parse LINE (LEN bytes, from an exact-size copy) and check its kind, and
 * when given its argument, its command word and its usage text.
 */
static void
expect_cmd_len(const char *line, size_t len, enum command_kind kind,
    const char *arg, const char *name, const char *usage)
{
	unsigned char	*copy = dup_exact(line, len);
	const char	*p = (const char *)copy;
	struct command	 cmd;

	memset(&cmd, 0xA5, sizeof cmd);
	command_parse(p, len, &cmd);
	ck_assert_msg(cmd.kind == kind, "\"%s\": expected %s, got %s",
	    esc(line, len), kind_name(kind), kind_name(cmd.kind));
	ck_assert_msg(within(cmd.arg, cmd.arglen, p, len),
	    "\"%s\": expected the argument within the line, got %zu bytes "
	    "at offset %td", esc(line, len), cmd.arglen, cmd.arg - p);
	if (arg != NULL)
		ck_assert_msg(cmd.arglen == strlen(arg) &&
		    memcmp(cmd.arg, arg, cmd.arglen) == 0,
		    "\"%s\": expected argument \"%s\", got \"%s\"",
		    esc(line, len), esc_str(arg), esc(cmd.arg, cmd.arglen));
	if (name != NULL) {
		ck_assert_msg(within(cmd.name, cmd.namelen, p, len),
		    "\"%s\": expected the command word within the line",
		    esc(line, len));
		ck_assert_msg(cmd.namelen == strlen(name) &&
		    (cmd.namelen == 0 ||
		    memcmp(cmd.name, name, cmd.namelen) == 0),
		    "\"%s\": expected command word \"%s\", got \"%s\"",
		    esc(line, len), esc_str(name),
		    cmd.name == NULL ? "(null)" : esc(cmd.name, cmd.namelen));
	}
	if (usage != NULL)
		ck_assert_msg(cmd.usage != NULL &&
		    strcmp(cmd.usage, usage) == 0,
		    "\"%s\": expected usage \"%s\", got \"%s\"",
		    esc(line, len), usage, esc_str(cmd.usage));
	free(copy);
}

#define CMD(line, kind, arg, name, usage) \
	expect_cmd_len(line, strlen(line), kind, arg, name, usage)

/* --- messages ------------------------------------------------------------ */

START_TEST(test_command_plain_text)
{
	CMD("hello", CMD_MESSAGE, "hello", NULL, NULL);
	CMD("hello world  ", CMD_MESSAGE, "hello world  ", NULL, NULL);
	CMD("", CMD_MESSAGE, "", NULL, NULL);
	CMD(" /nick bob", CMD_MESSAGE, " /nick bob", NULL, NULL);
	CMD("a/nick bob", CMD_MESSAGE, "a/nick bob", NULL, NULL);
	CMD("\t/who", CMD_MESSAGE, "\t/who", NULL, NULL);
}
END_TEST

START_TEST(test_command_double_slash)
{
	CMD("//text", CMD_MESSAGE, "/text", NULL, NULL);
	CMD("//", CMD_MESSAGE, "/", NULL, NULL);
	CMD("//nick bob", CMD_MESSAGE, "/nick bob", NULL, NULL);
	CMD("///", CMD_MESSAGE, "//", NULL, NULL);
	CMD("// spaced ", CMD_MESSAGE, "/ spaced ", NULL, NULL);
}
END_TEST

/* --- each command -------------------------------------------------------- */

START_TEST(test_command_nick)
{
	CMD("/nick bob", CMD_NICK, "bob", "nick", NULL);
	CMD("/nick bob smith", CMD_NICK, "bob smith", "nick", NULL);
	CMD("/nick", CMD_USAGE, NULL, "nick", "/nick NAME");
	CMD("/nick ", CMD_USAGE, NULL, "nick", "/nick NAME");
	CMD("/nick \t  ", CMD_USAGE, NULL, "nick", "/nick NAME");
}
END_TEST

/* Command words are taken in any case, as IRC users type them. */
START_TEST(test_command_case)
{
	CMD("/NICK bob", CMD_NICK, "bob", "NICK", NULL);
	CMD("/Who", CMD_WHO, NULL, "Who", NULL);
	CMD("/QUIT", CMD_QUIT, NULL, "QUIT", NULL);
}
END_TEST

START_TEST(test_command_who)
{
	CMD("/who", CMD_WHO, "", "who", NULL);
	CMD("/who   ", CMD_WHO, "", "who", NULL);
	CMD("/who #dev", CMD_WHO, "#dev", "who", NULL);
	CMD("/who  #dev ", CMD_WHO, "#dev", "who", NULL);
}
END_TEST

START_TEST(test_command_me)
{
	CMD("/me waves", CMD_ME, "waves", "me", NULL);
	CMD("/me waves at  you", CMD_ME, "waves at  you", "me", NULL);
	CMD("/me", CMD_USAGE, NULL, "me", "/me ACTION");
	CMD("/me   ", CMD_USAGE, NULL, "me", "/me ACTION");
}
END_TEST

START_TEST(test_command_help)
{
	CMD("/help", CMD_HELP, "", "help", NULL);
	CMD("/help ", CMD_HELP, "", "help", NULL);
	CMD("/help nick", CMD_USAGE, NULL, "help", "/help");
}
END_TEST

START_TEST(test_command_quit)
{
	CMD("/quit", CMD_QUIT, "", "quit", NULL);
	CMD("/quit bye now", CMD_QUIT, "bye now", "quit", NULL);
	CMD("/quit   bye now  ", CMD_QUIT, "bye now", "quit", NULL);
	CMD("/quit \t", CMD_QUIT, "", "quit", NULL);
}
END_TEST

START_TEST(test_command_join)
{
	CMD("/join 0123456789abcdef", CMD_JOIN, "0123456789abcdef", "join",
	    NULL);
	CMD("/join  0123456789abcdef ", CMD_JOIN, "0123456789abcdef", "join",
	    NULL);
	CMD("/join #dev", CMD_JOIN, "#dev", "join", NULL);
	CMD("/join", CMD_USAGE, NULL, "join", "/join #ROOM");
	CMD("/join ", CMD_USAGE, NULL, "join", "/join #ROOM");
}
END_TEST

/* --- unknown commands ---------------------------------------------------- */

START_TEST(test_command_unknown)
{
	CMD("/foo", CMD_UNKNOWN, NULL, "foo", NULL);
	CMD("/foo bar baz", CMD_UNKNOWN, NULL, "foo", NULL);
	CMD("/foo\tbar", CMD_UNKNOWN, NULL, "foo", NULL);
	/* A command word is whole: neither a prefix nor a longer word. */
	CMD("/ni bob", CMD_UNKNOWN, NULL, "ni", NULL);
	CMD("/nickname bob", CMD_UNKNOWN, NULL, "nickname", NULL);
	CMD("/whois", CMD_UNKNOWN, NULL, "whois", NULL);
	CMD("/m", CMD_UNKNOWN, NULL, "m", NULL);
	CMD("/nick:bob", CMD_UNKNOWN, NULL, "nick:bob", NULL);
}
END_TEST

/*
 * "/" alone, or "/" and blanks: a command with an empty word, refused as
 * unknown (the sender learns of /help), never taken for a known one.
 */
START_TEST(test_command_slash_alone)
{
	CMD("/", CMD_UNKNOWN, NULL, "", NULL);
	CMD("/ ", CMD_UNKNOWN, NULL, "", NULL);
	CMD("/ nick bob", CMD_UNKNOWN, NULL, "", NULL);
	CMD("/\t", CMD_UNKNOWN, NULL, "", NULL);
}
END_TEST

/* --- blanks -------------------------------------------------------------- */

START_TEST(test_command_tabs_and_trailing_blanks)
{
	CMD("/nick\tbob", CMD_NICK, "bob", "nick", NULL);
	CMD("/nick \t bob \t ", CMD_NICK, "bob", "nick", NULL);
	CMD("/nick\t\tbob\t", CMD_NICK, "bob", "nick", NULL);
	CMD("/me\twaves", CMD_ME, "waves", "me", NULL);
	CMD("/me\twaves\tback\t", CMD_ME, "waves\tback", "me", NULL);
	CMD("/who\t", CMD_WHO, "", "who", NULL);
	CMD("/who\t \t", CMD_WHO, "", "who", NULL);
	CMD("/help\t", CMD_HELP, "", "help", NULL);
	CMD("/quit\tbye", CMD_QUIT, "bye", "quit", NULL);
	CMD("/join\ttok\t", CMD_JOIN, "tok", "join", NULL);
	CMD("/rooms\tx", CMD_USAGE, NULL, "rooms", "/rooms");
	CMD("/nick\t", CMD_USAGE, NULL, "nick", "/nick NAME");
	CMD("/me\t", CMD_USAGE, NULL, "me", "/me ACTION");
}
END_TEST

/* --- bounds -------------------------------------------------------------- */

/* The length is the line: the bytes after it are never looked at. */
START_TEST(test_command_uses_len)
{
	expect_cmd_len("/who garbage", 4, CMD_WHO, "", "who", NULL);
	expect_cmd_len("/nick bob", 5, CMD_USAGE, NULL, "nick", "/nick NAME");
	expect_cmd_len("/nick bobby", 8, CMD_NICK, "bo", "nick", NULL);
	expect_cmd_len("//x", 1, CMD_UNKNOWN, NULL, "", NULL);
	expect_cmd_len("/quit bye\0after", 9, CMD_QUIT, "bye", "quit", NULL);
	expect_cmd_len("hello", 0, CMD_MESSAGE, "", NULL, NULL);
	/* NUL is a byte like any other in a message. */
	expect_cmd_len("a\0b", 3, CMD_MESSAGE, NULL, NULL, NULL);
}
END_TEST

/*
 * Every prefix of each line, in a block of exactly its size: valgrind
 * reports any read past the end; each result points within the line.
 */
START_TEST(test_command_every_prefix)
{
	static const char *const lines[] = {
		"/nick bob", "/nick \t bob \t ", "/who", "/who x", "/me waves",
		"/help", "/quit bye now  ", "/join 0123456789abcdef", "/foo",
		"//text", "/", "/\t\t", "plain", "/nick\t",
	};
	struct command	 cmd;
	unsigned char	*copy;
	const char	*p;
	size_t		 i, n, len;

	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		len = strlen(lines[i]);
		for (n = 0; n <= len; n++) {
			copy = dup_exact(lines[i], n);
			p = (const char *)copy;
			command_parse(p, n, &cmd);
			ck_assert_msg(within(cmd.arg, cmd.arglen, p, n),
			    "\"%s\": expected the argument within the line",
			    esc(lines[i], n));
			ck_assert_msg(cmd.name == NULL ||
			    within(cmd.name, cmd.namelen, p, n),
			    "\"%s\": expected the command word within the line",
			    esc(lines[i], n));
			ck_assert_msg(cmd.kind != CMD_USAGE ||
			    cmd.usage != NULL,
			    "\"%s\": expected a usage text with CMD_USAGE",
			    esc(lines[i], n));
			free(copy);
		}
	}
}
END_TEST

/* --- what the client acts on itself ------------------------------------- */

static const char *
client_name(enum client_command c)
{
	switch (c) {
	case CLIENT_SEND:
		return "CLIENT_SEND";
	case CLIENT_QUIT:
		return "CLIENT_QUIT";
	case CLIENT_CLEAR:
		return "CLIENT_CLEAR";
	case CLIENT_CLOSE:
		return "CLIENT_CLOSE";
	case CLIENT_QUERY:
		return "CLIENT_QUERY";
	}
	return "(bad action)";
}

/* LINE, from an exact-size copy, is taken by the client for WANT. */
static void
expect_client(const char *line, size_t len, enum client_command want)
{
	unsigned char		*copy = dup_exact(line, len);
	enum client_command	 got;

	got = command_client((const char *)copy, len);
	ck_assert_msg(got == want, "\"%s\": expected %s, got %s",
	    esc(line, len), client_name(want), client_name(got));
	free(copy);
}

#define CLIENT(line, want) expect_client(line, strlen(line), want)

START_TEST(test_command_client_quit)
{
	CLIENT("/quit", CLIENT_QUIT);
	CLIENT("/quit bye now", CLIENT_QUIT);
	CLIENT("/quit\tbye", CLIENT_QUIT);
	CLIENT("/QUIT", CLIENT_QUIT);
	CLIENT("/quit ", CLIENT_QUIT);
	/* Words that only start like it are lines for the server. */
	CLIENT("/quitx", CLIENT_SEND);
	CLIENT("/quitter now", CLIENT_SEND);
	CLIENT("/qui", CLIENT_SEND);
	CLIENT("//quit", CLIENT_SEND);
	CLIENT(" /quit", CLIENT_SEND);
	CLIENT("quit", CLIENT_SEND);
	expect_client("/quit", 4, CLIENT_SEND);
	expect_client("/quitx", 5, CLIENT_QUIT);
}
END_TEST

START_TEST(test_command_client_clear)
{
	CLIENT("/clear", CLIENT_CLEAR);
	CLIENT("/CLEAR", CLIENT_CLEAR);
	CLIENT("/clear  ", CLIENT_CLEAR);
	CLIENT("/clearx", CLIENT_SEND);
	CLIENT("/clea", CLIENT_SEND);
	/* It takes no argument: with one, the server has its say. */
	CLIENT("/clear all", CLIENT_SEND);
	CLIENT("//clear", CLIENT_SEND);
	expect_client("/clear", 5, CLIENT_SEND);
	expect_client("/clearing", 6, CLIENT_CLEAR);
	/* The room does not know it: it stays an unknown command there. */
	CMD("/clear", CMD_UNKNOWN, "", "clear", NULL);
}
END_TEST

START_TEST(test_command_client_windows)
{
	CLIENT("/close", CLIENT_CLOSE);
	CLIENT("/CLOSE ", CLIENT_CLOSE);
	CLIENT("/close now", CLIENT_SEND);
	CLIENT("/closed", CLIENT_SEND);
	CLIENT("/query bob", CLIENT_QUERY);
	CLIENT("/Query\tbob ", CLIENT_QUERY);
	/* Without its nick: still the client's, which says how to use it. */
	CLIENT("/query", CLIENT_QUERY);
	CLIENT("/queryx bob", CLIENT_SEND);
	CLIENT("//query bob", CLIENT_SEND);
	expect_client("/close", 5, CLIENT_SEND);
}
END_TEST

START_TEST(test_command_client_others)
{
	CLIENT("", CLIENT_SEND);
	CLIENT("hello", CLIENT_SEND);
	CLIENT("/nick bob", CLIENT_SEND);
	CLIENT("/who", CLIENT_SEND);
	CLIENT("/me waves", CLIENT_SEND);
	CLIENT("/help", CLIENT_SEND);
	CLIENT("/join 0123", CLIENT_SEND);
	CLIENT("/foo", CLIENT_SEND);
	CLIENT("/", CLIENT_SEND);
	CLIENT("/nick", CLIENT_SEND);
}
END_TEST

/* --- rooms and private messages ------------------------------------------ */

/* /msg's target and text: LINE must give TARGET and ARG. */
static void
expect_msg(const char *line, const char *target, const char *arg)
{
	struct command	cmd;

	command_parse(line, strlen(line), &cmd);
	ck_assert_msg(cmd.kind == CMD_MSG, "\"%s\": expected CMD_MSG, got %s",
	    esc_str(line), kind_name(cmd.kind));
	ck_assert_msg(cmd.targetlen == strlen(target) &&
	    memcmp(cmd.target, target, cmd.targetlen) == 0,
	    "\"%s\": expected target \"%s\", got \"%s\"", esc_str(line),
	    esc_str(target), esc(cmd.target, cmd.targetlen));
	ck_assert_msg(cmd.arglen == strlen(arg) &&
	    memcmp(cmd.arg, arg, cmd.arglen) == 0,
	    "\"%s\": expected text \"%s\", got \"%s\"", esc_str(line),
	    esc_str(arg), esc(cmd.arg, cmd.arglen));
}

START_TEST(test_command_rooms_and_msg)
{
	CMD("/part", CMD_PART, "", "part", NULL);
	CMD("/part #dev bye now", CMD_PART, "#dev bye now", "part", NULL);
	CMD("/PART bye", CMD_PART, "bye", "PART", NULL);
	CMD("/rooms", CMD_ROOMS, "", "rooms", NULL);
	CMD("/rooms x", CMD_USAGE, NULL, "rooms", "/rooms");
	expect_msg("/msg bob hi there", "bob", "hi there");
	expect_msg("/msg\t#dev \t green ", "#dev", "green");
	expect_msg("/Msg bob  /me too", "bob", "/me too");
	CMD("/msg", CMD_USAGE, NULL, "msg", "/msg NICK|#ROOM TEXT");
	CMD("/msg bob", CMD_USAGE, NULL, "msg", "/msg NICK|#ROOM TEXT");
	CMD("/msg bob   ", CMD_USAGE, NULL, "msg", "/msg NICK|#ROOM TEXT");
}
END_TEST

/* --- /help --------------------------------------------------------------- */

START_TEST(test_command_help_text)
{
	static const char *const mentions[] = {
		"/nick", "/join", "/part", "/msg", "/who", "/rooms", "/me",
		"/quit", "//",
	};
	size_t		 i, j, n;
	const char	*l;
	int		 found;

	for (n = 0; command_help[n] != NULL; n++) {
		l = command_help[n];
		ck_assert_msg(l[0] != '\0', "help line %zu: expected text, got "
		    "an empty line", n);
		ck_assert_msg(strlen(l) < 80, "help line %zu: expected under "
		    "80 bytes, got %zu", n, strlen(l));
		for (j = 0; l[j] != '\0'; j++)
			ck_assert_msg((unsigned char)l[j] >= 0x20 &&
			    (unsigned char)l[j] < 0x7F,
			    "help line %zu: expected printable ASCII, got "
			    "\"%s\"", n, esc_str(l));
	}
	ck_assert_msg(n >= 2, "expected several help lines, got %zu", n);
	for (i = 0; i < ARRAY_SIZE(mentions); i++) {
		found = 0;
		for (n = 0; command_help[n] != NULL; n++)
			if (strstr(command_help[n], mentions[i]) != NULL)
				found = 1;
		ck_assert_msg(found, "expected /help to mention %s, it does "
		    "not", mentions[i]);
	}
}
END_TEST

static Suite *
command_suite(void)
{
	Suite	*s = suite_create("command");
	TCase	*tc;

	tc = tcase_create("message");
	tcase_add_test(tc, test_command_plain_text);
	tcase_add_test(tc, test_command_double_slash);
	suite_add_tcase(s, tc);

	tc = tcase_create("commands");
	tcase_add_test(tc, test_command_nick);
	tcase_add_test(tc, test_command_case);
	tcase_add_test(tc, test_command_who);
	tcase_add_test(tc, test_command_me);
	tcase_add_test(tc, test_command_help);
	tcase_add_test(tc, test_command_quit);
	tcase_add_test(tc, test_command_join);
	tcase_add_test(tc, test_command_rooms_and_msg);
	suite_add_tcase(s, tc);

	tc = tcase_create("unknown");
	tcase_add_test(tc, test_command_unknown);
	tcase_add_test(tc, test_command_slash_alone);
	suite_add_tcase(s, tc);

	tc = tcase_create("blanks");
	tcase_add_test(tc, test_command_tabs_and_trailing_blanks);
	suite_add_tcase(s, tc);

	tc = tcase_create("bounds");
	tcase_add_test(tc, test_command_uses_len);
	tcase_add_test(tc, test_command_every_prefix);
	suite_add_tcase(s, tc);

	tc = tcase_create("client");
	tcase_add_test(tc, test_command_client_quit);
	tcase_add_test(tc, test_command_client_clear);
	tcase_add_test(tc, test_command_client_windows);
	tcase_add_test(tc, test_command_client_others);
	suite_add_tcase(s, tc);

	tc = tcase_create("help");
	tcase_add_test(tc, test_command_help_text);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(command_suite());
}
