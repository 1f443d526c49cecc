/*
 * check_ratelimit.c: the token bucket behind --line-rate and --udp-rate:
 * a burst at once, then RATE a second, never more than the burst after a
 * long idle, the wait until the next token, and a clock that goes back.
 * Time is simulated with explicit NOW values.
 */
#include "common.h"

#include <check.h>

#include <math.h>
#include <stdlib.h>

#include "ratelimit.h"

#include "check_util.h"

#define T0		1000.0
#define EPSILON		1e-9

/* Take until refused at NOW; return how many were allowed (at most MAX). */
static int
take_all(struct bucket *b, double rate, double burst, double now, int max)
{
	int	n = 0;

	while (n < max && bucket_take(b, rate, burst, now))
		n++;
	return n;
}

/* --- burst --------------------------------------------------------------- */

START_TEST(test_ratelimit_new_bucket_allows_burst)
{
	static const double	bursts[] = { 1, 2, 20, 100 };
	struct bucket		b;
	size_t			i;
	int			n;

	for (i = 0; i < ARRAY_SIZE(bursts); i++) {
		bucket_init(&b, bursts[i], T0);
		n = take_all(&b, bursts[i] / 2, bursts[i], T0, 1000);
		ck_assert_msg(n == (int)bursts[i], "burst %g at one instant: "
		    "expected %d takes, got %d", bursts[i], (int)bursts[i], n);
		ck_assert_msg(!bucket_take(&b, bursts[i] / 2, bursts[i], T0),
		    "burst %g: expected a refusal once empty", bursts[i]);
	}
}
END_TEST

/* The defaults: 10 lines a second, burst 20. */
START_TEST(test_ratelimit_default_line_rate)
{
	struct bucket	b;
	int		n;

	bucket_init(&b, 20, T0);
	n = take_all(&b, 10, 20, T0, 1000);
	ck_assert_msg(n == 20, "expected 20 takes at once, got %d", n);
	n = take_all(&b, 10, 20, T0 + 0.5, 1000);
	ck_assert_msg(n == 5, "0.5 s later at 10/s: expected 5 takes, got %d",
	    n);
	n = take_all(&b, 10, 20, T0 + 1.5, 1000);
	ck_assert_msg(n == 10, "1 s after that: expected 10 takes, got %d", n);
}
END_TEST

/* --- refill -------------------------------------------------------------- */

START_TEST(test_ratelimit_refill)
{
	struct bucket	b;
	int		n;

	/* Rate 4: a token every 0.25 s, times exact in binary. */
	bucket_init(&b, 8, T0);
	ck_assert_int_eq(take_all(&b, 4, 8, T0, 100), 8);
	ck_assert_msg(!bucket_take(&b, 4, 8, T0 + 0.125),
	    "half a token later: expected a refusal, got a token");
	ck_assert_msg(bucket_take(&b, 4, 8, T0 + 0.25),
	    "one token's time later: expected a token, got a refusal");
	ck_assert_msg(!bucket_take(&b, 4, 8, T0 + 0.25),
	    "the same instant again: expected a refusal, got a token");
	n = take_all(&b, 4, 8, T0 + 1.25, 100);
	ck_assert_msg(n == 4, "1 s later at 4/s: expected 4 takes, got %d", n);
	/* Half tokens add up across calls. */
	ck_assert_msg(!bucket_take(&b, 4, 8, T0 + 1.375), "expected a refusal "
	    "with half a token");
	ck_assert_msg(bucket_take(&b, 4, 8, T0 + 1.5), "expected a token when "
	    "the two halves make one");
}
END_TEST

/* Steady state: over 10 s of constant demand, burst + rate * 10 pass. */
START_TEST(test_ratelimit_steady_rate)
{
	struct bucket	b;
	int		ms, passed = 0;

	bucket_init(&b, 20, T0);
	for (ms = 0; ms <= 10000; ms++)
		passed += bucket_take(&b, 10, 20, T0 + ms / 1000.0);
	ck_assert_msg(passed >= 119 && passed <= 120, "10 s of demand at "
	    "10/s, burst 20: expected 120 (or 119 for rounding), got %d",
	    passed);
}
END_TEST

/* A fractional rate: one token every two seconds. */
START_TEST(test_ratelimit_slow_rate)
{
	struct bucket	b;

	bucket_init(&b, 1, T0);
	ck_assert_msg(bucket_take(&b, 0.5, 1, T0), "expected the first token");
	ck_assert_msg(!bucket_take(&b, 0.5, 1, T0 + 1.5), "1.5 s later at "
	    "0.5/s: expected a refusal, got a token");
	ck_assert_msg(bucket_take(&b, 0.5, 1, T0 + 2.0), "2 s later at 0.5/s: "
	    "expected a token, got a refusal");
}
END_TEST

/* --- idle ---------------------------------------------------------------- */

START_TEST(test_ratelimit_idle_capped_at_burst)
{
	static const double	idles[] = { 2.0, 60.0, 86400.0, 1e7 };
	struct bucket		b;
	size_t			i;
	int			n;

	for (i = 0; i < ARRAY_SIZE(idles); i++) {
		bucket_init(&b, 20, T0);
		ck_assert_int_eq(take_all(&b, 10, 20, T0, 1000), 20);
		n = take_all(&b, 10, 20, T0 + idles[i], 1000);
		ck_assert_msg(n == 20, "after %g s idle: expected the burst of "
		    "20, got %d", idles[i], n);
		ck_assert_msg(b.tokens <= 20.0, "after %g s idle: expected at "
		    "most 20 tokens held, got %g", idles[i], b.tokens);
	}
	/* Idle while full: still only the burst. */
	bucket_init(&b, 5, T0);
	n = take_all(&b, 100, 5, T0 + 3600, 1000);
	ck_assert_msg(n == 5, "a full bucket after an hour: expected 5 takes, "
	    "got %d", n);
}
END_TEST

/* --- wait ---------------------------------------------------------------- */

START_TEST(test_ratelimit_wait)
{
	struct bucket	b;
	double		w;

	bucket_init(&b, 20, T0);
	w = bucket_wait(&b, 10, 20, T0);
	ck_assert_msg(w == 0.0, "a full bucket: expected no wait, got %g s", w);
	ck_assert_int_eq(take_all(&b, 10, 20, T0, 1000), 20);
	w = bucket_wait(&b, 10, 20, T0);
	ck_assert_msg(fabs(w - 0.1) < EPSILON, "right after emptying at "
	    "10/s: expected 0.1 s, got %.12g s", w);
	w = bucket_wait(&b, 10, 20, T0 + 0.05);
	ck_assert_msg(fabs(w - 0.05) < EPSILON, "0.05 s later: expected "
	    "0.05 s, got %.12g s", w);
	w = bucket_wait(&b, 10, 20, T0 + 0.1);
	ck_assert_msg(w < EPSILON, "0.1 s later: expected no wait, got "
	    "%.12g s", w);
	w = bucket_wait(&b, 10, 20, T0 + 5);
	ck_assert_msg(w == 0.0, "5 s later: expected no wait, got %g s", w);

	/* Waiting does not take: the bucket is as it was. */
	ck_assert_msg(bucket_take(&b, 10, 20, T0 + 0.1),
	    "at the end of the wait: expected a token, got a refusal");

	bucket_init(&b, 1, T0);
	ck_assert_int_eq(take_all(&b, 0.5, 1, T0, 10), 1);
	w = bucket_wait(&b, 0.5, 1, T0);
	ck_assert_msg(fabs(w - 2.0) < EPSILON, "at 0.5/s: expected 2 s, got "
	    "%.12g s", w);
}
END_TEST

/* A wait of W seconds ends with a token, and not before. */
START_TEST(test_ratelimit_wait_is_exact)
{
	struct bucket	b;
	double		now = T0, w;
	int		i;

	bucket_init(&b, 3, T0);
	ck_assert_int_eq(take_all(&b, 7, 3, now, 100), 3);
	for (i = 0; i < 50; i++) {
		w = bucket_wait(&b, 7, 3, now);
		ck_assert_msg(w > 0.0, "step %d: expected a wait when empty, "
		    "got %g s", i, w);
		ck_assert_msg(!bucket_take(&b, 7, 3, now + w * 0.9), "step %d: "
		    "expected a refusal before the wait ends", i);
		now += w + EPSILON;
		ck_assert_msg(bucket_take(&b, 7, 3, now), "step %d: expected a "
		    "token after waiting %g s, got a refusal", i, w);
	}
}
END_TEST

/* --- the clock ----------------------------------------------------------- */

START_TEST(test_ratelimit_clock_backwards)
{
	struct bucket	b;
	int		n;

	bucket_init(&b, 20, T0);
	ck_assert_int_eq(take_all(&b, 10, 20, T0, 1000), 20);
	/* The clock jumps back 100 s: no token from that. */
	ck_assert_msg(!bucket_take(&b, 10, 20, T0 - 100), "100 s in the past: "
	    "expected a refusal, got a token");
	ck_assert_msg(b.tokens >= 0.0, "expected no negative tokens, got %g",
	    b.tokens);
	/* Back at T0 + 0.1: one token's time since T0, not 100 s worth. */
	n = take_all(&b, 10, 20, T0 + 0.1 + EPSILON, 1000);
	ck_assert_msg(n == 1, "0.1 s after emptying, the clock having gone "
	    "back in between: expected 1 take, got %d", n);
	ck_assert_msg(bucket_wait(&b, 10, 20, T0 - 50) > 0.0,
	    "an empty bucket seen from the past: expected a wait, got none");

	/* A bucket made at T0 and used earlier keeps just its burst. */
	bucket_init(&b, 5, T0);
	n = take_all(&b, 10, 5, T0 - 1000, 1000);
	ck_assert_msg(n == 5, "a new bucket used in the past: expected 5 "
	    "takes, got %d", n);
	n = take_all(&b, 10, 5, T0, 1000);
	ck_assert_msg(n == 0, "then at its own start time: expected nothing, "
	    "got %d", n);
}
END_TEST

static Suite *
ratelimit_suite(void)
{
	Suite	*s = suite_create("ratelimit");
	TCase	*tc;

	tc = tcase_create("burst");
	tcase_add_test(tc, test_ratelimit_new_bucket_allows_burst);
	tcase_add_test(tc, test_ratelimit_default_line_rate);
	suite_add_tcase(s, tc);

	tc = tcase_create("refill");
	tcase_add_test(tc, test_ratelimit_refill);
	tcase_add_test(tc, test_ratelimit_steady_rate);
	tcase_add_test(tc, test_ratelimit_slow_rate);
	tcase_add_test(tc, test_ratelimit_idle_capped_at_burst);
	suite_add_tcase(s, tc);

	tc = tcase_create("wait");
	tcase_add_test(tc, test_ratelimit_wait);
	tcase_add_test(tc, test_ratelimit_wait_is_exact);
	suite_add_tcase(s, tc);

	tc = tcase_create("clock");
	tcase_add_test(tc, test_ratelimit_clock_backwards);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(ratelimit_suite());
}
