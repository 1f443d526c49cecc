/*
 * check_hmap.c: the intrusive hash table under addrmap and namemap: entries
 * of one hash found in turn, hashes under the table's own key, growth with
 * every entry keeping its hash, a walk that may remove as it goes, and a
 * table freed and used again.
 */
#include "common.h"

#include <check.h>

#include <stdlib.h>
#include <string.h>

#include "hmap.h"

#include "check_util.h"

#define MANY		10000

struct item {
	int			 id;
	struct hmap_entry	 entry;
	int			 visits;
	int			 removed;
};

static struct item *
item_of(struct hmap_entry *e)
{
	return container_of(e, struct item, entry);
}

/* How many entries of HASH the table gives, and whether IT is one. */
static size_t
count_hash(const struct hmap *m, uint64_t hash, const struct item *it,
    int *found)
{
	struct hmap_entry	*e;
	size_t			 n = 0;

	*found = 0;
	for (e = hmap_first(m, hash); e != NULL; e = hmap_next(e, hash)) {
		if (e->hash != hash)
			ck_abort_msg("hash %llu: got an entry of hash %llu",
			    (unsigned long long)hash,
			    (unsigned long long)e->hash);
		if (item_of(e) == it)
			*found = 1;
		n++;
	}
	return n;
}

START_TEST(test_hmap_empty)
{
	struct hmap	m;

	hmap_init(&m);
	ck_assert_msg(m.count == 0 && m.nslots == 0 && m.slots == NULL,
	    "a new table: expected no slots and no entries, got %zu slots "
	    "and %zu entries", m.nslots, m.count);
	ck_assert_msg(hmap_first(&m, 0) == NULL && hmap_first(&m, 12345) ==
	    NULL, "a new table: expected nothing found");
	hmap_free(&m);
	hmap_free(&m);
	ck_assert_msg(hmap_first(&m, 0) == NULL, "a freed table: expected "
	    "nothing found");
}
END_TEST

/* Entries of one hash, and of another in the same slot, kept apart. */
START_TEST(test_hmap_same_hash)
{
	struct hmap	 m;
	struct item	 it[8];
	uint64_t	 h1 = 42, h2 = 42 + ((uint64_t)1 << 40);
	size_t		 i, n;
	int		 found;

	hmap_init(&m);
	memset(it, 0, sizeof it);
	for (i = 0; i < 8; i++) {
		it[i].id = (int)i;
		hmap_insert(&m, &it[i].entry, i < 5 ? h1 : h2);
	}
	ck_assert_msg((h1 & (m.nslots - 1)) == (h2 & (m.nslots - 1)),
	    "the test wants both hashes in one slot");
	for (i = 0; i < 8; i++) {
		n = count_hash(&m, i < 5 ? h1 : h2, &it[i], &found);
		ck_assert_msg(n == (i < 5 ? 5u : 3u) && found, "entry %zu: "
		    "expected %u entries of its hash, itself among them; got "
		    "%zu%s", i, i < 5 ? 5 : 3, n, found ? "" : ", not it");
	}
	ck_assert_msg(hmap_first(&m, 43) == NULL, "hash 43: expected "
	    "nothing, got an entry");

	/* Out of the middle of the chain, then the rest. */
	hmap_remove(&m, &it[2].entry);
	n = count_hash(&m, h1, &it[2], &found);
	ck_assert_msg(n == 4 && !found, "entry 2 removed: expected 4 entries "
	    "of its hash, not it; got %zu%s", n, found ? ", it too" : "");
	n = count_hash(&m, h2, &it[6], &found);
	ck_assert_msg(n == 3 && found, "entry 2 removed: expected the 3 of "
	    "the other hash untouched, got %zu", n);
	for (i = 0; i < 8; i++)
		if (i != 2)
			hmap_remove(&m, &it[i].entry);
	ck_assert_msg(m.count == 0, "all removed: expected count 0, got %zu",
	    m.count);
	ck_assert_msg(hmap_first(&m, h1) == NULL && hmap_first(&m, h2) ==
	    NULL, "all removed: expected nothing found");

	/* In again under another hash. */
	hmap_insert(&m, &it[2].entry, 7);
	n = count_hash(&m, 7, &it[2], &found);
	ck_assert_msg(n == 1 && found, "entry 2 in again with hash 7: "
	    "expected it found under 7");
	ck_assert_msg(hmap_first(&m, h1) == NULL, "entry 2 in again with "
	    "hash 7: expected nothing under its old hash");
	hmap_free(&m);
}
END_TEST

/* The hash depends on the bytes and on the table's key. */
START_TEST(test_hmap_hash_keyed)
{
	struct hmap	a, b;
	uint64_t	ha, hb;

	hmap_init(&a);
	hmap_init(&b);
	ha = hmap_hash(&a, "alice", 5);
	ck_assert_msg(ha == hmap_hash(&a, "alice", 5), "one table, one "
	    "name: expected the same hash twice");
	ck_assert_msg(ha != hmap_hash(&a, "alicf", 5) &&
	    ha != hmap_hash(&a, "alice", 4) && ha != hmap_hash(&a, "ecila", 5),
	    "one table: expected other bytes to hash otherwise");
	hb = hmap_hash(&b, "alice", 5);
	ck_assert_msg(memcmp(a.key, b.key, sizeof a.key) != 0 && ha != hb,
	    "two tables: expected two keys, and two hashes for one name");
	hmap_free(&a);
	hmap_free(&b);
}
END_TEST

START_TEST(test_hmap_grows)
{
	struct item	*items;
	struct hmap	 m;
	uint64_t	 rng = 0x9E3779B97F4A7C15ULL, *hashes;
	size_t		 i, n;
	int		 found;

	items = calloc(MANY, sizeof *items);
	hashes = calloc(MANY, sizeof *hashes);
	ck_assert_msg(items != NULL && hashes != NULL, "out of memory");
	hmap_init(&m);
	for (i = 0; i < MANY; i++) {
		items[i].id = (int)i;
		hashes[i] = (uint64_t)test_random(&rng) << 32 |
		    test_random(&rng);
		/* A few share a hash, as unequal keys may. */
		if (i % 100 == 99)
			hashes[i] = hashes[i - 1];
		hmap_insert(&m, &items[i].entry, hashes[i]);
		if (m.count != i + 1 || m.nslots < m.count)
			ck_abort_msg("after %zu inserts: expected count %zu "
			    "and at least as many slots, got count %zu and "
			    "%zu slots", i + 1, i + 1, m.count, m.nslots);
	}
	ck_assert_msg(m.nslots >= MANY && (m.nslots & (m.nslots - 1)) == 0,
	    "%d entries: expected a power of two of slots, at least as many, "
	    "got %zu", MANY, m.nslots);
	for (i = 0; i < MANY; i++) {
		if (items[i].entry.hash != hashes[i])
			ck_abort_msg("entry %zu: expected its hash kept across "
			    "growth", i);
		n = count_hash(&m, hashes[i], &items[i], &found);
		if (!found || n != (i % 100 >= 98 ? 2u : 1u))
			ck_abort_msg("entry %zu: expected it found among %u of "
			    "its hash, got %zu%s", i, i % 100 >= 98 ? 2 : 1,
			    n, found ? "" : ", not it");
	}
	for (i = 0; i < MANY; i += 2)
		hmap_remove(&m, &items[i].entry);
	ck_assert_msg(m.count == MANY / 2, "half removed: expected count %d, "
	    "got %zu", MANY / 2, m.count);
	for (i = 0; i < MANY; i++) {
		count_hash(&m, hashes[i], &items[i], &found);
		if (found != (i % 2 == 1))
			ck_abort_msg("entry %zu: expected it %s", i, i % 2 ?
			    "kept" : "gone");
	}
	hmap_free(&m);
	free(items);
	free(hashes);
}
END_TEST

/* --- the walk ------------------------------------------------------------ */

struct walk {
	size_t		 seen;
	int		 remove;	/* 0 none, 1 all, 2 odd ids */
	struct hmap	*m;
};

static void
visit(struct hmap_entry *e, void *arg)
{
	struct walk	*w = arg;
	struct item	*it = item_of(e);

	it->visits++;
	w->seen++;
	if (w->remove == 1 || (w->remove == 2 && it->id % 2 == 1)) {
		hmap_remove(w->m, e);
		it->removed = 1;
		memset(e, 0xDD, sizeof *e);
	}
}

static void
walk(int remove)
{
	enum { N = 1500 };
	struct item	*items;
	struct hmap	 m;
	struct walk	 w = { 0, remove, NULL };
	uint64_t	 rng = 12345;
	size_t		 i, left;

	items = calloc(N, sizeof *items);
	ck_assert_msg(items != NULL, "out of memory");
	hmap_init(&m);
	w.m = &m;
	for (i = 0; i < N; i++) {
		items[i].id = (int)i;
		/* Long chains: a tenth of the hashes. */
		hmap_insert(&m, &items[i].entry, test_random(&rng) % (N / 10));
	}
	hmap_each(&m, visit, &w);
	ck_assert_msg(w.seen == N, "remove mode %d: expected %d visits, got "
	    "%zu", remove, N, w.seen);
	for (i = 0; i < N; i++)
		if (items[i].visits != 1)
			ck_abort_msg("remove mode %d: entry %zu expected one "
			    "visit, got %d", remove, i, items[i].visits);
	left = remove == 0 ? N : remove == 1 ? 0 : N / 2;
	ck_assert_msg(m.count == left, "remove mode %d: expected %zu left, "
	    "got %zu", remove, left, m.count);
	w.seen = 0;
	w.remove = 0;
	hmap_each(&m, visit, &w);
	ck_assert_msg(w.seen == left, "second walk: expected %zu visits, got "
	    "%zu", left, w.seen);
	for (i = 0; i < N; i++)
		if (!items[i].removed && items[i].visits != 2)
			ck_abort_msg("second walk: entry %zu expected a second "
			    "visit, got %d in all", i, items[i].visits);
	hmap_free(&m);
	free(items);
}

START_TEST(test_hmap_each_visits_once)
{
	walk(0);
}
END_TEST

START_TEST(test_hmap_each_removing_all)
{
	walk(1);
}
END_TEST

START_TEST(test_hmap_each_removing_some)
{
	walk(2);
}
END_TEST

/* A freed table takes entries again, under the same key. */
START_TEST(test_hmap_free_and_reuse)
{
	struct hmap	 m;
	struct item	 it[100];
	uint8_t		 key[16];
	size_t		 i, n;
	int		 found;

	memset(it, 0, sizeof it);
	hmap_init(&m);
	memcpy(key, m.key, sizeof key);
	for (i = 0; i < 100; i++)
		hmap_insert(&m, &it[i].entry, i);
	hmap_free(&m);
	ck_assert_msg(m.count == 0 && m.nslots == 0, "freed: expected no "
	    "entries and no slots");
	for (i = 0; i < 100; i++)
		hmap_insert(&m, &it[i].entry, i * 1000);
	for (i = 0; i < 100; i++) {
		n = count_hash(&m, i * 1000, &it[i], &found);
		if (n != 1 || !found)
			ck_abort_msg("used again: entry %zu expected found", i);
	}
	ck_assert_msg(memcmp(key, m.key, sizeof key) == 0, "used again: "
	    "expected the same key");
	hmap_free(&m);
}
END_TEST

static Suite *
hmap_suite(void)
{
	Suite	*s = suite_create("hmap");
	TCase	*tc;

	tc = tcase_create("basics");
	tcase_add_test(tc, test_hmap_empty);
	tcase_add_test(tc, test_hmap_same_hash);
	tcase_add_test(tc, test_hmap_hash_keyed);
	tcase_add_test(tc, test_hmap_free_and_reuse);
	suite_add_tcase(s, tc);

	tc = tcase_create("growth");
	tcase_add_test(tc, test_hmap_grows);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("each");
	tcase_add_test(tc, test_hmap_each_visits_once);
	tcase_add_test(tc, test_hmap_each_removing_all);
	tcase_add_test(tc, test_hmap_each_removing_some);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(hmap_suite());
}
