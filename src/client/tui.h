/*
 * tui.h: the full-screen view: the message pane, the status bar and the
 * input line, drawn with ncursesw from the client's models.
 */
#ifndef TSCHAT_TUI_H
#define TSCHAT_TUI_H

#include "editor.h"
#include "scrollback.h"

struct tui_view {
	const struct scrollback	*sb;
	struct editor		*ed;
	const char		*where;		/* "host:port tcp" */
	const char		*state;		/* "connected", ... */
	const char		*nick;
	const char		*window;	/* "2:#dev", or NULL */
	const char		*activity;	/* "[Act: 3,4!]", or "" */
	const char		*prompt;	/* before the input, or NULL */
	/* The member list (F2), when shown: NMEMBERS names, sanitised. */
	size_t			 nmembers;
	const char		*(*member)(const void *arg, size_t i);
	const void		*member_arg;
};

/* Open the screen; COLOR 0 for none. */
/* Whether $TERM names a terminal the screen can be drawn on. */
int	tui_usable(void);
void	tui_init(int color);
void	tui_end(void);

/* The terminal may have changed size: take its size again. */
void	tui_resize(void);

/* Ring the terminal's bell. */
void	tui_bell(void);

/* The next draw repaints the whole terminal (C-l). */
void	tui_repaint(void);

/* Draw everything; one refresh. */
void	tui_draw(const struct tui_view *);

/* Rows of the message pane, for paging. */
int	tui_pane_rows(void);

/* The rows of the pane line TEXT takes, wrapped (an sb_rows_fn). */
size_t	tui_line_rows(const char *text);

/*
 * Show or hide the member list on the right (F2); the pane narrows. A
 * terminal too narrow for both keeps the pane whole.
 */
void	tui_show_members(int);
int	tui_members_shown(void);

#endif
