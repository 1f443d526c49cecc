/*
 * history.c: the lines sent, in a ring that drops the oldest, browsed with
 * Up and Down (the line being typed kept aside as a draft meanwhile) and
 * searched backwards for C-r.
 */
#include "common.h"

#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "xmalloc.h"

/* Line I, 0 the oldest. */
static char *
line_at(const struct history *h, size_t i)
{
	return h->lines[(h->first + i) % HISTORY_MAX_LINES];
}

void
history_init(struct history *h)
{
	memset(h, 0, sizeof *h);
	h->lines = xcalloc(HISTORY_MAX_LINES, sizeof *h->lines);
}

void
history_free(struct history *h)
{
	size_t	i;

	for (i = 0; i < h->count; i++)
		free(line_at(h, i));
	free(h->lines);
	free(h->draft);
	memset(h, 0, sizeof *h);
}

void
history_reset(struct history *h)
{
	free(h->draft);
	h->draft = NULL;
	h->pos = h->count;
}

const char *
history_line(const struct history *h, size_t i)
{
	return line_at(h, i);
}

int
history_add(struct history *h, const char *line)
{
	history_reset(h);
	if (*line == '\0')
		return 0;
	if (h->count > 0 && strcmp(line_at(h, h->count - 1), line) == 0)
		return 0;
	if (h->count == HISTORY_MAX_LINES) {
		free(h->lines[h->first]);
		h->lines[h->first] = NULL;
		h->first = (h->first + 1) % HISTORY_MAX_LINES;
		h->count--;
	}
	h->lines[(h->first + h->count) % HISTORY_MAX_LINES] = xstrdup(line);
	h->count++;
	h->pos = h->count;
	return 1;
}

const char *
history_up(struct history *h, const char *current)
{
	char	*draft;

	if (h->pos == 0 || h->count == 0)
		return NULL;
	if (h->pos >= h->count) {
		/* Copy before freeing: CURRENT may be the old draft. */
		draft = xstrdup(current != NULL ? current : "");
		free(h->draft);
		h->draft = draft;
		h->pos = h->count;
	}
	h->pos--;
	return line_at(h, h->pos);
}

const char *
history_down(struct history *h)
{
	if (h->pos >= h->count)
		return NULL;
	h->pos++;
	if (h->pos == h->count)
		return h->draft != NULL ? h->draft : "";
	return line_at(h, h->pos);
}

const char *
history_search(const struct history *h, const char *needle, size_t *from)
{
	size_t	i = MINIMUM(*from, h->count);

	while (i-- > 0) {
		if (strstr(line_at(h, i), needle) != NULL) {
			*from = i;
			return line_at(h, i);
		}
	}
	return NULL;
}
