/*
 * scrollback.h: the message pane's lines: a bounded ring of received lines
 * (already made safe for the terminal), each with its kind for colour,
 * and the scroll position, which moves by the pane's rows: a line may
 * wrap onto several. The ring grows with its lines up to its capacity, so
 * that a window with a few lines costs a few lines.
 */
#ifndef TSCHAT_SCROLLBACK_H
#define TSCHAT_SCROLLBACK_H

#include <stddef.h>

enum line_kind {
	LINE_NORMAL,
	LINE_NOTICE,		/* "*** " from the server */
	LINE_OWN,		/* what the user said */
	LINE_MENTION,		/* mentions the user's nick */
	LINE_CLIENT,		/* from tschat itself: connection state */
	LINE_HISTORY,		/* said before the user joined: dimmed */
};

struct sb_line {
	char		*text;		/* safe UTF-8, terminated */
	enum line_kind	 kind;
};

struct scrollback {
	struct sb_line	*lines;		/* ring of capacity entries */
	size_t		 capacity;
	size_t		 allocated;	/* of lines; capacity once full */
	size_t		 first;		/* oldest */
	size_t		 count;
	size_t		 offset;	/* lines below the pane's bottom line */
	size_t		 hidden;	/* rows of that line below the pane */
	size_t		 unread;	/* added while scrolled back */
	size_t		 added;		/* lines ever added; sb_clear keeps it */
};

/* The rows a line takes in the pane, as the view wraps it. */
typedef size_t sb_rows_fn(const char *text);

void	sb_init(struct scrollback *, size_t capacity);
void	sb_free(struct scrollback *);

/*
 * Add a line (copied); the oldest goes when full. The line is the
 * (added - 1)-th ever added: line added - count is the oldest there is.
 */
void	sb_add(struct scrollback *, const char *text, enum line_kind);

/* Line I, 0 the oldest; NULL past the end. */
const struct sb_line *sb_get(const struct scrollback *, size_t i);

/* Whether the pane is scrolled back from the newest row. */
int	sb_scrolled(const struct scrollback *);

/*
 * Scroll back (N > 0) or forward by N rows of a pane ROWS high whose
 * lines take LINE_ROWS rows each: never past the newest row at the
 * bottom, nor further back than the oldest line's first row at the top.
 */
void	sb_scroll(struct scrollback *, long n, size_t rows,
	    sb_rows_fn *line_rows);

/* Back within those bounds, after the pane or the lines changed. */
void	sb_fit(struct scrollback *, size_t rows, sb_rows_fn *line_rows);

void	sb_bottom(struct scrollback *);
void	sb_clear(struct scrollback *);

#endif
