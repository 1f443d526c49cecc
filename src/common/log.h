/*
 * log.h: the log (stderr or syslog, one sanitised line per event, each
 * starting with the local time) and the ways a program stops.
 */
#ifndef TSCHAT_LOG_H
#define TSCHAT_LOG_H

#include "common.h"

enum log_level {
	LOG_LEVEL_WARN,		/* -q */
	LOG_LEVEL_INFO,		/* default */
	LOG_LEVEL_DEBUG,	/* -v */
};

/* The program name used by die() and usage errors: "tschatd". */
extern const char *log_progname;

void	log_init(const char *progname, enum log_level, int use_syslog);
void	log_warn(const char *, ...) PRINTFLIKE(1, 2);
void	log_warnx(const char *, ...) PRINTFLIKE(1, 2);
void	log_info(const char *, ...) PRINTFLIKE(1, 2);
void	log_debug(const char *, ...) PRINTFLIKE(1, 2);
/* Log at any level: the SIGUSR1 counters are shown even under -q. */
void	log_always(const char *, ...) PRINTFLIKE(1, 2);

/* A bug: log and abort. fatal() adds strerror(errno). */
void	fatal(const char *, ...) PRINTFLIKE(1, 2) NORETURN;
void	fatalx(const char *, ...) PRINTFLIKE(1, 2) NORETURN;

/*
 * Print "PROG: MESSAGE[: strerror(ERRNUM)]" to stderr and exit with
 * STATUS: for start-up failures. The message is already translated.
 */
void	die(int status, int errnum, const char *, ...) PRINTFLIKE(3, 4)
	    NORETURN;

/* Print "PROG: MESSAGE" to stderr: a client's warning. */
void	prog_warn(const char *, ...) PRINTFLIKE(1, 2);

/* Print "PROG: MESSAGE" and "Try 'PROG --help'." to stderr; exit 2. */
void	usage_error(const char *, ...) PRINTFLIKE(1, 2) NORETURN;

#endif
