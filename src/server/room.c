/*
 * room.c: a room. A message is stamped, neutralised and formatted once,
 * into a shared chunk whose slice every member's queue points to. The room
 * reaches members only through their ops and the other servers only
 * through its hooks: it knows neither how bytes travel nor Redis.
 */
#include "common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "command.h"
#include "defaults.h"
#include "frame.h"
#include "nick.h"
#include "room.h"
#include "sanitize.h"
#include "xmalloc.h"

/* /who puts this many bytes of nicks on one line. */
#define WHO_LINE_BYTES	400

struct room {
	struct room_env	 env;
	struct room_hooks hooks;
	struct member	*members;
	unsigned int	 nmembers;	/* here; room_count() adds the rest */
	unsigned int	 nbatched;	/* of them, members that take a push */
	uint32_t	 last_id;
	int		 closed;	/* nothing more is said */
	/*
	 * The room's lines of this loop iteration, one after another in one
	 * chunk, not yet handed to the members that take them in one push
	 * (room_flush). Whatever else the room sends flushes them first, so
	 * that nobody sees anything out of order; members that are not
	 * batched get each line as it is said.
	 */
	struct slice	 gathered;
};

struct room *
room_create(const struct room_env *env)
{
	struct room	*r;

	r = xcalloc(1, sizeof *r);
	r->env = *env;
	return r;
}

void
room_free(struct room *r)
{
	if (r == NULL)
		return;
	slice_release(&r->gathered);
	free(r);
}

void
room_set_hooks(struct room *r, const struct room_hooks *h)
{
	if (h != NULL)
		r->hooks = *h;
	else
		memset(&r->hooks, 0, sizeof r->hooks);
}

unsigned int
room_count(const struct room *r)
{
	unsigned int	n = r->nmembers;

	if (r->hooks.remote_count != NULL)
		n += r->hooks.remote_count(r->hooks.arg);
	return n;
}

void
room_each_member(const struct room *r, void (*fn)(uint32_t, const char *,
    int, void *), void *arg)
{
	const struct member	*m;
	char			 buf[ADDR_STRLEN];

	for (m = r->members; m != NULL; m = m->next)
		fn(m->id, member_nick(m, buf), m->nick != NULL, arg);
}

const char *
member_nick(const struct member *m, char *buf)
{
	return m->nick != NULL ? m->nick : addr_format(&m->addr, buf);
}

/* Whether another server's member uses NICK. */
static int
remote_nick_in_use(const struct room *r, const char *nick, size_t len)
{
	return r->hooks.nick_in_use != NULL &&
	    r->hooks.nick_in_use(r->hooks.arg, nick, len);
}

static void
nick_claim(struct room *r, const struct member *m, const char *old)
{
	if (r->hooks.nick_claim != NULL)
		r->hooks.nick_claim(r->hooks.arg, m->id, m->nick, old);
}

/*
 * Make "[STAMP] " + HEAD + TEXT (neutralised) + the terminator into a
 * shared slice. TEXT may be NULL.
 */
static void
format_line(const struct room *r, struct slice *s, const char *head,
    size_t hlen, const char *text, size_t tlen)
{
	const char	*stamp;
	size_t		 slen, n;
	char		*out;

	/* Written in place, with room for the worst the text can become. */
	stamp = r->env.stamp(&slen);
	out = outq_msg_begin(slen + hlen + (text != NULL ?
	    SANITIZE_MAX(tlen) : 0) + 1);
	memcpy(out, stamp, slen);
	n = slen;
	memcpy(out + n, head, hlen);
	n += hlen;
	if (text != NULL)
		n += sanitize(out + n, text, tlen, 1);
	if (r->env.framing == FRAME_LINE)
		out[n++] = '\n';
	outq_msg_end(n, s);
}

void
room_flush(struct room *r)
{
	struct member	*m, *next;
	struct slice	 s;

	if (r->gathered.len == 0)
		return;
	s = r->gathered;
	memset(&r->gathered, 0, sizeof r->gathered);
	for (m = r->members; m != NULL; m = next) {
		next = m->next;
		if (m->ops->batched)
			m->ops->deliver(m, &s);
	}
	slice_release(&s);
}

/* S to every member here. */
static void
send_all(struct room *r, const struct slice *s)
{
	struct member	*m, *next;

	if (r->nmembers == 0 || s->len == 0)
		return;
	*r->env.msgs_out += r->nmembers;
	/* Members that are not batched get each line at once. */
	for (m = r->members; r->nbatched < r->nmembers && m != NULL;
	    m = next) {
		next = m->next;
		if (!m->ops->batched)
			m->ops->deliver(m, s);
	}
	if (r->nbatched == 0)
		return;
	/* The others get the lines gathered, in one push each. */
	if (r->gathered.len > 0 && slice_extend(&r->gathered, s))
		return;
	room_flush(r);
	r->gathered = *s;
	slice_hold(&r->gathered);
}

/* To everyone here, and to the other servers. */
static void
broadcast(struct room *r, enum room_event ev, const struct member *m,
    const struct slice *s)
{
	char	buf[ADDR_STRLEN];

	send_all(r, s);
	if (r->hooks.publish != NULL)
		r->hooks.publish(r->hooks.arg, ev, m != NULL ? m->id : 0,
		    m != NULL ? member_nick(m, buf) : NULL, slice_data(s),
		    s->len);
}

void
room_remote_line(struct room *r, const char *line, size_t len)
{
	struct slice	s;
	char		*out;
	int		 nl = r->env.framing == FRAME_LINE;

	out = outq_msg_begin(len + 1);
	memcpy(out, line, len);
	if (nl)
		out[len] = '\n';
	outq_msg_end(len + nl, &s);
	send_all(r, &s);
}

void
room_notice(struct room *r, struct member *m, const char *text, size_t len)
{
	struct slice	s;

	format_line(r, &s, "*** ", 4, text, len);
	room_flush(r);
	m->ops->deliver(m, &s);
	(*r->env.msgs_out)++;
}

void
room_notice_all(struct room *r, const char *text, size_t len)
{
	struct slice	s;

	format_line(r, &s, "*** ", 4, text, len);
	send_all(r, &s);
}

void
room_close(struct room *r, const char *text, size_t len)
{
	room_notice_all(r, text, len);
	r->closed = 1;
}

/* Format a notice into BUF; return its length. */
static size_t PRINTFLIKE(3, 0)
vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	int	n;

	n = vsnprintf(buf, size, fmt, ap);
	if (n < 0)
		return 0;
	return MINIMUM((size_t)n, size - 1);
}

/*
 * "*** NICK joined (N online)" and the like, to everyone; EV says what the
 * other servers learn from it about M.
 */
static void PRINTFLIKE(4, 5)
announce(struct room *r, enum room_event ev, const struct member *m,
    const char *fmt, ...)
{
	char		buf[NICK_MAX_BYTES * 2 + 512];
	struct slice	s;
	va_list		ap;
	size_t		n;

	va_start(ap, fmt);
	n = vformat(buf, sizeof buf, fmt, ap);
	va_end(ap);
	format_line(r, &s, "*** ", 4, buf, n);
	broadcast(r, ev, m, &s);
}

/* A notice to one member. */
static void PRINTFLIKE(3, 4)
announce_to(struct room *r, struct member *m, const char *fmt, ...)
{
	char	buf[NICK_MAX_BYTES * 2 + 512];
	va_list	ap;
	size_t	n;

	va_start(ap, fmt);
	n = vformat(buf, sizeof buf, fmt, ap);
	va_end(ap);
	room_notice(r, m, buf, n);
}

void
room_join(struct room *r, struct member *m)
{
	char	name[ADDR_STRLEN];

	/* What was said before M came is not for M. */
	room_flush(r);
	m->prev = NULL;
	m->next = r->members;
	if (r->members != NULL)
		r->members->prev = m;
	r->members = m;
	m->joined = 1;
	m->id = ++r->last_id;
	r->nmembers++;
	if (m->ops->batched)
		r->nbatched++;
	announce(r, ROOM_JOIN, m, "%s joined (%u online)",
	    member_nick(m, name), room_count(r));
}

void
room_leave(struct room *r, struct member *m, const char *reason, size_t len)
{
	char	name[ADDR_STRLEN];

	if (!m->joined)
		return;
	/* What was said before M left still reaches M. */
	room_flush(r);
	if (m->prev != NULL)
		m->prev->next = m->next;
	else
		r->members = m->next;
	if (m->next != NULL)
		m->next->prev = m->prev;
	m->prev = m->next = NULL;
	m->joined = 0;
	r->nmembers--;
	if (m->ops->batched)
		r->nbatched--;
	if (r->closed) {
		/* After the last notice nothing more is said. */
	} else if (reason != NULL && len > 0)
		announce(r, ROOM_LEAVE, m, "%s left: %.*s (%u online)",
		    member_nick(m, name), (int)MINIMUM(len, 200), reason,
		    room_count(r));
	else
		announce(r, ROOM_LEAVE, m, "%s left (%u online)",
		    member_nick(m, name), room_count(r));
	if (m->nick != NULL && r->hooks.nick_release != NULL)
		r->hooks.nick_release(r->hooks.arg, m->id, m->nick);
	free(m->nick);
	m->nick = NULL;
}

static struct member *
find_nick(const struct room *r, const char *nick, size_t len)
{
	struct member	*m;
	char		 buf[ADDR_STRLEN];
	const char	*n;

	for (m = r->members; m != NULL; m = m->next) {
		n = member_nick(m, buf);
		if (strlen(n) == len && strncasecmp(n, nick, len) == 0)
			return m;
	}
	return NULL;
}

static void
cmd_nick(struct room *r, struct member *m, const char *nick, size_t len)
{
	enum nick_error	 e;
	struct member	*other;
	char		 addr[ADDR_STRLEN];
	char		*old;

	if ((e = nick_check(nick, len)) != NICK_OK) {
		announce_to(r, m, "%s", nick_error_text(e));
		return;
	}
	other = find_nick(r, nick, len);
	if ((other != NULL && other != m) || (other == NULL &&
	    remote_nick_in_use(r, nick, len))) {
		announce_to(r, m, "the nick %.*s is taken", (int)len, nick);
		return;
	}
	if (m->nick != NULL && strlen(m->nick) == len &&
	    memcmp(m->nick, nick, len) == 0)
		return;
	old = m->nick;
	m->nick = xmalloc(len + 1);
	memcpy(m->nick, nick, len);
	m->nick[len] = '\0';
	announce(r, ROOM_NICK, m, "%s is now known as %s",
	    old != NULL ? old : addr_format(&m->addr, addr), m->nick);
	nick_claim(r, m, old);
	free(old);
}

struct who {
	struct room	*room;
	struct member	*to;
	const char	*node;		/* whose nicks these are; NULL: here */
	int		 fresh;		/* no nick on the line yet */
	char		 line[WHO_LINE_BYTES + NODE_NAME_MAX + NICK_MAX_BYTES +
			    8];
	size_t		 n;
};

/* Send the /who line, if it holds a nick. */
static void
who_flush(struct who *w)
{
	if (!w->fresh)
		room_notice(w->room, w->to, w->line, w->n);
	w->n = 0;
	w->fresh = 1;
}

/* A new /who line; in a relayed room it begins with its server's name. */
static void
who_start(struct who *w)
{
	w->n = 0;
	w->fresh = 1;
	if (w->node != NULL)
		w->n = (size_t)snprintf(w->line, sizeof w->line, "%.*s: ",
		    NODE_NAME_MAX, w->node);
}

/* Add NICK to the /who line; send the line when it is full. */
static void
who_add(struct who *w, const char *nick)
{
	size_t	len = strlen(nick);

	if (!w->fresh && w->n + 2 + len > WHO_LINE_BYTES) {
		who_flush(w);
		who_start(w);
	}
	if (!w->fresh) {
		memcpy(w->line + w->n, ", ", 2);
		w->n += 2;
	}
	memcpy(w->line + w->n, nick, len);
	w->n += len;
	w->fresh = 0;
}

/* A member of another server: its nicks come after its server's name. */
static void
who_remote(const char *node, const char *nick, void *arg)
{
	struct who	*w = arg;

	if (w->node == NULL || strcmp(w->node, node) != 0) {
		who_flush(w);
		w->node = node;
		who_start(w);
	}
	who_add(w, nick);
}

/*
 * /who: the count, then the nicks, a few hundred bytes a line; in a
 * relayed room, a line or more for each server, this one first.
 */
static void
cmd_who(struct room *r, struct member *m)
{
	struct member	*o;
	struct who	 w;
	char		 buf[ADDR_STRLEN];

	announce_to(r, m, "%u online:", room_count(r));
	w.room = r;
	w.to = m;
	w.node = r->hooks.node_name != NULL ?
	    r->hooks.node_name(r->hooks.arg) : NULL;
	who_start(&w);
	for (o = r->members; o != NULL; o = o->next)
		who_add(&w, member_nick(o, buf));
	if (r->hooks.remote_each != NULL)
		r->hooks.remote_each(r->hooks.arg, who_remote, &w);
	who_flush(&w);
}

/* A message, or an action with /me: to everyone. */
static void
say(struct room *r, struct member *m, const char *text, size_t len,
    int action)
{
	char		 head[NICK_MAX_BYTES + 8], buf[ADDR_STRLEN];
	const char	*nick = member_nick(m, buf);
	struct slice	 s;
	int		 n;

	if (action)
		n = snprintf(head, sizeof head, "* %s ", nick);
	else
		n = snprintf(head, sizeof head, "%s: ", nick);
	format_line(r, &s, head, (size_t)n, text, len);
	broadcast(r, ROOM_MSG, m, &s);
}

int
room_input(struct room *r, struct member *m, const char *text, size_t len,
    int flags)
{
	struct command	 cmd;
	const char	*const *h;

	if (r->env.framing == FRAME_RAW) {
		memset(&cmd, 0, sizeof cmd);
		cmd.kind = CMD_MESSAGE;
		cmd.arg = text;
		cmd.arglen = len;
	} else
		command_parse(text, len, &cmd);

	switch (cmd.kind) {
	case CMD_MESSAGE:
		if (cmd.arglen > 0)
			say(r, m, cmd.arg, cmd.arglen, 0);
		break;
	case CMD_ME:
		say(r, m, cmd.arg, cmd.arglen, 1);
		break;
	case CMD_NICK:
		cmd_nick(r, m, cmd.arg, cmd.arglen);
		break;
	case CMD_WHO:
		cmd_who(r, m);
		break;
	case CMD_HELP:
		for (h = command_help; *h != NULL; h++)
			room_notice(r, m, *h, strlen(*h));
		break;
	case CMD_QUIT:
		room_leave(r, m, cmd.arg, cmd.arglen);
		return FRAME_STOP;
	case CMD_USAGE:
		announce_to(r, m, "usage: %s", cmd.usage);
		break;
	case CMD_JOIN:
	case CMD_UNKNOWN:
		announce_to(r, m, "unknown command /%.*s (try /help)",
		    (int)MINIMUM(cmd.namelen, 64), cmd.name);
		break;
	}
	if (flags & FRAME_CUT)
		announce_to(r, m, "line too long");
	return FRAME_GO;
}

void
room_remote_left(struct room *r, const char *nick)
{
	char	buf[NICK_MAX_BYTES + 64];
	struct slice	s;
	int	n;

	n = snprintf(buf, sizeof buf, "%s left (%u online)", nick,
	    room_count(r));
	format_line(r, &s, "*** ", 4, buf,
	    (size_t)MINIMUM(n, (int)sizeof buf - 1));
	send_all(r, &s);
}

void
room_nick_refused(struct room *r, uint32_t id, const char *nick,
    const char *old)
{
	struct member	*m;
	char		 addr[ADDR_STRLEN];
	size_t		 len;

	for (m = r->members; m != NULL; m = m->next) {
		if (m->id != id || m->nick == NULL || strcmp(m->nick, nick) != 0)
			continue;
		announce_to(r, m, "the nick %s is taken on another server",
		    nick);
		free(m->nick);
		m->nick = NULL;
		/*
		 * The nick it had was given back a moment ago: take it again
		 * if no one here or elsewhere has it since (the claim that
		 * follows settles a race), else the address.
		 */
		len = old != NULL ? strlen(old) : 0;
		if (old != NULL && find_nick(r, old, len) == NULL &&
		    !remote_nick_in_use(r, old, len)) {
			m->nick = xstrdup(old);
			announce(r, ROOM_NICK, m, "%s is now known as %s",
			    nick, old);
			nick_claim(r, m, NULL);
			return;
		}
		announce(r, ROOM_NICK, m, "%s is now known as %s", nick,
		    addr_format(&m->addr, addr));
		return;
	}
}
