/*
 * check_owners.c: the --nick-owners table read from small files: comments
 * and blank lines skipped, several keys for one nick, nicks matched with
 * ASCII case ignored, and every file that must be refused (a bad nick, a
 * bad pin, a line of another shape, a file missing or unreadable) refused
 * with a message naming the file and the line.
 */
#include "common.h"

#include <check.h>

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "owners.h"
#include "pin.h"
#include "xmalloc.h"

#include "check_util.h"

static char	*dir;

static void
setup(void)
{
	dir = scratch_dir("check_owners");
}

static void
teardown(void)
{
	scratch_remove(dir);
	free(dir);
}

/* Write TEXT to the file NAME in the test's directory: its path. */
static char *
write_file(const char *name, const char *text)
{
	char	*path;
	FILE	*fp;

	xasprintf(&path, "%s/%s", dir, name);
	ck_assert_msg((fp = fopen(path, "w")) != NULL, "fopen %s: %s", path,
	    strerror(errno));
	ck_assert_int_eq(fputs(text, fp) < 0, 0);
	ck_assert_int_eq(fclose(fp), 0);
	return path;
}

/* Key number I's digest, and its pin as text (eight at a time). */
static void
key(int i, unsigned char d[PIN_BYTES])
{
	size_t	j;

	for (j = 0; j < PIN_BYTES; j++)
		d[j] = (unsigned char)(i * 31 + (int)j);
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

/* Load PATH, which must succeed. */
static struct owners *
load_ok(const char *path)
{
	struct owners	*o;
	char		*err = NULL;

	o = owners_load(path, &err);
	ck_assert_msg(o != NULL, "%s refused: %s", path, esc_str(err));
	return o;
}

/* Load TEXT as the file "nick-owners.txt": it must fail with WHY. */
static void
load_fails(const char *text, const char *why)
{
	char	*path = write_file("nick-owners.txt", text), *err = NULL;
	char	*want;

	xasprintf(&want, "%s/%s", dir, why);
	ck_assert_msg(owners_load(path, &err) == NULL, "\"%s\" taken",
	    esc_str(text));
	ck_assert_msg(err != NULL && strcmp(err, want) == 0,
	    "\"%s\": expected \"%s\", got \"%s\"", esc_str(text),
	    esc_str(want), esc_str(err));
	free(want);
	free(err);
	free(path);
}

static int
allows(const struct owners *o, const char *nick, int k)
{
	unsigned char	d[PIN_BYTES];

	if (k < 0)
		return owners_allows(o, nick, strlen(nick), NULL);
	key(k, d);
	return owners_allows(o, nick, strlen(nick), d);
}

START_TEST(test_owners_lookups)
{
	struct owners	*o;
	char		*text, *path;

	xasprintf(&text,
	    "# who may take which nick\n"
	    "\n"
	    "alice %s\n"
	    "   \t\n"
	    "  # an indented comment\n"
	    "Bob\t%s\n"
	    "bob %s\n"
	    "carol  %s  \r\n"
	    "ALICE %s\n"
	    "alice %s\n"
	    "h\xC3\xA9l\xC3\xA8ne %s",		/* no newline at the end */
	    key_pin(1), key_pin(2), key_pin(3), key_pin(4), key_pin(1),
	    key_pin(5), key_pin(6));
	path = write_file("nick-owners.txt", text);
	o = load_ok(path);
	ck_assert_uint_eq(owners_count(o), 4);

	ck_assert_int_eq(owners_listed(o, "alice", 5), 1);
	ck_assert_int_eq(owners_listed(o, "aLiCe", 5), 1);
	ck_assert_int_eq(owners_listed(o, "BOB", 3), 1);
	ck_assert_int_eq(owners_listed(o, "carol", 5), 1);
	ck_assert_int_eq(owners_listed(o, "h\xC3\xA9l\xC3\xA8ne", 8), 1);
	ck_assert_int_eq(owners_listed(o, "dave", 4), 0);
	ck_assert_int_eq(owners_listed(o, "alic", 4), 0);
	ck_assert_int_eq(owners_listed(o, "alice2", 6), 0);
	/* LEN counts: the start of a longer name is not the name. */
	ck_assert_int_eq(owners_listed(o, "alice2", 5), 1);
	/* Only ASCII letters fold: "HÉLÈNE" is someone else. */
	ck_assert_int_eq(owners_listed(o, "H\xC3\x89L\xC3\x88NE", 8), 0);
	ck_assert_int_eq(owners_listed(o, "H\xC3\xA9L\xC3\xA8NE", 8), 1);

	/* alice has keys 1 (listed twice) and 5, bob 2 and 3, carol 4. */
	ck_assert_int_eq(allows(o, "alice", 1), 1);
	ck_assert_int_eq(allows(o, "Alice", 5), 1);
	ck_assert_int_eq(allows(o, "alice", 2), 0);
	ck_assert_int_eq(allows(o, "alice", -1), 0);
	ck_assert_int_eq(allows(o, "bob", 2), 1);
	ck_assert_int_eq(allows(o, "BOB", 3), 1);
	ck_assert_int_eq(allows(o, "bob", 1), 0);
	ck_assert_int_eq(allows(o, "carol", 4), 1);
	ck_assert_int_eq(allows(o, "carol", 3), 0);
	ck_assert_int_eq(allows(o, "h\xC3\xA9l\xC3\xA8ne", 6), 1);
	ck_assert_int_eq(allows(o, "h\xC3\xA9l\xC3\xA8ne", -1), 0);
	/* A nick nobody owns: anyone, with a key or without. */
	ck_assert_int_eq(allows(o, "dave", -1), 1);
	ck_assert_int_eq(allows(o, "dave", 1), 1);
	owners_free(o);
	free(path);
	free(text);
}
END_TEST

START_TEST(test_owners_empty)
{
	struct owners	*o;
	char		*path;

	path = write_file("empty.txt", "");
	o = load_ok(path);
	ck_assert_uint_eq(owners_count(o), 0);
	ck_assert_int_eq(owners_listed(o, "alice", 5), 0);
	ck_assert_int_eq(allows(o, "alice", -1), 1);
	owners_free(o);
	free(path);

	path = write_file("comments.txt", "# nobody yet\n\n#alice\n");
	o = load_ok(path);
	ck_assert_uint_eq(owners_count(o), 0);
	owners_free(o);
	free(path);
	owners_free(NULL);
}
END_TEST

START_TEST(test_owners_bad_lines)
{
	char	*text;

	xasprintf(&text, "# ok\nalice %s\nbob sha256:nope\n", key_pin(1));
	load_fails(text, "nick-owners.txt:3: bad pin");
	free(text);
	xasprintf(&text, "alice %s\nal:ice %s\n", key_pin(1), key_pin(2));
	load_fails(text, "nick-owners.txt:2: bad nick");
	free(text);
	/* A nick that could never be taken is a mistake to say. */
	xasprintf(&text, "%s %s\n",
	    "abcdefghijklmnopqrstuvwxyz0123456", key_pin(1));
	load_fails(text, "nick-owners.txt:1: bad nick");
	free(text);
	xasprintf(&text, "al\x01ice %s\n", key_pin(1));
	load_fails(text, "nick-owners.txt:1: bad nick");
	free(text);
	xasprintf(&text, "\xFFlice %s\n", key_pin(1));
	load_fails(text, "nick-owners.txt:1: bad nick");
	free(text);
	xasprintf(&text, "alice %s\n", key_pin(1));
	text[strlen(text) - 2] = 'A';	/* "...=" becomes "...A" */
	load_fails(text, "nick-owners.txt:1: bad pin");
	free(text);
	load_fails("alice\n", "nick-owners.txt:1: expected NICK sha256:PIN");
	xasprintf(&text, "\nalice %s bob\n", key_pin(1));
	load_fails(text, "nick-owners.txt:2: expected NICK sha256:PIN");
	free(text);
	xasprintf(&text, "alice %s # mine\n", key_pin(1));
	load_fails(text, "nick-owners.txt:1: expected NICK sha256:PIN");
	free(text);
	xasprintf(&text, "%s alice\n", key_pin(1));
	load_fails(text, "nick-owners.txt:1: bad nick");
	free(text);
}
END_TEST

START_TEST(test_owners_files)
{
	char	*path, *err = NULL, *want;

	/* Missing. */
	xasprintf(&path, "%s/missing.txt", dir);
	ck_assert_ptr_null(owners_load(path, &err));
	xasprintf(&want, "%s: %s", path, strerror(ENOENT));
	ck_assert_str_eq(err, want);
	free(want);
	free(err);
	free(path);

	/* A directory opens but cannot be read. */
	err = NULL;
	ck_assert_ptr_null(owners_load(dir, &err));
	xasprintf(&want, "%s: %s", dir, strerror(EISDIR));
	ck_assert_str_eq(err, want);
	free(want);
	free(err);

	/* Unreadable: root reads it all the same. */
	if (geteuid() != 0) {
		path = write_file("secret.txt", "# nothing\n");
		ck_assert_int_eq(chmod(path, 0), 0);
		err = NULL;
		ck_assert_ptr_null(owners_load(path, &err));
		xasprintf(&want, "%s: %s", path, strerror(EACCES));
		ck_assert_str_eq(err, want);
		free(want);
		free(err);
		free(path);
	}
}
END_TEST

static Suite *
owners_suite(void)
{
	Suite	*s = suite_create("owners");
	TCase	*tc;

	tc = tcase_create("owners");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_owners_lookups);
	tcase_add_test(tc, test_owners_empty);
	tcase_add_test(tc, test_owners_bad_lines);
	tcase_add_test(tc, test_owners_files);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(owners_suite());
}
