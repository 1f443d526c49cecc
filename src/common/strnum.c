/*
 * strnum.c: number parsing for options, in the spirit of strtonum(3): every
 * value comes with its range, and anything but digits is refused.
 */
#include "common.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "strnum.h"

int
strnum(const char *s, long long min, long long max, long long *out,
    const char **err)
{
	char		*end;
	long long	 v;

	*err = NULL;
	if (*s == '\0' || isspace((unsigned char)*s)) {
		*err = N_("invalid");
		return -1;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0') {
		*err = N_("invalid");
		return -1;
	}
	if ((errno == ERANGE && v == LLONG_MIN) || v < min) {
		*err = N_("too small");
		return -1;
	}
	if ((errno == ERANGE && v == LLONG_MAX) || v > max) {
		*err = N_("too large");
		return -1;
	}
	*out = v;
	return 0;
}

int
strsecs(const char *s, double min, double max, double *out, const char **err)
{
	const char	*p;
	char		*end;
	double		 v;
	int		 digits = 0, dots = 0;

	*err = NULL;
	for (p = s; *p != '\0'; p++) {
		if (*p == '.')
			dots++;
		else if (isdigit((unsigned char)*p))
			digits++;
		else
			break;
	}
	if (*p != '\0' || digits == 0 || dots > 1) {
		*err = N_("invalid");
		return -1;
	}
	v = strtod(s, &end);
	if (*end != '\0') {
		*err = N_("invalid");
		return -1;
	}
	if (v < min) {
		*err = N_("too small");
		return -1;
	}
	if (!isfinite(v) || v > max) {
		*err = N_("too large");
		return -1;
	}
	*out = v;
	return 0;
}
