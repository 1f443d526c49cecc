/*
 * sanitize.h: making untrusted text safe for a terminal. Controls become
 * caret marks (^[), C1 and bidi or invisible format characters <U+XXXX>
 * marks, invalid UTF-8 U+FFFD; everything else passes unchanged.
 */
#ifndef TSCHAT_SANITIZE_H
#define TSCHAT_SANITIZE_H

#include <stddef.h>
#include <stdint.h>

/* The most bytes sanitize() can write for LEN bytes of input. */
#define SANITIZE_MAX(len)	((len) * 4)

/* Whether CP, a valid code point, is shown as a mark rather than itself. */
int	sanitize_is_unsafe(int32_t cp);

/*
 * Write the safe form of IN (LEN bytes) to OUT, which has room for
 * SANITIZE_MAX(LEN) bytes; return its length. OUT is not terminated. TAB
 * is kept when KEEP_TAB is set, else it becomes ^I.
 */
size_t	sanitize(char *out, const char *in, size_t len, int keep_tab);

/* Return a newly allocated, terminated safe copy of the C string S. */
char	*sanitize_str(const char *s);

#endif
