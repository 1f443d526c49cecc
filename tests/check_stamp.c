/*
 * check_stamp.c: the "[Wed Aug 14 20:50:19 2013] " stamp: ctime form, UTC
 * and local time, always English, custom and empty formats, the bounds, and
 * the once-a-second cache.
 */
#include "common.h"

#include <check.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stamp.h"

#include "check_util.h"

/* Wed Aug 14 20:50:19 2013 UTC, the tutorial's example. */
#define T_TUTORIAL	((time_t)1376513419)
/* Mon Nov  2 03:04:05 2015 UTC: a one-digit day. */
#define T_ONE_DIGIT	((time_t)1446433445)

static void
expect_stamp(const char *format, int utc, time_t t, const char *want)
{
	char	buf[STAMP_MAX_BYTES];
	size_t	n;

	memset(buf, 'X', sizeof buf);
	n = stamp_format(buf, sizeof buf, format, utc, t);
	ck_assert_msg(n == strlen(want) && memcmp(buf, want, n) == 0 &&
	    buf[n] == '\0',
	    "stamp_format(\"%s\", utc %d, %lld): expected \"%s\" (%zu bytes, "
	    "terminated), got \"%s\" (%zu bytes)", esc_str(format), utc,
	    (long long)t, esc_str(want), strlen(want),
	    esc(buf, MINIMUM(n, sizeof buf)), n);
}

/* --- formatting ---------------------------------------------------------- */

START_TEST(test_stamp_default_utc)
{
	expect_stamp(STAMP_DEFAULT_FORMAT, 1, T_TUTORIAL,
	    "[Wed Aug 14 20:50:19 2013] ");
	expect_stamp(STAMP_DEFAULT_FORMAT, 1, (time_t)0,
	    "[Thu Jan  1 00:00:00 1970] ");
}
END_TEST

/* Like ctime(3): a one-digit day is padded with a space. */
START_TEST(test_stamp_day_padding)
{
	expect_stamp(STAMP_DEFAULT_FORMAT, 1, T_ONE_DIGIT,
	    "[Mon Nov  2 03:04:05 2015] ");
}
END_TEST

START_TEST(test_stamp_local_time)
{
	char	*old = getenv("TZ") != NULL ? strdup(getenv("TZ")) : NULL;

	/* Central European time, by rule, so no tz database is needed. */
	setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
	tzset();
	expect_stamp(STAMP_DEFAULT_FORMAT, 0, T_TUTORIAL,
	    "[Wed Aug 14 22:50:19 2013] ");
	expect_stamp(STAMP_DEFAULT_FORMAT, 0, T_ONE_DIGIT,
	    "[Mon Nov  2 04:04:05 2015] ");
	/* --utc ignores the zone. */
	expect_stamp(STAMP_DEFAULT_FORMAT, 1, T_TUTORIAL,
	    "[Wed Aug 14 20:50:19 2013] ");
	if (old != NULL)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old);
}
END_TEST

/* The wire protocol is never translated, whatever the locale. */
START_TEST(test_stamp_locale_is_c)
{
	static const char *const	 names[] = {
		"de_DE.UTF-8", "de_DE.utf8", "de_DE", "fr_FR.UTF-8",
		"fr_FR.utf8",
	};
	char				 native[64];
	struct tm			 tm;
	time_t				 t = T_TUTORIAL;
	const char			*set = NULL;
	size_t				 i;

	for (i = 0; i < ARRAY_SIZE(names) && set == NULL; i++)
		set = setlocale(LC_ALL, names[i]);
	if (set == NULL) {
		/* No such locale here: nothing to prove. */
		fprintf(stderr, "check_stamp: no de_DE or fr_FR locale, "
		    "skipping the locale part\n");
		return;
	}
	/* The locale really is in force for strftime... */
	gmtime_r(&t, &tm);
	strftime(native, sizeof native, "%a %b", &tm);
	/* ...but not for stamps. */
	expect_stamp(STAMP_DEFAULT_FORMAT, 1, T_TUTORIAL,
	    "[Wed Aug 14 20:50:19 2013] ");
	expect_stamp("%A %B %c", 1, T_TUTORIAL,
	    "[Wednesday August Wed Aug 14 20:50:19 2013] ");
	setlocale(LC_ALL, "C");
	ck_assert_msg(strcmp(native, "Wed Aug") != 0,
	    "locale %s: expected strftime to give a translated \"%%a %%b\" "
	    "(the test proves nothing otherwise), got \"%s\"", set, native);
}
END_TEST

START_TEST(test_stamp_custom_format)
{
	expect_stamp("%H:%M", 1, T_TUTORIAL, "[20:50] ");
	expect_stamp("%Y-%m-%dT%H:%M:%SZ", 1, T_TUTORIAL,
	    "[2013-08-14T20:50:19Z] ");
	expect_stamp("at %% %H", 1, T_TUTORIAL, "[at % 20] ");
	expect_stamp("x", 1, T_TUTORIAL, "[x] ");
}
END_TEST

START_TEST(test_stamp_empty_format)
{
	expect_stamp("", 1, T_TUTORIAL, "[] ");
	expect_stamp("", 0, T_TUTORIAL, "[] ");
}
END_TEST

/* Nothing is written past SIZE; what does not fit gives 0. */
START_TEST(test_stamp_size)
{
	static const char	 want[] = "[Wed Aug 14 20:50:19 2013] ";
	char			 buf[64];
	size_t			 n, size, i;

	for (size = 0; size <= sizeof want + 2; size++) {
		memset(buf, 'X', sizeof buf);
		n = stamp_format(buf, size, STAMP_DEFAULT_FORMAT, 1,
		    T_TUTORIAL);
		if (size >= sizeof want)
			ck_assert_msg(n == sizeof want - 1 &&
			    memcmp(buf, want, sizeof want) == 0,
			    "size %zu: expected \"%s\", got %zu bytes \"%s\"",
			    size, want, n, esc(buf, MINIMUM(n, sizeof buf)));
		else
			ck_assert_msg(n == 0, "size %zu, too small for %zu "
			    "bytes: expected 0, got %zu", size, sizeof want, n);
		for (i = size; i < sizeof buf; i++)
			ck_assert_msg(buf[i] == 'X', "size %zu: expected "
			    "nothing written at byte %zu, got 0x%02X", size, i,
			    (unsigned char)buf[i]);
	}
	/* The empty stamp needs 4 bytes too. */
	n = stamp_format(buf, 3, "", 1, T_TUTORIAL);
	ck_assert_msg(n == 0, "\"[] \" in 3 bytes: expected 0, got %zu", n);
	n = stamp_format(buf, 4, "", 1, T_TUTORIAL);
	ck_assert_msg(n == 3 && memcmp(buf, "[] ", 4) == 0,
	    "\"[] \" in 4 bytes: expected 3, got %zu \"%s\"", n, esc(buf, 4));
}
END_TEST

/* --- stamp_check_format -------------------------------------------------- */

/* UNIT repeated TIMES times, in a static buffer (nothing to free when an
 * assertion fails). */
static const char *
repeat(const char *unit, size_t times)
{
	static char	buf[512];
	size_t		ulen = strlen(unit), i;

	ck_assert_msg(ulen * times < sizeof buf, "test format too long");
	for (i = 0; i < times; i++)
		memcpy(buf + i * ulen, unit, ulen);
	buf[ulen * times] = '\0';
	return buf;
}

static void
expect_check(const char *format, int want)
{
	int	got = stamp_check_format(format);

	ck_assert_msg(got == want,
	    "stamp_check_format(\"%s\"): expected %d, got %d", esc_str(format),
	    want, got);
}

START_TEST(test_stamp_check_accepts)
{
	expect_check(STAMP_DEFAULT_FORMAT, 0);
	expect_check("", 0);
	expect_check("%H:%M", 0);
	expect_check("%A, %d %B %Y %H:%M:%S %Z", 0);
	expect_check(repeat("x", TIME_FORMAT_MAX_BYTES), 0);
}
END_TEST

START_TEST(test_stamp_check_rejects)
{
	/* Too long as a format. */
	expect_check(repeat("%c", 40), -1);
	expect_check(repeat("x", TIME_FORMAT_MAX_BYTES + 1), -1);
	/* Short, but its stamps would not fit STAMP_MAX_BYTES. */
	expect_check(repeat("%c", 8), -1);
	expect_check(repeat("%c ", 5), -1);
}
END_TEST

/*
 * A format that stamp_check_format accepts makes a stamp at any time: a
 * date with the longest day and month names (Wednesday, September) too.
 */
START_TEST(test_stamp_check_widest_date)
{
	static const char *const formats[] = {
		"%A%B%A%B%A%B%A%B%A%B%A%B%A%B",
		"%A%B%A%B%A%B%A%B%A%B%A%B%A%B%A%B%A%B%A%B",
		"%A %B %A %B %A %B %A %B %A %B %A",
		"%c %A %B %c %A %B %c",
	};
	char		buf[STAMP_MAX_BYTES], when[64];
	time_t		t;
	size_t		i;

	for (i = 0; i < ARRAY_SIZE(formats); i++) {
		if (stamp_check_format(formats[i]) == -1)
			continue;
		/* Every day of a year, each weekday in each month. */
		for (t = 1609459200; t < 1609459200 + 366 * 86400;
		    t += 86400) {
			if (stamp_format(buf, sizeof buf, formats[i], 1, t) > 0)
				continue;
			stamp_format(when, sizeof when, STAMP_DEFAULT_FORMAT, 1,
			    t);
			ck_abort_msg("\"%s\" is accepted by "
			    "stamp_check_format: expected a stamp at %lld %s, "
			    "got none (it does not fit %d bytes)", formats[i],
			    (long long)t, when, STAMP_MAX_BYTES);
		}
	}
}
END_TEST

/* --- the cache ----------------------------------------------------------- */

START_TEST(test_stamp_get_cache)
{
	struct stamp	 st;
	const char	*p1, *p2, *p3;
	size_t		 len = 0;

	stamp_init(&st, STAMP_DEFAULT_FORMAT, 1);
	p1 = stamp_get(&st, T_TUTORIAL, &len);
	ck_assert_bytes_str(p1, len, "[Wed Aug 14 20:50:19 2013] ");

	/* Within the second it is not formatted again: a changed format
	 * shows only on the next second. */
	st.format = "%H:%M:%S";
	p2 = stamp_get(&st, T_TUTORIAL, &len);
	ck_assert_msg(p2 == p1, "same second: expected the same text %p, "
	    "got %p", (const void *)p1, (const void *)p2);
	ck_assert_bytes_str(p2, len, "[Wed Aug 14 20:50:19 2013] ");

	p3 = stamp_get(&st, T_TUTORIAL + 1, &len);
	ck_assert_bytes_str(p3, len, "[20:50:20] ");
	p3 = stamp_get(&st, T_TUTORIAL, &len);
	ck_assert_bytes_str(p3, len, "[20:50:19] ");
}
END_TEST

START_TEST(test_stamp_get_new_second)
{
	struct stamp	 st;
	const char	*p;
	size_t		 len = 0;
	time_t		 t;
	char		 want[64];

	stamp_init(&st, STAMP_DEFAULT_FORMAT, 1);
	for (t = T_TUTORIAL; t < T_TUTORIAL + 45; t++) {
		p = stamp_get(&st, t, &len);
		snprintf(want, sizeof want, "[Wed Aug 14 20:%02d:%02d 2013] ",
		    (int)(50 + (19 + t - T_TUTORIAL) / 60),
		    (int)((19 + t - T_TUTORIAL) % 60));
		ck_assert_bytes_str(p, len, want);
		p = stamp_get(&st, t, &len);
		ck_assert_bytes_str(p, len, want);
	}
}
END_TEST

START_TEST(test_stamp_get_empty_and_fallback)
{
	struct stamp	 st;
	const char	*p;
	size_t		 len = 0;

	stamp_init(&st, "", 1);
	p = stamp_get(&st, T_TUTORIAL, &len);
	ck_assert_bytes_str(p, len, "[] ");

	/* A format that was never checked still gives a framed stamp. */
	stamp_init(&st, repeat("%c", 20), 1);
	p = stamp_get(&st, T_TUTORIAL, &len);
	ck_assert_bytes_str(p, len, "[] ");
}
END_TEST

static Suite *
stamp_suite(void)
{
	Suite	*s = suite_create("stamp");
	TCase	*tc;

	tc = tcase_create("format");
	tcase_add_test(tc, test_stamp_default_utc);
	tcase_add_test(tc, test_stamp_day_padding);
	tcase_add_test(tc, test_stamp_local_time);
	tcase_add_test(tc, test_stamp_locale_is_c);
	tcase_add_test(tc, test_stamp_custom_format);
	tcase_add_test(tc, test_stamp_empty_format);
	tcase_add_test(tc, test_stamp_size);
	suite_add_tcase(s, tc);

	tc = tcase_create("check format");
	tcase_add_test(tc, test_stamp_check_accepts);
	tcase_add_test(tc, test_stamp_check_rejects);
	tcase_add_test(tc, test_stamp_check_widest_date);
	suite_add_tcase(s, tc);

	tc = tcase_create("cache");
	tcase_add_test(tc, test_stamp_get_cache);
	tcase_add_test(tc, test_stamp_get_new_second);
	tcase_add_test(tc, test_stamp_get_empty_and_fallback);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(stamp_suite());
}
