/*
 * fullscreen.c: the full-screen client: keys to the editor, lines to the
 * server, messages to the pane. One libev loop drives the socket, the
 * keyboard and SIGWINCH; the screen is drawn once per loop iteration,
 * however many messages came, so a flood costs one redraw a read.
 */
#include "common.h"

/* The wide-character curses API. */
#define NCURSES_WIDECHAR 1

#include <sys/types.h>
#include <sys/socket.h>

#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "addr.h"
#include "client.h"
#include "fullscreen.h"
#include "log.h"
#include "sanitize.h"
#include "scrollback.h"
#include "tui.h"
#include "utf8.h"
#include "xmalloc.h"

/* More pasted lines than this are sent only when the user says so. */

void
client_say(struct client *cl, const char *fmt, ...)
{
	char	*msg, *safe;
	va_list	 ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	safe = sanitize_str(msg);
	sb_add(&cl->sb, safe, LINE_CLIENT);
	free(safe);
	free(msg);
	cl->dirty = 1;
}

/* Sanitised, TABs made spaces: what the pane may show. */
static char *
displayable(const char *msg, size_t len)
{
	char	*safe, *out;
	size_t	 n, i, o = 0, col = 0, tabs = 0;

	safe = xmalloc(SANITIZE_MAX(len) + 1);
	n = sanitize(safe, msg, len, 1);
	for (i = 0; i < n; i++)
		tabs += safe[i] == '\t';
	out = xmalloc(n + tabs * TAB_STOP + 1);
	for (i = 0; i < n; i++) {
		if (safe[i] == '\t') {
			do {
				out[o++] = ' ';
				col++;
			} while (col % TAB_STOP != 0);
		} else {
			out[o++] = safe[i];
			if (((unsigned char)safe[i] & 0xC0) != 0x80)
				col++;
		}
	}
	out[o] = '\0';
	free(safe);
	return out;
}

/* The text after the stamp "[...] ", or the whole line. */
static const char *
after_stamp(const char *line)
{
	const char	*p;

	if (line[0] != '[' || (p = strstr(line, "] ")) == NULL)
		return line;
	return p + 2;
}

/* Whether TEXT starts with NICK followed by SUFFIX. */
static int
starts_with_nick(const char *text, const char *nick, const char *suffix)
{
	size_t	n = strlen(nick);

	return strncmp(text, nick, n) == 0 &&
	    strncmp(text + n, suffix, strlen(suffix)) == 0;
}

static enum line_kind
classify(struct client *cl, const char *line)
{
	const char	*text = after_stamp(line);
	char		 old[300];
	const char	*p;

	if (strncmp(text, "*** ", 4) == 0) {
		/* Follow our own nick changes. */
		if (cl->me != NULL && starts_with_nick(text + 4, cl->me,
		    " is now known as ")) {
			snprintf(old, sizeof old, "%s", text + 4 +
			    strlen(cl->me) + 17);
			free(cl->me);
			cl->me = xstrdup(old);
		}
		return LINE_NOTICE;
	}
	if (cl->me == NULL)
		return LINE_NORMAL;
	if (starts_with_nick(text, cl->me, ": ") ||
	    (strncmp(text, "* ", 2) == 0 &&
	    starts_with_nick(text + 2, cl->me, " ")))
		return LINE_OWN;
	/* A mention: our nick (not an address) in someone's text. */
	if (strchr(cl->me, ':') == NULL && (p = strstr(text, ": ")) != NULL &&
	    strcasestr(p, cl->me) != NULL)
		return LINE_MENTION;
	return LINE_NORMAL;
}

static void
on_message(void *arg, const char *msg, size_t len)
{
	struct client	*cl = arg;
	char		*line;

	line = displayable(msg, len);
	complete_learn(&cl->comp, line, strlen(line));
	sb_add(&cl->sb, line, classify(cl, line));
	if (cl->log != NULL) {
		fputs(line, cl->log);
		fputc('\n', cl->log);
		fflush(cl->log);
	}
	free(line);
	cl->dirty = 1;
}

static void
update_state(struct client *cl)
{
	switch (cl->conn.state) {
	case CONN_CONNECTING:
		snprintf(cl->state, sizeof cl->state, "%s", _("connecting"));
		break;
	case CONN_UP:
		snprintf(cl->state, sizeof cl->state, "%s", _("connected"));
		break;
	case CONN_WAITING:
		snprintf(cl->state, sizeof cl->state,
		    _("reconnecting in %.0fs"), conn_retry_in(&cl->conn) + 0.49);
		break;
	}
	cl->dirty = 1;
}

/* Our address as the server sees it: our nick until we take one. */
static void
learn_self(struct client *cl)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof ss;
	char			buf[ADDR_STRLEN];

	if (getsockname(cl->conn.fd, (struct sockaddr *)&ss, &len) == -1)
		return;
	free(cl->me);
	cl->me = xstrdup(addr_format_sockaddr((struct sockaddr *)&ss, len,
	    buf));
}

static void
on_state(void *arg, enum conn_state st, int why)
{
	struct client	*cl = arg;

	switch (st) {
	case CONN_UP:
		learn_self(cl);
		client_say(cl, _("*** connected to %s"), cl->conn.name);
		ev_timer_stop(cl->loop, &cl->tick_w);
		break;
	case CONN_WAITING:
		if (why != 0)
			client_say(cl, _("*** cannot reach %s: %s; trying again in "
			    "%.1f s"), cl->conn.name, strerror(why),
			    conn_retry_in(&cl->conn));
		else
			client_say(cl, _("*** %s closed the connection; trying again "
			    "in %.1f s"), cl->conn.name,
			    conn_retry_in(&cl->conn));
		ev_timer_again(cl->loop, &cl->tick_w);
		break;
	case CONN_CONNECTING:
		break;
	}
	update_state(cl);
}

static const struct conn_events conn_events = { on_message, on_state };

void
client_quit(struct client *cl)
{
	cl->quit = 1;
	ev_break(cl->loop, EVBREAK_ALL);
}

static void
draw_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct client	*cl = container_of(w, struct client, draw_w);
	struct tui_view	 v;

	if (!cl->dirty || cl->quit)
		return;
	cl->dirty = 0;
	memset(&v, 0, sizeof v);
	v.sb = &cl->sb;
	v.ed = &cl->ed;
	v.where = cl->where;
	v.state = cl->state;
	v.nick = cl->me;
	v.prompt = cl->mode != MODE_EDIT ? cl->prompt : NULL;
	tui_draw(&v);
}

/* Every SIGWINCH, even to the same size, redraws everything. */
static void
winch_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct client	*cl = container_of(w, struct client, winch_w);

	tui_resize();
	cl->dirty = 1;
}

static void
term_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	client_quit(container_of(w, struct client, term_w));
}

static void
hup_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	client_quit(container_of(w, struct client, hup_w));
}

/* While reconnecting: the countdown in the status bar. */
static void
tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	update_state(container_of(w, struct client, tick_w));
}

/* Free CL and what it holds but the connection. */
static void
client_free(struct client *cl)
{
	if (cl->log != NULL)
		fclose(cl->log);
	sb_free(&cl->sb);
	editor_free(&cl->ed);
	history_free(&cl->hist);
	complete_free(&cl->comp);
	free(cl->comp_prefix);
	free(cl->paste);
	free(cl->search);
	free(cl->search_saved);
	free(cl->me);
	free(cl);
}

int
fullscreen_run(const struct cliconf *c)
{
	struct client	*cl;
	struct ev_loop	*loop;
	const char	*why;
	char		*host;
	FILE		*log = NULL;

	/* What can fail comes first: a failure leaves nothing allocated. */
	if (!tui_usable())
		die(1, 0, _("cannot draw on this terminal (TERM=%s)"),
		    getenv("TERM") != NULL ? getenv("TERM") : "");
	if ((loop = ev_default_loop(EVFLAG_AUTO)) == NULL)
		die(1, 0, "%s", _("cannot initialise the event loop"));
	if (c->log_file != NULL && (log = fopen(c->log_file, "a")) == NULL)
		die(1, errno, _("cannot open %s"), c->log_file);
	cl = xcalloc(1, sizeof *cl);
	cl->conf = c;
	cl->loop = loop;
	cl->log = log;
	/* The connection may report at once: the models come first. */
	sb_init(&cl->sb, c->scrollback);
	editor_init(&cl->ed);
	history_init(&cl->hist);
	complete_init(&cl->comp);
	ev_init(&cl->tick_w, tick_cb);
	cl->tick_w.repeat = 1.0;
	/* A name that does not resolve is said before the screen opens. */
	if (conn_start(&cl->conn, cl->loop, c, &conn_events, cl, &why) == -1) {
		client_free(cl);
		die(1, 0, _("cannot resolve %s: %s"), c->host, why);
	}
	host = sanitize_str(cl->conn.name);
	snprintf(cl->where, sizeof cl->where, "%s %s", host,
	    c->udp ? "udp" : "tcp");
	free(host);
	update_state(cl);

	tui_init(!c->no_color);
	ev_io_init(&cl->key_w, keys_cb, STDIN_FILENO, EV_READ);
	ev_io_start(cl->loop, &cl->key_w);
	ev_signal_init(&cl->winch_w, winch_cb, SIGWINCH);
	ev_signal_start(cl->loop, &cl->winch_w);
	ev_signal_init(&cl->term_w, term_cb, SIGTERM);
	ev_signal_start(cl->loop, &cl->term_w);
	ev_signal_init(&cl->hup_w, hup_cb, SIGHUP);
	ev_signal_start(cl->loop, &cl->hup_w);
	ev_prepare_init(&cl->draw_w, draw_cb);
	ev_prepare_start(cl->loop, &cl->draw_w);
	cl->dirty = 1;

	ev_run(cl->loop, 0);

	tui_end();
	conn_close(&cl->conn);
	ev_timer_stop(cl->loop, &cl->tick_w);
	client_free(cl);
	outq_shutdown();
	return 0;
}
