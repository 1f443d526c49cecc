/*
 * history.h: the lines sent, for Up and Down and C-r reverse search.
 */
#ifndef TSCHAT_HISTORY_H
#define TSCHAT_HISTORY_H

#include <stddef.h>

#define HISTORY_MAX_LINES	1000

struct history {
	char	**lines;	/* oldest first; a ring of HISTORY_MAX_LINES */
	size_t	  first;	/* index of the oldest in the ring */
	size_t	  count;
	size_t	  pos;		/* browsing: count means "the new line" */
	char	 *draft;	/* what was typed before browsing */
};

void	history_init(struct history *);
void	history_free(struct history *);

/*
 * Add LINE unless it is empty or the same as the last one: 1 if it was
 * added, else 0. Browsing stops either way.
 */
int	history_add(struct history *, const char *line);

/* Line I, 0 the oldest, I below count. */
const char *history_line(const struct history *, size_t i);

/*
 * Browse: Up returns the previous line, Down the next one; at the bottom
 * Down returns the draft saved when browsing began (CURRENT, the text in
 * the editor then). NULL when there is nowhere to go.
 */
const char *history_up(struct history *, const char *current);
const char *history_down(struct history *);

/* Stop browsing (a line was sent or edited away). */
void	history_reset(struct history *);

/*
 * Reverse search: the newest line before index *FROM (count: from the
 * newest) that contains NEEDLE; sets *FROM to its index. NULL if none.
 */
const char *history_search(const struct history *, const char *needle,
	    size_t *from);

#endif
