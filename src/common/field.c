/*
 * field.c: a line's fields, split by blanks.
 */
#include "common.h"

#include "field.h"

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

const char *
field_next(const char **p, const char *end, size_t *len)
{
	const char	*s;

	while (*p < end && blank(**p))
		(*p)++;
	s = *p;
	while (*p < end && !blank(**p))
		(*p)++;
	*len = (size_t)(*p - s);
	return s;
}
