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

#include "client.h"
#include "command.h"
#include "tui.h"
#include "utf8.h"
#include "xmalloc.h"

static void
end_completion(struct client *cl)
{
	cl->comp_active = 0;
	free(cl->comp_prefix);
	cl->comp_prefix = NULL;
}

/* Tab: complete the word before the cursor; again: the next match. */
static void
complete_word(struct client *cl)
{
	struct editor	*ed = &cl->ed;
	const char	*nick;

	if (!cl->comp_active) {
		cl->comp_start = editor_word_start(ed);
		if (cl->comp_start == ed->cursor)
			return;
		cl->comp_prefix = editor_utf8_range(ed, cl->comp_start,
		    ed->cursor, NULL);
		cl->comp_n = 0;
		cl->comp_active = 1;
	}
	nick = complete_match(&cl->comp, cl->comp_prefix,
	    strlen(cl->comp_prefix), cl->comp_n++);
	if (nick == NULL) {
		end_completion(cl);
		return;
	}
	/* Take back the word, or the last completion, and put the nick. */
	while (ed->cursor > cl->comp_start)
		editor_backspace(ed);
	editor_insert_utf8(ed, nick, strlen(nick));
	/* At the start of the line, address the nick: "bob: ". */
	if (cl->comp_start == 0)
		editor_insert_utf8(ed, ": ", 2);
}

/* Enter: send the line, unless there is no connection to take it. */
static void
submit(struct client *cl)
{
	enum client_command	 what;
	char			*line;
	size_t			 len;

	line = editor_utf8(&cl->ed, &len);
	what = command_client(line, len);
	if (len > 0 && what == CLIENT_SEND && cl->conn.state != CONN_UP) {
		/* Keep what was typed: it goes once we are back. */
		client_say(cl, "%s", _("*** not connected: the line is kept; press "
		    "Enter again once connected"));
		free(line);
		return;
	}
	if (len > 0)
		history_add(&cl->hist, line);
	history_reset(&cl->hist);
	editor_clear(&cl->ed);
	sb_bottom(&cl->sb);
	switch (what) {
	case CLIENT_QUIT:
		/* The server hears it when there is one; we leave anyway. */
		(void)conn_send(&cl->conn, line, len);
		client_quit(cl);
		break;
	case CLIENT_CLEAR:
		sb_clear(&cl->sb);
		cl->dirty = 1;
		break;
	case CLIENT_SEND:
		if (len > 0 && conn_send(&cl->conn, line, len) == -1)
			client_say(cl, "%s", _("*** not connected: the line "
			    "was not sent"));
		break;
	}
	free(line);
}

/* --- pasting ----------------------------------------------------------- */

static void
paste_add(struct client *cl, wint_t ch)
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
	if (cl->paste_len + n > PASTE_MAX_BYTES)
		return;
	cl->paste = xreallocarray(cl->paste, cl->paste_len + n + 1, 1);
	memcpy(cl->paste + cl->paste_len, buf, n);
	cl->paste_len += n;
}

/* Send the pasted lines; what follows the last newline stays in the input. */
static void
paste_send(struct client *cl)
{
	char	*p = cl->paste, *end = cl->paste + cl->paste_len, *nl;

	/*
	 * Without a connection the lines could not go, and the editor holds
	 * one line: they would run together there. Nothing of it is taken.
	 */
	if (cl->conn.state != CONN_UP && memchr(p, '\n', end - p) != NULL) {
		client_say(cl, "%s", _("*** not connected: the pasted lines "
		    "were not sent"));
		return;
	}
	while (p < end && (nl = memchr(p, '\n', end - p)) != NULL) {
		editor_insert_utf8(&cl->ed, p, nl - p);
		submit(cl);
		p = nl + 1;
		if (cl->quit)
			break;
	}
	if (p < end && !cl->quit)
		editor_insert_utf8(&cl->ed, p, end - p);
}

static void
paste_end(struct client *cl)
{
	size_t	lines = 0, i;

	cl->pasting = 0;
	for (i = 0; i < cl->paste_len; i++)
		lines += cl->paste[i] == '\n';
	if (lines > PASTE_CONFIRM_LINES) {
		cl->mode = MODE_CONFIRM;
		snprintf(cl->prompt, sizeof cl->prompt,
		    _("Send %zu pasted lines? (y/n) "), lines);
		return;
	}
	paste_send(cl);
	free(cl->paste);
	cl->paste = NULL;
	cl->paste_len = 0;
}

static void
confirm_key(struct client *cl, wint_t ch)
{
	if (ch == 'y' || ch == 'Y')
		paste_send(cl);
	else if (ch == 'n' || ch == 'N' || ch == 27 || ch == 3 || ch == 7)
		client_say(cl, "%s", _("*** paste not sent"));
	else
		return;
	cl->mode = MODE_EDIT;
	free(cl->paste);
	cl->paste = NULL;
	cl->paste_len = 0;
}

/* --- reverse search ---------------------------------------------------- */

static void
search_update(struct client *cl, int further)
{
	const char	*found;
	size_t		 from;

	from = further ? cl->search_from : cl->hist.count;
	/* Nothing typed yet finds nothing: the line stays as it is. */
	found = *cl->search == '\0' ? NULL :
	    history_search(&cl->hist, cl->search, &from);
	if (found != NULL) {
		cl->search_from = from;
		editor_set(&cl->ed, found, strlen(found));
	}
	snprintf(cl->prompt, sizeof cl->prompt, "(%s)`%s': ",
	    found != NULL || *cl->search == '\0' ? _("reverse-i-search") :
	    _("failing reverse-i-search"), cl->search);
}

static void
search_start(struct client *cl)
{
	cl->mode = MODE_SEARCH;
	free(cl->search);
	cl->search = xstrdup("");
	free(cl->search_saved);
	cl->search_saved = editor_utf8(&cl->ed, NULL);
	cl->search_from = cl->hist.count;
	search_update(cl, 0);
}

static void
search_end(struct client *cl)
{
	cl->mode = MODE_EDIT;
	cl->prompt[0] = '\0';
	free(cl->search_saved);
	cl->search_saved = NULL;
}

/* A key while searching: text narrows, C-r goes further, others end it. */
static int
search_key(struct client *cl, wint_t ch, int is_key)
{
	char	buf[4];
	size_t	len;

	if (!is_key && ch == 18) {
		search_update(cl, 1);
		return 1;
	}
	if (!is_key && (ch == 7 || ch == 27)) {
		/* Given up: the line typed before C-r comes back, as in bash. */
		editor_set(&cl->ed, cl->search_saved, strlen(cl->search_saved));
		search_end(cl);
		return 1;
	}
	if ((is_key && ch == KEY_BACKSPACE) || (!is_key && (ch == 127 ||
	    ch == 8))) {
		len = strlen(cl->search);
		while (len > 0 && ((unsigned char)cl->search[len - 1] &
		    0xC0) == 0x80)
			len--;
		if (len > 0)
			cl->search[len - 1] = '\0';
		search_update(cl, 0);
		return 1;
	}
	if (!is_key && ch >= 0x20 && ch != 0x7F && !(ch >= 0x80 && ch < 0xA0)) {
		len = strlen(cl->search);
		if (len < 200) {
			cl->search = xreallocarray(cl->search, len + 5, 1);
			memcpy(cl->search + len, buf, utf8_encode(ch, buf));
			cl->search[len + utf8_encode(ch, buf)] = '\0';
		}
		search_update(cl, 0);
		return 1;
	}
	/* Any other key takes the line found and acts as usual. */
	search_end(cl);
	return 0;
}

/* --- the keyboard ------------------------------------------------------ */

/* ESC [ ... final: only the bracketed paste markers matter here. */
static void
csi_key(struct client *cl, wint_t ch)
{
	if (cl->csi_len < sizeof cl->csi - 1)
		cl->csi[cl->csi_len++] = (char)ch;
	if (ch < 0x40 || ch > 0x7E)
		return;
	cl->csi[cl->csi_len] = '\0';
	cl->seq = SEQ_NONE;
	if (strcmp(cl->csi, "200~") == 0)
		cl->pasting = 1;
	else if (strcmp(cl->csi, "201~") == 0 && cl->pasting)
		paste_end(cl);
}

/* ESC then CH: a Meta key. */
static void
meta_key(struct client *cl, wint_t ch, int is_key)
{
	cl->seq = SEQ_NONE;
	if (is_key) {
		if (ch == KEY_BACKSPACE)
			editor_kill_word_left(&cl->ed);
		return;
	}
	switch (ch) {
	case '[':
		cl->seq = SEQ_CSI;
		cl->csi_len = 0;
		break;
	case 'b':
	case 'B':
		editor_word_left(&cl->ed);
		break;
	case 'f':
	case 'F':
		editor_word_right(&cl->ed);
		break;
	case 'd':
	case 'D':
		editor_kill_word_right(&cl->ed);
		break;
	case 127:
	case 8:
		editor_kill_word_left(&cl->ed);
		break;
	}
}

/* Up, C-p: the line before in the history. */
static void
history_prev(struct client *cl)
{
	const char	*h;
	char		*cur;
	size_t		 len;

	cur = editor_utf8(&cl->ed, &len);
	if ((h = history_up(&cl->hist, cur)) != NULL)
		editor_set(&cl->ed, h, strlen(h));
	free(cur);
}

/* Down, C-n: the line after, and at the bottom what was being typed. */
static void
history_next(struct client *cl)
{
	const char	*h;

	if ((h = history_down(&cl->hist)) != NULL)
		editor_set(&cl->ed, h, strlen(h));
}

static void
page(struct client *cl, int dir)
{
	int	rows = tui_pane_rows();

	sb_scroll(&cl->sb, (long)dir * (rows > 2 ? rows - 1 : 1));
}

static void
edit_key(struct client *cl, wint_t ch, int is_key)
{
	struct editor	*ed = &cl->ed;

	if (is_key) {
		switch (ch) {
		case KEY_LEFT:		editor_left(ed); break;
		case KEY_RIGHT:		editor_right(ed); break;
		case KEY_HOME:		editor_home(ed); break;
		case KEY_END:		editor_end(ed); break;
		case KEY_BACKSPACE:	editor_backspace(ed); break;
		case KEY_DC:		editor_delete(ed); break;
		case KEY_ENTER:		submit(cl); break;
		case KEY_PPAGE:		page(cl, 1); break;
		case KEY_NPAGE:		page(cl, -1); break;
		case KEY_UP:		history_prev(cl); break;
		case KEY_DOWN:		history_next(cl); break;
		}
		return;
	}
	switch (ch) {
	case 1:		editor_home(ed); break;			/* C-a */
	case 2:		editor_left(ed); break;			/* C-b */
	case 3:		client_quit(cl); break;			/* C-c */
	case 4:						/* C-d */
		if (ed->len == 0)
			client_quit(cl);
		else
			editor_delete(ed);
		break;
	case 5:		editor_end(ed); break;			/* C-e */
	case 6:		editor_right(ed); break;		/* C-f */
	case 8:
	case 127:	editor_backspace(ed); break;
	case 9:		complete_word(cl); break;		/* Tab */
	case 11:	editor_kill_to_end(ed); break;		/* C-k */
	case 12:	clearok(curscr, TRUE); break;		/* C-l */
	case 10:
	case 13:	submit(cl); break;			/* Enter */
	case 14:	history_next(cl); break;		/* C-n */
	case 16:	history_prev(cl); break;		/* C-p */
	case 18:	search_start(cl); break;		/* C-r */
	case 21:	editor_kill_to_start(ed); break;	/* C-u */
	case 23:	editor_kill_word_left(ed); break;	/* C-w */
	case 25:	editor_yank(ed); break;			/* C-y */
	case 27:	cl->seq = SEQ_ESC; break;
	default:
		if (ch >= 0x20)
			(void)editor_insert(ed, ch);
		break;
	}
}

static void
key(struct client *cl, wint_t ch, int is_key)
{
	cl->dirty = 1;
	/*
	 * The SIGWINCH watcher resized already; resizeterm() itself pushes
	 * this key back, so resizing again here would loop for ever.
	 */
	if (is_key && ch == KEY_RESIZE)
		return;
	/* Any key but Tab ends a completion: the next Tab starts anew. */
	if (is_key || ch != 9 || cl->seq != SEQ_NONE || cl->pasting ||
	    cl->mode != MODE_EDIT)
		end_completion(cl);
	if (cl->seq == SEQ_CSI && !is_key) {
		csi_key(cl, ch);
		return;
	}
	if (cl->seq == SEQ_ESC) {
		meta_key(cl, ch, is_key);
		return;
	}
	if (cl->pasting) {
		if (!is_key && ch == 27)
			cl->seq = SEQ_ESC;
		else if (!is_key)
			paste_add(cl, ch);
		return;
	}
	if (cl->mode == MODE_CONFIRM) {
		if (!is_key)
			confirm_key(cl, ch);
		return;
	}
	if (cl->mode == MODE_SEARCH && search_key(cl, ch, is_key))
		return;
	edit_key(cl, ch, is_key);
}

void
keys_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct client	*cl = container_of(w, struct client, key_w);
	wint_t		 ch;
	int		 rc;

	while (!cl->quit && (rc = get_wch(&ch)) != ERR)
		key(cl, ch, rc == KEY_CODE_YES);
	/* An ESC with nothing after it was a key of its own. */
	if (cl->seq == SEQ_ESC && !cl->pasting)
		cl->seq = SEQ_NONE;
}

