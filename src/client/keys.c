/*
 * keys.c: what each key does: editing, history, paging, Tab completion,
 * reverse search, and pastes, which come between bracketed-paste markers
 * and are sent only on confirmation when they hold many lines.
 */
#include "common.h"

/* The wide-character curses API. */
#define NCURSES_WIDECHAR 1

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "fullscreen.h"
#include "tui.h"
#include "utf8.h"
#include "xmalloc.h"

static void
end_completion(struct fullscreen *fs)
{
	fs->comp_active = 0;
	free(fs->comp_prefix);
	fs->comp_prefix = NULL;
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
	if (fs->comp_start == 0)
		editor_insert_utf8(ed, ": ", 2);
}

/* Enter: send the line, unless there is no connection to take it. */
static void
submit(struct fullscreen *fs)
{
	enum client_command	 what;
	char			*line;
	size_t			 len;

	line = editor_utf8(&fs->ed, &len);
	what = command_client(line, len);
	if (len > 0 && what == CLIENT_SEND && fs->conn.state != CONN_UP) {
		/* Keep what was typed: it goes once we are back. */
		fullscreen_say(fs, "%s", _("*** not connected: the line is "
		    "kept; press Enter again once connected"));
		free(line);
		return;
	}
	if (len > 0)
		history_add(&fs->hist, line);
	history_reset(&fs->hist);
	editor_clear(&fs->ed);
	sb_bottom(&fs->sb);
	switch (what) {
	case CLIENT_QUIT:
		/* The server hears it when there is one; we leave anyway. */
		(void)conn_send(&fs->conn, line, len);
		fullscreen_quit(fs);
		break;
	case CLIENT_CLEAR:
		sb_clear(&fs->sb);
		fs->dirty = 1;
		break;
	case CLIENT_SEND:
		if (len > 0 &&
		    conn_send(&fs->conn, line, len) == CONN_NOT_UP)
			fullscreen_say(fs, "%s", _("*** not connected: the "
			    "line was not sent"));
		break;
	}
	free(line);
}

/* --- pasting ----------------------------------------------------------- */

static void
paste_add(struct fullscreen *fs, wint_t ch)
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
	for (i = 0; i < fs->paste_len; i++)
		lines += fs->paste[i] == '\n';
	if (lines > PASTE_CONFIRM_LINES) {
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
confirm_key(struct fullscreen *fs, wint_t ch)
{
	if (ch == 'y' || ch == 'Y')
		paste_send(fs);
	else if (ch == 'n' || ch == 'N' || ch == 27 || ch == 3 || ch == 7)
		fullscreen_say(fs, "%s", _("*** paste not sent"));
	else
		return;
	fs->mode = MODE_EDIT;
	free(fs->paste);
	fs->paste = NULL;
	fs->paste_len = 0;
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

/* A key while searching: text narrows, C-r goes further, others end it. */
static int
search_key(struct fullscreen *fs, wint_t ch, int is_key)
{
	char	buf[4];
	size_t	len;

	if (!is_key && ch == 18) {
		search_update(fs, 1);
		return 1;
	}
	if (!is_key && (ch == 7 || ch == 27)) {
		/* Given up: the line typed before C-r comes back, as in bash. */
		editor_set(&fs->ed, fs->search_saved, strlen(fs->search_saved));
		search_end(fs);
		return 1;
	}
	if ((is_key && ch == KEY_BACKSPACE) || (!is_key && (ch == 127 ||
	    ch == 8))) {
		len = strlen(fs->search);
		while (len > 0 && ((unsigned char)fs->search[len - 1] &
		    0xC0) == 0x80)
			len--;
		if (len > 0)
			fs->search[len - 1] = '\0';
		search_update(fs, 0);
		return 1;
	}
	if (!is_key && ch >= 0x20 && ch != 0x7F && !(ch >= 0x80 && ch < 0xA0)) {
		len = strlen(fs->search);
		if (len < 200) {
			fs->search = xreallocarray(fs->search, len + 5, 1);
			memcpy(fs->search + len, buf, utf8_encode(ch, buf));
			fs->search[len + utf8_encode(ch, buf)] = '\0';
		}
		search_update(fs, 0);
		return 1;
	}
	/* Any other key takes the line found and acts as usual. */
	search_end(fs);
	return 0;
}

/* --- the keyboard ------------------------------------------------------ */

/* ESC [ ... final: only the bracketed paste markers matter here. */
static void
csi_key(struct fullscreen *fs, wint_t ch)
{
	if (fs->csi_len < sizeof fs->csi - 1)
		fs->csi[fs->csi_len++] = (char)ch;
	if (ch < 0x40 || ch > 0x7E)
		return;
	fs->csi[fs->csi_len] = '\0';
	fs->seq = SEQ_NONE;
	if (strcmp(fs->csi, "200~") == 0)
		fs->pasting = 1;
	else if (strcmp(fs->csi, "201~") == 0 && fs->pasting)
		paste_end(fs);
}

/* ESC then CH: a Meta key. */
static void
meta_key(struct fullscreen *fs, wint_t ch, int is_key)
{
	fs->seq = SEQ_NONE;
	if (is_key) {
		if (ch == KEY_BACKSPACE)
			editor_kill_word_left(&fs->ed);
		return;
	}
	switch (ch) {
	case '[':
		fs->seq = SEQ_CSI;
		fs->csi_len = 0;
		break;
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
	case 127:
	case 8:
		editor_kill_word_left(&fs->ed);
		break;
	}
}

/* Up, C-p: the line before in the history. */
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

/* Down, C-n: the line after, and at the bottom what was being typed. */
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

	sb_scroll(&fs->sb, (long)dir * (rows > 2 ? rows - 1 : 1));
}

static void
edit_key(struct fullscreen *fs, wint_t ch, int is_key)
{
	struct editor	*ed = &fs->ed;

	if (is_key) {
		switch (ch) {
		case KEY_LEFT:		editor_left(ed); break;
		case KEY_RIGHT:		editor_right(ed); break;
		case KEY_HOME:		editor_home(ed); break;
		case KEY_END:		editor_end(ed); break;
		case KEY_BACKSPACE:	editor_backspace(ed); break;
		case KEY_DC:		editor_delete(ed); break;
		case KEY_ENTER:		submit(fs); break;
		case KEY_PPAGE:		page(fs, 1); break;
		case KEY_NPAGE:		page(fs, -1); break;
		case KEY_UP:		history_prev(fs); break;
		case KEY_DOWN:		history_next(fs); break;
		}
		return;
	}
	switch (ch) {
	case 1:		editor_home(ed); break;			/* C-a */
	case 2:		editor_left(ed); break;			/* C-b */
	case 3:		fullscreen_quit(fs); break;		/* C-c */
	case 4:						/* C-d */
		if (ed->len == 0)
			fullscreen_quit(fs);
		else
			editor_delete(ed);
		break;
	case 5:		editor_end(ed); break;			/* C-e */
	case 6:		editor_right(ed); break;		/* C-f */
	case 8:
	case 127:	editor_backspace(ed); break;
	case 9:		complete_word(fs); break;		/* Tab */
	case 11:	editor_kill_to_end(ed); break;		/* C-k */
	case 12:	clearok(curscr, TRUE); break;		/* C-l */
	case 10:
	case 13:	submit(fs); break;			/* Enter */
	case 14:	history_next(fs); break;		/* C-n */
	case 16:	history_prev(fs); break;		/* C-p */
	case 18:	search_start(fs); break;		/* C-r */
	case 21:	editor_kill_to_start(ed); break;	/* C-u */
	case 23:	editor_kill_word_left(ed); break;	/* C-w */
	case 25:	editor_yank(ed); break;			/* C-y */
	case 27:	fs->seq = SEQ_ESC; break;
	default:
		if (ch >= 0x20)
			(void)editor_insert(ed, ch);
		break;
	}
}

static void
key(struct fullscreen *fs, wint_t ch, int is_key)
{
	fs->dirty = 1;
	/*
	 * The SIGWINCH watcher resized already; resizeterm() itself pushes
	 * this key back, so resizing again here would loop for ever.
	 */
	if (is_key && ch == KEY_RESIZE)
		return;
	/* Any key but Tab ends a completion: the next Tab starts anew. */
	if (is_key || ch != 9 || fs->seq != SEQ_NONE || fs->pasting ||
	    fs->mode != MODE_EDIT)
		end_completion(fs);
	if (fs->seq == SEQ_CSI && !is_key) {
		csi_key(fs, ch);
		return;
	}
	if (fs->seq == SEQ_ESC) {
		meta_key(fs, ch, is_key);
		return;
	}
	if (fs->pasting) {
		if (!is_key && ch == 27)
			fs->seq = SEQ_ESC;
		else if (!is_key)
			paste_add(fs, ch);
		return;
	}
	if (fs->mode == MODE_CONFIRM) {
		if (!is_key)
			confirm_key(fs, ch);
		return;
	}
	if (fs->mode == MODE_SEARCH && search_key(fs, ch, is_key))
		return;
	edit_key(fs, ch, is_key);
}

void
keys_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct fullscreen	*fs = container_of(w, struct fullscreen,
				    key_w);
	wint_t		 ch;
	int		 rc;

	while (!fs->quit && (rc = get_wch(&ch)) != ERR)
		key(fs, ch, rc == KEY_CODE_YES);
	/* An ESC with nothing after it was a key of its own. */
	if (fs->seq == SEQ_ESC && !fs->pasting)
		fs->seq = SEQ_NONE;
}

