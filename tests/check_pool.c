/*
 * check_pool.c: the pool of fixed-size objects: zeroed, aligned, distinct
 * objects across many blocks, each keeping its bytes; a slot given back is
 * handed out again zeroed; the count of objects out; and a pool freed and
 * used again.
 */
#include "common.h"

#include <check.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"

#include "check_util.h"

/* Enough objects of a peer's size for many blocks. */
#define MANY		10000
#define PEER_SIZE	264

static int
all_zero(const void *p, size_t len)
{
	const unsigned char	*c = p;
	size_t			 i;

	for (i = 0; i < len; i++)
		if (c[i] != 0)
			return 0;
	return 1;
}

START_TEST(test_pool_zeroed_aligned)
{
	static const size_t	sizes[] = { 1, 8, 24, 100, PEER_SIZE, 4000 };
	static const size_t	aligns[] = { 1, 8, 16, 64 };
	struct pool		pl;
	unsigned char		*p[3];
	size_t			i, j, k;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (j = 0; j < ARRAY_SIZE(aligns); j++) {
			pool_init(&pl, sizes[i], aligns[j]);
			for (k = 0; k < ARRAY_SIZE(p); k++) {
				p[k] = pool_get(&pl);
				ck_assert_msg(((uintptr_t)p[k] & (aligns[j] -
				    1)) == 0, "size %zu: expected alignment "
				    "%zu, got %p", sizes[i], aligns[j],
				    (void *)p[k]);
				ck_assert_msg(all_zero(p[k], sizes[i]),
				    "size %zu: expected a zeroed object",
				    sizes[i]);
				memset(p[k], 0xA5, sizes[i]);
			}
			ck_assert_uint_eq(pl.used, ARRAY_SIZE(p));
			for (k = 0; k < ARRAY_SIZE(p); k++)
				pool_put(&pl, p[k]);
			ck_assert_uint_eq(pl.used, 0);
			pool_free(&pl);
		}
	}
}
END_TEST

/* Many objects, in several blocks: none overlaps another. */
START_TEST(test_pool_many_distinct)
{
	struct pool	pl;
	unsigned char	**p;
	size_t		i;

	p = calloc(MANY, sizeof *p);
	ck_assert_ptr_nonnull(p);
	pool_init(&pl, PEER_SIZE, 8);
	for (i = 0; i < MANY; i++) {
		p[i] = pool_get(&pl);
		memset(p[i], (int)(i % 251) + 1, PEER_SIZE);
	}
	ck_assert_uint_eq(pl.used, MANY);
	for (i = 0; i < MANY; i++) {
		unsigned char	want[PEER_SIZE];

		memset(want, (int)(i % 251) + 1, PEER_SIZE);
		ck_assert_msg(memcmp(p[i], want, PEER_SIZE) == 0,
		    "object %zu: expected its own bytes, found another's", i);
	}
	for (i = 0; i < MANY; i++)
		pool_put(&pl, p[i]);
	ck_assert_uint_eq(pl.used, 0);
	pool_free(&pl);
	free(p);
}
END_TEST

/* A slot given back comes out again zeroed, before any fresh one. */
START_TEST(test_pool_reuse)
{
	struct pool	pl;
	unsigned char	*a, *b, *c;

	pool_init(&pl, PEER_SIZE, 8);
	a = pool_get(&pl);
	b = pool_get(&pl);
	memset(a, 0x5A, PEER_SIZE);
	memset(b, 0x5A, PEER_SIZE);
	pool_put(&pl, a);
	ck_assert_uint_eq(pl.used, 1);
	c = pool_get(&pl);
	ck_assert_msg(all_zero(c, PEER_SIZE), "expected a reused slot zeroed");
#ifndef POOL_MALLOC
	ck_assert_msg(c == a, "expected the slot given back, got another");
#endif
	ck_assert_msg(b[0] == 0x5A && b[PEER_SIZE - 1] == 0x5A,
	    "expected the other object untouched");
	pool_put(&pl, b);
	pool_put(&pl, c);
	pool_put(&pl, NULL);
	ck_assert_uint_eq(pl.used, 0);
	pool_free(&pl);
}
END_TEST

/* A freed pool may be used again, as a new one. */
START_TEST(test_pool_free_and_again)
{
	struct pool	pl;
	void		*p[1000];
	size_t		i, round;

	pool_init(&pl, 48, 8);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < ARRAY_SIZE(p); i++) {
			p[i] = pool_get(&pl);
			ck_assert_msg(all_zero(p[i], 48), "round %zu, object "
			    "%zu: expected zeroed", round, i);
			memset(p[i], 0xFF, 48);
		}
		/* Half given back first, the rest go with the blocks. */
		for (i = 0; i < ARRAY_SIZE(p) / 2; i++)
			pool_put(&pl, p[i]);
#ifdef POOL_MALLOC
		for (; i < ARRAY_SIZE(p); i++)
			pool_put(&pl, p[i]);
#endif
		pool_free(&pl);
		ck_assert_uint_eq(pl.used, 0);
	}
}
END_TEST

static Suite *
pool_suite(void)
{
	Suite	*s = suite_create("pool");
	TCase	*tc;

	tc = tcase_create("objects");
	tcase_add_test(tc, test_pool_zeroed_aligned);
	tcase_add_test(tc, test_pool_many_distinct);
	tcase_add_test(tc, test_pool_reuse);
	tcase_add_test(tc, test_pool_free_and_again);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(pool_suite());
}
