/*
 * check_cliconf.c: unit tests of tschat's option parsing, cliconf_parse().
 */
#include "common.h"

#include <check.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cliconf.h"
#include "defaults.h"
#include "pin.h"
#include "xmalloc.h"

#include "check_util.h"

#define MAX_ARGS	16

static char		*args[MAX_ARGS + 1];
static int		 nargs;
static char		 err[256];
static struct cliconf	 conf;

static void
free_args(void)
{
	while (nargs > 0)
		free(args[--nargs]);
}

/* Parse "tschat" and the NULL-terminated arguments after it. */
static enum conf_result
parse(const char *arg, ...)
{
	va_list	ap;

	free_args();
	err[0] = '\0';
	args[nargs++] = xstrdup("tschat");
	va_start(ap, arg);
	for (; arg != NULL && nargs < MAX_ARGS; arg = va_arg(ap, const char *))
		args[nargs++] = xstrdup(arg);
	va_end(ap);
	args[nargs] = NULL;
	return cliconf_parse(&conf, nargs, args, err, sizeof err);
}

static void
teardown(void)
{
	cliconf_free(&conf);
	free_args();
}

#define ASSERT_OK(r) \
	ck_assert_msg((r) == CONF_OK, "expected CONF_OK, got %d (%s)", \
	    (int)(r), err)
#define ASSERT_ERROR(r, what) do {					\
	enum conf_result r_ = (r);					\
	ck_assert_msg(r_ == CONF_ERROR,				\
	    "expected CONF_ERROR, got %d", (int)r_);			\
	ck_assert_msg(strstr(err, (what)) != NULL,			\
	    "expected an error naming '%s', got '%s'", (what), err);	\
} while (0)

START_TEST(test_defaults)
{
	ASSERT_OK(parse(NULL));
	ck_assert_msg(strcmp(conf.host, DEFAULT_HOST) == 0,
	    "expected host '%s', got '%s'", DEFAULT_HOST, conf.host);
	ck_assert_msg(conf.port == DEFAULT_PORT, "expected port %d, got %u",
	    DEFAULT_PORT, conf.port);
	ck_assert_msg(!conf.udp, "expected TCP, got UDP");
	ck_assert_msg(conf.framing == FRAME_LINE, "expected line framing");
	ck_assert_msg(conf.nick == NULL, "expected no nick, got '%s'",
	    conf.nick);
	ck_assert_msg(!conf.line_mode, "expected no -L");
	ck_assert_msg(conf.wait == DEFAULT_WAIT_SECS,
	    "expected wait %g, got %g", DEFAULT_WAIT_SECS, conf.wait);
	ck_assert_msg(!conf.no_color, "expected colours");
	ck_assert_msg(conf.log_file == NULL, "expected no log, got '%s'",
	    conf.log_file);
	ck_assert_msg(conf.scrollback == 10000,
	    "expected scrollback 10000, got %zu", conf.scrollback);
}
END_TEST

START_TEST(test_host_and_port)
{
	ASSERT_OK(parse("example.org", NULL));
	ck_assert_msg(strcmp(conf.host, "example.org") == 0,
	    "expected host 'example.org', got '%s'", conf.host);
	ck_assert_msg(conf.port == DEFAULT_PORT, "expected port %d, got %u",
	    DEFAULT_PORT, conf.port);

	ASSERT_OK(parse("::1", "18080", NULL));
	ck_assert_msg(strcmp(conf.host, "::1") == 0,
	    "expected host '::1', got '%s'", conf.host);
	ck_assert_msg(conf.port == 18080, "expected port 18080, got %u",
	    conf.port);

	ASSERT_OK(parse("localhost", "65535", NULL));
	ck_assert_msg(conf.port == 65535, "expected port 65535, got %u",
	    conf.port);
}
END_TEST

START_TEST(test_options_after_operands)
{
	ASSERT_OK(parse("localhost", "9000", "-u", NULL));
	ck_assert_msg(conf.udp, "expected -u after the operands to count");
	ck_assert_msg(conf.port == 9000, "expected port 9000, got %u",
	    conf.port);

	ASSERT_OK(parse("--", "-odd-host", NULL));
	ck_assert_msg(strcmp(conf.host, "-odd-host") == 0,
	    "expected host '-odd-host' after --, got '%s'", conf.host);
}
END_TEST

START_TEST(test_bad_port)
{
	ASSERT_ERROR(parse("localhost", "0", NULL), "'0'");
	ASSERT_ERROR(parse("localhost", "65536", NULL), "'65536'");
	ASSERT_ERROR(parse("localhost", "http", NULL), "'http'");
	ASSERT_ERROR(parse("localhost", "", NULL), "invalid port");
	ASSERT_ERROR(parse("localhost", "-1", NULL), "unknown option");
}
END_TEST

START_TEST(test_bad_host)
{
	ASSERT_ERROR(parse("", NULL), "invalid host");
}
END_TEST

START_TEST(test_unknown_option)
{
	ASSERT_ERROR(parse("-x", NULL), "'-x'");
	ASSERT_ERROR(parse("--frobnicate", NULL), "'--frobnicate'");
	ASSERT_ERROR(parse("--udp=yes", NULL), "'--udp' takes no value");
	ASSERT_ERROR(parse("--frob=1", NULL), "'--frob'");
	ASSERT_ERROR(parse("localhost", "--frob", NULL), "'--frob'");
	ASSERT_ERROR(parse("-uLx", NULL), "'-x'");
	ASSERT_ERROR(parse("--udp", "-xu", NULL), "'-x'");
}
END_TEST

START_TEST(test_missing_value)
{
	ASSERT_ERROR(parse("-n", NULL), "'-n'");
	ASSERT_ERROR(parse("--wait", NULL), "'--wait'");
	ASSERT_ERROR(parse("--log", NULL), "'--log'");
}
END_TEST

START_TEST(test_too_many_args)
{
	ASSERT_ERROR(parse("localhost", "8080", "extra", NULL), "'extra'");
}
END_TEST

START_TEST(test_wait)
{
	ASSERT_OK(parse("-w", "0", NULL));
	ck_assert_msg(conf.wait == 0, "expected wait 0, got %g", conf.wait);
	ASSERT_OK(parse("--wait", "0.5", NULL));
	ck_assert_msg(conf.wait == 0.5, "expected wait 0.5, got %g",
	    conf.wait);
	ASSERT_OK(parse("--wait=30", NULL));
	ck_assert_msg(conf.wait == 30, "expected wait 30, got %g", conf.wait);
	ASSERT_OK(parse("-w", "86400", NULL));
	ck_assert_msg(conf.wait == 86400, "expected wait 86400, got %g",
	    conf.wait);

	ASSERT_ERROR(parse("-w", "86401", NULL), "too large");
	ASSERT_ERROR(parse("-w", "-1", NULL), "invalid");
	ASSERT_ERROR(parse("-w", "", NULL), "invalid");
	ASSERT_ERROR(parse("-w", "2s", NULL), "invalid");
	ASSERT_ERROR(parse("-w", "1.2.3", NULL), "invalid");
	ASSERT_ERROR(parse("-w", "inf", NULL), "invalid");
	ASSERT_ERROR(parse("-w", "nan", NULL), "invalid");
}
END_TEST

START_TEST(test_udp)
{
	ASSERT_OK(parse("-u", NULL));
	ck_assert_msg(conf.udp, "expected UDP after -u");
	ASSERT_OK(parse("--udp", NULL));
	ck_assert_msg(conf.udp, "expected UDP after --udp");
}
END_TEST

START_TEST(test_framing)
{
	ASSERT_OK(parse("--framing", "raw", NULL));
	ck_assert_msg(conf.framing == FRAME_RAW, "expected raw framing");
	ASSERT_OK(parse("--framing=line", NULL));
	ck_assert_msg(conf.framing == FRAME_LINE, "expected line framing");
	ASSERT_ERROR(parse("--framing", "lines", NULL), "'lines'");
}
END_TEST

START_TEST(test_nick)
{
	ASSERT_OK(parse("-n", "alice", NULL));
	ck_assert_msg(conf.nick != NULL && strcmp(conf.nick, "alice") == 0,
	    "expected nick 'alice', got '%s'", conf.nick);
	ASSERT_OK(parse("--nick", "Jürgen", NULL));
	ck_assert_msg(conf.nick != NULL && strcmp(conf.nick, "Jürgen") == 0,
	    "expected nick 'Jürgen', got '%s'", conf.nick);

	ASSERT_OK(parse("-n", "abcdefghijklmnopqrstuvwxy-ÄÖÜäöü", NULL));
	ck_assert_msg(strlen(conf.nick) == 38,
	    "expected the 32-character nick kept, got '%s'", conf.nick);

	ASSERT_ERROR(parse("-n", "", NULL), "invalid nick");
	ASSERT_ERROR(parse("-n", "abcdefghijklmnopqrstuvwxy-ÄÖÜäöüß", NULL),
	    "invalid nick");
	ASSERT_ERROR(parse("-n", "a b", NULL), "invalid nick");
	ASSERT_ERROR(parse("-n", "bob\n/quit", NULL), "invalid nick");
	ASSERT_ERROR(parse("-n", "\033[31mx", NULL), "invalid nick");
	ASSERT_ERROR(parse("-n", "\xc3", NULL), "invalid nick");
	ASSERT_ERROR(parse("-n", "a\xe2\x80\xae" "b", NULL), "invalid nick");
}
END_TEST

START_TEST(test_flags)
{
	ASSERT_OK(parse("-L", NULL));
	ck_assert_msg(conf.line_mode, "expected line mode after -L");
	ASSERT_OK(parse("--line-mode", NULL));
	ck_assert_msg(conf.line_mode, "expected line mode after --line-mode");
	ASSERT_OK(parse("--no-color", NULL));
	ck_assert_msg(conf.no_color, "expected no colours after --no-color");
	ck_assert_msg(!conf.no_bell, "expected the bell without --no-bell");
	ASSERT_OK(parse("--no-bell", NULL));
	ck_assert_msg(conf.no_bell, "expected no bell after --no-bell");
	ASSERT_OK(parse("-uL", "-n", "x", NULL));
	ck_assert_msg(conf.udp && conf.line_mode,
	    "expected -uL to set both UDP and line mode");
}
END_TEST

START_TEST(test_log)
{
	ASSERT_OK(parse("--log", "/tmp/chat.log", NULL));
	ck_assert_msg(conf.log_file != NULL &&
	    strcmp(conf.log_file, "/tmp/chat.log") == 0,
	    "expected log '/tmp/chat.log', got '%s'", conf.log_file);
	ASSERT_ERROR(parse("--log", "", NULL), "invalid log file");
}
END_TEST

START_TEST(test_scrollback)
{
	ASSERT_OK(parse("--scrollback", "1", NULL));
	ck_assert_msg(conf.scrollback == 1, "expected scrollback 1, got %zu",
	    conf.scrollback);
	ASSERT_OK(parse("--scrollback", "1000000", NULL));
	ck_assert_msg(conf.scrollback == 1000000,
	    "expected scrollback 1000000, got %zu", conf.scrollback);
	ASSERT_ERROR(parse("--scrollback", "0", NULL), "too small");
	ASSERT_ERROR(parse("--scrollback", "1000001", NULL), "too large");
	ASSERT_ERROR(parse("--scrollback", "many", NULL), "invalid");
}
END_TEST

START_TEST(test_help_version)
{
	enum conf_result	r;

	r = parse("-h", NULL);
	ck_assert_msg(r == CONF_HELP, "expected CONF_HELP for -h, got %d",
	    (int)r);
	r = parse("localhost", "--help", NULL);
	ck_assert_msg(r == CONF_HELP,
	    "expected CONF_HELP for --help, got %d", (int)r);
	r = parse("-V", NULL);
	ck_assert_msg(r == CONF_VERSION,
	    "expected CONF_VERSION for -V, got %d", (int)r);
	r = parse("--version", NULL);
	ck_assert_msg(r == CONF_VERSION,
	    "expected CONF_VERSION for --version, got %d", (int)r);
}
END_TEST

#define GOOD_PIN	"sha256:7SktJR9RYA3Sms/4a9Lu1ukPfP7o8iF0vx6emh7VvOc="

START_TEST(test_tls_port)
{
	ASSERT_OK(parse(NULL));
	ck_assert_msg(!conf.tls, "expected no TLS without --tls");
	ASSERT_OK(parse("--tls", NULL));
	ck_assert_msg(conf.tls, "expected TLS after --tls");
	ck_assert_msg(strcmp(conf.host, DEFAULT_HOST) == 0,
	    "expected host '%s', got '%s'", DEFAULT_HOST, conf.host);
	ck_assert_msg(conf.port == DEFAULT_TLS_PORT,
	    "expected port %d with --tls, got %u", DEFAULT_TLS_PORT,
	    conf.port);
	ASSERT_OK(parse("--tls", "chat.example", NULL));
	ck_assert_msg(conf.port == DEFAULT_TLS_PORT,
	    "expected port %d with --tls and a host, got %u",
	    DEFAULT_TLS_PORT, conf.port);
	/* --tls after the operands counts, and a PORT given stays. */
	ASSERT_OK(parse("chat.example", "9000", "--tls", NULL));
	ck_assert_msg(conf.port == 9000, "expected port 9000, got %u",
	    conf.port);
	ASSERT_OK(parse("--tls", "chat.example", "8080", NULL));
	ck_assert_msg(conf.port == 8080, "expected port 8080, got %u",
	    conf.port);
	ASSERT_OK(parse("--tls", "--tls-ca", "ca.crt", "--tls-cert", "c.crt",
	    "--tls-key", "c.key", "--tls-pin", GOOD_PIN, NULL));
	ck_assert_msg(conf.tls_ca != NULL && strcmp(conf.tls_ca, "ca.crt") == 0,
	    "expected --tls-ca 'ca.crt', got '%s'", conf.tls_ca);
	ck_assert_msg(conf.tls_cert != NULL &&
	    strcmp(conf.tls_cert, "c.crt") == 0,
	    "expected --tls-cert 'c.crt', got '%s'", conf.tls_cert);
	ck_assert_msg(conf.tls_key != NULL &&
	    strcmp(conf.tls_key, "c.key") == 0,
	    "expected --tls-key 'c.key', got '%s'", conf.tls_key);
	ck_assert_msg(conf.has_pin, "expected a pin after --tls-pin");
}
END_TEST

START_TEST(test_tls_pin)
{
	static const unsigned char	want[PIN_BYTES] = {
		0xed, 0x29, 0x2d, 0x25, 0x1f, 0x51, 0x60, 0x0d,
		0xd2, 0x9a, 0xcf, 0xf8, 0x6b, 0xd2, 0xee, 0xd6,
		0xe9, 0x0f, 0x7c, 0xfe, 0xe8, 0xf2, 0x21, 0x74,
		0xbf, 0x1e, 0x9e, 0x9a, 0x1e, 0xd5, 0xbc, 0xe7,
	};

	ASSERT_OK(parse("--tls", "--tls-pin", GOOD_PIN, NULL));
	ck_assert_msg(conf.has_pin, "expected a pin after --tls-pin");
	ck_assert_msg(memcmp(conf.pin, want, PIN_BYTES) == 0,
	    "expected the pin's digest, got \"%s\"", esc(conf.pin,
	    PIN_BYTES));
	ASSERT_OK(parse("--tls", "--tls-pin=" GOOD_PIN, NULL));
	ck_assert_msg(conf.has_pin, "expected a pin after --tls-pin=");

	ASSERT_ERROR(parse("--tls", "--tls-pin", "", NULL), "--tls-pin");
	ASSERT_ERROR(parse("--tls", "--tls-pin", "7SktJR9RYA3Sms/4a9Lu1ukPfP7o"
	    "8iF0vx6emh7VvOc=", NULL), "invalid --tls-pin");
	ASSERT_ERROR(parse("--tls", "--tls-pin", "sha1:7SktJR9RYA3Sms/4a9Lu1u"
	    "kPfP7o8iF0vx6emh7VvOc=", NULL), "invalid --tls-pin");
	ASSERT_ERROR(parse("--tls", "--tls-pin", "sha256:7SktJR9RYA3Sms/4a9Lu"
	    "1ukPfP7o8iF0vx6emh7VvO=", NULL), "invalid --tls-pin");
	ASSERT_ERROR(parse("--tls", "--tls-pin", GOOD_PIN "A", NULL),
	    "invalid --tls-pin");
	ASSERT_ERROR(parse("--tls", "--tls-pin", "sha256:7SktJR9RYA3Sms/4a9Lu"
	    "1ukPfP7o8iF0vx6emh7V*Oc=", NULL), "invalid --tls-pin");
	ASSERT_ERROR(parse("--tls", "--tls-pin", NULL), "'--tls-pin'");
}
END_TEST

START_TEST(test_tls_needs_tls)
{
	ASSERT_ERROR(parse("--tls-ca", "ca.crt", NULL), "--tls-ca needs --tls");
	ASSERT_ERROR(parse("--tls-pin", GOOD_PIN, NULL),
	    "--tls-pin needs --tls");
	ASSERT_ERROR(parse("--tls-cert", "c.crt", "--tls-key", "c.key", NULL),
	    "needs --tls");
	ASSERT_ERROR(parse("--tls-cert", "c.crt", NULL), "needs --tls");
	ASSERT_ERROR(parse("--tls-key", "c.key", NULL),
	    "--tls-key needs --tls");
	ASSERT_ERROR(parse("localhost", "8443", "--tls-ca", "ca.crt", NULL),
	    "--tls-ca needs --tls");
}
END_TEST

START_TEST(test_tls_cert_and_key)
{
	ASSERT_ERROR(parse("--tls", "--tls-cert", "c.crt", NULL),
	    "--tls-cert needs --tls-key");
	ASSERT_ERROR(parse("--tls", "--tls-key", "c.key", NULL),
	    "--tls-key needs --tls-cert");
	ASSERT_OK(parse("--tls", "--tls-cert", "c.crt", "--tls-key", "c.key",
	    NULL));
}
END_TEST

START_TEST(test_tls_udp)
{
	ASSERT_ERROR(parse("--tls", "-u", NULL), "--udp");
	ASSERT_ERROR(parse("-u", "--tls", "localhost", "8443", NULL), "--udp");
	ASSERT_ERROR(parse("--udp", "--tls", NULL), "--tls");
}
END_TEST

static Suite *
cliconf_suite(void)
{
	Suite	*s = suite_create("cliconf");
	TCase	*tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_host_and_port);
	tcase_add_test(tc, test_options_after_operands);
	tcase_add_test(tc, test_bad_port);
	tcase_add_test(tc, test_bad_host);
	tcase_add_test(tc, test_unknown_option);
	tcase_add_test(tc, test_missing_value);
	tcase_add_test(tc, test_too_many_args);
	tcase_add_test(tc, test_wait);
	tcase_add_test(tc, test_udp);
	tcase_add_test(tc, test_framing);
	tcase_add_test(tc, test_nick);
	tcase_add_test(tc, test_flags);
	tcase_add_test(tc, test_log);
	tcase_add_test(tc, test_scrollback);
	tcase_add_test(tc, test_help_version);
	tcase_add_test(tc, test_tls_port);
	tcase_add_test(tc, test_tls_pin);
	tcase_add_test(tc, test_tls_needs_tls);
	tcase_add_test(tc, test_tls_cert_and_key);
	tcase_add_test(tc, test_tls_udp);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(cliconf_suite());
}
