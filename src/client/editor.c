/*
 * editor.c: the input line as an array of code points with a cursor, the
 * Emacs motions and kills over it, the kill buffer, and the horizontal
 * scrolling that keeps the cursor in a field of the screen.
 */
#include "common.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "editor.h"
#include "sanitize.h"
#include "utf8.h"
#include "wrap.h"
#include "xmalloc.h"

/* What may be typed: not a control, a bidi control or a non-character. */
static int
acceptable(uint32_t cp)
{
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return !sanitize_is_unsafe((int32_t)cp);
}

/* Separators for C-w and editor_word_start. */
static int
is_blank(uint32_t cp)
{
	return cp == ' ';
}

/* Word characters for M-b, M-f and M-d, as readline has them. */
static int
is_word(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
	    (cp >= 'A' && cp <= 'Z') || cp >= 0x80;
}

void
editor_init(struct editor *ed)
{
	memset(ed, 0, sizeof *ed);
}

void
editor_free(struct editor *ed)
{
	free(ed->text);
	free(ed->kill);
	memset(ed, 0, sizeof *ed);
}

/* Open a gap of N characters at the cursor (N fits in the line). */
static void
open_gap(struct editor *ed, size_t n)
{
	size_t	size;

	if (ed->len + n > ed->size) {
		size = MAXIMUM(ed->size * 2, 64);
		size = MINIMUM(MAXIMUM(size, ed->len + n), EDITOR_MAX_CHARS);
		ed->text = xreallocarray(ed->text, size, sizeof *ed->text);
		ed->size = size;
	}
	memmove(ed->text + ed->cursor + n, ed->text + ed->cursor,
	    (ed->len - ed->cursor) * sizeof *ed->text);
	ed->len += n;
}

/* Insert the N characters CPS at the cursor, as many as fit. */
static void
insert_cps(struct editor *ed, const uint32_t *cps, size_t n)
{
	n = MINIMUM(n, EDITOR_MAX_CHARS - ed->len);
	if (n == 0)
		return;
	open_gap(ed, n);
	memcpy(ed->text + ed->cursor, cps, n * sizeof *cps);
	ed->cursor += n;
}

int
editor_insert(struct editor *ed, uint32_t cp)
{
	if (!acceptable(cp) || ed->len >= EDITOR_MAX_CHARS)
		return -1;
	insert_cps(ed, &cp, 1);
	return 0;
}

void
editor_insert_utf8(struct editor *ed, const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	uint32_t		*cps;
	size_t			 off = 0, n = 0;
	int32_t			 cp;

	/* One pass to decode, one insertion: a paste costs no more. */
	cps = xreallocarray(NULL, MAXIMUM(len, 1), sizeof *cps);
	while (off < len) {
		off += utf8_decode(u + off, len - off, &cp);
		if (cp != UTF8_INVALID && acceptable((uint32_t)cp))
			cps[n++] = (uint32_t)cp;
	}
	insert_cps(ed, cps, n);
	free(cps);
}

void
editor_left(struct editor *ed)
{
	if (ed->cursor > 0)
		ed->cursor--;
}

void
editor_right(struct editor *ed)
{
	if (ed->cursor < ed->len)
		ed->cursor++;
}

void
editor_home(struct editor *ed)
{
	ed->cursor = 0;
}

void
editor_end(struct editor *ed)
{
	ed->cursor = ed->len;
}

/* Where M-b goes: back over non-word characters, then over a word. */
static size_t
word_left_of(const struct editor *ed)
{
	size_t	i = ed->cursor;

	while (i > 0 && !is_word(ed->text[i - 1]))
		i--;
	while (i > 0 && is_word(ed->text[i - 1]))
		i--;
	return i;
}

/* Where M-f goes: over non-word characters, then to the end of a word. */
static size_t
word_right_of(const struct editor *ed)
{
	size_t	i = ed->cursor;

	while (i < ed->len && !is_word(ed->text[i]))
		i++;
	while (i < ed->len && is_word(ed->text[i]))
		i++;
	return i;
}

void
editor_word_left(struct editor *ed)
{
	ed->cursor = word_left_of(ed);
}

void
editor_word_right(struct editor *ed)
{
	ed->cursor = word_right_of(ed);
}

/* Remove characters FROM to TO (FROM <= TO); the cursor goes to FROM. */
static void
remove_range(struct editor *ed, size_t from, size_t to)
{
	memmove(ed->text + from, ed->text + to,
	    (ed->len - to) * sizeof *ed->text);
	ed->len -= to - from;
	ed->cursor = from;
}

/*
 * Kill characters FROM to TO into the kill buffer. An empty kill (C-k at
 * the end) leaves the buffer alone, so the last real kill is not lost.
 */
static void
kill_range(struct editor *ed, size_t from, size_t to)
{
	if (from == to)
		return;
	free(ed->kill);
	ed->kill_len = to - from;
	ed->kill = xreallocarray(NULL, ed->kill_len, sizeof *ed->kill);
	memcpy(ed->kill, ed->text + from, ed->kill_len * sizeof *ed->kill);
	remove_range(ed, from, to);
}

void
editor_backspace(struct editor *ed)
{
	if (ed->cursor > 0)
		remove_range(ed, ed->cursor - 1, ed->cursor);
}

void
editor_delete(struct editor *ed)
{
	if (ed->cursor < ed->len)
		remove_range(ed, ed->cursor, ed->cursor + 1);
}

void
editor_kill_to_start(struct editor *ed)
{
	kill_range(ed, 0, ed->cursor);
}

void
editor_kill_to_end(struct editor *ed)
{
	kill_range(ed, ed->cursor, ed->len);
}

/* C-w is readline's unix-word-rubout: back over blanks, then non-blanks. */
void
editor_kill_word_left(struct editor *ed)
{
	size_t	i = ed->cursor;

	while (i > 0 && is_blank(ed->text[i - 1]))
		i--;
	while (i > 0 && !is_blank(ed->text[i - 1]))
		i--;
	kill_range(ed, i, ed->cursor);
}

void
editor_kill_word_right(struct editor *ed)
{
	kill_range(ed, ed->cursor, word_right_of(ed));
}

void
editor_yank(struct editor *ed)
{
	insert_cps(ed, ed->kill, ed->kill_len);
}

void
editor_set(struct editor *ed, const char *s, size_t len)
{
	editor_clear(ed);
	editor_insert_utf8(ed, s, len);
}

void
editor_clear(struct editor *ed)
{
	ed->len = 0;
	ed->cursor = 0;
	ed->scroll = 0;
}

char *
editor_utf8(const struct editor *ed, size_t *lenp)
{
	return editor_utf8_range(ed, 0, ed->len, lenp);
}

char *
editor_utf8_range(const struct editor *ed, size_t from, size_t to,
    size_t *lenp)
{
	char	*out;
	size_t	 i, n = 0;

	if (to > ed->len)
		to = ed->len;
	if (from > to)
		from = to;
	out = xmalloc((to - from) * 4 + 1);
	for (i = from; i < to; i++)
		n += utf8_encode(ed->text[i], out + n);
	out[n] = '\0';
	if (lenp != NULL)
		*lenp = n;
	return out;
}

/* Cells of characters FROM to TO. */
static size_t
cells(const struct editor *ed, size_t from, size_t to)
{
	size_t	n = 0;

	while (from < to)
		n += (size_t)wrap_cp_width(ed->text[from++]);
	return n;
}

/*
 * The cursor takes the cells of the character under it (one at the end),
 * so that a wide character under the cursor is shown whole. When the
 * cursor leaves the field, scroll past it by a quarter of the width, so
 * that typing at the edge does not scroll at every key.
 */
int
editor_view(struct editor *ed, int width)
{
	size_t	w, margin, cw, col, limit;

	if (width < 1)
		width = 1;
	w = (size_t)width;
	margin = w / 4;
	cw = 1;
	if (ed->cursor < ed->len)
		cw = MAXIMUM((size_t)wrap_cp_width(ed->text[ed->cursor]), 1);
	ed->scroll = MINIMUM(ed->scroll, ed->cursor);
	if (cells(ed, 0, ed->len) + 1 <= w)
		ed->scroll = 0;
	else if (ed->cursor == ed->scroll) {
		/* Left through the left edge: show some context again. */
		col = 0;
		while (ed->scroll > 0 && col +
		    (size_t)wrap_cp_width(ed->text[ed->scroll - 1]) <= margin)
			col += (size_t)wrap_cp_width(ed->text[--ed->scroll]);
	}
	col = cells(ed, ed->scroll, ed->cursor);
	if (col + cw > w) {
		/* Right through the right edge: leave a margin after it. */
		if (w >= cw + margin)
			limit = w - cw - margin;
		else
			limit = w >= cw ? w - cw : 0;
		while (col > limit && ed->scroll < ed->cursor)
			col -= (size_t)wrap_cp_width(ed->text[ed->scroll++]);
	}
	/* Never start on a combining mark without its base. */
	while (ed->scroll < ed->cursor &&
	    wrap_cp_width(ed->text[ed->scroll]) == 0)
		ed->scroll++;
	return (int)col;
}

size_t
editor_word_start(const struct editor *ed)
{
	size_t	i = ed->cursor;

	while (i > 0 && !is_blank(ed->text[i - 1]))
		i--;
	return i;
}
