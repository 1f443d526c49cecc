/*
 * check_srvconf.c: tschatd's command line: defaults, each option and its
 * range, --help and --version, and every kind of usage error with its
 * message. srvconf_parse resets getopt itself, so one process parses many
 * command lines here.
 */
#include "common.h"

#include <check.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "frame.h"
#include "log.h"
#include "srvconf.h"
#include "stamp.h"

#include "check_util.h"

#define MAX_ARGS	32

/* The last command line parsed, and what came of it. */
static char		 arg_store[MAX_ARGS][256];
static char		*arg_vec[MAX_ARGS + 1];
static int		 arg_count;
static struct srvconf	 conf;
static char		 err[256];

static const char *
result_name(enum conf_result r)
{
	switch (r) {
	case CONF_OK:
		return "CONF_OK";
	case CONF_HELP:
		return "CONF_HELP";
	case CONF_VERSION:
		return "CONF_VERSION";
	case CONF_ERROR:
		return "CONF_ERROR";
	}
	return "(unknown)";
}

/* The command line, for failure messages. */
static const char *
cmdline(void)
{
	static char	buf[1024];
	size_t		o = 0;
	int		i;

	buf[0] = '\0';
	for (i = 1; i < arg_count && o < sizeof buf - 1; i++)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "%s'%s'",
		    i > 1 ? " " : "", esc_str(arg_store[i]));
	return buf;
}

/* Parse "tschatd" and the arguments up to NULL into conf and err. */
static enum conf_result __attribute__((sentinel))
parse(const char *arg, ...)
{
	va_list	ap;
	int	i;

	srvconf_free(&conf);
	/* Garbage, so that every default must be set by the parser. */
	memset(&conf, 0xA5, sizeof conf);
	memset(err, 0, sizeof err);

	strcpy(arg_store[0], "tschatd");
	arg_count = 1;
	va_start(ap, arg);
	for (; arg != NULL; arg = va_arg(ap, const char *)) {
		ck_assert_msg(arg_count < MAX_ARGS && strlen(arg) <
		    sizeof arg_store[0], "test command line too long");
		strcpy(arg_store[arg_count++], arg);
	}
	va_end(ap);
	for (i = 0; i < arg_count; i++)
		arg_vec[i] = arg_store[i];
	arg_vec[arg_count] = NULL;
	return srvconf_parse(&conf, arg_count, arg_vec, err, sizeof err);
}

static void
teardown(void)
{
	srvconf_free(&conf);
}

#define EXPECT_OK(...) do {						\
	enum conf_result	r_ = parse(__VA_ARGS__, NULL);		\
									\
	ck_assert_msg(r_ == CONF_OK, "tschatd %s: expected "		\
	    "CONF_OK, got %s \"%s\"", cmdline(), result_name(r_),	\
	    esc_str(err));						\
} while (0)

#define EXPECT_RESULT(want, ...) do {					\
	enum conf_result	r_ = parse(__VA_ARGS__, NULL);		\
									\
	ck_assert_msg(r_ == (want), "tschatd %s: expected %s, got %s "	\
	    "\"%s\"", cmdline(), result_name(want), result_name(r_),	\
	    esc_str(err));						\
} while (0)

#define EXPECT_ERROR(msg, ...) do {					\
	enum conf_result	r_ = parse(__VA_ARGS__, NULL);		\
									\
	ck_assert_msg(r_ == CONF_ERROR && strcmp(err, (msg)) == 0,	\
	    "tschatd %s: expected CONF_ERROR \"%s\", got %s \"%s\"",	\
	    cmdline(), (msg), result_name(r_), esc_str(err));		\
} while (0)

/* --- defaults ------------------------------------------------------------ */

START_TEST(test_srvconf_defaults)
{
	enum conf_result	r = parse(NULL, NULL);

	ck_assert_msg(r == CONF_OK, "no options: expected CONF_OK, got "
	    "%s \"%s\"", result_name(r), esc_str(err));
	ck_assert_int_eq(conf.port, 8080);
	ck_assert_int_eq(conf.tcp, 1);
	ck_assert_int_eq(conf.udp, 0);
	ck_assert_int_eq(conf.framing, FRAME_LINE);
	ck_assert_uint_eq(conf.max_line, 8192);
	ck_assert_uint_eq(conf.max_queue, 1024 * 1024);
	ck_assert_uint_eq(conf.nbinds, 0);
	ck_assert_ptr_null(conf.binds);
	ck_assert_str_eq(conf.time_format, STAMP_DEFAULT_FORMAT);
	ck_assert_int_eq(conf.utc, 0);
	ck_assert_int_eq(conf.log_level, LOG_LEVEL_INFO);
}
END_TEST

/* --- options ------------------------------------------------------------- */

START_TEST(test_srvconf_bind_repeated)
{
	EXPECT_OK("-b", "127.0.0.1", "--bind", "::1", "--bind=10.0.0.1",
	    "-b192.0.2.1");
	ck_assert_uint_eq(conf.nbinds, 4);
	ck_assert_str_eq(conf.binds[0], "127.0.0.1");
	ck_assert_str_eq(conf.binds[1], "::1");
	ck_assert_str_eq(conf.binds[2], "10.0.0.1");
	ck_assert_str_eq(conf.binds[3], "192.0.2.1");
	EXPECT_ERROR("invalid bind address ''", "-b", "");
}
END_TEST

START_TEST(test_srvconf_port)
{
	EXPECT_OK("-p", "0");
	ck_assert_int_eq(conf.port, 0);
	EXPECT_OK("-p", "65535");
	ck_assert_int_eq(conf.port, 65535);
	EXPECT_OK("--port=9000");
	ck_assert_int_eq(conf.port, 9000);
	EXPECT_OK("-p1234");
	ck_assert_int_eq(conf.port, 1234);
	/* The last one wins. */
	EXPECT_OK("-p", "1", "-p", "2");
	ck_assert_int_eq(conf.port, 2);

	EXPECT_ERROR("invalid port '70000': too large", "-p", "70000");
	EXPECT_ERROR("invalid port '65536': too large", "--port", "65536");
	EXPECT_ERROR("invalid port '-1': too small", "-p", "-1");
	EXPECT_ERROR("invalid port 'http': invalid", "-p", "http");
	EXPECT_ERROR("invalid port '8o': invalid", "-p", "8o");
	EXPECT_ERROR("invalid port '': invalid", "-p", "");
}
END_TEST

START_TEST(test_srvconf_framing)
{
	EXPECT_OK("--framing", "raw");
	ck_assert_int_eq(conf.framing, FRAME_RAW);
	EXPECT_OK("--framing=line");
	ck_assert_int_eq(conf.framing, FRAME_LINE);
	EXPECT_ERROR("invalid framing 'bad': use 'line' or 'raw'",
	    "--framing", "bad");
	EXPECT_ERROR("invalid framing 'RAW': use 'line' or 'raw'",
	    "--framing=RAW");
}
END_TEST

START_TEST(test_srvconf_tcp_udp)
{
	EXPECT_OK("-t");
	ck_assert_msg(conf.tcp == 1 && conf.udp == 0, "-t: expected TCP only, "
	    "got tcp %d udp %d", conf.tcp, conf.udp);
	EXPECT_OK("-u");
	ck_assert_msg(conf.tcp == 0 && conf.udp == 1, "-u: expected UDP only, "
	    "got tcp %d udp %d", conf.tcp, conf.udp);
	EXPECT_OK("-t", "-u");
	ck_assert_msg(conf.tcp == 1 && conf.udp == 1, "-t -u: expected both, "
	    "got tcp %d udp %d", conf.tcp, conf.udp);
	EXPECT_OK("--udp", "--tcp");
	ck_assert_msg(conf.tcp == 1 && conf.udp == 1, "--udp --tcp: expected "
	    "both, got tcp %d udp %d", conf.tcp, conf.udp);
	EXPECT_OK("-tu");
	ck_assert_msg(conf.tcp == 1 && conf.udp == 1, "-tu: expected both, "
	    "got tcp %d udp %d", conf.tcp, conf.udp);
}
END_TEST

START_TEST(test_srvconf_time_format)
{
	char	long_format[81];
	char	want[256];
	int	i;

	EXPECT_OK("--time-format", "%H:%M", "--utc");
	ck_assert_str_eq(conf.time_format, "%H:%M");
	ck_assert_int_eq(conf.utc, 1);
	EXPECT_OK("--time-format=");
	ck_assert_str_eq(conf.time_format, "");

	for (i = 0; i < 40; i++)
		memcpy(long_format + 2 * i, "%c", 2);
	long_format[80] = '\0';
	snprintf(want, sizeof want, "invalid time format '%s': its stamps "
	    "would be too long", long_format);
	EXPECT_ERROR(want, "--time-format", long_format);
	EXPECT_ERROR("invalid time format '%c%c%c%c%c%c%c%c': its stamps "
	    "would be too long", "--time-format", "%c%c%c%c%c%c%c%c");
}
END_TEST

START_TEST(test_srvconf_limits)
{
	EXPECT_OK("--max-line", "1", "--max-queue", "1024");
	ck_assert_uint_eq(conf.max_line, 1);
	ck_assert_uint_eq(conf.max_queue, 1024);
	EXPECT_OK("--max-line=1048576", "--max-queue=4294967296");
	ck_assert_uint_eq(conf.max_line, 1048576);
	ck_assert_uint_eq(conf.max_queue, 4294967296ULL);

	EXPECT_ERROR("invalid --max-line '0': too small", "--max-line", "0");
	EXPECT_ERROR("invalid --max-line '1048577': too large",
	    "--max-line", "1048577");
	EXPECT_ERROR("invalid --max-line '8k': invalid", "--max-line", "8k");
	EXPECT_ERROR("invalid --max-queue '1023': too small",
	    "--max-queue", "1023");
	EXPECT_ERROR("invalid --max-queue '4294967297': too large",
	    "--max-queue", "4294967297");
}
END_TEST

START_TEST(test_srvconf_log_level)
{
	EXPECT_OK("-q");
	ck_assert_int_eq(conf.log_level, LOG_LEVEL_WARN);
	EXPECT_OK("--verbose");
	ck_assert_int_eq(conf.log_level, LOG_LEVEL_DEBUG);
	EXPECT_OK("-v", "--quiet");
	ck_assert_int_eq(conf.log_level, LOG_LEVEL_WARN);
}
END_TEST

/* --- help and version ---------------------------------------------------- */

START_TEST(test_srvconf_help_version)
{
	EXPECT_RESULT(CONF_HELP, "-h");
	EXPECT_RESULT(CONF_HELP, "--help");
	EXPECT_RESULT(CONF_HELP, "-p", "1", "--help");
	EXPECT_RESULT(CONF_VERSION, "-V");
	EXPECT_RESULT(CONF_VERSION, "--version");
	EXPECT_RESULT(CONF_VERSION, "-t", "-V", "-u");
}
END_TEST

START_TEST(test_srvconf_usage)
{
	char	*text = NULL;
	size_t	 len = 0;
	FILE	*f;
	static const char *const	want[] = {
		"Usage: tschatd", "--bind", "--port", "--tcp", "--udp",
		"--framing", "--time-format", "--utc", "--max-line",
		"--max-queue", "--quiet", "--verbose", "--help", "--version",
	};
	size_t	 i;

	f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	srvconf_usage(f);
	fclose(f);
	for (i = 0; i < ARRAY_SIZE(want); i++)
		ck_assert_msg(strstr(text, want[i]) != NULL,
		    "--help: expected it to mention %s, got \"%s\"", want[i],
		    esc(text, len));
	ck_assert_msg(len > 0 && text[len - 1] == '\n',
	    "--help: expected it to end in a newline");
	free(text);
}
END_TEST

/* --- usage errors -------------------------------------------------------- */

START_TEST(test_srvconf_unknown_option)
{
	EXPECT_ERROR("unknown option '-x'", "-x");
	EXPECT_ERROR("unknown option '-x'", "-t", "-x", "-u");
	EXPECT_ERROR("unknown option '-x'", "-tx");
	EXPECT_ERROR("unknown option '--nope'", "--nope");
	EXPECT_ERROR("unknown option '--nope'", "-p", "1", "--nope");
}
END_TEST

START_TEST(test_srvconf_missing_value_short)
{
	EXPECT_ERROR("option '-p' needs a value", "-p");
	EXPECT_ERROR("option '-b' needs a value", "-t", "-b");
}
END_TEST

/*
 * A long option without its value is named as typed.
 */
START_TEST(test_srvconf_missing_value_long)
{
	enum conf_result	r;

	EXPECT_ERROR("option '--framing' needs a value", "--framing");
	EXPECT_ERROR("option '--time-format' needs a value", "--time-format");
	EXPECT_ERROR("option '--max-line' needs a value", "--max-line");
	EXPECT_ERROR("option '--max-queue' needs a value", "-t",
	    "--max-queue");
	/* An option with a short form may be named either way. */
	r = parse("--port", NULL);
	ck_assert_msg(r == CONF_ERROR &&
	    (strcmp(err, "option '--port' needs a value") == 0 ||
	    strcmp(err, "option '-p' needs a value") == 0),
	    "tschatd --port: expected CONF_ERROR \"option '--port' needs a "
	    "value\", got %s \"%s\"", result_name(r), esc_str(err));
}
END_TEST

/*
 * A value given to an option that takes none is an error that names the
 * option and holds no control character.
 *
 * "--utc=yes" and "--tcp=1" name the long option, not a short one.
 */
START_TEST(test_srvconf_value_not_allowed)
{
	static const char *const	 cases[][2] = {
		{ "--utc=yes", "--utc" },
		{ "--tcp=1", "--tcp" },
		{ "--help=me", "--help" },
	};
	enum conf_result		 r;
	size_t				 i, j;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		r = parse(cases[i][0], NULL);
		ck_assert_msg(r == CONF_ERROR, "tschatd %s: expected "
		    "CONF_ERROR, got %s", cases[i][0], result_name(r));
		for (j = 0; err[j] != '\0'; j++)
			ck_assert_msg((unsigned char)err[j] >= 0x20,
			    "tschatd %s: expected a printable message, got "
			    "\"%s\"", cases[i][0], esc_str(err));
		ck_assert_msg(strstr(err, cases[i][1]) != NULL,
		    "tschatd %s: expected a message naming %s, got \"%s\"",
		    cases[i][0], cases[i][1], esc_str(err));
	}
}
END_TEST

START_TEST(test_srvconf_stray_argument)
{
	EXPECT_ERROR("unexpected argument 'foo'", "foo");
	EXPECT_ERROR("unexpected argument 'foo'", "-p", "1", "foo");
	/* Options are not looked for after an operand. */
	EXPECT_ERROR("unexpected argument 'foo'", "foo", "-p", "1");
	EXPECT_ERROR("unexpected argument '-p'", "--", "-p", "1");
}
END_TEST

START_TEST(test_srvconf_error_truncated)
{
	enum conf_result	r;
	char			small[8];
	char			*argv[] = { arg_store[0], arg_store[1], NULL };

	strcpy(arg_store[0], "tschatd");
	strcpy(arg_store[1], "-x");
	memset(small, 'X', sizeof small);
	srvconf_free(&conf);
	r = srvconf_parse(&conf, 2, argv, small, sizeof small);
	ck_assert_msg(r == CONF_ERROR && memchr(small, '\0', sizeof small)
	    != NULL && strcmp(small, "unknown") == 0,
	    "-x with 8 bytes for the error: expected \"unknown\", got \"%s\"",
	    esc(small, sizeof small));
}
END_TEST

/* One process, many command lines: nothing carries over. */
START_TEST(test_srvconf_parse_again)
{
	EXPECT_ERROR("unknown option '-x'", "-tx");
	EXPECT_OK("-u");
	ck_assert_msg(conf.tcp == 0 && conf.udp == 1, "-u after -tx: expected "
	    "UDP only, got tcp %d udp %d", conf.tcp, conf.udp);
	EXPECT_ERROR("unexpected argument 'foo'", "-p", "7", "foo");
	EXPECT_OK("-b", "::1");
	ck_assert_int_eq(conf.port, 8080);
	ck_assert_uint_eq(conf.nbinds, 1);
	EXPECT_ERROR("option '-p' needs a value", "-p");
	EXPECT_OK("-t");
	ck_assert_int_eq(conf.port, 8080);
	ck_assert_uint_eq(conf.nbinds, 0);
}
END_TEST

static Suite *
srvconf_suite(void)
{
	Suite	*s = suite_create("srvconf");
	TCase	*tc;

	tc = tcase_create("defaults");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_srvconf_defaults);
	suite_add_tcase(s, tc);

	tc = tcase_create("options");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_srvconf_bind_repeated);
	tcase_add_test(tc, test_srvconf_port);
	tcase_add_test(tc, test_srvconf_framing);
	tcase_add_test(tc, test_srvconf_tcp_udp);
	tcase_add_test(tc, test_srvconf_time_format);
	tcase_add_test(tc, test_srvconf_limits);
	tcase_add_test(tc, test_srvconf_log_level);
	suite_add_tcase(s, tc);

	tc = tcase_create("help");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_srvconf_help_version);
	tcase_add_test(tc, test_srvconf_usage);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_srvconf_unknown_option);
	tcase_add_test(tc, test_srvconf_missing_value_short);
	tcase_add_test(tc, test_srvconf_missing_value_long);
	tcase_add_test(tc, test_srvconf_value_not_allowed);
	tcase_add_test(tc, test_srvconf_stray_argument);
	tcase_add_test(tc, test_srvconf_error_truncated);
	tcase_add_test(tc, test_srvconf_parse_again);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(srvconf_suite());
}
