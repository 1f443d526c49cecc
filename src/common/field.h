/*
 * field.h: the fields of a line of a text file, split by blanks (spaces,
 * tabs, and the carriage return of a CRLF line): known_hosts,
 * --nick-owners.
 */
#ifndef TSCHAT_FIELD_H
#define TSCHAT_FIELD_H

#include <stddef.h>

/*
 * The next field from *P (up to END): its start, its length in *LEN (0
 * when none is left); *P moves past it.
 */
const char *field_next(const char **p, const char *end, size_t *len);

#endif
