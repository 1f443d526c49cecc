/*
 * check_trust.c: whether tschat trusts a TLS server, without a socket:
 * --tls-pin names the one key trusted (over a certificate that verifies
 * and over the known hosts), a verified certificate is trusted, else the
 * known hosts decide (a match, a changed key and its line, a host not
 * there, a file that cannot be read); and the words of each refusal name
 * the pin, the file, the line and the option that would trust the key.
 */
#include "common.h"

#include <check.h>

#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cliconf.h"
#include "pin.h"
#include "trust.h"
#include "xmalloc.h"

#include "check_util.h"

#define HOSTPORT	"chat.example:8443"
#define NOT_VERIFIED	"self-signed certificate"

static char		*dir;
static struct cliconf	 conf;
static struct trust_case t;

/* Key number I: a digest of its own, and its pin as text. */
static void
key(int i, unsigned char d[PIN_BYTES])
{
	size_t	j;

	for (j = 0; j < PIN_BYTES; j++)
		d[j] = (unsigned char)(i * 37 + (int)j * 5 + 1);
}

static const char *
key_pin(int i)
{
	static char	text[8][PIN_STRLEN];
	static int	next;
	unsigned char	d[PIN_BYTES];
	char		*out = text[next++ % 8];

	key(i, d);
	pin_format(d, out);
	return out;
}

static void
setup(void)
{
	/* The messages as written: no catalogue, no localised strerror. */
	setlocale(LC_ALL, "C");
	dir = scratch_dir("check_trust");
	memset(&conf, 0, sizeof conf);
	conf.tls = 1;
	memset(&t, 0, sizeof t);
	t.hostport = HOSTPORT;
	key(1, t.pin);
	t.verify_error = NOT_VERIFIED;
}

static void
teardown(void)
{
	scratch_remove(dir);
	free(dir);
}

/* The file NAME in the test's directory holding TEXT, to free(). */
static char *
file_with(const char *name, const char *text)
{
	FILE	*fp;
	char	*path;

	xasprintf(&path, "%s/%s", dir, name);
	fp = fopen(path, "w");
	ck_assert_msg(fp != NULL, "fopen %s: %s", path, strerror(errno));
	ck_assert_int_eq(fputs(text, fp) < 0, 0);
	ck_assert_int_eq(fclose(fp), 0);
	return path;
}

/* A known hosts file: a comment, another host, then HOSTPORT with key K. */
static char *
known_hosts_with(int k)
{
	char	*text, *path;

	xasprintf(&text, "# servers trusted on first use\n"
	    "other.example:8443 %s\n"
	    HOSTPORT " %s\n", key_pin(7), key_pin(k));
	path = file_with("known_hosts", text);
	free(text);
	return path;
}

/* --tls-pin names key K. */
static void
pin_option(int k)
{
	conf.has_pin = 1;
	key(k, conf.pin);
}

static const char *
trust_name(enum trust r)
{
	switch (r) {
	case TRUST_YES:
		return "TRUST_YES";
	case TRUST_UNKNOWN:
		return "TRUST_UNKNOWN";
	case TRUST_CHANGED:
		return "TRUST_CHANGED";
	case TRUST_PIN_WRONG:
		return "TRUST_PIN_WRONG";
	case TRUST_ERROR:
		return "TRUST_ERROR";
	}
	return "?";
}

#define ASSERT_TRUST(want) do {						\
	enum trust r_ = trust_check(&conf, &t);				\
	ck_assert_msg(r_ == (want), "expected %s, got %s",		\
	    trust_name(want), trust_name(r_));				\
} while (0)

/* MSG (to free) holds every string after it, up to NULL. */
static void
assert_says(const char *msg, ...)
{
	const char	*want;
	va_list		 ap;

	ck_assert_msg(msg != NULL, "expected a message, got NULL");
	va_start(ap, msg);
	while ((want = va_arg(ap, const char *)) != NULL)
		ck_assert_msg(strstr(msg, want) != NULL,
		    "expected the message to name \"%s\", got \"%s\"", want,
		    msg);
	va_end(ap);
}

START_TEST(test_pin_right)
{
	char	*kh;

	pin_option(1);
	/* Whether or not the certificate verifies. */
	t.verify_error = NULL;
	ASSERT_TRUST(TRUST_YES);
	t.verify_error = NOT_VERIFIED;
	ASSERT_TRUST(TRUST_YES);
	/* Over a known hosts file that remembers another key. */
	t.known_hosts = kh = known_hosts_with(2);
	ASSERT_TRUST(TRUST_YES);
	ck_assert_msg(t.line == 0, "expected no line, got %lu", t.line);
	free(kh);
	/* And over one that cannot be read: it is not read at all. */
	t.known_hosts = dir;
	ASSERT_TRUST(TRUST_YES);
	ck_assert_msg(trust_message(TRUST_YES, &t, 0) == NULL,
	    "expected no message for a trusted key");
}
END_TEST

START_TEST(test_pin_wrong)
{
	char	*kh, *msg;

	pin_option(2);
	/* A certificate that verifies does not make up for it. */
	t.verify_error = NULL;
	ASSERT_TRUST(TRUST_PIN_WRONG);
	/* Nor does a known hosts file that remembers this very key. */
	t.verify_error = NOT_VERIFIED;
	t.known_hosts = kh = known_hosts_with(1);
	ASSERT_TRUST(TRUST_PIN_WRONG);
	msg = trust_message(TRUST_PIN_WRONG, &t, 0);
	assert_says(msg, HOSTPORT, key_pin(1), "--tls-pin", "refused",
	    (const char *)NULL);
	ck_assert_msg(strstr(msg, key_pin(2)) == NULL,
	    "expected the key shown, not the pin asked for: \"%s\"", msg);
	free(msg);
	free(kh);
}
END_TEST

START_TEST(test_verified)
{
	char	*kh;

	t.verify_error = NULL;
	ASSERT_TRUST(TRUST_YES);
	/* No need of the known hosts, even of one that cannot be read. */
	t.known_hosts = dir;
	ASSERT_TRUST(TRUST_YES);
	t.known_hosts = kh = known_hosts_with(2);
	ASSERT_TRUST(TRUST_YES);
	free(kh);
}
END_TEST

START_TEST(test_unverified_no_file)
{
	char	*msg, *opt;

	/* Neither XDG_DATA_HOME nor HOME: nowhere to remember a key. */
	t.known_hosts = NULL;
	ASSERT_TRUST(TRUST_UNKNOWN);

	/* Line mode: the pin, and the option that would trust it. */
	msg = trust_message(TRUST_UNKNOWN, &t, 0);
	xasprintf(&opt, "--tls-pin %s", key_pin(1));
	assert_says(msg, HOSTPORT, NOT_VERIFIED, key_pin(1), opt,
	    (const char *)NULL);
	free(opt);
	free(msg);

	/* Full-screen: the pin to compare; the question follows. */
	msg = trust_message(TRUST_UNKNOWN, &t, 1);
	assert_says(msg, HOSTPORT, NOT_VERIFIED, key_pin(1), (const char *)NULL);
	ck_assert_msg(strstr(msg, "--tls-pin") == NULL,
	    "expected no --tls-pin where the user is asked: \"%s\"", msg);
	free(msg);
}
END_TEST

START_TEST(test_known_hosts_match)
{
	char	*kh, *text;

	t.known_hosts = kh = known_hosts_with(1);
	ASSERT_TRUST(TRUST_YES);
	free(kh);

	/* The second of two keys remembered for the host. */
	xasprintf(&text, HOSTPORT " %s\n" HOSTPORT " %s\n", key_pin(3),
	    key_pin(1));
	t.known_hosts = kh = file_with("several", text);
	ASSERT_TRUST(TRUST_YES);
	free(text);
	free(kh);
}
END_TEST

START_TEST(test_known_hosts_changed)
{
	char	*kh, *msg, *want;

	t.known_hosts = kh = known_hosts_with(2);
	t.line = 99;
	ASSERT_TRUST(TRUST_CHANGED);
	ck_assert_msg(t.line == 3, "expected line 3 to remove, got %lu",
	    t.line);

	msg = trust_message(TRUST_CHANGED, &t, 0);
	xasprintf(&want, "remove line 3 of %s", kh);
	assert_says(msg, HOSTPORT, key_pin(1), "CHANGED", "Refused", want,
	    (const char *)NULL);
	free(want);
	free(msg);
	/* The same words in the pane: never a question. */
	msg = trust_message(TRUST_CHANGED, &t, 1);
	assert_says(msg, "line 3", kh, (const char *)NULL);
	ck_assert_msg(strstr(msg, "?") == NULL,
	    "expected no question about a changed key: \"%s\"", msg);
	free(msg);
	free(kh);
}
END_TEST

START_TEST(test_known_hosts_unknown)
{
	char	*kh;

	/* Another host, and the same host on another port. */
	t.known_hosts = kh = file_with("known_hosts",
	    "other.example:8443 sha256:"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
	    "chat.example:8444 sha256:"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
	ASSERT_TRUST(TRUST_UNKNOWN);
	free(kh);
	/* No file yet: the first use. */
	xasprintf(&kh, "%s/tschat/known_hosts", dir);
	t.known_hosts = kh;
	ASSERT_TRUST(TRUST_UNKNOWN);
	ck_assert_msg(access(kh, F_OK) == -1,
	    "expected trust_check to write nothing, %s exists", kh);
	free(kh);
}
END_TEST

START_TEST(test_known_hosts_unreadable)
{
	char	*msg;

	/* A directory where the file should be: unreadable, even by root. */
	t.known_hosts = dir;
	t.errnum = 0;
	ASSERT_TRUST(TRUST_ERROR);
	ck_assert_msg(t.errnum == EISDIR, "expected errnum EISDIR, got %d",
	    t.errnum);
	msg = trust_message(TRUST_ERROR, &t, 0);
	assert_says(msg, HOSTPORT, NOT_VERIFIED, dir, strerror(EISDIR),
	    (const char *)NULL);
	free(msg);
}
END_TEST

static Suite *
trust_suite(void)
{
	Suite	*s = suite_create("trust");
	TCase	*tc = tcase_create("trust");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_pin_right);
	tcase_add_test(tc, test_pin_wrong);
	tcase_add_test(tc, test_verified);
	tcase_add_test(tc, test_unverified_no_file);
	tcase_add_test(tc, test_known_hosts_match);
	tcase_add_test(tc, test_known_hosts_changed);
	tcase_add_test(tc, test_known_hosts_unknown);
	tcase_add_test(tc, test_known_hosts_unreadable);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(trust_suite());
}
