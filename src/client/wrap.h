/*
 * wrap.h: breaking a line into rows of a given width, at word boundaries,
 * by display width: wide (CJK) characters take two cells, combining marks
 * none.
 */
#ifndef TSCHAT_WRAP_H
#define TSCHAT_WRAP_H

#include <stddef.h>
#include <stdint.h>

/* Cells code point CP takes (0, 1 or 2): wcwidth, with -1 taken as 1. */
int	wrap_cp_width(uint32_t cp);

/* Cells the UTF-8 text S (LEN bytes) takes. */
size_t	wrap_width(const char *s, size_t len);

/*
 * Break S (LEN bytes of valid UTF-8 without controls) into rows at most
 * WIDTH (>= 2) cells wide; store the byte offset where each row starts in
 * STARTS (at most MAX entries) and return the number of rows (at least 1,
 * even for an empty line; possibly more than MAX, when only MAX are
 * stored). Rows break after a space when one is in the row, else
 * anywhere between characters; the spaces at a break are not shown.
 */
size_t	wrap_rows(const char *s, size_t len, int width, size_t *starts,
	    size_t max);

#endif
