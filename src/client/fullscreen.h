/*
 * fullscreen.h: the full-screen client: its state, shared by the code that
 * binds keys to what they do (keybind.c) and the code that handles the
 * rest (fullscreen.c).
 */
#ifndef TSCHAT_FULLSCREEN_H
#define TSCHAT_FULLSCREEN_H

#include <stdio.h>

#include "cliconf.h"
#include "complete.h"
#include "conn.h"
#include "editor.h"
#include EV_HEADER
#include "histfile.h"
#include "history.h"
#include "keydecode.h"
#include "scrollback.h"
#include "trust.h"
#include "windows.h"

#define PASTE_CONFIRM_LINES	5
#define PASTE_MAX_BYTES		(1024 * 1024)
#define TAB_STOP		8
/* "N:NAME" in the status bar: a number and a room or nick at its longest. */
#define WINDOW_LABEL_MAX	(16 + 4 * 33)
/* The longest text C-r looks for, give or take a character. */
#define SEARCH_MAX_BYTES	200

enum mode {
	MODE_EDIT,
	MODE_SEARCH,		/* C-r */
	MODE_CONFIRM,		/* send a long paste? */
	MODE_TRUST,		/* trust the server's key, and remember it? */
};

struct fullscreen {
	struct ev_loop		*loop;
	const struct cliconf	*conf;
	struct conn		 conn;
	struct windows		 win;
	struct editor		 ed;
	struct history		 hist;
	struct histfile		 hfile;		/* hist across runs */
	struct complete		 comp;
	FILE			*log;		/* --log, until it fails */
	int			 log_errno;	/* why it failed, or 0 */

	char			*me;		/* our nick, as the server says */
	char			 where[300];
	char			 state[128];
	char			 prompt[256];

	enum mode		 mode;
	struct keydecode	 keys;		/* bytes from the terminal */
	int			 pasting;
	char			*paste;		/* pasted text, UTF-8 */
	size_t			 paste_len;

	char			*search;	/* C-r: the text looked for */
	char			*search_saved;	/* the line before C-r */
	size_t			 search_from;

	char			*comp_prefix;	/* Tab: what was completed */
	size_t			 comp_start, comp_n;
	int			 comp_active;

	int			 dirty;
	int			 quit;
	int			 was_up;	/* connected, and not since gone */
	char			*known_hosts;	/* TLS: its path, or NULL */
	struct trust_case	 trust;		/* MODE_TRUST: the key asked about */

	ev_io			 key_w;
	ev_timer		 esc_w;		/* a lone ESC is Escape */
	ev_signal		 winch_w;
	ev_signal		 term_w;
	ev_signal		 hup_w;
	ev_prepare		 draw_w;
	ev_timer		 tick_w;
};

/* Run until the user leaves; return the exit status. */
int	fullscreen_run(const struct cliconf *);

/* MODE_TRUST's answer: YES, the key is trusted and remembered. */
void	fullscreen_trust(struct fullscreen *, int yes);

/* A line from tschat itself, in the pane. */
void	fullscreen_say(struct fullscreen *, const char *, ...)
	    PRINTFLIKE(2, 3);
/* LINE was typed and sent: keep it for Up, C-r and the next runs. */
void	fullscreen_remember(struct fullscreen *, const char *line);
/* Leave: the loop ends. */
void	fullscreen_quit(struct fullscreen *);

/* What key K does (keybind.c). */
void	keybind_key(struct fullscreen *, const struct key *k);
/*
 * A question of the program's own comes: end a search (the line found
 * stays) and drop a paste waiting for its answer (keybind.c).
 */
void	keybind_interrupt(struct fullscreen *);

#endif
