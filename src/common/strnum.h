/*
 * strnum.h: range-checked parsing of decimal numbers from the command line.
 */
#ifndef TSCHAT_STRNUM_H
#define TSCHAT_STRNUM_H

/*
 * Parse S as a decimal integer in [MIN, MAX] into *OUT. On failure return
 * -1 and set *ERR to an untranslated reason ("invalid", "too small",
 * "too large") that callers pass through _().
 */
int	strnum(const char *s, long long min, long long max, long long *out,
	    const char **err);

/* Parse S as seconds, a decimal with an optional fraction, in [MIN, MAX]. */
int	strsecs(const char *s, double min, double max, double *out,
	    const char **err);

#endif
