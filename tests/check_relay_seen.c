/*
 * check_relay_seen.c: the sequence numbers a reader remembers of one
 * server: an entry sent again is a double, whatever came between, within
 * the bound; a number written by someone else, however large, never makes
 * the entries after it doubles; the oldest number goes first; and the set
 * agrees with a plain list under a long random run.
 */
#include "common.h"

#include <check.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "relay-seen.h"

#include "check_util.h"

START_TEST(test_seen_once_then_double)
{
	struct relay_seen	s;

	memset(&s, 0, sizeof s);
	ck_assert_int_eq(relay_seen_check(&s, 1), 0);
	ck_assert_int_eq(relay_seen_check(&s, 1), 1);
	ck_assert_int_eq(relay_seen_check(&s, 2), 0);
	ck_assert_int_eq(relay_seen_check(&s, 1), 1);
	ck_assert_int_eq(relay_seen_check(&s, 2), 1);
	ck_assert_int_eq(relay_seen_check(&s, UINT64_MAX), 0);
	ck_assert_int_eq(relay_seen_check(&s, UINT64_MAX), 1);
	relay_seen_free(&s);
	/* Freed, it is empty and usable again. */
	ck_assert_int_eq(relay_seen_check(&s, 1), 0);
	relay_seen_free(&s);
}
END_TEST

/* Issue 14's defect: one huge number must not silence the server. */
START_TEST(test_seen_forged_number)
{
	struct relay_seen	s;
	uint64_t		i;

	memset(&s, 0, sizeof s);
	for (i = 1; i <= 10; i++)
		ck_assert_int_eq(relay_seen_check(&s, i), 0);
	ck_assert_int_eq(relay_seen_check(&s, UINT64_MAX), 0);
	ck_assert_int_eq(relay_seen_check(&s, UINT64_MAX - 1), 0);
	for (i = 11; i <= 5000; i++)
		ck_assert_msg(relay_seen_check(&s, i) == 0,
		    "entry %llu after a forged number taken for a double",
		    (unsigned long long)i);
	relay_seen_free(&s);
}
END_TEST

/*
 * What a reconnection does: the entries still unconfirmed are sent again,
 * in order, after the copies that did arrive; then new ones follow.
 */
START_TEST(test_seen_sent_again)
{
	struct relay_seen	s;
	uint64_t		i;

	memset(&s, 0, sizeof s);
	for (i = 1; i <= 700; i++)
		ck_assert_int_eq(relay_seen_check(&s, i), 0);
	/* 300 to 700 were unconfirmed: they come again, then new ones. */
	for (i = 300; i <= 700; i++)
		ck_assert_msg(relay_seen_check(&s, i) == 1,
		    "entry %llu sent again not taken for a double",
		    (unsigned long long)i);
	for (i = 701; i <= 710; i++)
		ck_assert_int_eq(relay_seen_check(&s, i), 0);
	relay_seen_free(&s);
}
END_TEST

/* The bound: RELAY_SEEN_MAX numbers, the oldest forgotten first. */
START_TEST(test_seen_bound)
{
	struct relay_seen	s;
	uint64_t		i;

	memset(&s, 0, sizeof s);
	for (i = 1; i <= RELAY_SEEN_MAX; i++)
		ck_assert_int_eq(relay_seen_check(&s, i), 0);
	/* All are held. */
	for (i = 1; i <= RELAY_SEEN_MAX; i++)
		ck_assert_int_eq(relay_seen_check(&s, i), 1);
	ck_assert_uint_eq(s.n, RELAY_SEEN_MAX);
	/* One more: 1 goes, 2 stays. */
	ck_assert_int_eq(relay_seen_check(&s, RELAY_SEEN_MAX + 1), 0);
	ck_assert_uint_eq(s.n, RELAY_SEEN_MAX);
	ck_assert_int_eq(relay_seen_check(&s, 2), 1);
	/* 1 is new again, and takes 2's place, the oldest now. */
	ck_assert_int_eq(relay_seen_check(&s, 1), 0);
	ck_assert_int_eq(relay_seen_check(&s, 3), 1);
	ck_assert_int_eq(relay_seen_check(&s, 2), 0);
	ck_assert_uint_le(s.cap, RELAY_SEEN_MAX);
	relay_seen_free(&s);
}
END_TEST

/*
 * A long random run against a plain list of the last RELAY_SEEN_MAX new
 * numbers: numbers from a small range collide and are forgotten often, so
 * that the table's removals are well exercised.
 */
START_TEST(test_seen_model)
{
	static uint64_t		 model[RELAY_SEEN_MAX];
	struct relay_seen	 s;
	uint64_t		 rnd = 0x1234567887654321ULL, seq;
	size_t			 n = 0, head = 0, i, k;
	int			 want, got;
	static const uint64_t	 ranges[] = { 1500, 4000, UINT64_MAX };

	for (k = 0; k < ARRAY_SIZE(ranges); k++) {
		memset(&s, 0, sizeof s);
		n = head = 0;
		for (i = 0; i < 50000; i++) {
			seq = ((uint64_t)test_random(&rnd) << 32 |
			    test_random(&rnd));
			if (ranges[k] != UINT64_MAX)
				seq %= ranges[k];
			if (seq == 0)
				seq = 1;
			want = 0;
			for (size_t j = 0; j < n; j++) {
				if (model[(head + j) % RELAY_SEEN_MAX] == seq) {
					want = 1;
					break;
				}
			}
			got = relay_seen_check(&s, seq);
			ck_assert_msg(got == want, "step %zu: %llu: expected "
			    "%d, got %d", i, (unsigned long long)seq, want,
			    got);
			if (want)
				continue;
			if (n < RELAY_SEEN_MAX)
				model[(head + n++) % RELAY_SEEN_MAX] = seq;
			else {
				model[head] = seq;
				head = (head + 1) % RELAY_SEEN_MAX;
			}
		}
		relay_seen_free(&s);
	}
}
END_TEST

static Suite *
relay_seen_suite(void)
{
	Suite	*s = suite_create("relay_seen");
	TCase	*tc;

	tc = tcase_create("seen");
	tcase_add_test(tc, test_seen_once_then_double);
	tcase_add_test(tc, test_seen_forged_number);
	tcase_add_test(tc, test_seen_sent_again);
	tcase_add_test(tc, test_seen_bound);
	tcase_add_test(tc, test_seen_model);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(relay_seen_suite());
}
