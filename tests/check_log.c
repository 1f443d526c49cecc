/*
 * check_log.c: the server's log lines: sanitised, cut at a character
 * boundary when long, and written without allocating, so that running out
 * of memory still ends in one fatal line and an abort.
 */
#include "common.h"

#include <check.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"

#include "check_util.h"

/* AddressSanitizer's allocator neither fails nor respects the limits. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN	1
#endif
#endif

/* "2024-01-31 12:00:00 ": the stamp before each line on stderr. */
#define STAMP_LEN	20

struct logged {
	char	text[8192];
	size_t	len;
	int	status;		/* from waitpid() */
};

/*
 * Run FN in a child whose stderr is captured into OUT, with the log on
 * stderr at debug level.
 */
static void
run_logged(void (*fn)(void), struct logged *out)
{
	FILE	*f = tmpfile();
	pid_t	 pid;

	ck_assert_ptr_nonnull(f);
	fflush(stderr);
	if ((pid = fork()) == -1)
		ck_abort_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		if (dup2(fileno(f), STDERR_FILENO) == -1)
			_exit(100);
		alarm(20);
		log_init("check_log", LOG_LEVEL_DEBUG, 0);
		fn();
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &out->status, 0), pid);
	rewind(f);
	out->len = fread(out->text, 1, sizeof out->text - 1, f);
	out->text[out->len] = '\0';
	fclose(f);
}

/* The one line logged, without its stamp, must be WANT. */
static void
expect_line(const struct logged *got, const char *want)
{
	ck_assert_msg(got->len > STAMP_LEN && got->text[4] == '-' &&
	    got->text[10] == ' ' && got->text[13] == ':' &&
	    got->text[STAMP_LEN - 1] == ' ',
	    "expected a stamped line, got \"%s\"", esc(got->text, got->len));
	ck_assert_bytes_str(got->text + STAMP_LEN, got->len - STAMP_LEN, want);
}

static void
log_controls(void)
{
	log_info("%s said \"%s\"", "peer", "\x1B[31mred\r\xC2\x9B");
}

START_TEST(test_log_sanitised)
{
	struct logged	got;

	run_logged(log_controls, &got);
	ck_assert_msg(WIFEXITED(got.status) && WEXITSTATUS(got.status) == 0,
	    "the logging child did not exit 0 (status %#x)", got.status);
	expect_line(&got, "peer said \"^[[31mred^M<U+009B>\"\n");
}
END_TEST

/* 600 two-byte characters: the 1023-byte cut falls inside the 512th. */
static void
log_long(void)
{
	char	s[1201];
	size_t	i;

	for (i = 0; i < 600; i++)
		memcpy(s + 2 * i, "\xC3\xA9", 2);
	s[1200] = '\0';
	log_info("%s", s);
}

START_TEST(test_log_cut_at_character)
{
	struct logged	got;
	char		want[1100];
	size_t		i;

	run_logged(log_long, &got);
	ck_assert_msg(WIFEXITED(got.status) && WEXITSTATUS(got.status) == 0,
	    "the logging child did not exit 0 (status %#x)", got.status);
	for (i = 0; i < 511; i++)
		memcpy(want + 2 * i, "\xC3\xA9", 2);
	memcpy(want + 1022, "...\n", 5);
	expect_line(&got, want);
}
END_TEST

static void
die_fatalx(void)
{
	fatalx("a bug: %d", 42);
}

START_TEST(test_fatalx_aborts)
{
	struct logged	got;

	run_logged(die_fatalx, &got);
	ck_assert_msg(WIFSIGNALED(got.status) &&
	    WTERMSIG(got.status) == SIGABRT,
	    "fatalx did not abort (status %#x)", got.status);
	expect_line(&got, "a bug: 42\n");
}
END_TEST

#ifndef UNDER_ASAN
/*
 * Leave malloc no room to grow, then take small blocks until there are
 * none: xmalloc's fatal() must still write its line, then abort.
 */
static void
exhaust_memory(void)
{
	struct rlimit	rl = { 0, 0 };

	if (getrlimit(RLIMIT_AS, &rl) == -1)
		_exit(101);
	rl.rlim_cur = 0;
	if (setrlimit(RLIMIT_AS, &rl) == -1 ||
	    getrlimit(RLIMIT_DATA, &rl) == -1)
		_exit(101);
	rl.rlim_cur = 0;
	if (setrlimit(RLIMIT_DATA, &rl) == -1)
		_exit(101);
	for (;;)
		(void)xmalloc(16);
}
#endif

START_TEST(test_fatal_out_of_memory)
{
#ifdef UNDER_ASAN
	return;
#else
	struct logged	got;
	char		want[256];

	run_logged(exhaust_memory, &got);
	ck_assert_msg(WIFSIGNALED(got.status) &&
	    WTERMSIG(got.status) == SIGABRT,
	    "out of memory did not end in an abort (status %#x, \"%s\")",
	    got.status, esc(got.text, got.len));
	snprintf(want, sizeof want, "xmalloc: allocating 16 bytes: %s\n",
	    strerror(ENOMEM));
	expect_line(&got, want);
#endif
}
END_TEST

static Suite *
log_suite(void)
{
	Suite	*s = suite_create("log");
	TCase	*tc;

	tc = tcase_create("lines");
	tcase_add_test(tc, test_log_sanitised);
	tcase_add_test(tc, test_log_cut_at_character);
	suite_add_tcase(s, tc);

	tc = tcase_create("fatal");
	tcase_add_test(tc, test_fatalx_aborts);
	tcase_add_test(tc, test_fatal_out_of_memory);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(log_suite());
}
