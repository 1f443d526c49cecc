/*
 * scrollback.h: the message pane's lines: a bounded ring of received lines
 * (already made safe for the terminal), each with its kind for colour,
 * and the scroll position. The ring grows with its lines up to its
 * capacity, so that a window with a few lines costs a few lines.
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
	size_t		 offset;	/* lines scrolled back from the bottom */
	size_t		 unread;	/* added while scrolled back */
	size_t		 added;		/* lines ever added; sb_clear keeps it */
};

void	sb_init(struct scrollback *, size_t capacity);
void	sb_free(struct scrollback *);

/*
 * Add a line (copied); the oldest goes when full. The line is the
 * (added - 1)-th ever added: line added - count is the oldest there is.
 */
void	sb_add(struct scrollback *, const char *text, enum line_kind);

/* Line I, 0 the oldest; NULL past the end. */
const struct sb_line *sb_get(const struct scrollback *, size_t i);

/* Scroll back (positive) or forward by N lines, within what there is. */
void	sb_scroll(struct scrollback *, long n);
void	sb_bottom(struct scrollback *);
void	sb_clear(struct scrollback *);

#endif
