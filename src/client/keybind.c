/*
 * keybind.c: what each key does: editing, history, paging, Tab completion,
 * reverse search, and pastes, which come between bracketed-paste markers
 * and are sent only on confirmation when they hold many lines. The keys
 * come decoded (keydecode.c); no byte of the terminal is looked at here.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "fullscreen.h"
#include "keydecode.h"
#include "tui.h"
#include "utf8.h"
#include "xmalloc.h"

/* The controls bound, by their letter: C-a is 1. */
#define CTRL(c)		((c) & 0x1F)
#define ESCAPE		0x1B
#define DEL		0x7F

static void	search_paste(struct fullscreen *);

static void
end_completion(struct fullscreen *fs)
{
	fs->comp_active = 0;
	free(fs->comp_prefix);
	fs->comp_prefix = NULL;
}

/* The rooms that start with a prefix, as windows_each_room() names them. */
struct room_matches {
	const char	*prefix;
	size_t		 len;
	size_t		 want;		/* the one to return */
	size_t		 seen;		/* matches so far */
	const char	*found;
};

static void
room_seen(const char *name, void *arg)
{
	struct room_matches	*m = arg;

	if (m->found != NULL || strncasecmp(name, m->prefix, m->len) != 0)
		return;
	if (m->seen++ == m->want)
		m->found = name;
}

/* The N-th room (0 first) that starts with PREFIX, cycling; NULL if none. */
static const char *
room_match(struct fullscreen *fs, const char *prefix, size_t n)
{
	struct room_matches	m;
	int			pass;

	for (pass = 0; pass < 2; pass++) {
		memset(&m, 0, sizeof m);
		m.prefix = prefix;
		m.len = strlen(prefix);
		m.want = n;
		windows_each_room(&fs->win, room_seen, &m);
		if (m.found != NULL || m.seen == 0)
			return m.found;
		/* Past the last: round again. */
		n %= m.seen;
	}
	return NULL;
}

/* Tab: complete the word before the cursor; again: the next match. */
static void
complete_word(struct fullscreen *fs)
{
	struct editor	*ed = &fs->ed;
	const char	*nick;

	if (!fs->comp_active) {
		fs->comp_start = editor_word_start(ed);
		if (fs->comp_start == ed->cursor)
			return;
		fs->comp_prefix = editor_utf8_range(ed, fs->comp_start,
		    ed->cursor, NULL);
		fs->comp_n = 0;
		fs->comp_active = 1;
	}
	if (fs->comp_prefix[0] == '#')
		nick = room_match(fs, fs->comp_prefix, fs->comp_n++);
	else
		nick = complete_match(&fs->comp, fs->comp_prefix,
		    strlen(fs->comp_prefix), fs->comp_n++);
	if (nick == NULL) {
		end_completion(fs);
		return;
	}
	/* Take back the word, or the last completion, and put the nick. */
	while (ed->cursor > fs->comp_start)
		editor_backspace(ed);
	editor_insert_utf8(ed, nick, strlen(nick));
	/* At the start of the line, address the nick: "bob: ". */
	if (fs->comp_start == 0 && nick[0] != '#')
		editor_insert_utf8(ed, ": ", 2);
}

/* /close: the current window, if it may be closed. */
static void
close_window(struct fullscreen *fs)
{
	struct window	*cur = fs->win.current;

	if (windows_close(&fs->win, cur->number) == 0)
		return;
	if (cur->kind == WINDOW_LOBBY)
		fullscreen_say(fs, "%s", _("*** window 1, the lobby's, stays "
		    "open"));
	else
		fullscreen_say(fs, _("*** you are in %s: /part leaves it and "
		    "closes its window"), cur->name);
}

/* /query NICK: a conversation's window, opened and shown. */
static void
query(struct fullscreen *fs, const char *line, size_t len)
{
	struct command	 cmd;
	size_t		 n = 0;

	command_parse(line, len, &cmd);
	while (n < cmd.arglen && cmd.arg[n] != ' ' && cmd.arg[n] != '\t')
		n++;
	if (n == 0) {
		fullscreen_say(fs, "%s", _("*** usage: /query NICK"));
		return;
	}
	if (windows_query(&fs->win, cmd.arg, n) == NULL)
		fullscreen_say(fs, _("*** cannot open a window for %.*s"),
		    (int)n, cmd.arg);
}

/* Enter: send the line, unless there is no connection to take it. */
static void
submit(struct fullscreen *fs)
{
	enum client_command	 what;
	struct window		*cur;
	char			*line, *out[WINDOWS_OUT_MAX];
	size_t			 len, n, i;

	line = editor_utf8(&fs->ed, &len);
	what = command_client(line, len);
	cur = fs->win.current;
	if (len > 0 && what == CLIENT_SEND && fs->conn.state != CONN_UP) {
		/* Keep what was typed: it goes once we are back. */
		fullscreen_say(fs, "%s", _("*** not connected: the line is "
		    "kept; press Enter again once connected"));
		free(line);
		return;
	}
	if (len > 0)
		fullscreen_remember(fs, line);
	history_reset(&fs->hist);
	editor_clear(&fs->ed);
	sb_bottom(&cur->sb);
	switch (what) {
	case CLIENT_QUIT:
		/* The server hears it when there is one; we leave anyway. */
		(void)conn_send(&fs->conn, line, len);
		fullscreen_quit(fs);
		break;
	case CLIENT_CLEAR:
		sb_clear(&cur->sb);
		break;
	case CLIENT_CLOSE:
		close_window(fs);
		break;
	case CLIENT_QUERY:
		query(fs, line, len);
		break;
	case CLIENT_SEND:
		/* To the window's room or person. */
		n = windows_outgoing(&fs->win, line, len, out);
		for (i = 0; i < n; i++) {
			if (conn_send(&fs->conn, out[i], strlen(out[i])) ==
			    CONN_NOT_UP && i == 0)
				fullscreen_say(fs, "%s", _("*** not connected: "
				    "the line was not sent"));
			free(out[i]);
		}
		break;
	}
	free(line);
}

/* --- pasting ----------------------------------------------------------- */

static void
paste_add(struct fullscreen *fs, uint32_t ch)
{
	char	buf[4];
	size_t	n;

	if (ch == '\r')
		ch = '\n';
	if (ch == '\t')
		ch = ' ';
	/* Controls are stripped from pasted text, but for line ends. */
	if (ch != '\n' && (ch < 0x20 || ch == 0x7F || (ch >= 0x80 &&
	    ch < 0xA0)))
		return;
	n = utf8_encode(ch, buf);
	if (fs->paste_len + n > PASTE_MAX_BYTES)
		return;
	fs->paste = xreallocarray(fs->paste, fs->paste_len + n + 1, 1);
	memcpy(fs->paste + fs->paste_len, buf, n);
	fs->paste_len += n;
}

/* Send the pasted lines; what follows the last newline stays in the input. */
static void
paste_send(struct fullscreen *fs)
{
	char	*p = fs->paste, *end = fs->paste + fs->paste_len, *nl;

	/*
	 * Without a connection the lines could not go, and the editor holds
	 * one line: they would run together there. Nothing of it is taken.
	 */
	if (fs->conn.state != CONN_UP && memchr(p, '\n', end - p) != NULL) {
		fullscreen_say(fs, "%s", _("*** not connected: the pasted "
		    "lines were not sent"));
		return;
	}
	while (p < end && (nl = memchr(p, '\n', end - p)) != NULL) {
		editor_insert_utf8(&fs->ed, p, nl - p);
		submit(fs);
		p = nl + 1;
		if (fs->quit)
			break;
	}
	if (p < end && !fs->quit)
		editor_insert_utf8(&fs->ed, p, end - p);
}

static void
paste_end(struct fullscreen *fs)
{
	size_t	lines = 0, i;

	fs->pasting = 0;
	if (fs->mode == MODE_SEARCH) {
		search_paste(fs);
		return;
	}
	for (i = 0; i < fs->paste_len; i++)
		lines += fs->paste[i] == '\n';
	/*
	 * Asking about the server's key, there is no connection for the
	 * lines (paste_send says so); another question would hide that one.
	 */
	if (lines > PASTE_CONFIRM_LINES && fs->mode != MODE_TRUST) {
		fs->mode = MODE_CONFIRM;
		snprintf(fs->prompt, sizeof fs->prompt,
		    _("Send %zu pasted lines? (y/n) "), lines);
		return;
	}
	paste_send(fs);
	free(fs->paste);
	fs->paste = NULL;
	fs->paste_len = 0;
}

static void
confirm_key(struct fullscreen *fs, uint32_t ch)
{
	if (ch == 'y' || ch == 'Y')
		paste_send(fs);
	else if (ch == 'n' || ch == 'N' || ch == ESCAPE || ch == CTRL('c') ||
	    ch == CTRL('g'))
		fullscreen_say(fs, "%s", _("*** paste not sent"));
	else
		return;
	fs->mode = MODE_EDIT;
	free(fs->paste);
	fs->paste = NULL;
	fs->paste_len = 0;
}

/* The server's key: y trusts and remembers it, n refuses it. */
static void
trust_key(struct fullscreen *fs, uint32_t ch)
{
	if (ch == 'y' || ch == 'Y')
		fullscreen_trust(fs, 1);
	else if (ch == 'n' || ch == 'N' || ch == ESCAPE || ch == CTRL('c') ||
	    ch == CTRL('g'))
		fullscreen_trust(fs, 0);
}

/* --- reverse search ---------------------------------------------------- */

static void
search_update(struct fullscreen *fs, int further)
{
	const char	*found;
	size_t		 from;

	from = further ? fs->search_from : fs->hist.count;
	/* Nothing typed yet finds nothing: the line stays as it is. */
	found = *fs->search == '\0' ? NULL :
	    history_search(&fs->hist, fs->search, &from);
	if (found != NULL) {
		fs->search_from = from;
		editor_set(&fs->ed, found, strlen(found));
	}
	snprintf(fs->prompt, sizeof fs->prompt, "(%s)`%s': ",
	    found != NULL || *fs->search == '\0' ? _("reverse-i-search") :
	    _("failing reverse-i-search"), fs->search);
}

static void
search_start(struct fullscreen *fs)
{
	fs->mode = MODE_SEARCH;
	free(fs->search);
	fs->search = xstrdup("");
	free(fs->search_saved);
	fs->search_saved = editor_utf8(&fs->ed, NULL);
	fs->search_from = fs->hist.count;
	search_update(fs, 0);
}

static void
search_end(struct fullscreen *fs)
{
	fs->mode = MODE_EDIT;
	fs->prompt[0] = '\0';
	free(fs->search_saved);
	fs->search_saved = NULL;
}

/* Add CH to the text looked for, within its bound. */
static void
search_add(struct fullscreen *fs, uint32_t ch)
{
	char	buf[4];
	size_t	len = strlen(fs->search), n;

	if (len >= SEARCH_MAX_BYTES)
		return;
	n = utf8_encode(ch, buf);
	fs->search = xreallocarray(fs->search, len + n + 1, 1);
	memcpy(fs->search + len, buf, n);
	fs->search[len + n] = '\0';
}

/*
 * A paste while searching: its first line is looked for, as if typed, and
 * the rest is dropped; nothing is sent.
 */
static void
search_paste(struct fullscreen *fs)
{
	const unsigned char	*p = (const unsigned char *)fs->paste;
	size_t			 len = fs->paste_len, n;
	int32_t			 cp;

	while (len > 0 && *p != '\n') {
		/* paste_add() kept only characters the search takes. */
		n = utf8_decode(p, len, &cp);
		if (cp != UTF8_INVALID)
			search_add(fs, (uint32_t)cp);
		p += n;
		len -= n;
	}
	free(fs->paste);
	fs->paste = NULL;
	fs->paste_len = 0;
	search_update(fs, 0);
}

/* A key while searching: text narrows, C-r goes further, others end it. */
static int
search_key(struct fullscreen *fs, const struct key *k)
{
	uint32_t	ch = k->ch;
	size_t		len;

	if (k->code != KEYC_CHAR || k->mods != 0) {
		/* Any other key takes the line found and acts as usual. */
		search_end(fs);
		return 0;
	}
	if (ch == CTRL('r')) {
		search_update(fs, 1);
		return 1;
	}
	if (ch == CTRL('g') || ch == ESCAPE) {
		/* Given up: the line typed before C-r comes back, as in bash. */
		editor_set(&fs->ed, fs->search_saved, strlen(fs->search_saved));
		search_end(fs);
		return 1;
	}
	if (ch == DEL || ch == CTRL('h')) {
		len = strlen(fs->search);
		while (len > 0 && ((unsigned char)fs->search[len - 1] &
		    0xC0) == 0x80)
			len--;
		if (len > 0)
			fs->search[len - 1] = '\0';
		search_update(fs, 0);
		return 1;
	}
	if (ch >= 0x20 && ch != DEL && !(ch >= 0x80 && ch < 0xA0)) {
		search_add(fs, ch);
		search_update(fs, 0);
		return 1;
	}
	search_end(fs);
	return 0;
}

/* --- the keyboard ------------------------------------------------------ */

/* A character with Meta (Alt, or ESC before it). */
static void
meta_key(struct fullscreen *fs, uint32_t ch)
{
	switch (ch) {
	case 'b':
	case 'B':
		editor_word_left(&fs->ed);
		break;
	case 'f':
	case 'F':
		editor_word_right(&fs->ed);
		break;
	case 'd':
	case 'D':
		editor_kill_word_right(&fs->ed);
		break;
	case DEL:
	case CTRL('h'):
		editor_kill_word_left(&fs->ed);
		break;
	case 'a':
	case 'A':
		(void)windows_next_active(&fs->win);
		break;
	case '0':
		(void)windows_show(&fs->win, 10);
		break;
	default:
		/* Alt-1 ... Alt-9: that window. */
		if (ch >= '1' && ch <= '9')
			(void)windows_show(&fs->win, ch - '0');
		break;
	}
}

/* Up: the line before in the history. */
static void
history_prev(struct fullscreen *fs)
{
	const char	*h;
	char		*cur;
	size_t		 len;

	cur = editor_utf8(&fs->ed, &len);
	if ((h = history_up(&fs->hist, cur)) != NULL)
		editor_set(&fs->ed, h, strlen(h));
	free(cur);
}

/* Down: the line after, and at the bottom what was being typed. */
static void
history_next(struct fullscreen *fs)
{
	const char	*h;

	if ((h = history_down(&fs->hist)) != NULL)
		editor_set(&fs->ed, h, strlen(h));
}

static void
page(struct fullscreen *fs, int dir)
{
	int	rows = tui_pane_rows();

	/* A page keeps one row of the last in view. */
	sb_scroll(&fs->win.current->sb, (long)dir * (rows > 2 ? rows - 1 : 1), (size_t)rows,
	    tui_line_rows);
}

/* A key that is no character: the cursor and editing keys. */
static void
special_key(struct fullscreen *fs, const struct key *k)
{
	struct editor	*ed = &fs->ed;

	/* Alt-Right, Alt-Left: the next and previous window. */
	if (k->mods == KEYM_META && k->code == KEYC_RIGHT)
		windows_next(&fs->win);
	if (k->mods == KEYM_META && k->code == KEYC_LEFT)
		windows_prev(&fs->win);
	/* With other modifiers they are not bound. */
	if (k->mods != 0)
		return;
	switch (k->code) {
	case KEYC_LEFT:		editor_left(ed); break;
	case KEYC_RIGHT:	editor_right(ed); break;
	case KEYC_HOME:		editor_home(ed); break;
	case KEYC_END:		editor_end(ed); break;
	case KEYC_DELETE:	editor_delete(ed); break;
	case KEYC_KP_ENTER:	submit(fs); break;
	case KEYC_PAGE_UP:	page(fs, 1); break;
	case KEYC_PAGE_DOWN:	page(fs, -1); break;
	case KEYC_UP:		history_prev(fs); break;
	case KEYC_DOWN:		history_next(fs); break;
	case KEYC_F:
		/* F2: the member list, shown or hidden. */
		if (k->ch == 2)
			tui_show_members(!tui_members_shown());
		break;
	default:		break;
	}
}

static void
edit_key(struct fullscreen *fs, const struct key *k)
{
	struct editor	*ed = &fs->ed;

	if (k->code != KEYC_CHAR) {
		special_key(fs, k);
		return;
	}
	if (k->mods & KEYM_META) {
		meta_key(fs, k->ch);
		return;
	}
	switch (k->ch) {
	case CTRL('a'):	editor_home(ed); break;
	case CTRL('b'):	editor_left(ed); break;
	case CTRL('c'):	fullscreen_quit(fs); break;
	case CTRL('d'):
		if (ed->len == 0)
			fullscreen_quit(fs);
		else
			editor_delete(ed);
		break;
	case CTRL('e'):	editor_end(ed); break;
	case CTRL('f'):	editor_right(ed); break;
	case CTRL('h'):
	case DEL:	editor_backspace(ed); break;
	case CTRL('i'):	complete_word(fs); break;		/* Tab */
	case CTRL('k'):	editor_kill_to_end(ed); break;
	case CTRL('l'):	tui_repaint(); break;
	case CTRL('j'):
	case CTRL('m'):	submit(fs); break;			/* Enter */
	case CTRL('n'):	windows_next(&fs->win); break;
	case CTRL('p'):	windows_prev(&fs->win); break;
	case CTRL('r'):	search_start(fs); break;
	case CTRL('u'):	editor_kill_to_start(ed); break;
	case CTRL('w'):	editor_kill_word_left(ed); break;
	case CTRL('y'):	editor_yank(ed); break;
	default:
		/* Escape alone, and the controls not bound, do nothing. */
		if (k->ch >= 0x20)
			(void)editor_insert(ed, k->ch);
		break;
	}
}

void
keybind_interrupt(struct fullscreen *fs)
{
	if (fs->mode == MODE_SEARCH)
		search_end(fs);
	else if (fs->mode == MODE_CONFIRM) {
		fullscreen_say(fs, "%s", _("*** paste not sent"));
		fs->mode = MODE_EDIT;
		free(fs->paste);
		fs->paste = NULL;
		fs->paste_len = 0;
	}
}

void
keybind_key(struct fullscreen *fs, const struct key *k)
{
	if (fs->quit)
		return;
	fs->dirty = 1;
	/* Any key but Tab ends a completion: the next Tab starts anew. */
	if (k->code != KEYC_CHAR || k->ch != CTRL('i') || k->mods != 0 ||
	    fs->pasting || fs->mode != MODE_EDIT)
		end_completion(fs);
	if (k->code == KEYC_PASTE_START) {
		fs->pasting = 1;
		return;
	}
	if (fs->pasting) {
		if (k->code == KEYC_PASTE_END)
			paste_end(fs);
		else if (k->code == KEYC_CHAR)
			paste_add(fs, k->ch);
		return;
	}
	if (fs->mode == MODE_CONFIRM) {
		if (k->code == KEYC_CHAR && k->mods == 0)
			confirm_key(fs, k->ch);
		return;
	}
	if (fs->mode == MODE_TRUST) {
		if (k->code == KEYC_CHAR && k->mods == 0)
			trust_key(fs, k->ch);
		return;
	}
	if (fs->mode == MODE_SEARCH && search_key(fs, k))
		return;
	edit_key(fs, k);
}
