/*
 * optmsg.c: messages for refused options. getopt_long sets optopt to the
 * option's value, which for a long-only option is no character at all, so
 * a long option is named from the command line itself.
 */
#include "common.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "optmsg.h"

void
optmsg_error(char *err, size_t size, int ch, char *const *argv, int cur)
{
	const char	*arg = argv[cur];
	int		 n;

	if (strncmp(arg, "--", 2) == 0) {
		n = (int)strcspn(arg, "=");
		if (ch == ':')
			snprintf(err, size, _("option '%.*s' needs a value"),
			    n, arg);
		else if (arg[n] == '=' && optopt != 0)
			snprintf(err, size, _("option '%.*s' takes no value"),
			    n, arg);
		else
			snprintf(err, size, _("unknown option '%.*s'"), n, arg);
		return;
	}
	if (ch == ':')
		snprintf(err, size, _("option '-%c' needs a value"), optopt);
	else
		snprintf(err, size, _("unknown option '-%c'"), optopt);
}

enum conf_result
optmsg_fail(char *err, size_t size, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return CONF_ERROR;
}
