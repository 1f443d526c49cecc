/*
 * stamp.h: the time stamp that precedes every message the server sends,
 * "[Wed Aug 14 20:50:19 2013] ", always in the C locale.
 */
#ifndef TSCHAT_STAMP_H
#define TSCHAT_STAMP_H

#include <stddef.h>
#include <time.h>

#include "defaults.h"

/* The tutorial's ctime(3) form. */
#define STAMP_DEFAULT_FORMAT	"%a %b %e %H:%M:%S %Y"

struct stamp {
	const char	*format;
	int		 utc;
	time_t		 when;		/* the second TEXT was made for */
	size_t		 len;
	char		 text[STAMP_MAX_BYTES];
};

/*
 * Write "[TIME] " for T to OUT (SIZE bytes) and return its length, or 0 if
 * it does not fit. FORMAT is a strftime(3) format, applied in the C locale.
 */
size_t	stamp_format(char *out, size_t size, const char *format, int utc,
	    time_t t);

/* Check a --time-format: 0 if usable, -1 if its stamps would not fit. */
int	stamp_check_format(const char *format);

void	stamp_init(struct stamp *, const char *format, int utc);

/* The stamp for T, formatted again only when the second changed. */
const char *stamp_get(struct stamp *, time_t t, size_t *lenp);

#endif
