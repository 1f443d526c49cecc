/*
 * wrap.c: display widths of characters, and breaking a line into rows of
 * the pane at word boundaries without ever splitting a character.
 */
#include "common.h"

#include <stdint.h>
#include <wchar.h>

#include "utf8.h"
#include "wrap.h"

int
wrap_cp_width(uint32_t cp)
{
	int	w;

	if (cp > 0x10FFFF)
		return 1;
	w = wcwidth((wchar_t)cp);
	if (w < 0)
		return 1;
	return w > 2 ? 2 : w;
}

/* The character at S (LEN > 0 bytes): its byte count; its cells in *W. */
static size_t
char_at(const char *s, size_t len, int *w, int32_t *cpp)
{
	int32_t	cp;
	size_t	n;

	n = utf8_decode((const unsigned char *)s, len, &cp);
	*w = cp == UTF8_INVALID ? 1 : wrap_cp_width((uint32_t)cp);
	*cpp = cp;
	return n;
}

size_t
wrap_width(const char *s, size_t len)
{
	size_t	off = 0, cells = 0;
	int32_t	cp;
	int	w;

	while (off < len) {
		off += char_at(s + off, len - off, &w, &cp);
		cells += (size_t)w;
	}
	return cells;
}

/*
 * Whether the space at OFF is the base of a combining mark, which must not
 * be skipped at a break (it would leave the mark at the start of a row).
 */
static int
space_carries_mark(const char *s, size_t len, size_t off)
{
	int32_t	cp;
	int	w;

	if (off + 1 >= len)
		return 0;
	char_at(s + off + 1, len - off - 1, &w, &cp);
	return w == 0;
}

/*
 * Lay out the row starting at START: return where the next row starts, or
 * LEN when this row is the last one.
 */
static size_t
wrap_one(const char *s, size_t len, size_t start, size_t width)
{
	size_t	off = start, cells = 0, brk = 0, prev_brk = 0, end, n;
	int32_t	cp;
	int	w, word = 0;

	while (off < len) {
		n = char_at(s + off, len - off, &w, &cp);
		/* At least one character a row, whatever its width. */
		if (cells + (size_t)w > width && off > start)
			break;
		if (w == 0 && off == brk) {
			/* A mark on a space: no break between the two. */
			brk = prev_brk;
		}
		cells += (size_t)w;
		off += n;
		if (cp == ' ' && word) {
			prev_brk = brk;
			brk = off;
		} else if (cp != ' ')
			word = 1;
	}
	if (off >= len)
		return len;
	if (s[off] == ' ' && !space_carries_mark(s, len, off))
		end = off;
	else if (brk > start)
		end = brk;
	else
		end = off;
	while (end < len && s[end] == ' ' && !space_carries_mark(s, len, end))
		end++;
	return end;
}

size_t
wrap_rows(const char *s, size_t len, int width, size_t *starts, size_t max)
{
	size_t	start = 0, rows = 0;

	if (width < 2)
		width = 2;
	do {
		if (rows < max)
			starts[rows] = start;
		rows++;
		start = wrap_one(s, len, start, (size_t)width);
	} while (start < len);
	return rows;
}
