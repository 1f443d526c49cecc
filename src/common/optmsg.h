/*
 * optmsg.h: what both programs' option parsers return, and their usage
 * errors: for an option getopt_long(3) refused, naming the option as the
 * user typed it, and for a value that will not do.
 */
#ifndef TSCHAT_OPTMSG_H
#define TSCHAT_OPTMSG_H

#include <stddef.h>

#include "common.h"

enum conf_result {
	CONF_OK,
	CONF_HELP,
	CONF_VERSION,
	CONF_ERROR,		/* the reason is in the caller's buffer */
};

/*
 * Write to ERR (SIZE bytes) the translated message for getopt_long's
 * result CH (':' or '?'), ARGV[CUR] being the element it was looking at.
 */
void	optmsg_error(char *err, size_t size, int ch, char *const *argv,
	    int cur);

/* Write the formatted, translated reason to ERR (SIZE bytes): CONF_ERROR. */
enum conf_result optmsg_fail(char *err, size_t size, const char *fmt, ...)
	    PRINTFLIKE(3, 4);

#endif
