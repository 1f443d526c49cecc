/*
 * windows.h: the full-screen client's windows, as irssi keeps them:
 * window 1 the lobby, then one window per room and one per private
 * conversation, each with its own pane. Which window a line from the
 * server goes to and how it shows, unread activity, moving between
 * windows, what typed text is sent as, and each room's members. Pure: the
 * caller feeds it lines and keys, sends what it forms and draws the rest.
 */
#ifndef TSCHAT_WINDOWS_H
#define TSCHAT_WINDOWS_H

#include <stddef.h>

#include "namemap.h"
#include "scrollback.h"

/*
 * Windows at most, each with a pane of up to its capacity: beyond it,
 * lines of new rooms and private messages from new nicks go to window 1.
 */
#define WINDOWS_MAX		100
/* The nicks kept for one room, and the rooms kept from /rooms. */
#define WINDOW_MEMBERS_MAX	65536
#define WINDOWS_ROOMS_MAX	10000
/* The client's own /who requests whose answers are still to come. */
#define WINDOWS_ASKED_MAX	32
/* The most lines windows_outgoing() makes of one typed line. */
#define WINDOWS_OUT_MAX		2

enum window_kind {
	WINDOW_LOBBY,		/* window 1, "#lobby" */
	WINDOW_ROOM,		/* "#dev" */
	WINDOW_QUERY,		/* a private conversation, named by the nick */
};

enum window_activity {
	WINDOW_QUIET,
	WINDOW_UNREAD,		/* lines came since it was last shown */
	WINDOW_HOT,		/* among them a mention or a private message */
};

/* The lines a window held when a replay began (windows.c). */
struct window_seen;

/* Names (nicks, rooms), sorted with ASCII case ignored, or being read. */
struct window_names {
	char			**v;
	size_t			  n, size;
};

/* The caller reads the first fields; the rest is the model's. */
struct window {
	enum window_kind	 kind;
	unsigned int		 number;	/* from 1 */
	const char		*name;		/* "#lobby", "#dev", "alice" */
	struct scrollback	 sb;
	enum window_activity	 activity;
	/* Lobby and rooms: the user's own join notice came. */
	int			 joined;

	char			*name_buf;
	struct namemap_entry	 entry;		/* in windows.names */
	struct window_names	 members;
	/* sb.added when the connection went: lines before it may come again. */
	size_t			 replay_from;
	struct window_seen	*seen;		/* while they do */
};

/* A /who answer being read: its header named the room and a count. */
struct windows_who {
	int			 open;
	struct window		*window;	/* NULL: a room without one */
	int			 quiet;		/* the client's: not shown */
	unsigned long		 left;		/* nicks still to come */
	struct window_names	 nicks;		/* in the order they came */
};

struct windows {
	struct window		**list;		/* window N is list[N - 1] */
	size_t			  count, size;
	struct window		 *current;	/* on screen */
	struct window		 *previous;	/* shown before current */
	/* The room a plain line goes to on the server: its current room. */
	struct window		 *server_room;
	size_t			  capacity;	/* of each pane */
	struct namemap		  names;
	/* The user's nick as the server last told it; NULL before. */
	char			 *me;
	/* A /join the user typed, whose window is shown when confirmed. */
	char			 *joining;
	struct windows_who	  who;
	char			 *asked[WINDOWS_ASKED_MAX];	/* a ring */
	size_t			  asked_first, nasked;
	struct window_names	  rooms;	/* the last /rooms answer's */
	char			 *act;
	size_t			  act_size;
};

/* What windows_route() did with a line. */
struct window_route {
	/*
	 * Where the line went; NULL: it was a replayed line the window
	 * holds already, or part of the answer to windows_ask_members().
	 */
	struct window		*window;
	enum line_kind		 kind;
	int			 pm;		/* a private message */
	int			 mention;	/* of the user's nick */
	int			 bell;		/* ring: either, elsewhere */
	/*
	 * The user's own join notice came for this window (the lobby's at
	 * connect too): its member list is the user alone until the
	 * answer to windows_ask_members() fills it.
	 */
	struct window		*joined;
	/*
	 * The server confirmed the user's join of this room (its own join
	 * notice, or "#dev is your current room"): it is the server's
	 * current room now. If the user typed that /join (it went through
	 * windows_outgoing()), the window is shown now as well.
	 */
	struct window		*confirmed;
	/* The number a window had that closed: the user left its room. */
	unsigned int		 closed;
	/* The user's nick changed (the server named it): windows.me. */
	const char		*nick;
};

/* Window 1, the lobby, current; panes of CAPACITY lines each. */
void	windows_init(struct windows *, size_t capacity);
void	windows_free(struct windows *);

/*
 * Route LINE, one line from the server without its "\n", as the pane is
 * to show it (sanitised: the forms looked for are ASCII, which
 * sanitising keeps): add it to its window's pane (opening the window if
 * need be) and say where and how in *R.
 *
 * "[STAMP] #dev ..." goes to #dev's window, "[STAMP] [PM from bob] ..."
 * and "[PM to bob]" to bob's; untagged lines and the lobby's join, leave
 * and nick notices to window 1; other untagged notices (errors, /who,
 * /rooms) to the current window, as answers to what the user just did.
 * Room lines before the user's own join notice are history; one that the
 * window already held before the connection went (a reconnect's replay)
 * is dropped. Until the lobby's join notice names the user on a
 * connection, everything is window 1's: an echo server sends none.
 */
void	windows_route(struct windows *, const char *line,
	    struct window_route *r);

/*
 * The connection is gone: every room is to be joined again, and what the
 * server replays until then is history; the server's current room is the
 * lobby. Windows and their lines stay. The caller sends "/join #dev" for
 * each room's window once connected again.
 */
void	windows_disconnected(struct windows *);

/* Window N (from 1), or NULL. */
struct window *windows_get(const struct windows *, unsigned int n);
/* The window of the room "#dev" or of the nick "bob", ASCII case ignored. */
struct window *windows_find(const struct windows *, const char *name,
	    size_t len);

/*
 * Show window N (Alt-1 ... Alt-9, Alt-0 for 10): 0, or -1 if there is
 * none. Showing a window clears its activity.
 */
int	windows_show(struct windows *, unsigned int n);
/* The next and the previous window (C-n, C-p), wrapping. */
void	windows_next(struct windows *);
void	windows_prev(struct windows *);
/*
 * Alt-a: the lowest-numbered hot window, else the lowest-numbered with
 * unread lines: 0, or -1 if none has any (the current one stays).
 */
int	windows_next_active(struct windows *);

/*
 * /query NICK: show NICK's conversation, opened if need be; nothing is
 * sent. NULL if NICK cannot be a nick, or there are WINDOWS_MAX windows.
 */
struct window *windows_query(struct windows *, const char *nick, size_t len);

/*
 * /close: close window N, a conversation, or a room the user is not in;
 * later windows are renumbered down. -1 for window 1 and for a room the
 * user is in (it closes when the server confirms a /part).
 */
int	windows_close(struct windows *, unsigned int n);

/*
 * The lines to send for TEXT (LEN bytes) typed in the current window,
 * into OUT, each to free(); their number, 0 if there is nothing to send.
 * In the window of the server's current room, TEXT as it is; in another
 * window "/msg TARGET TEXT" ("//x", the literal "/x", as "/msg TARGET
 * /x"). A line starting with "/" is a command and goes as it is, but so
 * that it acts where it was typed: /part and /who without a room are
 * given the window's room; /me in another room's window first makes that
 * room current ("/join #dev", then the /me), and in a conversation goes
 * as "/msg NICK * ME ACTION". The client's own commands (/close, /query,
 * /clear, /quit) are the caller's to take first.
 */
size_t	windows_outgoing(struct windows *, const char *text, size_t len,
	    char *out[WINDOWS_OUT_MAX]);

/*
 * The line that asks the server for W's members ("/who #dev"), to send
 * and free(), e.g. after R->joined; its answer fills the member list and
 * shows nowhere. NULL for a conversation, or with too many asked.
 */
char	*windows_ask_members(struct windows *, const struct window *w);

/*
 * The status bar's list of the other windows with unread lines, in
 * number order, a hot one (a mention, a private message) with a "!":
 * "[Act: 2,4!,7]". "" when none has any. Valid until the next call.
 */
const char *windows_activity(struct windows *);

/* W's members, ASCII case ignored in order: I from 0; NULL past the end. */
size_t	window_member_count(const struct window *);
const char *window_member(const struct window *, size_t i);

/*
 * The rooms for Tab completion: the open rooms' windows in number order,
 * then the other rooms the last /rooms answer named, in name order.
 */
void	windows_each_room(const struct windows *,
	    void (*fn)(const char *name, void *arg), void *arg);

#endif
