/*
 * log.c: logging for the server and fatal exits for both programs. Log lines
 * are never translated (operators grep them) and always sanitised, since
 * they quote what peers sent. They are formatted and sanitised on the stack:
 * fatal() is how running out of memory is reported, so nothing on the way
 * to a log line may allocate.
 */
#include "common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"
#include "sanitize.h"
#include "utf8.h"

/*
 * The most bytes of a message a log line keeps, before sanitising; a longer
 * one is cut at a character boundary and ends in LOG_CUT_MARK.
 */
#define LOG_MSG_MAX	1024
#define LOG_CUT_MARK	"..."

const char		*log_progname = PACKAGE;
static enum log_level	 log_level = LOG_LEVEL_INFO;
static int		 log_syslog;

void
log_init(const char *progname, enum log_level level, int use_syslog)
{
	log_progname = progname;
	log_level = level;
	log_syslog = use_syslog;
	/* Load the time zone now, not in the first log line: it allocates. */
	tzset();
	if (use_syslog)
		openlog(progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void PRINTFLIKE(3, 0)
log_vwrite(int prio, const char *suffix, const char *fmt, va_list ap)
{
	char		 msg[LOG_MSG_MAX];
	char		 safe[SANITIZE_MAX(LOG_MSG_MAX) + sizeof LOG_CUT_MARK];
	char		 when[32];
	struct tm	 tm;
	time_t		 now;
	size_t		 len;
	int		 n, saved = errno;

	if ((n = vsnprintf(msg, sizeof msg, fmt, ap)) < 0) {
		errno = saved;
		return;
	}
	len = (size_t)n;
	if (len >= sizeof msg) {
		/* vsnprintf cut anywhere: drop a character it cut in two. */
		len = sizeof msg - 1;
		len -= utf8_incomplete_tail((unsigned char *)msg, len);
	}
	len = sanitize(safe, msg, len, 0);
	if ((size_t)n >= sizeof msg) {
		memcpy(safe + len, LOG_CUT_MARK, sizeof LOG_CUT_MARK - 1);
		len += sizeof LOG_CUT_MARK - 1;
	}
	safe[len] = '\0';

	if (log_syslog)
		syslog(prio, "%s%s", safe, suffix);
	else {
		now = time(NULL);
		if (localtime_r(&now, &tm) == NULL ||
		    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm) == 0)
			strcpy(when, "-");
		fprintf(stderr, "%s %s%s\n", when, safe, suffix);
		fflush(stderr);
	}
	errno = saved;
}

#define LOG_BODY(prio, min, suffix) do {			\
	va_list	ap;						\
	if (log_level < (min))					\
		return;						\
	va_start(ap, fmt);					\
	log_vwrite((prio), (suffix), fmt, ap);			\
	va_end(ap);						\
} while (0)

void
log_warn(const char *fmt, ...)
{
	char	suffix[256];

	snprintf(suffix, sizeof suffix, ": %s", strerror(errno));
	LOG_BODY(LOG_WARNING, LOG_LEVEL_WARN, suffix);
}

void
log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_WARNING, LOG_LEVEL_WARN, "");
}

void
log_info(const char *fmt, ...)
{
	LOG_BODY(LOG_INFO, LOG_LEVEL_INFO, "");
}

void
log_debug(const char *fmt, ...)
{
	LOG_BODY(LOG_DEBUG, LOG_LEVEL_DEBUG, "");
}

void
log_always(const char *fmt, ...)
{
	LOG_BODY(LOG_NOTICE, LOG_LEVEL_WARN, "");
}

void
fatal(const char *fmt, ...)
{
	char	suffix[256];
	va_list	ap;

	snprintf(suffix, sizeof suffix, ": %s", strerror(errno));
	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, suffix, fmt, ap);
	va_end(ap);
	abort();
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, "", fmt, ap);
	va_end(ap);
	abort();
}

/* Print "PROG: MESSAGE" to stderr, without the newline. */
static void PRINTFLIKE(1, 0)
vprog(const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", log_progname);
	vfprintf(stderr, fmt, ap);
}

void
prog_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vprog(fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
die(int status, int errnum, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vprog(fmt, ap);
	va_end(ap);
	if (errnum != 0)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
	exit(status);
}

void
usage_error(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vprog(fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	/* TRANSLATORS: %s is the program name, tschat or tschatd. */
	fprintf(stderr, _("Try '%s --help'.\n"), log_progname);
	exit(2);
}
