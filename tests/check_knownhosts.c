/*
 * check_knownhosts.c: trust on first use: where the file is (XDG_DATA_HOME,
 * then HOME), its directory and mode made private, a host unknown, known
 * with its key or with another (and which line to remove), several keys
 * for one host, lines that are not entries skipped, IPv6 hosts in
 * brackets, and failures with errno kept.
 */
#include "common.h"

#include <check.h>

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "knownhosts.h"
#include "pin.h"
#include "xmalloc.h"

#include "check_util.h"

static char	*dir;

static void
setup(void)
{
	dir = scratch_dir("check_knownhosts");
}

static void
teardown(void)
{
	scratch_remove(dir);
	free(dir);
}

/* The path NAME in the test's directory. */
static char *
in_dir(const char *name)
{
	char	*path;

	xasprintf(&path, "%s/%s", dir, name);
	return path;
}

static void
write_file(const char *path, const char *text)
{
	FILE	*fp = fopen(path, "w");

	ck_assert_msg(fp != NULL, "fopen %s: %s", path, strerror(errno));
	ck_assert_int_eq(fputs(text, fp) < 0, 0);
	ck_assert_int_eq(fclose(fp), 0);
}

/* The whole of PATH, terminated, to free(). */
static char *
read_file(const char *path)
{
	FILE	*fp = fopen(path, "r");
	char	*buf = xmalloc(4096);
	size_t	 n;

	ck_assert_msg(fp != NULL, "fopen %s: %s", path, strerror(errno));
	n = fread(buf, 1, 4095, fp);
	buf[n] = '\0';
	ck_assert_int_eq(fclose(fp), 0);
	return buf;
}

/* Key number I's digest, and its pin as text (eight at a time). */
static void
key(int i, unsigned char d[PIN_BYTES])
{
	size_t	j;

	for (j = 0; j < PIN_BYTES; j++)
		d[j] = (unsigned char)(i * 29 + (int)j * 3);
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

/* Check HOSTPORT with key K against PATH: the result, and *LINE. */
static enum kh_result
check(const char *path, const char *hostport, int k, unsigned long *line)
{
	unsigned char	d[PIN_BYTES];

	key(k, d);
	*line = 0;
	return knownhosts_check(path, hostport, d, line);
}

static void
add(const char *path, const char *hostport, int k)
{
	unsigned char	d[PIN_BYTES];

	key(k, d);
	ck_assert_msg(knownhosts_add(path, hostport, d) == 0,
	    "knownhosts_add %s %s: %s", path, hostport, strerror(errno));
}

START_TEST(test_knownhosts_path)
{
	char	*p;

	setenv("XDG_DATA_HOME", "/data", 1);
	setenv("HOME", "/home/ann", 1);
	p = knownhosts_path();
	ck_assert_str_eq(p, "/data/tschat/known_hosts");
	free(p);
	/* Relative or empty: not a base directory, HOME's default instead. */
	setenv("XDG_DATA_HOME", "data", 1);
	p = knownhosts_path();
	ck_assert_str_eq(p, "/home/ann/.local/share/tschat/known_hosts");
	free(p);
	setenv("XDG_DATA_HOME", "", 1);
	p = knownhosts_path();
	ck_assert_str_eq(p, "/home/ann/.local/share/tschat/known_hosts");
	free(p);
	unsetenv("XDG_DATA_HOME");
	p = knownhosts_path();
	ck_assert_str_eq(p, "/home/ann/.local/share/tschat/known_hosts");
	free(p);
	setenv("HOME", "relative", 1);
	ck_assert_ptr_null(knownhosts_path());
	unsetenv("HOME");
	ck_assert_ptr_null(knownhosts_path());
	setenv("XDG_DATA_HOME", "/data", 1);
	p = knownhosts_path();
	ck_assert_str_eq(p, "/data/tschat/known_hosts");
	free(p);
	unsetenv("XDG_DATA_HOME");
}
END_TEST

/* First use: nothing known, then remembered in a private file. */
START_TEST(test_knownhosts_first_use)
{
	char		*path, *text, *want, *data;
	struct stat	 st;
	unsigned long	 line;

	data = in_dir("data");
	setenv("XDG_DATA_HOME", data, 1);
	path = knownhosts_path();
	unsetenv("XDG_DATA_HOME");
	ck_assert_int_eq(check(path, "chat.example:8443", 1, &line),
	    KH_UNKNOWN);
	ck_assert_int_eq(access(data, F_OK), -1);	/* checking makes none */

	add(path, "chat.example:8443", 1);
	ck_assert_int_eq(stat(data, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0700);
	free(data);
	data = in_dir("data/tschat");
	ck_assert_int_eq(stat(data, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0700);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	text = read_file(path);
	xasprintf(&want, "chat.example:8443 %s\n", key_pin(1));
	ck_assert_str_eq(text, want);
	free(text);
	free(want);

	ck_assert_int_eq(check(path, "chat.example:8443", 1, &line), KH_MATCH);
	ck_assert_uint_eq(line, 1);
	ck_assert_int_eq(check(path, "chat.example:8443", 2, &line),
	    KH_CHANGED);
	ck_assert_uint_eq(line, 1);
	/* Another port is another server. */
	ck_assert_int_eq(check(path, "chat.example:8444", 1, &line),
	    KH_UNKNOWN);
	ck_assert_uint_eq(line, 0);
	ck_assert_int_eq(check(path, "chat.example", 1, &line), KH_UNKNOWN);
	ck_assert_int_eq(check(path, "chat.example:844", 1, &line),
	    KH_UNKNOWN);
	/* Host names have no case. */
	ck_assert_int_eq(check(path, "Chat.EXAMPLE:8443", 1, &line),
	    KH_MATCH);

	/* A second host, appended after the first. */
	add(path, "[::1]:8443", 2);
	text = read_file(path);
	xasprintf(&want, "chat.example:8443 %s\n[::1]:8443 %s\n",
	    key_pin(1), key_pin(2));
	ck_assert_str_eq(text, want);
	free(text);
	free(want);
	ck_assert_int_eq(check(path, "[::1]:8443", 2, &line), KH_MATCH);
	ck_assert_uint_eq(line, 2);
	ck_assert_int_eq(check(path, "[::1]:8443", 1, &line), KH_CHANGED);
	ck_assert_uint_eq(line, 2);
	ck_assert_int_eq(check(path, "::1:8443", 2, &line), KH_UNKNOWN);
	/* LINE may be NULL. */
	ck_assert_int_eq(knownhosts_check(path, "[::1]:8443",
	    (const unsigned char *)"no such key, thirty-two bytes...", NULL),
	    KH_CHANGED);
	free(data);
	free(path);
}
END_TEST

/* Several keys for one host; other hosts and other lines in between. */
START_TEST(test_knownhosts_lines)
{
	char		*path = in_dir("known_hosts"), *text;
	unsigned long	 line;

	xasprintf(&text,
	    "# hosts I trust\n"				/* 1 */
	    "\n"					/* 2 */
	    "a.example:8443 %s\n"			/* 3: a, key 1 */
	    "b.example:8443 %s\n"			/* 4: b, key 2 */
	    "a.example:8443 sha256:broken\n"		/* 5: skipped */
	    "a.example:8443\n"				/* 6: skipped */
	    "a.example:8443 %s extra\n"			/* 7: skipped */
	    "  a.example:8443\t%s  \r\n"		/* 8: a, key 3 */
	    "#a.example:8443 %s\n"			/* 9: a comment */
	    "a.example:8443 %s\n"			/* 10: a, key 5 */
	    "c.example:8443 %s",			/* 11: no newline */
	    key_pin(1), key_pin(2), key_pin(4), key_pin(3), key_pin(6),
	    key_pin(5), key_pin(7));
	write_file(path, text);
	free(text);

	ck_assert_int_eq(check(path, "a.example:8443", 1, &line), KH_MATCH);
	ck_assert_uint_eq(line, 3);
	ck_assert_int_eq(check(path, "a.example:8443", 3, &line), KH_MATCH);
	ck_assert_uint_eq(line, 8);
	ck_assert_int_eq(check(path, "a.example:8443", 5, &line), KH_MATCH);
	ck_assert_uint_eq(line, 10);
	/* Keys on skipped lines are not trusted; the first line is named. */
	ck_assert_int_eq(check(path, "a.example:8443", 4, &line),
	    KH_CHANGED);
	ck_assert_uint_eq(line, 3);
	ck_assert_int_eq(check(path, "a.example:8443", 6, &line),
	    KH_CHANGED);
	ck_assert_uint_eq(line, 3);
	ck_assert_int_eq(check(path, "a.example:8443", 2, &line),
	    KH_CHANGED);
	ck_assert_uint_eq(line, 3);
	ck_assert_int_eq(check(path, "b.example:8443", 2, &line), KH_MATCH);
	ck_assert_uint_eq(line, 4);
	ck_assert_int_eq(check(path, "b.example:8443", 1, &line),
	    KH_CHANGED);
	ck_assert_uint_eq(line, 4);
	ck_assert_int_eq(check(path, "c.example:8443", 7, &line), KH_MATCH);
	ck_assert_uint_eq(line, 11);
	ck_assert_int_eq(check(path, "#a.example:8443", 6, &line),
	    KH_UNKNOWN);
	ck_assert_int_eq(check(path, "d.example:8443", 1, &line),
	    KH_UNKNOWN);

	/* Appending to a file that ends without a newline starts a line. */
	add(path, "d.example:8443", 8);
	ck_assert_int_eq(check(path, "d.example:8443", 8, &line), KH_MATCH);
	ck_assert_uint_eq(line, 12);
	ck_assert_int_eq(check(path, "c.example:8443", 7, &line), KH_MATCH);
	ck_assert_uint_eq(line, 11);
	free(path);
}
END_TEST

START_TEST(test_knownhosts_empty)
{
	char		*path = in_dir("known_hosts");
	unsigned long	 line;

	write_file(path, "");
	ck_assert_int_eq(check(path, "a.example:8443", 1, &line), KH_UNKNOWN);
	add(path, "a.example:8443", 1);
	ck_assert_int_eq(check(path, "a.example:8443", 1, &line), KH_MATCH);
	ck_assert_uint_eq(line, 1);
	free(path);
	/* A file that is not one: nothing known, nothing kept. */
	ck_assert_int_eq(check("/dev/null", "a.example:8443", 1, &line),
	    KH_UNKNOWN);
}
END_TEST

START_TEST(test_knownhosts_failures)
{
	char		*path, *file;
	unsigned char	 d[PIN_BYTES];
	unsigned long	 line;

	key(1, d);
	/* A directory where the file should be: read error, kept errno. */
	errno = 0;
	ck_assert_int_eq(check(dir, "a.example:8443", 1, &line), KH_ERROR);
	ck_assert_int_eq(errno, EISDIR);
	errno = 0;
	ck_assert_int_eq(knownhosts_add(dir, "a.example:8443", d), -1);
	ck_assert_int_eq(errno, EISDIR);

	/* A file where a directory should be. */
	file = in_dir("file");
	write_file(file, "");
	path = in_dir("file/tschat/known_hosts");
	errno = 0;
	ck_assert_int_eq(check(path, "a.example:8443", 1, &line), KH_ERROR);
	ck_assert_int_eq(errno, ENOTDIR);
	errno = 0;
	ck_assert_int_eq(knownhosts_add(path, "a.example:8443", d), -1);
	ck_assert_int_eq(errno, ENOTDIR);
	free(path);
	free(file);

	/* Names that would not read back as themselves are not written. */
	path = in_dir("known_hosts");
	ck_assert_int_eq(knownhosts_add(path, "", d), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(knownhosts_add(path, "a example:8443", d), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(knownhosts_add(path, "a.example:8443\n", d), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(knownhosts_add(path, "a\x1b[2J:8443", d), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(knownhosts_add(path, "#a.example:8443", d), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(access(path, F_OK), -1);

	/* Unreadable, unwritable: root reads and writes it all the same. */
	if (geteuid() != 0) {
		write_file(path, "");
		ck_assert_int_eq(chmod(path, 0), 0);
		errno = 0;
		ck_assert_int_eq(check(path, "a.example:8443", 1, &line),
		    KH_ERROR);
		ck_assert_int_eq(errno, EACCES);
		errno = 0;
		ck_assert_int_eq(knownhosts_add(path, "a.example:8443", d),
		    -1);
		ck_assert_int_eq(errno, EACCES);
	}
	free(path);

	/* A full disk. */
	if (access("/dev/full", W_OK) == 0) {
		ck_assert_int_eq(knownhosts_add("/dev/full", "a.example:8443",
		    d), -1);
		ck_assert_int_eq(errno, ENOSPC);
	}
}
END_TEST

static Suite *
knownhosts_suite(void)
{
	Suite	*s = suite_create("knownhosts");
	TCase	*tc;

	tc = tcase_create("knownhosts");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_knownhosts_path);
	tcase_add_test(tc, test_knownhosts_first_use);
	tcase_add_test(tc, test_knownhosts_lines);
	tcase_add_test(tc, test_knownhosts_empty);
	tcase_add_test(tc, test_knownhosts_failures);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(knownhosts_suite());
}
