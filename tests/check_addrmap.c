/*
 * check_addrmap.c: the hash table from addresses: insert, find, remove;
 * ports told apart or not; families told apart; growth past its first
 * size with thousands of entries; and a walk that may remove as it goes.
 */
#include "common.h"

#include <check.h>

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "addrmap.h"

#include "check_util.h"

#define MANY		10000

/* A struct that embeds an entry, as the server's do. */
struct item {
	int			 id;
	struct addrmap_entry	 entry;
	int			 visits;
	int			 removed;
};

static struct item *
item_of(struct addrmap_entry *e)
{
	return container_of(e, struct item, entry);
}

/* Fill A from HOST (IPv4 or IPv6 by its form) and PORT. */
static void
addr_make(struct addr *a, const char *host, uint16_t port)
{
	memset(a, 0, sizeof *a);
	a->family = strchr(host, ':') != NULL ? AF_INET6 : AF_INET;
	a->port = port;
	ck_assert_msg(inet_pton(a->family, host, a->bytes) == 1,
	    "test address %s", host);
}

/*
 * Address number I: random bytes, with I itself in the low bytes so that
 * no two are the same host; every third one IPv6.
 */
static void
addr_random(struct addr *a, uint64_t *rng, size_t i)
{
	uint32_t	r;
	size_t		k;

	memset(a, 0, sizeof *a);
	a->port = (uint16_t)test_random(rng);
	if (i % 3 == 2) {
		a->family = AF_INET6;
		for (k = 0; k < 12; k += 4) {
			r = test_random(rng);
			memcpy(a->bytes + k, &r, 4);
		}
		a->bytes[12] = (uint8_t)(i >> 24);
		a->bytes[13] = (uint8_t)(i >> 16);
		a->bytes[14] = (uint8_t)(i >> 8);
		a->bytes[15] = (uint8_t)i;
	} else {
		a->family = AF_INET;
		r = test_random(rng);
		a->bytes[0] = (uint8_t)r;
		a->bytes[1] = (uint8_t)(i >> 16);
		a->bytes[2] = (uint8_t)(i >> 8);
		a->bytes[3] = (uint8_t)i;
	}
}

static const char *
addr_text(const struct addr *a)
{
	static char	buf[4][ADDR_STRLEN];
	static int	next;

	return addr_format(a, buf[next++ % 4]);
}

/* --- basics -------------------------------------------------------------- */

START_TEST(test_addrmap_empty)
{
	struct addrmap	m;
	struct addr	a;

	addrmap_init(&m, 1);
	addr_make(&a, "192.0.2.1", 5000);
	ck_assert_msg(addrmap_find(&m, &a) == NULL, "an empty map: expected "
	    "nothing found, got an entry");
	ck_assert_msg(m.count == 0, "expected count 0, got %zu", m.count);
	addrmap_free(&m);
	/* Freeing twice, or a freed map, is harmless. */
	addrmap_free(&m);
	ck_assert_msg(addrmap_find(&m, &a) == NULL, "a freed map: expected "
	    "nothing found");
}
END_TEST

START_TEST(test_addrmap_insert_find_remove)
{
	struct addrmap	 m;
	struct item	 it[3];
	struct addr	 probe;
	struct addrmap_entry *e;
	static const char *const hosts[] = {
		"192.0.2.1", "192.0.2.2", "2001:db8::1",
	};
	size_t		 i;

	addrmap_init(&m, 1);
	for (i = 0; i < 3; i++) {
		memset(&it[i], 0, sizeof it[i]);
		it[i].id = (int)i;
		addr_make(&it[i].entry.addr, hosts[i], 4000);
		addrmap_insert(&m, &it[i].entry);
	}
	ck_assert_msg(m.count == 3, "expected count 3, got %zu", m.count);
	for (i = 0; i < 3; i++) {
		addr_make(&probe, hosts[i], 4000);
		e = addrmap_find(&m, &probe);
		ck_assert_msg(e == &it[i].entry, "%s: expected entry %zu, got "
		    "%s", hosts[i], i, e == NULL ? "none" : "another");
	}
	addr_make(&probe, "192.0.2.3", 4000);
	ck_assert_msg(addrmap_find(&m, &probe) == NULL,
	    "192.0.2.3: expected nothing, got an entry");

	addrmap_remove(&m, &it[1].entry);
	ck_assert_msg(m.count == 2, "after a removal: expected count 2, got "
	    "%zu", m.count);
	addr_make(&probe, hosts[1], 4000);
	ck_assert_msg(addrmap_find(&m, &probe) == NULL, "%s after its "
	    "removal: expected nothing, got an entry", hosts[1]);
	addr_make(&probe, hosts[0], 4000);
	ck_assert_msg(addrmap_find(&m, &probe) == &it[0].entry, "%s: "
	    "expected it still there", hosts[0]);
	addr_make(&probe, hosts[2], 4000);
	ck_assert_msg(addrmap_find(&m, &probe) == &it[2].entry, "%s: "
	    "expected it still there", hosts[2]);

	/* In again. */
	addrmap_insert(&m, &it[1].entry);
	addr_make(&probe, hosts[1], 4000);
	ck_assert_msg(addrmap_find(&m, &probe) == &it[1].entry, "%s inserted "
	    "again: expected it found", hosts[1]);

	for (i = 0; i < 3; i++)
		addrmap_remove(&m, &it[i].entry);
	ck_assert_msg(m.count == 0, "all removed: expected count 0, got %zu",
	    m.count);
	for (i = 0; i < 3; i++) {
		addr_make(&probe, hosts[i], 4000);
		ck_assert_msg(addrmap_find(&m, &probe) == NULL, "%s: expected "
		    "nothing after removing all", hosts[i]);
	}
	addrmap_free(&m);
}
END_TEST

/* --- what tells keys apart ----------------------------------------------- */

START_TEST(test_addrmap_without_port)
{
	struct addrmap	m;
	struct item	it;
	struct addr	probe;

	addrmap_init(&m, 0);
	memset(&it, 0, sizeof it);
	addr_make(&it.entry.addr, "198.51.100.4", 1000);
	addrmap_insert(&m, &it.entry);
	addr_make(&probe, "198.51.100.4", 2000);
	ck_assert_msg(addrmap_find(&m, &probe) == &it.entry, "with_port 0: "
	    "198.51.100.4:2000 expected to find the entry of port 1000");
	addr_make(&probe, "198.51.100.4", 0);
	ck_assert_msg(addrmap_find(&m, &probe) == &it.entry, "with_port 0: "
	    "198.51.100.4:0 expected to find the entry of port 1000");
	addr_make(&probe, "198.51.100.5", 1000);
	ck_assert_msg(addrmap_find(&m, &probe) == NULL, "with_port 0: "
	    "198.51.100.5 expected nothing");
	addrmap_remove(&m, &it.entry);
	addrmap_free(&m);

	addrmap_init(&m, 0);
	addr_make(&it.entry.addr, "2001:db8::9", 1000);
	addrmap_insert(&m, &it.entry);
	addr_make(&probe, "2001:db8::9", 65535);
	ck_assert_msg(addrmap_find(&m, &probe) == &it.entry, "with_port 0: "
	    "[2001:db8::9]:65535 expected to find the entry of port 1000");
	addrmap_free(&m);
}
END_TEST

START_TEST(test_addrmap_with_port)
{
	struct addrmap		 m;
	struct item		 a, b;
	struct addr		 probe;
	struct addrmap_entry	*e;

	addrmap_init(&m, 1);
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	addr_make(&a.entry.addr, "198.51.100.4", 1000);
	addrmap_insert(&m, &a.entry);
	addr_make(&probe, "198.51.100.4", 2000);
	ck_assert_msg(addrmap_find(&m, &probe) == NULL, "with_port 1: "
	    "198.51.100.4:2000 expected nothing while only port 1000 is in");
	addr_make(&b.entry.addr, "198.51.100.4", 2000);
	addrmap_insert(&m, &b.entry);
	e = addrmap_find(&m, &probe);
	ck_assert_msg(e == &b.entry, "with_port 1: port 2000 expected its own "
	    "entry, got %s", e == &a.entry ? "port 1000's" : "none");
	addr_make(&probe, "198.51.100.4", 1000);
	e = addrmap_find(&m, &probe);
	ck_assert_msg(e == &a.entry, "with_port 1: port 1000 expected its own "
	    "entry, got %s", e == &b.entry ? "port 2000's" : "none");
	addrmap_remove(&m, &a.entry);
	ck_assert_msg(addrmap_find(&m, &probe) == NULL, "port 1000 removed: "
	    "expected nothing for it");
	addr_make(&probe, "198.51.100.4", 2000);
	ck_assert_msg(addrmap_find(&m, &probe) == &b.entry, "port 1000 "
	    "removed: expected port 2000 still there");
	addrmap_free(&m);
}
END_TEST

/* One host on many ports: with_port 1 keeps each apart, 0 finds any. */
START_TEST(test_addrmap_one_host_many_ports)
{
	enum { N = 600 };
	struct item		*items;
	struct addrmap		 m;
	struct addr		 probe;
	struct addrmap_entry	*e;
	size_t			 i;

	items = calloc(N, sizeof *items);
	ck_assert_msg(items != NULL, "out of memory");
	addrmap_init(&m, 1);
	for (i = 0; i < N; i++) {
		items[i].id = (int)i;
		addr_make(&items[i].entry.addr, "2001:db8::77",
		    (uint16_t)(1024 + i));
		addrmap_insert(&m, &items[i].entry);
	}
	for (i = 0; i < N; i++) {
		addr_make(&probe, "2001:db8::77", (uint16_t)(1024 + i));
		e = addrmap_find(&m, &probe);
		if (e != &items[i].entry)
			ck_abort_msg("with_port 1: port %zu expected its own "
			    "entry, got %s %d", 1024 + i, e == NULL ? "none" :
			    "the entry of port", e == NULL ? 0 :
			    1024 + item_of(e)->id);
	}
	addr_make(&probe, "2001:db8::77", 1023);
	ck_assert_msg(addrmap_find(&m, &probe) == NULL, "with_port 1: port "
	    "1023 never inserted: expected nothing, got an entry");
	addrmap_free(&m);

	/* Without ports, one entry stands for the host. */
	addrmap_init(&m, 0);
	addrmap_insert(&m, &items[0].entry);
	for (i = 0; i < N; i++) {
		addr_make(&probe, "2001:db8::77", (uint16_t)(1024 + i));
		if (addrmap_find(&m, &probe) != &items[0].entry)
			ck_abort_msg("with_port 0: port %zu expected the "
			    "host's entry", 1024 + i);
	}
	addrmap_free(&m);
	free(items);
}
END_TEST

/* 1.2.3.4 and 102:304:: hold the same first bytes: different hosts. */
START_TEST(test_addrmap_families_differ)
{
	struct addrmap		 m;
	struct item		 v4, v6;
	struct addr		 probe;
	struct addrmap_entry	*e;
	int			 wp;

	for (wp = 0; wp <= 1; wp++) {
		addrmap_init(&m, wp);
		memset(&v4, 0, sizeof v4);
		memset(&v6, 0, sizeof v6);
		addr_make(&v4.entry.addr, "1.2.3.4", 9000);
		addrmap_insert(&m, &v4.entry);
		addr_make(&probe, "102:304::", 9000);
		ck_assert_msg(addrmap_find(&m, &probe) == NULL, "with_port %d: "
		    "[102:304::] expected nothing while only 1.2.3.4 is in",
		    wp);
		addr_make(&v6.entry.addr, "102:304::", 9000);
		addrmap_insert(&m, &v6.entry);
		e = addrmap_find(&m, &probe);
		ck_assert_msg(e == &v6.entry, "with_port %d: [102:304::] "
		    "expected its own entry", wp);
		addr_make(&probe, "1.2.3.4", 9000);
		e = addrmap_find(&m, &probe);
		ck_assert_msg(e == &v4.entry, "with_port %d: 1.2.3.4 expected "
		    "its own entry", wp);
		addrmap_free(&m);
	}
}
END_TEST

/* An IPv4 key is its four bytes: the twelve unused ones do not count. */
START_TEST(test_addrmap_ipv4_unused_bytes)
{
	struct addrmap	m;
	struct item	it;
	struct addr	probe;

	addrmap_init(&m, 1);
	memset(&it, 0, sizeof it);
	addr_make(&it.entry.addr, "192.0.2.44", 3000);
	addrmap_insert(&m, &it.entry);
	addr_make(&probe, "192.0.2.44", 3000);
	memset(probe.bytes + 4, 0xEE, 12);
	ck_assert_msg(addrmap_find(&m, &probe) == &it.entry, "192.0.2.44 with "
	    "rubbish in its unused bytes: expected the entry, got nothing");
	addrmap_free(&m);
}
END_TEST

/* --- growth -------------------------------------------------------------- */

static void
many(int with_port)
{
	struct item		*items;
	struct addrmap		 m;
	struct addr		 probe;
	struct addrmap_entry	*e;
	uint64_t		 rng = 0x9E3779B97F4A7C15ULL;
	size_t			 i;

	items = calloc(MANY, sizeof *items);
	ck_assert_msg(items != NULL, "out of memory");
	addrmap_init(&m, with_port);
	for (i = 0; i < MANY; i++) {
		items[i].id = (int)i;
		addr_random(&items[i].entry.addr, &rng, i);
		addrmap_insert(&m, &items[i].entry);
		if (m.count != i + 1 || m.nslots < m.count)
			ck_abort_msg("with_port %d, after %zu inserts: "
			    "expected count %zu and at least as many slots, "
			    "got count %zu and %zu slots", with_port, i + 1,
			    i + 1, m.count, m.nslots);
	}
	ck_assert_msg(m.nslots > 64, "with_port %d: %d entries, expected the "
	    "table grown past 64 slots, got %zu", with_port, MANY, m.nslots);
	ck_assert_msg((m.nslots & (m.nslots - 1)) == 0, "expected a power of "
	    "two of slots, got %zu", m.nslots);

	for (i = 0; i < MANY; i++) {
		probe = items[i].entry.addr;
		if (!with_port)
			probe.port ^= 0x5555;
		e = addrmap_find(&m, &probe);
		if (e != &items[i].entry)
			ck_abort_msg("with_port %d: %s (number %zu) expected "
			    "its entry, got %s", with_port, addr_text(&probe),
			    i, e == NULL ? "none" : "another");
	}

	/* Remove the even ones. */
	for (i = 0; i < MANY; i += 2) {
		addrmap_remove(&m, &items[i].entry);
		items[i].removed = 1;
	}
	ck_assert_msg(m.count == MANY / 2, "after removing half: expected "
	    "count %d, got %zu", MANY / 2, m.count);
	for (i = 0; i < MANY; i++) {
		e = addrmap_find(&m, &items[i].entry.addr);
		if (items[i].removed && e != NULL)
			ck_abort_msg("with_port %d: %s removed, expected "
			    "nothing, got entry %d", with_port,
			    addr_text(&items[i].entry.addr), item_of(e)->id);
		if (!items[i].removed && e != &items[i].entry)
			ck_abort_msg("with_port %d: %s kept, expected its "
			    "entry, got %s", with_port,
			    addr_text(&items[i].entry.addr),
			    e == NULL ? "none" : "another");
	}

	/* And some hosts never inserted. */
	for (i = MANY; i < MANY + 1000; i++) {
		addr_random(&probe, &rng, i);
		e = addrmap_find(&m, &probe);
		if (e != NULL)
			ck_abort_msg("%s never inserted: expected nothing, got "
			    "entry %d", addr_text(&probe), item_of(e)->id);
	}
	addrmap_free(&m);
	free(items);
}

START_TEST(test_addrmap_grows_with_port)
{
	many(1);
}
END_TEST

START_TEST(test_addrmap_grows_without_port)
{
	many(0);
}
END_TEST

/* --- the walk ------------------------------------------------------------ */

struct walk {
	size_t	seen;
	int	remove;		/* 0 none, 1 all, 2 odd ids */
	struct addrmap *m;
};

static void
visit(struct addrmap_entry *e, void *arg)
{
	struct walk	*w = arg;
	struct item	*it = item_of(e);

	it->visits++;
	w->seen++;
	if (w->remove == 1 || (w->remove == 2 && it->id % 2 == 1)) {
		addrmap_remove(w->m, e);
		it->removed = 1;
		/* What a server would do: the entry's memory is reused. */
		memset(e, 0xDD, sizeof *e);
	}
}

static void
walk(int remove)
{
	enum { N = 1500 };
	struct item	*items;
	struct addrmap	 m;
	struct walk	 w = { 0, remove, NULL };
	uint64_t	 rng = 12345;
	size_t		 i, left;

	items = calloc(N, sizeof *items);
	ck_assert_msg(items != NULL, "out of memory");
	addrmap_init(&m, 1);
	w.m = &m;
	for (i = 0; i < N; i++) {
		items[i].id = (int)i;
		addr_random(&items[i].entry.addr, &rng, i);
		addrmap_insert(&m, &items[i].entry);
	}
	addrmap_each(&m, visit, &w);
	ck_assert_msg(w.seen == N, "remove mode %d: expected %d visits, got "
	    "%zu", remove, N, w.seen);
	for (i = 0; i < N; i++)
		if (items[i].visits != 1)
			ck_abort_msg("remove mode %d: entry %zu expected one "
			    "visit, got %d", remove, i, items[i].visits);
	left = remove == 0 ? N : remove == 1 ? 0 : N / 2;
	ck_assert_msg(m.count == left, "remove mode %d: expected %zu left, "
	    "got %zu", remove, left, m.count);

	/* A second walk sees exactly what is left. */
	w.seen = 0;
	w.remove = 0;
	addrmap_each(&m, visit, &w);
	ck_assert_msg(w.seen == left, "second walk: expected %zu visits, got "
	    "%zu", left, w.seen);
	for (i = 0; i < N; i++)
		if (!items[i].removed && items[i].visits != 2)
			ck_abort_msg("second walk: entry %zu expected a second "
			    "visit, got %d in all", i, items[i].visits);
	addrmap_free(&m);
	free(items);
}

START_TEST(test_addrmap_each_visits_once)
{
	walk(0);
}
END_TEST

START_TEST(test_addrmap_each_removing_all)
{
	walk(1);
}
END_TEST

START_TEST(test_addrmap_each_removing_some)
{
	walk(2);
}
END_TEST

START_TEST(test_addrmap_each_empty)
{
	struct addrmap	m;
	struct walk	w = { 0, 0, NULL };

	addrmap_init(&m, 1);
	w.m = &m;
	addrmap_each(&m, visit, &w);
	ck_assert_msg(w.seen == 0, "an empty map: expected no visit, got %zu",
	    w.seen);
	addrmap_free(&m);
}
END_TEST

static Suite *
addrmap_suite(void)
{
	Suite	*s = suite_create("addrmap");
	TCase	*tc;

	tc = tcase_create("basics");
	tcase_add_test(tc, test_addrmap_empty);
	tcase_add_test(tc, test_addrmap_insert_find_remove);
	suite_add_tcase(s, tc);

	tc = tcase_create("keys");
	tcase_add_test(tc, test_addrmap_without_port);
	tcase_add_test(tc, test_addrmap_with_port);
	tcase_add_test(tc, test_addrmap_one_host_many_ports);
	tcase_add_test(tc, test_addrmap_families_differ);
	tcase_add_test(tc, test_addrmap_ipv4_unused_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("growth");
	tcase_add_test(tc, test_addrmap_grows_with_port);
	tcase_add_test(tc, test_addrmap_grows_without_port);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("each");
	tcase_add_test(tc, test_addrmap_each_visits_once);
	tcase_add_test(tc, test_addrmap_each_removing_all);
	tcase_add_test(tc, test_addrmap_each_removing_some);
	tcase_add_test(tc, test_addrmap_each_empty);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(addrmap_suite());
}
