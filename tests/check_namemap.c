/*
 * check_namemap.c: the table of names: insert, find, remove; ASCII case
 * ignored and nothing else (every byte against every byte, UTF-8 and
 * Latin-1 letters told apart); names that differ only in length, or only
 * far past the first bytes; thousands of names; a walk that removes.
 */
#include "common.h"

#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "namemap.h"

#include "check_util.h"

#define MANY		10000

/* A struct that owns its name and embeds an entry, as the server's do. */
struct named {
	char			 name[1100];
	struct namemap_entry	 entry;
	int			 visits;
	int			 removed;
};

static struct named *
named_of(struct namemap_entry *e)
{
	return container_of(e, struct named, entry);
}

static void
named_set(struct named *n, const char *name, size_t len)
{
	ck_assert_msg(len <= sizeof n->name, "name too long for the test");
	memcpy(n->name, name, len);
	n->entry.name = n->name;
	n->entry.len = len;
}

/* Insert N named NAME (LEN bytes), which must go in. */
static void
put(struct namemap *m, struct named *n, const char *name, size_t len)
{
	struct namemap_entry	*old;

	named_set(n, name, len);
	old = namemap_insert(m, &n->entry);
	ck_assert_msg(old == NULL, "\"%s\": expected it inserted, got the "
	    "name taken by \"%s\"", esc(name, len), esc(old->name, old->len));
}

/* NAME (LEN bytes) must find N (or nothing, when N is NULL). */
static void
expect(const struct namemap *m, const char *name, size_t len,
    const struct named *n)
{
	struct namemap_entry	*e = namemap_find(m, name, len);

	if (n == NULL && e != NULL)
		ck_abort_msg("\"%s\": expected nothing, got \"%s\"",
		    esc(name, len), esc(e->name, e->len));
	if (n != NULL && e != &n->entry)
		ck_abort_msg("\"%s\": expected \"%s\", got %s%s%s",
		    esc(name, len), esc(n->name, n->entry.len),
		    e == NULL ? "nothing" : "\"",
		    e == NULL ? "" : esc(e->name, e->len),
		    e == NULL ? "" : "\"");
}

#define S(s)	s, sizeof(s) - 1

START_TEST(test_namemap_basics)
{
	struct namemap	 m;
	struct named	 n[3];

	memset(n, 0, sizeof n);
	namemap_init(&m);
	expect(&m, S("alice"), NULL);
	put(&m, &n[0], S("alice"));
	put(&m, &n[1], S("bob"));
	put(&m, &n[2], S("#dev"));
	ck_assert_msg(namemap_count(&m) == 3, "expected 3 names, got %zu",
	    namemap_count(&m));
	expect(&m, S("alice"), &n[0]);
	expect(&m, S("bob"), &n[1]);
	expect(&m, S("#dev"), &n[2]);
	expect(&m, S("carol"), NULL);
	expect(&m, S("dev"), NULL);

	namemap_remove(&m, &n[1].entry);
	expect(&m, S("bob"), NULL);
	expect(&m, S("alice"), &n[0]);
	ck_assert_msg(namemap_count(&m) == 2, "one removed: expected 2 "
	    "names, got %zu", namemap_count(&m));

	/* A rename: out, changed, in. */
	namemap_remove(&m, &n[0].entry);
	put(&m, &n[0], S("zed"));
	expect(&m, S("alice"), NULL);
	expect(&m, S("ZED"), &n[0]);
	namemap_free(&m);
	namemap_free(&m);
	expect(&m, S("zed"), NULL);
}
END_TEST

START_TEST(test_namemap_ascii_case)
{
	struct namemap		 m;
	struct named		 n[2], dup;
	struct namemap_entry	*old;

	memset(n, 0, sizeof n);
	memset(&dup, 0, sizeof dup);
	namemap_init(&m);
	put(&m, &n[0], S("#Dev"));
	put(&m, &n[1], S("Alice_42"));
	expect(&m, S("#dev"), &n[0]);
	expect(&m, S("#DEV"), &n[0]);
	expect(&m, S("#dEv"), &n[0]);
	expect(&m, S("alice_42"), &n[1]);
	expect(&m, S("ALICE_42"), &n[1]);

	/* A name taken in another case is taken. */
	named_set(&dup, S("#DEV"));
	old = namemap_insert(&m, &dup.entry);
	ck_assert_msg(old == &n[0].entry, "\"#DEV\" while \"#Dev\" is in: "
	    "expected the insert refused with \"#Dev\"'s entry");
	ck_assert_msg(namemap_count(&m) == 2, "a refused insert: expected "
	    "still 2 names, got %zu", namemap_count(&m));
	ck_assert_msg(namemap_equal(S("#Dev"), S("#dEV")), "namemap_equal: "
	    "expected \"#Dev\" and \"#dEV\" equal");
	namemap_free(&m);
}
END_TEST

static unsigned char
ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Every byte against every byte: only A-Z and a-z pair up. */
START_TEST(test_namemap_only_ascii_folds)
{
	struct namemap	 m;
	struct named	*n;
	char		 a[3] = "#", b[3] = "#";
	unsigned int	 i, j;
	int		 eq;

	n = calloc(256, sizeof *n);
	ck_assert_msg(n != NULL, "out of memory");
	for (i = 0; i < 256; i++) {
		for (j = 0; j < 256; j++) {
			a[1] = (char)i;
			b[1] = (char)j;
			eq = namemap_equal(a, 2, b, 2);
			if (eq != (ascii_lower(i) == ascii_lower(j)))
				ck_abort_msg("bytes 0x%02X and 0x%02X: "
				    "expected them %s", i, j,
				    eq ? "different" : "equal");
		}
	}

	/* The map agrees: the lower-case name stands for both. */
	namemap_init(&m);
	for (i = 0; i < 256; i++) {
		if (i >= 'A' && i <= 'Z')
			continue;
		a[1] = (char)i;
		put(&m, &n[i], a, 2);
	}
	for (i = 0; i < 256; i++) {
		a[1] = (char)i;
		expect(&m, a, 2, &n[ascii_lower(i)]);
	}

	/* UTF-8 and Latin-1 letters are bytes, compared exactly. */
	ck_assert_msg(!namemap_equal(S("#\xC3\x89t\xC3\xA9"),
	    S("#\xC3\xA9t\xC3\xA9")), "\"#Été\" and \"#été\": expected two "
	    "names");
	ck_assert_msg(!namemap_equal(S("\xC1"), S("\xE1")), "Latin-1 \"Á\" "
	    "and \"á\": expected two names");
	ck_assert_msg(namemap_equal(S("#\xC3\xA9T\xC3\xA9"),
	    S("#\xC3\xA9t\xC3\xA9")), "\"#éTé\" and \"#été\": expected one "
	    "name");
	ck_assert_msg(!namemap_equal(S("@[\\]^"), S("`{|}~")), "\"@[\\]^\" "
	    "and \"`{|}~\": expected two names (not ASCII letters)");
	namemap_free(&m);
	free(n);
}
END_TEST

/* Prefixes, a NUL inside, the empty name: all different names. */
START_TEST(test_namemap_lengths)
{
	static const struct {
		const char	*s;
		size_t		 len;
	} names[] = {
		{ S("") }, { S("a") }, { S("al") }, { S("alic") },
		{ S("alice") }, { S("alice ") }, { S("alice\0") },
		{ S("a\0") }, { S("a\0b") }, { S("\0") }, { S("\0\0") },
	};
	enum { N = ARRAY_SIZE(names) };
	struct namemap	 m;
	struct named	 n[N];
	size_t		 i;

	memset(n, 0, sizeof n);
	namemap_init(&m);
	for (i = 0; i < N; i++)
		put(&m, &n[i], names[i].s, names[i].len);
	for (i = 0; i < N; i++)
		expect(&m, names[i].s, names[i].len, &n[i]);
	expect(&m, S("ALIC"), &n[3]);
	expect(&m, S("ALICE\0"), &n[6]);
	expect(&m, S("alicex"), NULL);
	expect(&m, S("b"), NULL);
	for (i = 0; i < N; i += 2)
		namemap_remove(&m, &n[i].entry);
	for (i = 0; i < N; i++)
		expect(&m, names[i].s, names[i].len, i % 2 ? &n[i] : NULL);
	namemap_free(&m);
}
END_TEST

/* Long names are hashed in pieces: every byte still counts. */
START_TEST(test_namemap_long_names)
{
	static const size_t lens[] = { 247, 248, 249, 496, 497, 1000, 1100 };
	enum { N = ARRAY_SIZE(lens) };
	struct namemap	 m;
	struct named	*n;
	char		 buf[1100];
	size_t		 i, k;

	n = calloc(2 * N, sizeof *n);
	ck_assert_msg(n != NULL, "out of memory");
	memset(buf, 'x', sizeof buf);
	namemap_init(&m);
	for (i = 0; i < N; i++) {
		put(&m, &n[i], buf, lens[i]);
		/* The same length, one byte different near the end. */
		buf[lens[i] - 2] = 'y';
		put(&m, &n[N + i], buf, lens[i]);
		buf[lens[i] - 2] = 'x';
	}
	for (i = 0; i < N; i++) {
		/* Upper case from the start to the end. */
		memset(buf, 'X', lens[i]);
		expect(&m, buf, lens[i], &n[i]);
		buf[lens[i] - 2] = 'Y';
		expect(&m, buf, lens[i], &n[N + i]);
		buf[lens[i] - 2] = 'z';
		expect(&m, buf, lens[i], NULL);
		memset(buf, 'x', sizeof buf);
	}
	for (k = 0; k < 2 * N; k++)
		namemap_remove(&m, &n[k].entry);
	ck_assert_msg(namemap_count(&m) == 0, "all removed: expected none "
	    "left, got %zu", namemap_count(&m));
	namemap_free(&m);
	free(n);
}
END_TEST

/* "nick00042" as NAME, with letters in upper case where BITS says. */
static size_t
many_name(char *out, size_t i, uint32_t bits)
{
	int	len = snprintf(out, 32, "nick%05zu", i);
	int	k;

	for (k = 0; k < 4; k++)
		if (bits & (1u << k))
			out[k] = (char)(out[k] - 'a' + 'A');
	return (size_t)len;
}

START_TEST(test_namemap_many)
{
	struct namemap	 m;
	struct named	*n;
	char		 buf[32];
	uint64_t	 rng = 777;
	size_t		 i, len;

	n = calloc(MANY, sizeof *n);
	ck_assert_msg(n != NULL, "out of memory");
	namemap_init(&m);
	for (i = 0; i < MANY; i++) {
		len = many_name(buf, i, test_random(&rng));
		put(&m, &n[i], buf, len);
	}
	ck_assert_msg(namemap_count(&m) == MANY, "expected %d names, got %zu",
	    MANY, namemap_count(&m));
	for (i = 0; i < MANY; i++) {
		len = many_name(buf, i, test_random(&rng));
		expect(&m, buf, len, &n[i]);
	}
	for (i = 0; i < MANY; i += 2)
		namemap_remove(&m, &n[i].entry);
	for (i = 0; i < MANY; i++) {
		len = many_name(buf, i, test_random(&rng));
		expect(&m, buf, len, i % 2 ? &n[i] : NULL);
	}
	len = many_name(buf, MANY, 0);
	expect(&m, buf, len, NULL);
	namemap_free(&m);
	free(n);
}
END_TEST

struct walk {
	struct namemap	*m;
	size_t		 seen;
};

static void
visit(struct namemap_entry *e, void *arg)
{
	struct walk	*w = arg;
	struct named	*n = named_of(e);

	n->visits++;
	w->seen++;
	/* Every name with an odd last digit goes, as it is seen. */
	if ((e->name[e->len - 1] - '0') % 2 == 1) {
		namemap_remove(w->m, e);
		n->removed = 1;
		memset(e, 0xDD, sizeof *e);
	}
}

START_TEST(test_namemap_each_removing)
{
	enum { N = 1000 };
	struct namemap	 m;
	struct named	*n;
	struct walk	 w;
	char		 buf[32];
	size_t		 i;

	n = calloc(N, sizeof *n);
	ck_assert_msg(n != NULL, "out of memory");
	namemap_init(&m);
	for (i = 0; i < N; i++)
		put(&m, &n[i], buf, many_name(buf, i, 0));
	w.m = &m;
	w.seen = 0;
	namemap_each(&m, visit, &w);
	ck_assert_msg(w.seen == N, "expected %d visits, got %zu", N, w.seen);
	ck_assert_msg(namemap_count(&m) == N / 2, "odd ones removed: "
	    "expected %d left, got %zu", N / 2, namemap_count(&m));
	for (i = 0; i < N; i++) {
		if (n[i].visits != 1 || n[i].removed != (int)(i % 2))
			ck_abort_msg("name %zu: expected one visit and %s, got "
			    "%d visits", i, i % 2 ? "removed" : "kept",
			    n[i].visits);
		expect(&m, buf, many_name(buf, i, 0xF), i % 2 ? NULL : &n[i]);
	}
	w.seen = 0;
	namemap_each(&m, visit, &w);
	ck_assert_msg(w.seen == N / 2, "second walk: expected %d visits, got "
	    "%zu", N / 2, w.seen);
	namemap_free(&m);
	free(n);
}
END_TEST

static Suite *
namemap_suite(void)
{
	Suite	*s = suite_create("namemap");
	TCase	*tc;

	tc = tcase_create("basics");
	tcase_add_test(tc, test_namemap_basics);
	tcase_add_test(tc, test_namemap_ascii_case);
	tcase_add_test(tc, test_namemap_only_ascii_folds);
	tcase_add_test(tc, test_namemap_lengths);
	tcase_add_test(tc, test_namemap_long_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("many");
	tcase_add_test(tc, test_namemap_many);
	tcase_add_test(tc, test_namemap_each_removing);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(namemap_suite());
}
