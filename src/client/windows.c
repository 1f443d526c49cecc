/*
 * windows.c: the client's windows and where the server's lines go. A line
 * is read by its form after the stamp: a room's tag, "[PM from/to NICK]",
 * a notice, or a lobby line. The user's own notices (its join, its part,
 * its nick change) move the model; the rest is added to a pane.
 *
 * A reconnect replays each room's history on its join: the lines a window
 * held when the connection went are hashed when its replay begins, and a
 * replayed line that matches one of them (by its exact text, stamp
 * included) is dropped; each held line matches once.
 */
#include "common.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "hmap.h"
#include "nick.h"
#include "windows.h"
#include "xmalloc.h"

#define LOBBY_NAME	"#lobby"

/* A line the window held when the connection went. */
struct seen_line {
	struct hmap_entry	 entry;		/* by its text's hash */
	size_t			 line;		/* its number in sb.added */
};

struct window_seen {
	struct hmap		 map;
	struct seen_line	*lines;
};

static unsigned char
fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A before B (negative), the same name (0), or after; ASCII case ignored. */
static int
name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t	i;
	int	d;

	for (i = 0; i < alen && i < blen; i++) {
		if ((d = fold((unsigned char)a[i]) - fold((unsigned char)b[i]))
		    != 0)
			return d;
	}
	return alen < blen ? -1 : alen > blen;
}

static int
name_qcmp(const void *a, const void *b)
{
	const char	*sa = *(char *const *)a, *sb = *(char *const *)b;

	return name_cmp(sa, strlen(sa), sb, strlen(sb));
}

/* The bytes of S before its first space. */
static size_t
word_len(const char *s)
{
	return strcspn(s, " ");
}

/* Where NAME is in the sorted names, or would go: 1 if it is there. */
static int
names_find(const struct window_names *l, const char *name, size_t len,
    size_t *pos)
{
	size_t	lo = 0, hi = l->n, mid;
	int	d;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		d = name_cmp(l->v[mid], strlen(l->v[mid]), name, len);
		if (d == 0) {
			*pos = mid;
			return 1;
		}
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return 0;
}

static void
names_insert(struct window_names *l, size_t pos, const char *name,
    size_t len)
{
	if (l->n == l->size) {
		l->size = l->size == 0 ? 8 : l->size * 2;
		l->v = xreallocarray(l->v, l->size, sizeof *l->v);
	}
	memmove(l->v + pos + 1, l->v + pos, (l->n - pos) * sizeof *l->v);
	l->v[pos] = xstrndup(name, len);
	l->n++;
}

/* Add NAME to the sorted names, unless it is there or MAX are. */
static void
names_add(struct window_names *l, size_t max, const char *name, size_t len)
{
	size_t	pos;

	if (l->n < max && !names_find(l, name, len, &pos))
		names_insert(l, pos, name, len);
}

/* Take NAME out of the sorted names: 1 if it was there. */
static int
names_remove(struct window_names *l, const char *name, size_t len)
{
	size_t	pos;

	if (!names_find(l, name, len, &pos))
		return 0;
	free(l->v[pos]);
	memmove(l->v + pos, l->v + pos + 1, (l->n - pos - 1) * sizeof *l->v);
	l->n--;
	return 1;
}

/* Free the names; the list is empty and keeps its array. */
static void
names_clear(struct window_names *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

static void
names_free(struct window_names *l)
{
	names_clear(l);
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* Names read in any order, sorted, each once. */
static void
names_sort(struct window_names *l)
{
	size_t	i, o = 0;

	if (l->n == 0)
		return;
	qsort(l->v, l->n, sizeof *l->v, name_qcmp);
	for (i = 1; i < l->n; i++) {
		if (name_qcmp(&l->v[o], &l->v[i]) == 0)
			free(l->v[i]);
		else
			l->v[++o] = l->v[i];
	}
	l->n = o + 1;
}

static struct window *
lobby(const struct windows *ws)
{
	return ws->list[0];
}

static int
is_me(const struct windows *ws, const char *nick, size_t len)
{
	return ws->me != NULL && namemap_equal(ws->me, strlen(ws->me), nick,
	    len);
}

static void
seen_free(struct window *w)
{
	if (w->seen == NULL)
		return;
	hmap_free(&w->seen->map);
	free(w->seen->lines);
	free(w->seen);
	w->seen = NULL;
}

/* The lines W held when the connection went and holds still, by hash. */
static void
seen_build(struct window *w)
{
	struct window_seen	*s;
	const struct sb_line	*l;
	size_t			 oldest = w->sb.added - w->sb.count, i, n;

	if (w->seen != NULL || w->replay_from <= oldest)
		return;
	n = w->replay_from - oldest;
	s = xcalloc(1, sizeof *s);
	hmap_init(&s->map);
	s->lines = xcalloc(n, sizeof *s->lines);
	for (i = 0; i < n; i++) {
		l = sb_get(&w->sb, i);
		s->lines[i].line = oldest + i;
		hmap_insert(&s->map, &s->lines[i].entry, hmap_hash(&s->map,
		    l->text, strlen(l->text)));
	}
	w->seen = s;
}

/* Whether W held LINE when the connection went: each held line once. */
static int
seen_take(struct window *w, const char *line)
{
	struct hmap_entry	*e;
	struct seen_line	*s;
	size_t			 oldest = w->sb.added - w->sb.count;
	uint64_t		 h;

	seen_build(w);
	if (w->seen == NULL)
		return 0;
	h = hmap_hash(&w->seen->map, line, strlen(line));
	for (e = hmap_first(&w->seen->map, h); e != NULL; e = hmap_next(e, h)) {
		s = container_of(e, struct seen_line, entry);
		/* Gone from the pane since (full, or cleared): not held. */
		if (s->line < oldest)
			continue;
		if (strcmp(sb_get(&w->sb, s->line - oldest)->text, line) == 0) {
			hmap_remove(&w->seen->map, e);
			return 1;
		}
	}
	return 0;
}

static void
set_name(struct windows *ws, struct window *w, const char *name, size_t len)
{
	if (w->name_buf != NULL)
		namemap_remove(&ws->names, &w->entry);
	free(w->name_buf);
	w->name_buf = xstrndup(name, len);
	w->name = w->name_buf;
	w->entry.name = w->name_buf;
	w->entry.len = len;
	namemap_insert(&ws->names, &w->entry);
}

/* A new last window named NAME, which none has; NULL past WINDOWS_MAX. */
static struct window *
window_open(struct windows *ws, enum window_kind kind, const char *name,
    size_t len)
{
	struct window	*w;

	if (ws->count >= WINDOWS_MAX)
		return NULL;
	if (ws->count == ws->size) {
		ws->size = ws->size == 0 ? 8 : ws->size * 2;
		ws->list = xreallocarray(ws->list, ws->size, sizeof *ws->list);
	}
	w = xcalloc(1, sizeof *w);
	w->kind = kind;
	set_name(ws, w, name, len);
	sb_init(&w->sb, ws->capacity);
	ws->list[ws->count++] = w;
	w->number = ws->count;
	return w;
}

static void
window_free(struct window *w)
{
	sb_free(&w->sb);
	names_free(&w->members);
	seen_free(w);
	free(w->name_buf);
	free(w);
}

static void
show(struct windows *ws, struct window *w)
{
	if (w != ws->current) {
		ws->previous = ws->current;
		ws->current = w;
	}
	w->activity = WINDOW_QUIET;
}

/* Close W, not window 1; the one shown before it is shown if it was. */
static void
window_close(struct windows *ws, struct window *w)
{
	size_t	i = w->number - 1;

	memmove(ws->list + i, ws->list + i + 1,
	    (ws->count - i - 1) * sizeof *ws->list);
	ws->count--;
	for (; i < ws->count; i++)
		ws->list[i]->number = i + 1;
	namemap_remove(&ws->names, &w->entry);
	if (ws->previous == w)
		ws->previous = NULL;
	if (ws->server_room == w)
		ws->server_room = lobby(ws);
	if (ws->who.window == w)
		ws->who.window = NULL;
	if (ws->current == w) {
		ws->current = ws->previous != NULL ? ws->previous :
		    ws->list[w->number - 2];
		ws->previous = NULL;
		ws->current->activity = WINDOW_QUIET;
	}
	window_free(w);
}

void
windows_init(struct windows *ws, size_t capacity)
{
	memset(ws, 0, sizeof *ws);
	ws->capacity = capacity;
	namemap_init(&ws->names);
	ws->current = window_open(ws, WINDOW_LOBBY, LOBBY_NAME,
	    sizeof LOBBY_NAME - 1);
	ws->server_room = ws->current;
}

static void
asked_clear(struct windows *ws)
{
	for (; ws->nasked > 0; ws->nasked--) {
		free(ws->asked[ws->asked_first]);
		ws->asked_first = (ws->asked_first + 1) % WINDOWS_ASKED_MAX;
	}
}

static void
who_clear(struct windows *ws)
{
	names_free(&ws->who.nicks);
	memset(&ws->who, 0, sizeof ws->who);
}

void
windows_free(struct windows *ws)
{
	size_t	i;

	for (i = 0; i < ws->count; i++)
		window_free(ws->list[i]);
	free(ws->list);
	namemap_free(&ws->names);
	free(ws->me);
	free(ws->joining);
	who_clear(ws);
	asked_clear(ws);
	names_free(&ws->rooms);
	free(ws->act);
	memset(ws, 0, sizeof *ws);
}

struct window *
windows_get(const struct windows *ws, unsigned int n)
{
	return n >= 1 && n <= ws->count ? ws->list[n - 1] : NULL;
}

struct window *
windows_find(const struct windows *ws, const char *name, size_t len)
{
	struct namemap_entry	*e = namemap_find(&ws->names, name, len);

	return e != NULL ? container_of(e, struct window, entry) : NULL;
}

/* The text after the stamp "[...] ", or the whole line. */
static const char *
after_stamp(const char *line)
{
	const char	*p;

	if (line[0] != '[' || (p = strchr(line, ']')) == NULL || p[1] != ' ')
		return line;
	return p + 2;
}

/* Whether S is "(N online)", the end of a join or leave notice. */
static int
online(const char *s)
{
	if (*s++ != '(' || !digit(*s))
		return 0;
	while (digit(*s))
		s++;
	return strcmp(s, " online)") == 0;
}

/* "NICK joined (N online)": the length of NICK, or 0. */
static size_t
is_join(const char *s)
{
	size_t	n = word_len(s);

	if (n == 0 || strncmp(s + n, " joined ", 8) != 0 || !online(s + n + 8))
		return 0;
	return n;
}

/* "NICK left (N online)" or "NICK left: REASON (N online)". */
static size_t
is_leave(const char *s)
{
	size_t		 n = word_len(s);
	const char	*p;

	if (n == 0)
		return 0;
	if (strncmp(s + n, " left ", 6) == 0 && online(s + n + 6))
		return n;
	if (strncmp(s + n, " left: ", 7) != 0 ||
	    (p = strrchr(s + n, '(')) == NULL || p[-1] != ' ' || !online(p))
		return 0;
	return n;
}

/* "OLD is now known as NEW": the length of OLD, or 0; *TO is NEW. */
static size_t
is_rename(const char *s, const char **to, size_t *tolen)
{
	static const char	 mid[] = " is now known as ";
	size_t			 n = word_len(s);

	if (n == 0 || strncmp(s + n, mid, sizeof mid - 1) != 0)
		return 0;
	*to = s + n + sizeof mid - 1;
	*tolen = strlen(*to);
	if (*tolen == 0 || word_len(*to) != *tolen)
		return 0;
	return n;
}

/*
 * Someone's words, "NICK: TEXT" or "* NICK ACTION": 1, with *FROM the
 * nick and *TEXT what was said; 0 for anything else.
 */
static int
said(const char *s, const char **from, size_t *fromlen, const char **text)
{
	size_t	n;

	if (s[0] == '*' && s[1] == ' ') {
		n = word_len(s + 2);
		if (n == 0 || s[2 + n] != ' ')
			return 0;
		*from = s + 2;
		*fromlen = n;
		*text = s + 3 + n;
		return 1;
	}
	n = word_len(s);
	if (n < 2 || s[n - 1] != ':')
		return 0;
	*from = s;
	*fromlen = n - 1;
	*text = s + n + (s[n] == ' ');
	return 1;
}

/* Whether C may be part of a word, a nick's letter: not a boundary. */
static int
wordy(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    digit((char)c) || c == '_' || c == '-' || c >= 0x80;
}

/* Whether TEXT names NICK as a word, ASCII case ignored. */
static int
mentions(const char *text, const char *nick)
{
	size_t		 n = strlen(nick), i;
	const char	*p;

	/* An address is not a nick anyone types. */
	if (n == 0 || strchr(nick, ':') != NULL)
		return 0;
	for (p = text; *p != '\0'; p++) {
		if (p > text && wordy((unsigned char)p[-1]))
			continue;
		for (i = 0; i < n && p[i] != '\0' &&
		    fold((unsigned char)p[i]) == fold((unsigned char)nick[i]);
		    i++)
			;
		if (i == n && !wordy((unsigned char)p[n]))
			return 1;
	}
	return 0;
}

/* Add LINE to W's pane; ACT is what it tells the user when W is not shown. */
static void
add(struct windows *ws, struct window *w, const char *line,
    enum line_kind kind, enum window_activity act, struct window_route *r)
{
	sb_add(&w->sb, line, kind);
	r->window = w;
	r->kind = kind;
	if (w == ws->current || act == WINDOW_QUIET)
		return;
	if (act == WINDOW_HOT) {
		w->activity = WINDOW_HOT;
		r->bell = 1;
	} else if (w->activity == WINDOW_QUIET)
		w->activity = WINDOW_UNREAD;
}

/* An answer to what the user did: to the window on screen. */
static void
answer(struct windows *ws, const char *line, struct window_route *r)
{
	/* A /join that failed is answered so; nothing is to be shown. */
	free(ws->joining);
	ws->joining = NULL;
	add(ws, ws->current, line, LINE_NOTICE, WINDOW_QUIET, r);
}

static void
set_me(struct windows *ws, const char *nick, size_t len,
    struct window_route *r)
{
	if (ws->me != NULL && strlen(ws->me) == len &&
	    memcmp(ws->me, nick, len) == 0)
		return;
	free(ws->me);
	ws->me = xstrndup(nick, len);
	r->nick = ws->me;
}

/* The server made W's room its current one; show W if the user asked. */
static void
confirm(struct windows *ws, struct window *w, struct window_route *r)
{
	ws->server_room = w;
	r->confirmed = w;
	if (ws->joining != NULL && namemap_equal(ws->joining,
	    strlen(ws->joining), w->name, strlen(w->name))) {
		free(ws->joining);
		ws->joining = NULL;
		show(ws, w);
	}
}

/* The user's own join notice came for W: what follows is live. */
static void
own_join(struct windows *ws, struct window *w, struct window_route *r)
{
	w->joined = 1;
	seen_free(w);
	names_clear(&w->members);
	names_add(&w->members, WINDOW_MEMBERS_MAX, ws->me, strlen(ws->me));
	r->joined = w;
	if (w->kind == WINDOW_ROOM)
		confirm(ws, w, r);
}

/* OLD is NEW now: in every room's members, and its conversation. */
static void
renamed(struct windows *ws, const char *old, size_t oldlen, const char *new,
    size_t newlen, struct window_route *r)
{
	struct window	*w;
	size_t		 i;

	for (i = 0; i < ws->count; i++) {
		w = ws->list[i];
		if (w->kind != WINDOW_QUERY &&
		    names_remove(&w->members, old, oldlen))
			names_add(&w->members, WINDOW_MEMBERS_MAX, new, newlen);
	}
	if ((w = windows_find(ws, old, oldlen)) != NULL &&
	    w->kind == WINDOW_QUERY && windows_find(ws, new, newlen) == NULL)
		set_name(ws, w, new, newlen);
	if (is_me(ws, old, oldlen))
		set_me(ws, new, newlen, r);
}

/* A notice of W's room (BODY after "*** "): joins, leaves, nick changes. */
static void
room_notice(struct windows *ws, struct window *w, const char *line,
    const char *body, struct window_route *r)
{
	enum window_activity	 act = WINDOW_UNREAD;
	const char		*to;
	size_t			 n, tolen;

	if ((n = is_join(body)) > 0) {
		if (is_me(ws, body, n)) {
			own_join(ws, w, r);
			act = WINDOW_QUIET;
		} else
			names_add(&w->members, WINDOW_MEMBERS_MAX, body, n);
	} else if ((n = is_leave(body)) > 0) {
		if (is_me(ws, body, n) && w->kind == WINDOW_ROOM) {
			/* Its own part: the window shown gets the notice. */
			r->closed = w->number;
			window_close(ws, w);
			add(ws, ws->current, line, LINE_NOTICE, WINDOW_QUIET,
			    r);
			return;
		}
		names_remove(&w->members, body, n);
	} else if ((n = is_rename(body, &to, &tolen)) > 0) {
		/* A room hears of the user's new nick after the lobby. */
		if (is_me(ws, body, n) || is_me(ws, to, tolen))
			act = WINDOW_QUIET;
		renamed(ws, body, n, to, tolen, r);
	}
	add(ws, w, line, LINE_NOTICE, act, r);
}

/* LINE, whose text after the stamp and tag is BODY, in W's room. */
static void
room_line(struct windows *ws, struct window *w, const char *line,
    const char *body, struct window_route *r)
{
	const char	*from, *text;
	size_t		 fromlen;

	if (strncmp(body, "*** ", 4) == 0) {
		room_notice(ws, w, line, body + 4, r);
		return;
	}
	if (!said(body, &from, &fromlen, &text)) {
		add(ws, w, line, LINE_NORMAL, WINDOW_UNREAD, r);
		return;
	}
	if (!w->joined) {
		/* History; after a reconnect, maybe shown already. */
		if (!seen_take(w, line))
			add(ws, w, line, LINE_HISTORY, WINDOW_UNREAD, r);
		return;
	}
	if (is_me(ws, from, fromlen))
		add(ws, w, line, LINE_OWN, WINDOW_QUIET, r);
	else if (ws->me != NULL && mentions(text, ws->me)) {
		r->mention = 1;
		add(ws, w, line, LINE_MENTION, WINDOW_HOT, r);
	} else
		add(ws, w, line, LINE_NORMAL, WINDOW_UNREAD, r);
}

/* "#dev ...": to #dev's window, opened if need be. */
static void
tagged(struct windows *ws, const char *line, const char *text,
    struct window_route *r)
{
	size_t		 n = word_len(text);
	struct window	*w = windows_find(ws, text, n);

	if (w == NULL && room_name_check(text, n))
		w = window_open(ws, WINDOW_ROOM, text, n);
	if (w == NULL || w->kind != WINDOW_ROOM) {
		/* Past WINDOWS_MAX: window 1 shows it as it is. */
		add(ws, lobby(ws), line, LINE_NORMAL, WINDOW_UNREAD, r);
		return;
	}
	room_line(ws, w, line, text + n + 1, r);
}

/* "[PM from bob] TEXT", "[PM to bob] TEXT": 1 if TEXT is one. */
static int
pm_line(struct windows *ws, const char *line, const char *text,
    struct window_route *r)
{
	struct window	*w;
	const char	*nick;
	size_t		 n;
	int		 from;

	if (strncmp(text, "[PM from ", 9) == 0) {
		from = 1;
		nick = text + 9;
	} else if (strncmp(text, "[PM to ", 7) == 0) {
		from = 0;
		nick = text + 7;
	} else
		return 0;
	/* A nick holds no space, but may hold a ']'. */
	n = word_len(nick);
	if (n < 2 || nick[n - 1] != ']' || nick[n] != ' ' || nick[0] == '#')
		return 0;
	n--;
	if ((w = windows_find(ws, nick, n)) == NULL)
		w = window_open(ws, WINDOW_QUERY, nick, n);
	if (w == NULL || w->kind != WINDOW_QUERY)
		w = lobby(ws);
	r->pm = 1;
	if (!from)
		add(ws, w, line, LINE_OWN, WINDOW_QUIET, r);
	else if (ws->me != NULL && mentions(nick + n + 2, ws->me)) {
		r->mention = 1;
		add(ws, w, line, LINE_MENTION, WINDOW_HOT, r);
	} else
		add(ws, w, line, LINE_NORMAL, WINDOW_HOT, r);
	return 1;
}

/* "N online:" (the lobby) or "N online in #dev:", a /who answer's head. */
static int
who_head(const char *s, unsigned long *count, const char **room,
    size_t *roomlen)
{
	unsigned long	n = 0;
	size_t		len;

	if (!digit(*s))
		return 0;
	for (; digit(*s); s++) {
		if (n < 100000000UL)
			n = n * 10 + (unsigned long)(*s - '0');
	}
	if (strcmp(s, " online:") == 0) {
		*room = LOBBY_NAME;
		*roomlen = sizeof LOBBY_NAME - 1;
	} else if (strncmp(s, " online in ", 11) == 0) {
		s += 11;
		len = strlen(s);
		if (len < 2 || s[len - 1] != ':' || word_len(s) != len)
			return 0;
		*room = s;
		*roomlen = len - 1;
	} else
		return 0;
	*count = n;
	return 1;
}

/* The /who answer is read: its nicks are its room's members now. */
static void
who_end(struct windows *ws)
{
	struct window	*w = ws->who.window;

	if (w != NULL) {
		names_sort(&ws->who.nicks);
		names_free(&w->members);
		w->members = ws->who.nicks;
		memset(&ws->who.nicks, 0, sizeof ws->who.nicks);
	}
	who_clear(ws);
}

/* A /who answer's head, BODY after "*** ": 1 if it is one. */
static int
who_begin(struct windows *ws, const char *line, const char *body,
    struct window_route *r)
{
	struct windows_who	*who = &ws->who;
	struct window		*w;
	const char		*room, *asked;
	unsigned long		 count;
	size_t			 len;

	if (!who_head(body, &count, &room, &len))
		return 0;
	who_clear(ws);
	who->open = 1;
	who->left = count;
	if ((w = windows_find(ws, room, len)) != NULL &&
	    w->kind != WINDOW_QUERY)
		who->window = w;
	if (ws->nasked > 0) {
		asked = ws->asked[ws->asked_first];
		if (namemap_equal(asked, strlen(asked), room, len)) {
			free(ws->asked[ws->asked_first]);
			ws->asked_first = (ws->asked_first + 1) %
			    WINDOWS_ASKED_MAX;
			ws->nasked--;
			who->quiet = 1;
		}
	}
	if (!who->quiet)
		answer(ws, line, r);
	if (who->left == 0)
		who_end(ws);
	return 1;
}

/*
 * The nicks of a /who line, "alice, bob" or, relayed, "node: alice, bob",
 * into the answer being read: 1, or 0 if S is not such a line.
 */
static int
who_nicks(struct windows_who *who, const char *s)
{
	const char	*p, *q;
	size_t		 n;
	int		 pass;

	/* A server's name ends with ": "; no nick holds one. */
	while ((p = strstr(s, ": ")) != NULL)
		s = p + 2;
	/* Every item must be a nick before any is taken. */
	for (pass = 0; pass < 2; pass++) {
		for (p = s; ; p = q + 2) {
			q = strstr(p, ", ");
			n = q != NULL ? (size_t)(q - p) : strlen(p);
			if (pass == 0 && (n == 0 || n >= NICK_MAX_BYTES ||
			    memchr(p, ' ', n) != NULL || p[0] == '#'))
				return 0;
			if (pass == 1) {
				if (who->nicks.n < WINDOW_MEMBERS_MAX)
					names_insert(&who->nicks, who->nicks.n,
					    p, n);
				if (who->left > 0)
					who->left--;
			}
			if (q == NULL)
				break;
		}
	}
	return 1;
}

/* While a /who answer is read: 1 if TEXT is its next line. */
static int
who_line(struct windows *ws, const char *line, const char *text,
    struct window_route *r)
{
	if (strncmp(text, "*** ", 4) != 0 ||
	    !who_nicks(&ws->who, text + 4)) {
		/* Fewer nicks than counted: the answer ended. */
		who_end(ws);
		return 0;
	}
	if (!ws->who.quiet)
		answer(ws, line, r);
	else
		r->kind = LINE_NOTICE;
	if (ws->who.left == 0)
		who_end(ws);
	return 1;
}

/* "#lobby (12), #dev (3)": a /rooms line; a new answer starts at #lobby. */
static void
rooms_line(struct windows *ws, const char *s)
{
	size_t	n;

	if (strncmp(s, LOBBY_NAME " (", sizeof LOBBY_NAME + 1) == 0)
		names_clear(&ws->rooms);
	for (;;) {
		n = word_len(s);
		if (s[n] != ' ' || s[n + 1] != '(')
			return;
		if (room_name_check(s, n))
			names_add(&ws->rooms, WINDOWS_ROOMS_MAX, s, n);
		if ((s = strchr(s + n, ')')) == NULL ||
		    strncmp(s + 1, ", ", 2) != 0)
			return;
		s += 3;
	}
}

/* An untagged notice, BODY after "*** ". */
static void
notice(struct windows *ws, const char *line, const char *text,
    struct window_route *r)
{
	static const char	 current[] = " is your current room";
	const char		*body = text + 4, *to;
	struct window		*w;
	size_t			 n, tolen;

	if (is_join(body) > 0 || is_leave(body) > 0 ||
	    is_rename(body, &to, &tolen) > 0) {
		room_line(ws, lobby(ws), line, text, r);
		return;
	}
	n = word_len(body);
	if (body[0] == '#' && strcmp(body + n, current) == 0) {
		if ((w = windows_find(ws, body, n)) == NULL)
			w = window_open(ws, WINDOW_ROOM, body, n);
		if (w != NULL && w->kind != WINDOW_QUERY) {
			w->joined = 1;
			seen_free(w);
			confirm(ws, w, r);
			add(ws, w, line, LINE_NOTICE, WINDOW_QUIET, r);
			return;
		}
	}
	if (who_begin(ws, line, body, r))
		return;
	if (strncmp(body, "rooms: ", 7) == 0)
		rooms_line(ws, body + 7);
	answer(ws, line, r);
}

void
windows_route(struct windows *ws, const char *line, struct window_route *r)
{
	const char	*text = after_stamp(line);
	size_t		 n;

	memset(r, 0, sizeof *r);
	r->kind = LINE_NORMAL;
	if (ws->who.open && who_line(ws, line, text, r))
		return;
	if (!lobby(ws)->joined) {
		/*
		 * Not known to be a room server yet (an echo server never
		 * is): the first join notice is the user's own in the lobby,
		 * after the lobby's history.
		 */
		if (strncmp(text, "*** ", 4) != 0)
			room_line(ws, lobby(ws), line, text, r);
		else if ((n = is_join(text + 4)) > 0) {
			set_me(ws, text + 4, n, r);
			room_line(ws, lobby(ws), line, text, r);
		} else
			answer(ws, line, r);
		return;
	}
	if (text[0] == '#' && text[word_len(text)] == ' ')
		tagged(ws, line, text, r);
	else if (pm_line(ws, line, text, r))
		return;
	else if (strncmp(text, "*** ", 4) == 0)
		notice(ws, line, text, r);
	else
		room_line(ws, lobby(ws), line, text, r);
}

void
windows_disconnected(struct windows *ws)
{
	struct window	*w;
	size_t		 i;

	for (i = 0; i < ws->count; i++) {
		w = ws->list[i];
		w->joined = 0;
		w->replay_from = w->sb.added;
		seen_free(w);
	}
	ws->server_room = lobby(ws);
	free(ws->joining);
	ws->joining = NULL;
	who_clear(ws);
	asked_clear(ws);
}

int
windows_show(struct windows *ws, unsigned int n)
{
	struct window	*w = windows_get(ws, n);

	if (w == NULL)
		return -1;
	show(ws, w);
	return 0;
}

void
windows_next(struct windows *ws)
{
	show(ws, ws->list[ws->current->number % ws->count]);
}

void
windows_prev(struct windows *ws)
{
	unsigned int	n = ws->current->number;

	show(ws, ws->list[n > 1 ? n - 2 : ws->count - 1]);
}

int
windows_next_active(struct windows *ws)
{
	struct window	*best = NULL;
	size_t		 i;

	for (i = 0; i < ws->count; i++) {
		if (ws->list[i] == ws->current)
			continue;
		if (ws->list[i]->activity == WINDOW_HOT) {
			best = ws->list[i];
			break;
		}
		if (ws->list[i]->activity == WINDOW_UNREAD && best == NULL)
			best = ws->list[i];
	}
	if (best == NULL)
		return -1;
	show(ws, best);
	return 0;
}

struct window *
windows_query(struct windows *ws, const char *nick, size_t len)
{
	struct window	*w;

	if (nick_check(nick, len) != NICK_OK)
		return NULL;
	if ((w = windows_find(ws, nick, len)) == NULL &&
	    (w = window_open(ws, WINDOW_QUERY, nick, len)) == NULL)
		return NULL;
	show(ws, w);
	return w;
}

int
windows_close(struct windows *ws, unsigned int n)
{
	struct window	*w = windows_get(ws, n);

	if (w == NULL || w->kind == WINDOW_LOBBY ||
	    (w->kind == WINDOW_ROOM && w->joined))
		return -1;
	window_close(ws, w);
	return 0;
}

size_t
windows_outgoing(struct windows *ws, const char *text, size_t len,
    char *out[WINDOWS_OUT_MAX])
{
	const struct window	*w = ws->current;
	struct command		 cmd;
	int			 room = w->kind != WINDOW_QUERY;

	if (len == 0)
		return 0;
	command_parse(text, len, &cmd);
	if (text[0] == '/' && (len < 2 || text[1] != '/')) {
		switch (cmd.kind) {
		case CMD_JOIN:
			free(ws->joining);
			ws->joining = room_name_check(cmd.arg, cmd.arglen) ?
			    xstrndup(cmd.arg, cmd.arglen) : NULL;
			break;
		case CMD_PART:
			if (!room || (cmd.arglen > 0 && cmd.arg[0] == '#'))
				break;
			xasprintf(&out[0], "/part %s%s%.*s", w->name,
			    cmd.arglen > 0 ? " " : "", (int)cmd.arglen,
			    cmd.arg);
			return 1;
		case CMD_WHO:
			if (!room || cmd.arglen > 0)
				break;
			xasprintf(&out[0], "/who %s", w->name);
			return 1;
		case CMD_ME:
			if (!room) {
				/* The server's /me is said in a room. */
				xasprintf(&out[0], "/msg %s * %s%s%.*s",
				    w->name, ws->me != NULL ? ws->me : "",
				    ws->me != NULL ? " " : "",
				    (int)cmd.arglen, cmd.arg);
				return 1;
			}
			if (w == ws->server_room)
				break;
			xasprintf(&out[0], "/join %s", w->name);
			out[1] = xstrndup(text, len);
			return 2;
		default:
			break;
		}
		out[0] = xstrndup(text, len);
		return 1;
	}
	if (w == ws->server_room) {
		out[0] = xstrndup(text, len);
		return 1;
	}
	/* CMD_MESSAGE's argument: "//x" is "/x" there. */
	xasprintf(&out[0], "/msg %s %.*s", w->name, (int)cmd.arglen, cmd.arg);
	return 1;
}

char *
windows_ask_members(struct windows *ws, const struct window *w)
{
	char	*line;

	if (w->kind == WINDOW_QUERY || ws->nasked == WINDOWS_ASKED_MAX)
		return NULL;
	ws->asked[(ws->asked_first + ws->nasked) % WINDOWS_ASKED_MAX] =
	    xstrdup(w->name);
	ws->nasked++;
	xasprintf(&line, "/who %s", w->name);
	return line;
}

const char *
windows_activity(struct windows *ws)
{
	const struct window	*w;
	size_t			 need = 16 + ws->count * 16, n = 0, i;

	if (need > ws->act_size) {
		ws->act = xreallocarray(ws->act, need, 1);
		ws->act_size = need;
	}
	ws->act[0] = '\0';
	for (i = 0; i < ws->count; i++) {
		w = ws->list[i];
		if (w == ws->current || w->activity == WINDOW_QUIET)
			continue;
		n += (size_t)snprintf(ws->act + n, ws->act_size - n, "%s%u%s",
		    n == 0 ? "[Act: " : ",", w->number,
		    w->activity == WINDOW_HOT ? "!" : "");
	}
	if (n > 0)
		snprintf(ws->act + n, ws->act_size - n, "]");
	return ws->act;
}

size_t
window_member_count(const struct window *w)
{
	return w->members.n;
}

const char *
window_member(const struct window *w, size_t i)
{
	return i < w->members.n ? w->members.v[i] : NULL;
}

void
windows_each_room(const struct windows *ws,
    void (*fn)(const char *name, void *arg), void *arg)
{
	size_t	i;

	for (i = 0; i < ws->count; i++) {
		if (ws->list[i]->kind != WINDOW_QUERY)
			fn(ws->list[i]->name, arg);
	}
	for (i = 0; i < ws->rooms.n; i++) {
		if (windows_find(ws, ws->rooms.v[i],
		    strlen(ws->rooms.v[i])) == NULL)
			fn(ws->rooms.v[i], arg);
	}
}
