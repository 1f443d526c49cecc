/*
 * room.c: the room. A message is stamped, neutralised and formatted once,
 * into a shared chunk whose slice every member's queue points to. The room
 * reaches members only through peer_deliver() and udp_deliver(): it does
 * not know how their bytes travel.
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
#include "log.h"
#include "nick.h"
#include "peer.h"
#include "relay.h"
#include "relayconf.h"
#include "room.h"
#include "sanitize.h"
#include "server.h"
#include "udp.h"
#include "xmalloc.h"

/* /who puts this many bytes of nicks on one line. */
#define WHO_LINE_BYTES	400

static struct member	*members;
static unsigned int	 nmembers;	/* here; room_count() adds the rest */
static uint32_t		 last_id;
static unsigned int	 nudp;		/* UDP members: a datagram a line */
/*
 * The room's lines of this loop iteration, one after another in one chunk,
 * not yet handed to the TCP members: a member's queue takes them in one
 * push (room_flush) instead of one a line. Whatever else must reach a
 * member flushes them first, so that nobody sees anything out of order.
 * UDP members get each line as it is said.
 */
static struct slice	 gathered;

void
room_free(void)
{
	slice_release(&gathered);
}

unsigned int
room_count(void)
{
	return nmembers + relay_remote_count();
}

struct member *
room_members(void)
{
	return members;
}

const char *
member_nick(const struct member *m, char *buf)
{
	return m->nick != NULL ? m->nick : addr_format(&m->addr, buf);
}

/* Hand a formatted line to one member, however it is connected. */
static void
deliver(struct member *m, const struct slice *s)
{
	if (m->kind == MEMBER_TCP)
		peer_deliver(container_of(m, struct peer, member), s);
	else
		udp_deliver(m, s);
}

/*
 * Make "[STAMP] " + HEAD + TEXT (neutralised) + the terminator into a
 * shared slice. TEXT may be NULL.
 */
static void
format_line(struct slice *s, const char *head, size_t hlen, const char *text,
    size_t tlen)
{
	const char	*stamp;
	size_t		 slen, n;
	char		*out;
	int		 line = server.conf->framing == FRAME_LINE;

	/* Written in place, with room for the worst the text can become. */
	stamp = server_stamp(&slen);
	out = outq_msg_begin(slen + hlen + (text != NULL ?
	    SANITIZE_MAX(tlen) : 0) + 1);
	memcpy(out, stamp, slen);
	n = slen;
	memcpy(out + n, head, hlen);
	n += hlen;
	if (text != NULL)
		n += sanitize(out + n, text, tlen, 1);
	if (line)
		out[n++] = '\n';
	outq_msg_end(n, s);
}

void
room_flush(void)
{
	struct member	*m, *next;
	struct slice	 s;

	if (gathered.len == 0)
		return;
	s = gathered;
	memset(&gathered, 0, sizeof gathered);
	for (m = members; m != NULL; m = next) {
		next = m->next;
		if (m->kind == MEMBER_TCP)
			peer_deliver(container_of(m, struct peer, member), &s);
	}
	slice_release(&s);
}

/* S to every member here. */
static void
send_all(const struct slice *s)
{
	struct member	*m, *next;

	if (nmembers == 0 || s->len == 0)
		return;
	server.stats.msgs_out += nmembers;
	/* UDP members get each line at once, a datagram of its own. */
	for (m = members; nudp > 0 && m != NULL; m = next) {
		next = m->next;
		if (m->kind == MEMBER_UDP)
			udp_deliver(m, s);
	}
	if (nudp == nmembers)
		return;
	/* TCP members get the lines gathered, in one push each. */
	if (gathered.len > 0 && slice_extend(&gathered, s))
		return;
	room_flush();
	gathered = *s;
	slice_hold(&gathered);
}

/* To everyone here, and to the other servers. */
static void
broadcast(enum relay_event ev, const struct member *m, const struct slice *s)
{
	send_all(s);
	relay_publish(ev, m, slice_data(s), s->len);
}

void
room_remote_line(const char *line, size_t len)
{
	struct slice	s;
	char		*out;
	int		 nl = server.conf->framing == FRAME_LINE;

	out = outq_msg_begin(len + 1);
	memcpy(out, line, len);
	if (nl)
		out[len] = '\n';
	outq_msg_end(len + nl, &s);
	send_all(&s);
}

void
room_notice(struct member *m, const char *text, size_t len)
{
	struct slice	s;

	format_line(&s, "*** ", 4, text, len);
	room_flush();
	deliver(m, &s);
	server.stats.msgs_out++;
}

void
room_notice_all(const char *text, size_t len)
{
	struct slice	s;

	format_line(&s, "*** ", 4, text, len);
	send_all(&s);
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
static void PRINTFLIKE(3, 4)
announce(enum relay_event ev, const struct member *m, const char *fmt, ...)
{
	char		buf[NICK_MAX_BYTES * 2 + 512];
	struct slice	s;
	va_list		ap;
	size_t		n;

	va_start(ap, fmt);
	n = vformat(buf, sizeof buf, fmt, ap);
	va_end(ap);
	format_line(&s, "*** ", 4, buf, n);
	broadcast(ev, m, &s);
}

/* A notice to one member. */
static void PRINTFLIKE(2, 3)
announce_to(struct member *m, const char *fmt, ...)
{
	char	buf[NICK_MAX_BYTES * 2 + 512];
	va_list	ap;
	size_t	n;

	va_start(ap, fmt);
	n = vformat(buf, sizeof buf, fmt, ap);
	va_end(ap);
	room_notice(m, buf, n);
}

void
room_join(struct member *m)
{
	char	name[ADDR_STRLEN];

	/* What was said before M came is not for M. */
	room_flush();
	m->prev = NULL;
	m->next = members;
	if (members != NULL)
		members->prev = m;
	members = m;
	m->joined = 1;
	m->id = ++last_id;
	nmembers++;
	if (m->kind == MEMBER_UDP)
		nudp++;
	announce(RELAY_JOIN, m, "%s joined (%u online)", member_nick(m, name),
	    room_count());
}

void
room_leave(struct member *m, const char *reason, size_t len)
{
	char	name[ADDR_STRLEN];

	if (!m->joined)
		return;
	/* What was said before M left still reaches M. */
	room_flush();
	if (m->prev != NULL)
		m->prev->next = m->next;
	else
		members = m->next;
	if (m->next != NULL)
		m->next->prev = m->prev;
	m->prev = m->next = NULL;
	m->joined = 0;
	nmembers--;
	if (m->kind == MEMBER_UDP)
		nudp--;
	if (server_stopping()) {
		/* After "server shutting down" nothing more is said. */
	} else if (reason != NULL && len > 0)
		announce(RELAY_LEAVE, m, "%s left: %.*s (%u online)",
		    member_nick(m, name), (int)MINIMUM(len, 200), reason,
		    room_count());
	else
		announce(RELAY_LEAVE, m, "%s left (%u online)",
		    member_nick(m, name), room_count());
	relay_nick_release(m);
	free(m->nick);
	m->nick = NULL;
}

static struct member *
find_nick(const char *nick, size_t len)
{
	struct member	*m;
	char		 buf[ADDR_STRLEN];
	const char	*n;

	for (m = members; m != NULL; m = m->next) {
		n = member_nick(m, buf);
		if (strlen(n) == len && strncasecmp(n, nick, len) == 0)
			return m;
	}
	return NULL;
}

static void
cmd_nick(struct member *m, const char *nick, size_t len)
{
	enum nick_error	 e;
	struct member	*other;
	char		 addr[ADDR_STRLEN];
	char		*old;

	if ((e = nick_check(nick, len)) != NICK_OK) {
		announce_to(m, "%s", nick_error_text(e));
		return;
	}
	other = find_nick(nick, len);
	if ((other != NULL && other != m) || (other == NULL &&
	    relay_nick_in_use(nick, len))) {
		announce_to(m, "the nick %.*s is taken", (int)len, nick);
		return;
	}
	if (m->nick != NULL && strlen(m->nick) == len &&
	    memcmp(m->nick, nick, len) == 0)
		return;
	old = m->nick;
	m->nick = xmalloc(len + 1);
	memcpy(m->nick, nick, len);
	m->nick[len] = '\0';
	announce(RELAY_NICK, m, "%s is now known as %s",
	    old != NULL ? old : addr_format(&m->addr, addr), m->nick);
	relay_nick_claim(m, old);
	free(old);
}

struct who {
	struct member	*to;
	const char	*node;		/* whose nicks these are; NULL: here */
	int		 fresh;		/* no nick on the line yet */
	char		 line[WHO_LINE_BYTES + RELAY_NAME_MAX + NICK_MAX_BYTES +
			    8];
	size_t		 n;
};

/* Send the /who line, if it holds a nick. */
static void
who_flush(struct who *w)
{
	if (!w->fresh)
		room_notice(w->to, w->line, w->n);
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
		    RELAY_NAME_MAX, w->node);
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
cmd_who(struct member *m)
{
	struct member	*o;
	struct who	 w;
	char		 buf[ADDR_STRLEN];

	announce_to(m, "%u online:", room_count());
	w.to = m;
	w.node = relay_name();
	who_start(&w);
	for (o = members; o != NULL; o = o->next)
		who_add(&w, member_nick(o, buf));
	relay_remote_each(who_remote, &w);
	who_flush(&w);
}

/* A message, or an action with /me: to everyone. */
static void
say(struct member *m, const char *text, size_t len, int action)
{
	char		 head[NICK_MAX_BYTES + 8], buf[ADDR_STRLEN];
	const char	*nick = member_nick(m, buf);
	struct slice	 s;
	int		 n;

	if (action)
		n = snprintf(head, sizeof head, "* %s ", nick);
	else
		n = snprintf(head, sizeof head, "%s: ", nick);
	format_line(&s, head, (size_t)n, text, len);
	broadcast(RELAY_MSG, m, &s);
}

int
room_input(struct member *m, const char *text, size_t len, int flags)
{
	struct command	 cmd;
	const char	*const *h;

	if (server.conf->framing == FRAME_RAW) {
		memset(&cmd, 0, sizeof cmd);
		cmd.kind = CMD_MESSAGE;
		cmd.arg = text;
		cmd.arglen = len;
	} else
		command_parse(text, len, &cmd);

	switch (cmd.kind) {
	case CMD_MESSAGE:
		if (cmd.arglen > 0)
			say(m, cmd.arg, cmd.arglen, 0);
		break;
	case CMD_ME:
		say(m, cmd.arg, cmd.arglen, 1);
		break;
	case CMD_NICK:
		cmd_nick(m, cmd.arg, cmd.arglen);
		break;
	case CMD_WHO:
		cmd_who(m);
		break;
	case CMD_HELP:
		for (h = command_help; *h != NULL; h++)
			room_notice(m, *h, strlen(*h));
		break;
	case CMD_QUIT:
		room_leave(m, cmd.arg, cmd.arglen);
		return FRAME_STOP;
	case CMD_USAGE:
		announce_to(m, "usage: %s", cmd.usage);
		break;
	case CMD_JOIN:
	case CMD_UNKNOWN:
		announce_to(m, "unknown command /%.*s (try /help)",
		    (int)MINIMUM(cmd.namelen, 64), cmd.name);
		break;
	}
	if (flags & FRAME_CUT)
		announce_to(m, "line too long");
	return FRAME_GO;
}

void
room_remote_left(const char *nick)
{
	char		buf[NICK_MAX_BYTES + 64];
	struct slice	s;
	int		n;

	n = snprintf(buf, sizeof buf, "%s left (%u online)", nick,
	    room_count());
	format_line(&s, "*** ", 4, buf, (size_t)MINIMUM(n, (int)sizeof buf - 1));
	send_all(&s);
}

void
room_nick_refused(uint32_t id, const char *nick, const char *old)
{
	struct member	*m;
	char		 addr[ADDR_STRLEN];
	size_t		 len;

	for (m = members; m != NULL; m = m->next) {
		if (m->id != id || m->nick == NULL || strcmp(m->nick, nick) != 0)
			continue;
		announce_to(m, "the nick %s is taken on another server", nick);
		free(m->nick);
		m->nick = NULL;
		/*
		 * The nick it had was given back a moment ago: take it again
		 * if no one here or elsewhere has it since (the claim that
		 * follows settles a race), else the address.
		 */
		len = old != NULL ? strlen(old) : 0;
		if (old != NULL && find_nick(old, len) == NULL &&
		    !relay_nick_in_use(old, len)) {
			m->nick = xstrdup(old);
			announce(RELAY_NICK, m, "%s is now known as %s", nick,
			    old);
			relay_nick_claim(m, NULL);
			return;
		}
		announce(RELAY_NICK, m, "%s is now known as %s", nick,
		    addr_format(&m->addr, addr));
		return;
	}
}
