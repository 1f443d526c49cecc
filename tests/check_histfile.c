/*
 * check_histfile.c: the typed lines kept across runs: where the file is
 * (XDG_STATE_HOME, then HOME), its directory and its mode made private,
 * lines appended and read back by the next run, lines that could harm the
 * screen or were cut skipped, the file cut back past twice the ring's
 * size, a link to /dev/null honoured, and failures said by their step.
 */
#include "common.h"

#include <check.h>

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "histfile.h"
#include "history.h"
#include "xmalloc.h"

#include "check_util.h"

/* A new directory for one test, to remove with cleanup(). */
static char *
scratch(void)
{
	return scratch_dir("check_histfile");
}

static void
cleanup(const char *dir)
{
	scratch_remove(dir);
}

static void
write_file(const char *path, const char *text, size_t len)
{
	FILE	*fp = fopen(path, "w");

	ck_assert_msg(fp != NULL, "fopen %s: %s", path, strerror(errno));
	ck_assert_uint_eq(fwrite(text, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
}

/* The whole of PATH, terminated; its length in *LEN. */
static char *
read_file(const char *path, size_t *len)
{
	FILE	*fp = fopen(path, "r");
	char	*buf;
	size_t	 size = 1 << 20;

	ck_assert_msg(fp != NULL, "fopen %s: %s", path, strerror(errno));
	buf = xmalloc(size);
	*len = fread(buf, 1, size - 1, fp);
	buf[*len] = '\0';
	ck_assert_int_eq(fclose(fp), 0);
	return buf;
}

static size_t
count_lines(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/* Open PATH into a fresh ring, which must succeed. */
static void
open_ok(struct histfile *f, const char *path, struct history *h)
{
	enum histfile_step	step;

	history_init(h);
	ck_assert_msg(histfile_open(f, path, h, &step) == 0,
	    "histfile_open %s: step %d: %s", path, (int)step, strerror(errno));
}

START_TEST(test_histfile_path)
{
	char	*p;

	setenv("XDG_STATE_HOME", "/state", 1);
	setenv("HOME", "/home/ann", 1);
	p = histfile_path();
	ck_assert_str_eq(p, "/state/tschat/history");
	free(p);
	/* Relative or empty: not a base directory, HOME's default instead. */
	setenv("XDG_STATE_HOME", "state", 1);
	p = histfile_path();
	ck_assert_str_eq(p, "/home/ann/.local/state/tschat/history");
	free(p);
	setenv("XDG_STATE_HOME", "", 1);
	p = histfile_path();
	ck_assert_str_eq(p, "/home/ann/.local/state/tschat/history");
	free(p);
	unsetenv("XDG_STATE_HOME");
	p = histfile_path();
	ck_assert_str_eq(p, "/home/ann/.local/state/tschat/history");
	free(p);
	setenv("HOME", "relative", 1);
	ck_assert_ptr_null(histfile_path());
	unsetenv("HOME");
	ck_assert_ptr_null(histfile_path());
}
END_TEST

START_TEST(test_histfile_round_trip)
{
	char		*dir = scratch(), *path, *text;
	struct histfile	 f;
	struct history	 h;
	struct stat	 st;
	size_t		 len;

	xasprintf(&path, "%s/a/b/tschat/history", dir);
	open_ok(&f, path, &h);
	ck_assert_uint_eq(h.count, 0);
	ck_assert_int_eq(histfile_append(&f, "hello"), 0);
	ck_assert_int_eq(histfile_append(&f, "/join #dev"), 0);
	ck_assert_int_eq(histfile_append(&f, "gr\xC3\xBC\xC3\x9F dich"), 0);
	histfile_close(&f);
	history_free(&h);

	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_msg((st.st_mode & 0777) == 0600, "file mode %o",
	    (unsigned)(st.st_mode & 0777));
	*strrchr(path, '/') = '\0';
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_msg((st.st_mode & 0777) == 0700, "directory mode %o",
	    (unsigned)(st.st_mode & 0777));
	strcat(path, "/history");
	text = read_file(path, &len);
	ck_assert_str_eq(text, "hello\n/join #dev\ngr\xC3\xBC\xC3\x9F dich\n");
	free(text);

	/* The next run has them, oldest first, and adds after them. */
	open_ok(&f, path, &h);
	ck_assert_uint_eq(h.count, 3);
	ck_assert_str_eq(history_line(&h, 0), "hello");
	ck_assert_str_eq(history_line(&h, 2), "gr\xC3\xBC\xC3\x9F dich");
	ck_assert_int_eq(histfile_append(&f, "again"), 0);
	histfile_close(&f);
	history_free(&h);
	text = read_file(path, &len);
	ck_assert_uint_eq(count_lines(text), 4);
	free(text);

	free(path);
	cleanup(dir);
	free(dir);
}
END_TEST

START_TEST(test_histfile_bad_lines)
{
	char		*dir = scratch(), *path, *text, *huge;
	struct histfile	 f;
	struct history	 h;
	size_t		 len, n;

	xasprintf(&path, "%s/history", dir);
	/* Escapes, C1, DEL, invalid UTF-8 and a line past the limit. */
	huge = xmalloc(HISTFILE_LINE_MAX + 100);
	memset(huge, 'x', HISTFILE_LINE_MAX + 99);
	huge[HISTFILE_LINE_MAX + 99] = '\0';
	xasprintf(&text, "one\n\x1B[31mred\nc1 \xC2\x9B\ndel\x7F\n"
	    "\xC0\xAF\n%s\ntwo\n\nthree", huge);
	write_file(path, text, strlen(text));
	free(text);
	open_ok(&f, path, &h);
	ck_assert_uint_eq(h.count, 3);
	ck_assert_str_eq(history_line(&h, 0), "one");
	ck_assert_str_eq(history_line(&h, 1), "two");
	ck_assert_str_eq(history_line(&h, 2), "three");
	/* A line just at the limit is kept. */
	huge[HISTFILE_LINE_MAX] = '\0';
	ck_assert(histfile_line_ok(huge, HISTFILE_LINE_MAX));
	ck_assert(!histfile_line_ok(huge, HISTFILE_LINE_MAX + 1));
	/* What could not be read back is not written. */
	ck_assert_int_eq(histfile_append(&f, "tab\there"), 0);
	ck_assert_int_eq(histfile_append(&f, ""), 0);
	ck_assert_int_eq(histfile_append(&f, huge), 0);
	histfile_close(&f);
	history_free(&h);
	text = read_file(path, &len);
	n = strlen("one\n\x1B[31mred\nc1 \xC2\x9B\ndel\x7F\n\xC0\xAF\n") +
	    HISTFILE_LINE_MAX + 100 + strlen("two\n\nthree");
	ck_assert_uint_eq(len, n + HISTFILE_LINE_MAX + 1);
	free(text);
	free(huge);
	free(path);
	cleanup(dir);
	free(dir);
}
END_TEST

START_TEST(test_histfile_private)
{
	char		*dir = scratch(), *path;
	struct histfile	 f;
	struct history	 h;
	struct stat	 st;

	xasprintf(&path, "%s/history", dir);
	write_file(path, "secret\n", 7);
	ck_assert_int_eq(chmod(path, 0644), 0);
	open_ok(&f, path, &h);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_msg((st.st_mode & 0777) == 0600, "mode after open %o",
	    (unsigned)(st.st_mode & 0777));
	histfile_close(&f);
	history_free(&h);
	free(path);
	cleanup(dir);
	free(dir);
}
END_TEST

START_TEST(test_histfile_compact)
{
	char		*dir = scratch(), *path, *text, *want;
	struct histfile	 f;
	struct history	 h;
	FILE		*fp;
	size_t		 i, len, total = 2 * HISTORY_MAX_LINES + 1;

	xasprintf(&path, "%s/history", dir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	for (i = 0; i < total; i++)
		fprintf(fp, "line %zu\n", i);
	ck_assert_int_eq(fclose(fp), 0);
	open_ok(&f, path, &h);
	ck_assert_uint_eq(h.count, HISTORY_MAX_LINES);
	xasprintf(&want, "line %zu", total - HISTORY_MAX_LINES);
	ck_assert_str_eq(history_line(&h, 0), want);
	free(want);
	/* Cut back to the ring, and still appended to. */
	ck_assert_int_eq(histfile_append(&f, "after"), 0);
	histfile_close(&f);
	history_free(&h);
	text = read_file(path, &len);
	ck_assert_uint_eq(count_lines(text), HISTORY_MAX_LINES + 1);
	xasprintf(&want, "line %zu\n", total - HISTORY_MAX_LINES);
	ck_assert_msg(strncmp(text, want, strlen(want)) == 0,
	    "the file starts \"%s\"", esc(text, 20));
	ck_assert_str_eq(text + len - 6, "after\n");
	free(want);
	free(text);

	/* At twice the ring it stays as it is. */
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	for (i = 0; i < 2 * HISTORY_MAX_LINES; i++)
		fprintf(fp, "l%zu\n", i);
	ck_assert_int_eq(fclose(fp), 0);
	open_ok(&f, path, &h);
	histfile_close(&f);
	history_free(&h);
	text = read_file(path, &len);
	ck_assert_uint_eq(count_lines(text), 2 * HISTORY_MAX_LINES);
	free(text);
	free(path);
	cleanup(dir);
	free(dir);
}
END_TEST

START_TEST(test_histfile_devnull)
{
	char		*dir = scratch(), *path;
	struct histfile	 f;
	struct history	 h;
	struct stat	 st;

	xasprintf(&path, "%s/history", dir);
	ck_assert_int_eq(symlink("/dev/null", path), 0);
	open_ok(&f, path, &h);
	ck_assert_uint_eq(h.count, 0);
	ck_assert_int_eq(histfile_append(&f, "gone"), 0);
	histfile_close(&f);
	history_free(&h);
	/* Still the link; /dev/null's mode untouched. */
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(stat("/dev/null", &st), 0);
	ck_assert_msg((st.st_mode & 0666) == 0666, "/dev/null mode %o",
	    (unsigned)(st.st_mode & 0777));
	free(path);
	cleanup(dir);
	free(dir);
}
END_TEST

START_TEST(test_histfile_failures)
{
	char			*dir = scratch(), *path;
	struct histfile		 f;
	struct history		 h;
	enum histfile_step	 step;

	history_init(&h);
	/* A file where a directory should be. */
	xasprintf(&path, "%s/plain", dir);
	write_file(path, "", 0);
	free(path);
	xasprintf(&path, "%s/plain/tschat/history", dir);
	ck_assert_int_eq(histfile_open(&f, path, &h, &step), -1);
	ck_assert_int_eq(errno, ENOTDIR);
	ck_assert_int_eq(step, HISTFILE_MKDIR);
	ck_assert_int_eq(f.fd, -1);
	histfile_close(&f);
	free(path);
	/* A directory where the file should be. */
	xasprintf(&path, "%s/dir", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(histfile_open(&f, path, &h, &step), -1);
	ck_assert_int_eq(errno, EISDIR);
	ck_assert_int_eq(step, HISTFILE_OPEN);
	histfile_close(&f);
	free(path);
	/* A disk that is full: the append says so. */
	if (access("/dev/full", W_OK) == 0) {
		ck_assert_int_eq(histfile_open(&f, "/dev/full", &h, &step), 0);
		ck_assert_int_eq(histfile_append(&f, "lost"), -1);
		ck_assert_int_eq(errno, ENOSPC);
		histfile_close(&f);
	}
	/* Closed: nothing is written, and that is no failure. */
	ck_assert_int_eq(histfile_append(&f, "nowhere"), 0);
	history_free(&h);
	cleanup(dir);
	free(dir);
}
END_TEST

static Suite *
histfile_suite(void)
{
	Suite	*s = suite_create("histfile");
	TCase	*tc;

	tc = tcase_create("file");
	tcase_add_test(tc, test_histfile_path);
	tcase_add_test(tc, test_histfile_round_trip);
	tcase_add_test(tc, test_histfile_bad_lines);
	tcase_add_test(tc, test_histfile_private);
	tcase_add_test(tc, test_histfile_compact);
	tcase_add_test(tc, test_histfile_devnull);
	tcase_add_test(tc, test_histfile_failures);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(histfile_suite());
}
