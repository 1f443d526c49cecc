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
#include "fullscreen.h"
#include "keydecode.h"
#include "knownhosts.h"
#include "log.h"
#include "sanitize.h"
#include "scrollback.h"
#include "tui.h"
#include "utf8.h"
#include "windows.h"
#include "xmalloc.h"

/* How long an ESC waits for the rest of its sequence (ncurses' ESCDELAY). */
#define ESC_DELAY_SECS		0.025
#define KEYS_READ_BYTES		4096

void
fullscreen_say(struct fullscreen *fs, const char *fmt, ...)
{
	char	*msg, *safe;
	va_list	 ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	safe = sanitize_str(msg);
	sb_add(&fs->win.current->sb, safe, LINE_CLIENT);
	free(safe);
	free(msg);
	fs->dirty = 1;
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

/*
 * The --log file cannot be written: said once in the pane now, and once on
 * stderr when the screen has ended; nothing more is written to it.
 */
static void
log_failed(struct fullscreen *fs, int errnum)
{
	fs->log_errno = errnum != 0 ? errnum : EIO;
	(void)fclose(fs->log);
	fs->log = NULL;
	fullscreen_say(fs, _("*** cannot write to %s: %s; nothing more is "
	    "logged"), fs->conf->log_file, strerror(fs->log_errno));
}

/* LINE to the --log file; log_flush() writes what a read brought. */
static void
log_line(struct fullscreen *fs, const char *line)
{
	if (fs->log == NULL)
		return;
	errno = 0;
	if (fputs(line, fs->log) == EOF || fputc('\n', fs->log) == EOF)
		log_failed(fs, errno);
}

/*
 * Once a loop iteration, not once a line: the lines of a read go out in
 * one write, and a failure still shows before the screen is drawn.
 */
static void
log_flush(struct fullscreen *fs)
{
	if (fs->log == NULL)
		return;
	errno = 0;
	if (fflush(fs->log) == EOF)
		log_failed(fs, errno);
}

/* At the end: close the --log file and say whether it was all written. */
static void
log_close(struct fullscreen *fs)
{
	if (fs->log != NULL) {
		errno = 0;
		if (fclose(fs->log) == EOF)
			fs->log_errno = errno != 0 ? errno : EIO;
		fs->log = NULL;
	}
	if (fs->log_errno != 0)
		prog_warn(_("cannot write to %s: %s"), fs->conf->log_file,
		    strerror(fs->log_errno));
}

/* LINE (a C string) to the server, if it is there to take it. */
static void
send_line(struct fullscreen *fs, const char *line)
{
	(void)conn_send(&fs->conn, line, strlen(line));
}

static void
on_message(void *arg, const char *msg, size_t len)
{
	struct fullscreen	*fs = arg;
	struct window_route	 r;
	char			*line, *ask;

	line = displayable(msg, len);
	log_line(fs, line);
	complete_learn(&fs->comp, line, strlen(line));
	windows_route(&fs->win, line, &r);
	free(line);
	if (r.nick != NULL) {
		free(fs->me);
		fs->me = xstrdup(r.nick);
	}
	/* A room joined: its members, asked quietly. */
	if (r.joined != NULL &&
	    (ask = windows_ask_members(&fs->win, r.joined)) != NULL) {
		send_line(fs, ask);
		free(ask);
	}
	if (r.bell && !fs->conf->no_bell)
		tui_bell();
	fs->dirty = 1;
}

/* The lines typed in earlier runs, and the file this run's go to. */
static void
histfile_start(struct fullscreen *fs)
{
	enum histfile_step	 step;
	char			*path, *safe;
	int			 err;

	fs->hfile.fd = -1;
	if ((path = histfile_path()) == NULL) {
		fullscreen_say(fs, "%s", _("*** typed lines are not kept across "
		    "runs: neither XDG_STATE_HOME nor HOME is an absolute "
		    "path"));
		return;
	}
	if (histfile_open(&fs->hfile, path, &fs->hist, &step) == 0) {
		free(path);
		return;
	}
	err = errno;
	safe = sanitize_str(path);
	switch (step) {
	case HISTFILE_MKDIR:
		fullscreen_say(fs, _("*** typed lines are not kept across runs: "
		    "cannot make the directory of %s: %s"), safe, strerror(err));
		break;
	case HISTFILE_OPEN:
		fullscreen_say(fs, _("*** typed lines are not kept across runs: "
		    "cannot open %s: %s"), safe, strerror(err));
		break;
	case HISTFILE_READ:
		fullscreen_say(fs, _("*** typed lines are not kept across runs: "
		    "cannot read %s: %s"), safe, strerror(err));
		break;
	case HISTFILE_WRITE:
		fullscreen_say(fs, _("*** typed lines are not kept across runs: "
		    "cannot write %s: %s"), safe, strerror(err));
		break;
	}
	free(safe);
	free(path);
}

void
fullscreen_remember(struct fullscreen *fs, const char *line)
{
	char	*safe;
	int	 err;

	if (!history_add(&fs->hist, line) ||
	    histfile_append(&fs->hfile, line) == 0)
		return;
	/* Said once: the file is given up. */
	err = errno;
	safe = sanitize_str(fs->hfile.path);
	fullscreen_say(fs, _("*** typed lines are no longer kept across runs: "
	    "cannot write %s: %s"), safe, strerror(err));
	free(safe);
	histfile_close(&fs->hfile);
}

static void
update_state(struct fullscreen *fs)
{
	switch (fs->conn.state) {
	case CONN_CONNECTING:
		snprintf(fs->state, sizeof fs->state, "%s", _("connecting"));
		break;
	case CONN_UP:
		snprintf(fs->state, sizeof fs->state, "%s", _("connected"));
		break;
	case CONN_WAITING:
		snprintf(fs->state, sizeof fs->state,
		    _("reconnecting in %.0fs"),
		    conn_retry_in(&fs->conn) + 0.49);
		break;
	case CONN_UNTRUSTED:
		snprintf(fs->state, sizeof fs->state, "%s", _("not trusted"));
		break;
	case CONN_FAILED:
	case CONN_CLOSED:
		/* Not under CONN_RECONNECT. */
		break;
	}
	fs->dirty = 1;
}

/* Our address as the server sees it: our nick until we take one. */
static void
learn_self(struct fullscreen *fs)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof ss;
	char			buf[ADDR_STRLEN];

	if (getsockname(fs->conn.fd, (struct sockaddr *)&ss, &len) == -1)
		return;
	free(fs->me);
	fs->me = xstrdup(addr_format_sockaddr((struct sockaddr *)&ss, len,
	    buf));
}

static void
on_state(void *arg, enum conn_state st, int why)
{
	struct fullscreen	*fs = arg;
	char			*cmd;
	size_t			 i;

	switch (st) {
	case CONN_UP:
		learn_self(fs);
		fullscreen_say(fs, _("*** connected to %s"), fs->conn.name);
		ev_timer_stop(fs->loop, &fs->tick_w);
		/* --nick on each connection: a new server knows us not. */
		if (fs->conf->nick != NULL) {
			xasprintf(&cmd, "/nick %s", fs->conf->nick);
			send_line(fs, cmd);
			free(cmd);
		}
		/* The rooms we were in, again: their windows are open. */
		for (i = 0; i < fs->win.count; i++) {
			if (fs->win.list[i]->kind != WINDOW_ROOM)
				continue;
			xasprintf(&cmd, "/join %s", fs->win.list[i]->name);
			send_line(fs, cmd);
			free(cmd);
		}
		fs->was_up = 1;
		break;
	case CONN_WAITING:
		if (fs->was_up)
			windows_disconnected(&fs->win);
		fs->was_up = 0;
		if (why != 0)
			fullscreen_say(fs, _("*** cannot reach %s: %s; trying "
			    "again in %.1f s"), fs->conn.name,
			    conn_why(&fs->conn, why), conn_retry_in(&fs->conn));
		else
			fullscreen_say(fs, _("*** %s closed the connection; "
			    "trying again in %.1f s"), fs->conn.name,
			    conn_retry_in(&fs->conn));
		ev_timer_again(fs->loop, &fs->tick_w);
		break;
	case CONN_UNTRUSTED:
		ev_timer_stop(fs->loop, &fs->tick_w);
		fullscreen_say(fs, _("*** not connected to %s: its key is not "
		    "trusted"), fs->conn.name);
		break;
	case CONN_CONNECTING:
	case CONN_FAILED:
	case CONN_CLOSED:
		break;
	}
	update_state(fs);
}

/* TLS: trusted, refused, or the user is asked (MODE_TRUST). */
static int
on_verify(void *arg, const unsigned char pin[PIN_BYTES],
    const char *verify_error)
{
	struct fullscreen	*fs = arg;
	struct trust_case	*t = &fs->trust;
	enum trust		 r;
	char			*msg;

	memset(t, 0, sizeof *t);
	t->hostport = fs->conn.name;
	memcpy(t->pin, pin, PIN_BYTES);
	t->verify_error = verify_error;
	t->known_hosts = fs->known_hosts;
	if ((r = trust_check(fs->conf, t)) == TRUST_YES)
		return 1;
	msg = trust_message(r, t, r == TRUST_UNKNOWN);
	fullscreen_say(fs, "*** %s", msg);
	free(msg);
	if (r != TRUST_UNKNOWN)
		return 0;
	/* Asked once; the answer is remembered (known_hosts). */
	keybind_interrupt(fs);
	fs->mode = MODE_TRUST;
	snprintf(fs->prompt, sizeof fs->prompt, "%s",
	    _("Trust this key and remember it? (y/n) "));
	fs->dirty = 1;
	return -1;
}

void
fullscreen_trust(struct fullscreen *fs, int yes)
{
	const struct trust_case	*t = &fs->trust;
	char			*safe;

	fs->mode = MODE_EDIT;
	if (yes && t->known_hosts == NULL)
		fullscreen_say(fs, "%s", _("*** the key is trusted this time "
		    "only: neither XDG_DATA_HOME nor HOME says where to "
		    "remember it"));
	else if (yes && knownhosts_add(t->known_hosts, t->hostport,
	    t->pin) == -1) {
		safe = sanitize_str(t->known_hosts);
		fullscreen_say(fs, _("*** the key is trusted this time only: "
		    "cannot write %s: %s"), safe, strerror(errno));
		free(safe);
	} else if (yes) {
		safe = sanitize_str(t->known_hosts);
		fullscreen_say(fs, _("*** the key of %s is remembered in %s"),
		    t->hostport, safe);
		free(safe);
	}
	conn_trust(&fs->conn, yes);
}

static const struct conn_events conn_events = {
	.message = on_message,
	.state = on_state,
	.verify = on_verify,
};

void
fullscreen_quit(struct fullscreen *fs)
{
	fs->quit = 1;
	ev_break(fs->loop, EVBREAK_ALL);
}

static void
key_cb(void *arg, const struct key *k)
{
	keybind_key(arg, k);
}

/* The terminal sent bytes: the keys they are go to what they do. */
static void
keys_read_cb(struct ev_loop *loop, ev_io *w, int revents UNUSED)
{
	struct fullscreen	*fs = container_of(w, struct fullscreen,
				    key_w);
	char			 buf[KEYS_READ_BYTES];
	ssize_t			 n;

	if ((n = read(STDIN_FILENO, buf, sizeof buf)) == -1) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return;
	}
	if (n <= 0) {
		/* The terminal has gone. */
		fullscreen_quit(fs);
		return;
	}
	ev_timer_stop(loop, &fs->esc_w);
	keydecode_feed(&fs->keys, buf, (size_t)n, key_cb, fs);
	/* A lone ESC, or a sequence cut: the rest may be on its way. */
	if (keydecode_pending(&fs->keys)) {
		ev_timer_set(&fs->esc_w, ESC_DELAY_SECS, 0.);
		ev_timer_start(loop, &fs->esc_w);
	}
}

/* Nothing followed in time: what waits is the key it is so far. */
static void
esc_cb(struct ev_loop *loop UNUSED, ev_timer *w, int revents UNUSED)
{
	struct fullscreen	*fs = container_of(w, struct fullscreen,
				    esc_w);

	keydecode_flush(&fs->keys, key_cb, fs);
}

/* The member list's names, for the view. */
static const char *
member_at(const void *arg, size_t i)
{
	return window_member(arg, i);
}

static void
draw_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct fullscreen	*fs = container_of(w, struct fullscreen,
				    draw_w);
	struct window		*cur = fs->win.current;
	struct tui_view		 v;
	char			 label[WINDOW_LABEL_MAX];

	log_flush(fs);
	if (!fs->dirty || fs->quit)
		return;
	fs->dirty = 0;
	/* A resize, or lines dropped at the top, may leave the pane short. */
	sb_fit(&cur->sb, (size_t)tui_pane_rows(), tui_line_rows);
	memset(&v, 0, sizeof v);
	v.sb = &cur->sb;
	v.ed = &fs->ed;
	v.where = fs->where;
	v.state = fs->state;
	v.nick = fs->me;
	snprintf(label, sizeof label, "%u:%s", cur->number, cur->name);
	v.window = label;
	v.activity = windows_activity(&fs->win);
	v.prompt = fs->mode != MODE_EDIT ? fs->prompt : NULL;
	if (tui_members_shown()) {
		v.nmembers = window_member_count(cur);
		v.member = member_at;
		v.member_arg = cur;
	}
	tui_draw(&v);
}

/* Every SIGWINCH, even to the same size, redraws everything. */
static void
winch_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct fullscreen	*fs = container_of(w, struct fullscreen,
				    winch_w);

	tui_resize();
	fs->dirty = 1;
}

static void
term_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	fullscreen_quit(container_of(w, struct fullscreen, term_w));
}

static void
hup_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	fullscreen_quit(container_of(w, struct fullscreen, hup_w));
}

/* While reconnecting: the countdown in the status bar. */
static void
tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	update_state(container_of(w, struct fullscreen, tick_w));
}

/* Free CL and what it holds but the connection. */
static void
fullscreen_free(struct fullscreen *fs)
{
	if (fs->log != NULL)
		fclose(fs->log);
	windows_free(&fs->win);
	editor_free(&fs->ed);
	history_free(&fs->hist);
	histfile_close(&fs->hfile);
	complete_free(&fs->comp);
	free(fs->comp_prefix);
	free(fs->paste);
	free(fs->search);
	free(fs->search_saved);
	free(fs->me);
	free(fs->known_hosts);
	free(fs);
}

int
fullscreen_run(const struct cliconf *c)
{
	struct fullscreen	*fs;
	struct ev_loop		*loop;
	const char		*why;
	char			*host;
	FILE			*log = NULL;

	/* What can fail comes first: a failure leaves nothing allocated. */
	if (!tui_usable())
		die(1, 0, _("cannot draw on this terminal (TERM=%s)"),
		    getenv("TERM") != NULL ? getenv("TERM") : "");
	if ((loop = ev_default_loop(EVFLAG_AUTO)) == NULL)
		die(1, 0, "%s", _("cannot initialise the event loop"));
	if (c->log_file != NULL && (log = fopen(c->log_file, "a")) == NULL)
		die(1, errno, _("cannot open %s"), c->log_file);
	fs = xcalloc(1, sizeof *fs);
	fs->conf = c;
	fs->loop = loop;
	fs->log = log;
	if (c->tls)
		fs->known_hosts = knownhosts_path();
	/* The connection may report at once: the models come first. */
	windows_init(&fs->win, c->scrollback);
	editor_init(&fs->ed);
	history_init(&fs->hist);
	histfile_start(fs);
	complete_init(&fs->comp);
	ev_init(&fs->tick_w, tick_cb);
	fs->tick_w.repeat = 1.0;
	/* A name that does not resolve is said before the screen opens. */
	if (conn_start(&fs->conn, fs->loop, c, CONN_RECONNECT, &conn_events, fs,
	    &why) == -1) {
		fullscreen_free(fs);
		die(1, 0, _("cannot resolve %s: %s"), c->host, why);
	}
	host = sanitize_str(fs->conn.name);
	snprintf(fs->where, sizeof fs->where, "%s %s", host,
	    c->udp ? "udp" : c->tls ? "tls" : "tcp");
	free(host);
	update_state(fs);

	tui_init(!c->no_color);
	keydecode_init(&fs->keys);
	ev_init(&fs->esc_w, esc_cb);
	ev_io_init(&fs->key_w, keys_read_cb, STDIN_FILENO, EV_READ);
	ev_io_start(fs->loop, &fs->key_w);
	ev_signal_init(&fs->winch_w, winch_cb, SIGWINCH);
	ev_signal_start(fs->loop, &fs->winch_w);
	ev_signal_init(&fs->term_w, term_cb, SIGTERM);
	ev_signal_start(fs->loop, &fs->term_w);
	ev_signal_init(&fs->hup_w, hup_cb, SIGHUP);
	ev_signal_start(fs->loop, &fs->hup_w);
	ev_prepare_init(&fs->draw_w, draw_cb);
	ev_prepare_start(fs->loop, &fs->draw_w);
	fs->dirty = 1;

	ev_run(fs->loop, 0);

	tui_end();
	log_close(fs);
	conn_close(&fs->conn);
	ev_timer_stop(fs->loop, &fs->tick_w);
	ev_timer_stop(fs->loop, &fs->esc_w);
	fullscreen_free(fs);
	outq_shutdown();
	return 0;
}
