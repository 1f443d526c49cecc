/*
 * scrollback.c: the message pane's lines in a ring that frees the oldest
 * when full, and how far back the pane is scrolled. New lines while
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

/* The furthest back the pane can be: the oldest line at the bottom. */
static size_t
max_offset(const struct scrollback *sb)
{
	return sb->count > 0 ? sb->count - 1 : 0;
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
		l = &sb->lines[sb->first];
		free(l->text);
		l->text = NULL;
		sb->first = (sb->first + 1) % sb->capacity;
		sb->count--;
	}
	l = &sb->lines[(sb->first + sb->count) % sb->capacity];
	l->text = xstrdup(text);
	l->kind = kind;
	sb->count++;
	sb->added++;
	if (sb->offset > 0) {
		sb->unread++;
		/* Past the oldest line only when that line was just dropped. */
		sb->offset = MINIMUM(sb->offset + 1, max_offset(sb));
	}
}

const struct sb_line *
sb_get(const struct scrollback *sb, size_t i)
{
	if (i >= sb->count)
		return NULL;
	return &sb->lines[(sb->first + i) % sb->capacity];
}

void
sb_scroll(struct scrollback *sb, long n)
{
	unsigned long	d;
	size_t		max = max_offset(sb);

	if (n < 0) {
		d = -(unsigned long)n;
		sb->offset = d >= sb->offset ? 0 : sb->offset - d;
	} else {
		d = (unsigned long)n;
		sb->offset = d >= max - MINIMUM(sb->offset, max) ? max :
		    sb->offset + d;
	}
	if (sb->offset == 0)
		sb->unread = 0;
}

void
sb_bottom(struct scrollback *sb)
{
	sb->offset = 0;
	sb->unread = 0;
}

void
sb_clear(struct scrollback *sb)
{
	size_t	i;

	for (i = 0; i < sb->count; i++) {
		free(sb->lines[(sb->first + i) % sb->capacity].text);
		sb->lines[(sb->first + i) % sb->capacity].text = NULL;
	}
	sb->first = 0;
	sb->count = 0;
	sb->offset = 0;
	sb->unread = 0;
}
