/*
 * tui.c: drawing with ncursesw. Everything drawn is already safe (the
 * scrollback holds sanitised text, the editor holds no controls), so no
 * byte here can be a control sequence; ncurses itself would act on CR, BS
 * and TAB, which is why none reaches it.
 */
#include "common.h"

/* The wide-character curses API. */
#define NCURSES_WIDECHAR 1

#include <sys/ioctl.h>

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"
#include "utf8.h"
#include "wrap.h"
#include "xmalloc.h"

/* Last: its macros (lines, columns...) would rename what comes after. */
#include <term.h>

enum {
	PAIR_NOTICE = 1,
	PAIR_OWN,
	PAIR_MENTION,
	PAIR_CLIENT,
	PAIR_STATUS,
};

/*
 * The member list's width, its rule included: a fifth of the terminal
 * within these bounds, and only beside a pane at least this wide.
 */
#define MEMBERS_MIN_COLS	12
#define MEMBERS_MAX_COLS	24
#define MEMBERS_PANE_MIN	40

static WINDOW	*pane, *status, *input, *members;
static int	 colors, members_wanted;

static void
free_windows(void)
{
	if (pane != NULL) {
		delwin(pane);
		delwin(status);
		delwin(input);
	}
	if (members != NULL)
		delwin(members);
	pane = status = input = members = NULL;
}

static void
make_windows(void)
{
	int	rows = LINES > 3 ? LINES - 2 : 1, mcols = 0;

	free_windows();
	if (members_wanted) {
		mcols = MINIMUM(MAXIMUM(COLS / 5, MEMBERS_MIN_COLS),
		    MEMBERS_MAX_COLS);
		if (COLS - mcols < MEMBERS_PANE_MIN)
			mcols = 0;
	}
	pane = newwin(rows, COLS - mcols, 0, 0);
	if (mcols > 0 && (members = newwin(rows, mcols, 0, COLS - mcols)) ==
	    NULL)
		abort();
	status = newwin(1, COLS, rows, 0);
	input = newwin(1, COLS, rows + 1 < LINES ? rows + 1 : rows, 0);
	if (pane == NULL || status == NULL || input == NULL)
		abort();
}

void
tui_show_members(int show)
{
	members_wanted = show;
	if (pane != NULL) {
		make_windows();
		clearok(curscr, TRUE);
	}
}

int
tui_members_shown(void)
{
	return members_wanted;
}

int
tui_usable(void)
{
	TERMINAL	*t;
	int		 err;

	/* setupterm() would print its own message and exit without ERR. */
	if (setupterm(NULL, STDOUT_FILENO, &err) != OK)
		return 0;
	t = set_curterm(NULL);
	del_curterm(t);
	return 1;
}

void
tui_init(int color)
{
	if (initscr() == NULL)
		abort();
	raw();
	noecho();
	nonl();
	/*
	 * The keys are read and decoded elsewhere (keydecode.c), never by
	 * curses; keypad mode only has the terminal send its application
	 * keypad codes, which the decoder knows with the others. Keys that
	 * wait must not cut a draw short either.
	 */
	keypad(stdscr, TRUE);
	typeahead(-1);
	colors = color && has_colors();
	if (colors) {
		start_color();
		use_default_colors();
		init_pair(PAIR_NOTICE, COLOR_CYAN, -1);
		init_pair(PAIR_OWN, COLOR_GREEN, -1);
		init_pair(PAIR_MENTION, COLOR_YELLOW, -1);
		init_pair(PAIR_CLIENT, COLOR_MAGENTA, -1);
		init_pair(PAIR_STATUS, COLOR_WHITE, COLOR_BLUE);
	}
	/* Ask for bracketed paste: pasted text comes between markers. */
	fputs("\033[?2004h", stdout);
	fflush(stdout);
	make_windows();
}

void
tui_end(void)
{
	fputs("\033[?2004l", stdout);
	fflush(stdout);
	free_windows();
	endwin();
}

void
tui_bell(void)
{
	beep();
}

void
tui_repaint(void)
{
	clearok(curscr, TRUE);
}

void
tui_resize(void)
{
	struct winsize	ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	make_windows();
	clearok(curscr, TRUE);
}

int
tui_pane_rows(void)
{
	return LINES > 3 ? LINES - 2 : 1;
}

static attr_t
kind_attr(enum line_kind kind)
{
	switch (kind) {
	case LINE_NOTICE:
		return colors ? COLOR_PAIR(PAIR_NOTICE) : A_NORMAL;
	case LINE_OWN:
		return colors ? COLOR_PAIR(PAIR_OWN) : A_NORMAL;
	case LINE_MENTION:
		return (colors ? COLOR_PAIR(PAIR_MENTION) : 0) | A_BOLD;
	case LINE_CLIENT:
		return (colors ? COLOR_PAIR(PAIR_CLIENT) : 0) | A_BOLD;
	case LINE_HISTORY:
		return A_DIM;
	case LINE_NORMAL:
		break;
	}
	return A_NORMAL;
}

/*
 * Continuation rows are indented, so that no received line can wrap into
 * what looks like a line of its own at the left edge.
 */
#define WRAP_INDENT	2

/* The cells a line wraps at: the pane's width less the indent. */
static int
wrap_at(void)
{
	int	width = getmaxx(pane);

	return width > 2 * WRAP_INDENT + 2 ? width - WRAP_INDENT : width;
}

size_t
tui_line_rows(const char *text)
{
	return wrap_rows(text, strlen(text), wrap_at(), NULL, 0);
}

/* Draw row Y of the pane: the bytes [FROM, TO) of a line, spaces trimmed. */
static void
draw_row(int y, int x, const char *text, size_t from, size_t to, attr_t attr)
{
	while (to > from && text[to - 1] == ' ')
		to--;
	wattrset(pane, attr);
	mvwaddnstr(pane, y, x, text + from, (int)(to - from));
	wattrset(pane, A_NORMAL);
}

static void
draw_pane(const struct scrollback *sb)
{
	const struct sb_line	*l;
	size_t			*starts = NULL, nstarts = 0, rows, len, i, r;
	size_t			 hidden = sb->hidden;
	int			 y = getmaxy(pane), width = wrap_at();

	werase(pane);
	if (width < 2 || sb->count == 0)
		return;
	/* From the row at the bottom, up, until the pane is full. */
	for (i = sb->count - sb->offset; i-- > 0 && y > 0; ) {
		l = sb_get(sb, i);
		len = strlen(l->text);
		rows = wrap_rows(l->text, len, width, starts, nstarts);
		/* At least one, as wrap_rows() says: the analyzer is told. */
		if (rows == 0)
			continue;
		if (rows > nstarts) {
			nstarts = rows;
			starts = xreallocarray(starts, nstarts, sizeof *starts);
			rows = wrap_rows(l->text, len, width, starts, nstarts);
		}
		/* The bottom line's rows below the pane are not drawn. */
		for (r = rows - MINIMUM(hidden, rows - 1); r-- > 0 && y > 0; ) {
			y--;
			draw_row(y, r > 0 && width < getmaxx(pane) ?
			    WRAP_INDENT : 0, l->text, starts[r],
			    r + 1 < rows ? starts[r + 1] : len,
			    kind_attr(l->kind));
		}
		hidden = 0;
	}
	free(starts);
}

/* Draw up to WIDTH columns of the C string S at the cursor of W. */
static void
add_cols(WINDOW *w, const char *s, int width)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len = strlen(s), n;
	int32_t			 cp;
	int			 cw;

	while (len > 0) {
		n = utf8_decode(p, len, &cp);
		cw = wrap_cp_width(cp == UTF8_INVALID ? UTF8_REPLACEMENT :
		    (uint32_t)cp);
		if (cw > width)
			break;
		waddnstr(w, (const char *)p, (int)n);
		width -= cw;
		p += n;
		len -= n;
	}
}

/* The member list: a rule, how many, then a name a row. */
static void
draw_members(const struct tui_view *v)
{
	char	head[64];
	int	rows = getmaxy(members), width = getmaxx(members) - 2, y;
	size_t	i;

	werase(members);
	mvwvline(members, 0, 0, ACS_VLINE, rows);
	if (width < 1)
		return;
	snprintf(head, sizeof head, ngettext("%zu member", "%zu members",
	    v->nmembers), v->nmembers);
	wattrset(members, A_BOLD);
	wmove(members, 0, 2);
	add_cols(members, head, width);
	wattrset(members, A_NORMAL);
	for (i = 0, y = 1; i < v->nmembers && y < rows; i++, y++) {
		wmove(members, y, 2);
		if (y == rows - 1 && i + 1 < v->nmembers) {
			snprintf(head, sizeof head, _("+%zu more"),
			    v->nmembers - i);
			add_cols(members, head, width);
			break;
		}
		add_cols(members, v->member(v->member_arg, i), width);
	}
}

/* The status bar after the server and the state: from N in BUF. */
static void
status_rest(const struct tui_view *v, char *buf, size_t size, int n)
{
	if (v->nick != NULL && (size_t)n < size)
		n += snprintf(buf + n, size - n, " | %s", v->nick);
	if (v->window != NULL && (size_t)n < size)
		n += snprintf(buf + n, size - n, " | %s%s%s", v->window,
		    v->activity[0] != '\0' ? " " : "", v->activity);
	if (sb_scrolled(v->sb) && (size_t)n < size)
		snprintf(buf + n, size - n, _(" | -- more: %zu unread --"),
		    v->sb->unread);
}

static void
draw_status(const struct tui_view *v)
{
	char	buf[512];
	int	n;

	int	full;

	werase(status);
	wbkgdset(status, ' ' | (colors ? COLOR_PAIR(PAIR_STATUS) : A_REVERSE));
	werase(status);
	/* Too wide for the terminal: the server's name goes first. */
	for (full = 1; full >= 0; full--) {
		if (full)
			n = snprintf(buf, sizeof buf, " %s | %s", v->where,
			    v->state);
		else
			n = snprintf(buf, sizeof buf, " %s", v->state);
		status_rest(v, buf, sizeof buf, n);
		if (wrap_width(buf, strlen(buf)) <= (size_t)COLS)
			break;
	}
	mvwaddnstr(status, 0, 0, buf, -1);
}


/* Draw the input field and return the cursor's column. */
static int
draw_input(const struct tui_view *v)
{
	struct editor	*ed = v->ed;
	char		 utf8[4];
	size_t		 i;
	int		 x = 0, w, width, col;

	werase(input);
	if (v->prompt != NULL) {
		mvwaddnstr(input, 0, 0, v->prompt, -1);
		x = (int)wrap_width(v->prompt, strlen(v->prompt));
	}
	width = getmaxx(input) - x;
	if (width < 2)
		return x;
	col = editor_view(ed, width);
	wmove(input, 0, x);
	for (i = ed->scroll, w = 0; i < ed->len; i++) {
		w += wrap_cp_width(ed->text[i]);
		if (w > width)
			break;
		waddnstr(input, utf8, (int)utf8_encode(ed->text[i], utf8));
	}
	return x + col;
}

void
tui_draw(const struct tui_view *v)
{
	int	cx;

	draw_pane(v->sb);
	if (members != NULL)
		draw_members(v);
	draw_status(v);
	cx = draw_input(v);
	wmove(input, 0, cx);
	wnoutrefresh(pane);
	if (members != NULL)
		wnoutrefresh(members);
	wnoutrefresh(status);
	wnoutrefresh(input);
	doupdate();
}
