/*
 * check_strnum.c: range-checked number parsing for options: strnum for
 * integers, strsecs for seconds with a fraction, and their reasons.
 */
#include "common.h"

#include <check.h>

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "strnum.h"

#include "check_util.h"

static void
expect_num(const char *s, long long min, long long max, long long want)
{
	long long	 v = -12345;
	const char	*err = "unset";
	int		 rc;

	rc = strnum(s, min, max, &v, &err);
	ck_assert_msg(rc == 0 && v == want && err == NULL,
	    "strnum(\"%s\", %lld, %lld): expected %lld, got rc %d, value %lld, "
	    "error %s", esc_str(s), min, max, want, rc, v, esc_str(err));
}

static void
expect_num_err(const char *s, long long min, long long max,
    const char *want)
{
	long long	 v = -12345;
	const char	*err = NULL;
	int		 rc;

	rc = strnum(s, min, max, &v, &err);
	ck_assert_msg(rc == -1 && err != NULL && strcmp(err, want) == 0,
	    "strnum(\"%s\", %lld, %lld): expected -1 \"%s\", got rc %d, "
	    "value %lld, error %s", esc_str(s), min, max, want, rc, v,
	    esc_str(err));
}

static void
expect_secs(const char *s, double min, double max, double want)
{
	double		 v = -1;
	const char	*err = "unset";
	int		 rc;

	rc = strsecs(s, min, max, &v, &err);
	ck_assert_msg(rc == 0 && fabs(v - want) < 1e-9 && err == NULL,
	    "strsecs(\"%s\", %g, %g): expected %g, got rc %d, value %g, "
	    "error %s", esc_str(s), min, max, want, rc, v, esc_str(err));
}

static void
expect_secs_err(const char *s, double min, double max, const char *want)
{
	double		 v = -1;
	const char	*err = NULL;
	int		 rc;

	rc = strsecs(s, min, max, &v, &err);
	ck_assert_msg(rc == -1 && err != NULL && strcmp(err, want) == 0,
	    "strsecs(\"%s\", %g, %g): expected -1 \"%s\", got rc %d, value "
	    "%g, error %s", esc_str(s), min, max, want, rc, v, esc_str(err));
}

/* --- strnum -------------------------------------------------------------- */

START_TEST(test_strnum_valid)
{
	expect_num("0", 0, 10, 0);
	expect_num("10", 0, 10, 10);
	expect_num("8080", 1, 65535, 8080);
	expect_num("007", 0, 10, 7);
	expect_num("-5", -10, 10, -5);
	expect_num("1048576", 1, 1048576, 1048576);
	expect_num("4294967296", 1024, 1LL << 32, 1LL << 32);
	expect_num("9223372036854775807", 0, LLONG_MAX, LLONG_MAX);
	expect_num("-9223372036854775808", LLONG_MIN, 0, LLONG_MIN);
}
END_TEST

START_TEST(test_strnum_range)
{
	expect_num_err("11", 0, 10, "too large");
	expect_num_err("-1", 0, 10, "too small");
	expect_num_err("0", 1, 10, "too small");
	expect_num_err("65536", 1, 65535, "too large");
	expect_num_err("1048577", 1, 1048576, "too large");
	expect_num_err("1023", 1024, 1LL << 32, "too small");
	expect_num_err("4294967297", 1024, 1LL << 32, "too large");
}
END_TEST

START_TEST(test_strnum_overflow)
{
	expect_num_err("9223372036854775808", 0, LLONG_MAX, "too large");
	expect_num_err("99999999999999999999999", 0, 100, "too large");
	expect_num_err("-9223372036854775809", LLONG_MIN, 0, "too small");
	expect_num_err("-99999999999999999999999", 0, 100, "too small");
}
END_TEST

START_TEST(test_strnum_invalid)
{
	expect_num_err("", 0, 10, "invalid");
	expect_num_err(" 5", 0, 10, "invalid");
	expect_num_err("\t5", 0, 10, "invalid");
	expect_num_err("\n5", 0, 10, "invalid");
	expect_num_err("5 ", 0, 10, "invalid");
	expect_num_err("5\n", 0, 10, "invalid");
	expect_num_err("5x", 0, 10, "invalid");
	expect_num_err("8o", 0, 100, "invalid");
	expect_num_err("x5", 0, 10, "invalid");
	expect_num_err("0x10", 0, 100, "invalid");
	expect_num_err("1.5", 0, 10, "invalid");
	expect_num_err("1e3", 0, 10000, "invalid");
	expect_num_err("-", 0, 10, "invalid");
	expect_num_err("+", 0, 10, "invalid");
	expect_num_err("--5", -10, 10, "invalid");
	expect_num_err("five", 0, 10, "invalid");
	/* Trailing junk is refused even when the number is out of range. */
	expect_num_err("99999999999999999999999x", 0, 10, "invalid");
}
END_TEST

/* --- strsecs ------------------------------------------------------------- */

START_TEST(test_strsecs_valid)
{
	expect_secs("2", 0, 3600, 2);
	expect_secs("0", 0, 3600, 0);
	expect_secs("1.5", 0, 3600, 1.5);
	expect_secs("0.25", 0, 3600, 0.25);
	expect_secs(".5", 0, 3600, 0.5);
	expect_secs("5.", 0, 3600, 5);
	expect_secs("3600", 0, 3600, 3600);
	expect_secs("007.50", 0, 3600, 7.5);
}
END_TEST

START_TEST(test_strsecs_range)
{
	expect_secs_err("3600.5", 0, 3600, "too large");
	expect_secs_err("0.05", 0.1, 10, "too small");
	expect_secs_err("0", 0.1, 10, "too small");
}
END_TEST

START_TEST(test_strsecs_invalid)
{
	expect_secs_err("", 0, 10, "invalid");
	expect_secs_err(".", 0, 10, "invalid");
	expect_secs_err("1.2.3", 0, 10, "invalid");
	expect_secs_err(" 1", 0, 10, "invalid");
	expect_secs_err("1 ", 0, 10, "invalid");
	expect_secs_err("1s", 0, 10, "invalid");
	expect_secs_err("-1", -10, 10, "invalid");
	expect_secs_err("+1", 0, 10, "invalid");
	expect_secs_err("1e3", 0, 10000, "invalid");
	expect_secs_err("0x10", 0, 100, "invalid");
	expect_secs_err("inf", 0, 10, "invalid");
	expect_secs_err("nan", 0, 10, "invalid");
	expect_secs_err("infinity", 0, 10, "invalid");
}
END_TEST

/*
 * A decimal too large for a double is still a decimal: too large.
 */
START_TEST(test_strsecs_overflow)
{
	char	huge[402];

	/* 1e300, written out: large but finite. */
	huge[0] = '1';
	memset(huge + 1, '0', 300);
	huge[301] = '\0';
	expect_secs_err(huge, 0, 3600, "too large");
	/* 400 digits: past what a double holds. */
	memset(huge, '9', 400);
	huge[400] = '\0';
	expect_secs_err(huge, 0, 3600, "too large");
}
END_TEST

static Suite *
strnum_suite(void)
{
	Suite	*s = suite_create("strnum");
	TCase	*tc;

	tc = tcase_create("strnum");
	tcase_add_test(tc, test_strnum_valid);
	tcase_add_test(tc, test_strnum_range);
	tcase_add_test(tc, test_strnum_overflow);
	tcase_add_test(tc, test_strnum_invalid);
	suite_add_tcase(s, tc);

	tc = tcase_create("strsecs");
	tcase_add_test(tc, test_strsecs_valid);
	tcase_add_test(tc, test_strsecs_range);
	tcase_add_test(tc, test_strsecs_invalid);
	tcase_add_test(tc, test_strsecs_overflow);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(strnum_suite());
}
