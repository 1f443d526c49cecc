/*
 * scrollback.c: the message pane's lines in a ring that frees the oldest
 * when full, and how far back the pane is scrolled: which line is at its
 * bottom, and how many of that line's rows are below it. New lines while
 * scrolled back move the offset with them, so the pane stays put.
 *
 * The ring is allocated with its first line and doubles until it holds
 * its capacity: a client has a pane per window, most of them short.
 * Until it is full it has never turned, so the lines start at 0.
 */
#include "common.h"

#include <stdlib.h>
#include <string.h>

#include "scrollback.h"
#include "xmalloc.h"

/* Line I, which is there. */
static struct sb_line *
line_at(const struct scrollback *sb, size_t i)
{
	return &sb->lines[(sb->first + i) % sb->capacity];
}

void
sb_init(struct scrollback *sb, size_t capacity)
{
	memset(sb, 0, sizeof *sb);
	sb->capacity = MAXIMUM(capacity, 1);
}

void
sb_free(struct scrollback *sb)
{
	sb_clear(sb);
	free(sb->lines);
	memset(sb, 0, sizeof *sb);
}

void
sb_add(struct scrollback *sb, const char *text, enum line_kind kind)
{
	struct sb_line	*l;
	size_t		 n;

	if (sb->count == sb->allocated && sb->allocated < sb->capacity) {
		n = MINIMUM(MAXIMUM(sb->allocated * 2, 16), sb->capacity);
		sb->lines = xreallocarray(sb->lines, n, sizeof *sb->lines);
		memset(sb->lines + sb->allocated, 0,
		    (n - sb->allocated) * sizeof *sb->lines);
		sb->allocated = n;
	}
	if (sb->count == sb->capacity) {
		l = line_at(sb, 0);
		free(l->text);
		l->text = NULL;
		sb->first = (sb->first + 1) % sb->capacity;
		sb->count--;
	}
	l = line_at(sb, sb->count);
	l->text = xstrdup(text);
	l->kind = kind;
	sb->count++;
	sb->added++;
	if (sb_scrolled(sb)) {
		sb->unread++;
		/* The pane's bottom line stays, unless it was just dropped. */
		if (sb->offset + 1 < sb->count)
			sb->offset++;
		else
			sb->hidden = 0;
	}
}

const struct sb_line *
sb_get(const struct scrollback *sb, size_t i)
{
	if (i >= sb->count)
		return NULL;
	return line_at(sb, i);
}

int
sb_scrolled(const struct scrollback *sb)
{
	return sb->offset > 0 || sb->hidden > 0;
}

/* The line at the bottom of the pane. */
static size_t
bottom_line(const struct scrollback *sb)
{
	return sb->count - 1 - sb->offset;
}

/* The rows of line I: one at least. */
static size_t
rows_of(const struct scrollback *sb, size_t i, sb_rows_fn *line_rows)
{
	size_t	rows = line_rows(line_at(sb, i)->text);

	return rows > 0 ? rows : 1;
}

/* Rows of the bottom line below the pane: fewer than the line has. */
static void
settle(struct scrollback *sb, sb_rows_fn *line_rows)
{
	size_t	rows;

	if (sb->count == 0) {
		sb->offset = sb->hidden = 0;
		return;
	}
	sb->offset = MINIMUM(sb->offset, sb->count - 1);
	rows = rows_of(sb, bottom_line(sb), line_rows);
	sb->hidden = MINIMUM(sb->hidden, rows - 1);
}

/* N rows back; the oldest line's first row at the bottom at the most. */
static void
back(struct scrollback *sb, unsigned long n, sb_rows_fn *line_rows)
{
	size_t	shown;

	while (n > 0) {
		/* The bottom line's rows in the pane and above it. */
		shown = rows_of(sb, bottom_line(sb), line_rows) - sb->hidden;
		if (n < shown) {
			sb->hidden += n;
			return;
		}
		if (bottom_line(sb) == 0) {
			sb->hidden += shown - 1;
			return;
		}
		n -= shown;
		sb->offset++;
		sb->hidden = 0;
	}
}

/* N rows forward; the newest row at the bottom at the most. */
static void
forward(struct scrollback *sb, unsigned long n, sb_rows_fn *line_rows)
{
	while (n > 0) {
		if (n <= sb->hidden) {
			sb->hidden -= n;
			return;
		}
		n -= sb->hidden;
		if (sb->offset == 0) {
			sb->hidden = 0;
			return;
		}
		/* The next line's first row comes in. */
		sb->offset--;
		sb->hidden = rows_of(sb, bottom_line(sb), line_rows) - 1;
		n--;
	}
}

void
sb_fit(struct scrollback *sb, size_t rows, sb_rows_fn *line_rows)
{
	size_t	i, above;

	settle(sb, line_rows);
	if (sb_scrolled(sb)) {
		/* The rows from the oldest line's first to the pane's bottom. */
		i = bottom_line(sb);
		above = rows_of(sb, i, line_rows) - sb->hidden;
		while (above < rows && i-- > 0)
			above += rows_of(sb, i, line_rows);
		if (above < rows)
			forward(sb, rows - above, line_rows);
	}
	if (!sb_scrolled(sb))
		sb->unread = 0;
}

void
sb_scroll(struct scrollback *sb, long n, size_t rows, sb_rows_fn *line_rows)
{
	settle(sb, line_rows);
	if (sb->count == 0)
		return;
	if (n < 0)
		forward(sb, -(unsigned long)n, line_rows);
	else
		back(sb, (unsigned long)n, line_rows);
	sb_fit(sb, rows, line_rows);
}

void
sb_bottom(struct scrollback *sb)
{
	sb->offset = 0;
	sb->hidden = 0;
	sb->unread = 0;
}

void
sb_clear(struct scrollback *sb)
{
	size_t	i;

	for (i = 0; i < sb->count; i++) {
		free(line_at(sb, i)->text);
		line_at(sb, i)->text = NULL;
	}
	sb->first = 0;
	sb->count = 0;
	sb->offset = 0;
	sb->hidden = 0;
	sb->unread = 0;
}
