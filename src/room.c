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
#include "room.h"
#include "sanitize.h"
#include "server.h"
#include "udp.h"
#include "xmalloc.h"

/* Room for a stamp, a nick, punctuation and a newline around a text. */
#define LINE_OVERHEAD	(STAMP_MAX_BYTES + NICK_MAX_BYTES + ADDR_STRLEN + 64)
/* /who puts this many bytes of nicks on one line. */
#define WHO_LINE_BYTES	400

static struct member	*members;
static unsigned int	 nmembers;
static char		*scratch;	/* a line being formatted */
static size_t		 scratch_size;

void
room_init(void)
{
	scratch_size = SANITIZE_MAX(server.conf->max_line) + LINE_OVERHEAD;
	scratch = xmalloc(scratch_size);
}

void
room_free(void)
{
	free(scratch);
	scratch = NULL;
}

unsigned int
room_count(void)
{
	return nmembers;
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

	stamp = server_stamp(&slen);
	memcpy(scratch, stamp, slen);
	n = slen;
	memcpy(scratch + n, head, hlen);
	n += hlen;
	if (text != NULL)
		n += sanitize(scratch + n, text, tlen, 1);
	if (line)
		scratch[n++] = '\n';
	out = outq_msg_begin(n);
	memcpy(out, scratch, n);
	outq_msg_end(n, s);
}

static void
send_all(const struct slice *s)
{
	struct member	*m, *next;

	for (m = members; m != NULL; m = next) {
		next = m->next;
		deliver(m, s);
	}
	server.stats.msgs_out += nmembers;
}

void
room_notice(struct member *m, const char *text, size_t len)
{
	struct slice	s;

	format_line(&s, "*** ", 4, text, len);
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

/* "*** NICK joined (N online)" and the like, to everyone. */
static void PRINTFLIKE(1, 2)
announce(const char *fmt, ...)
{
	char	buf[NICK_MAX_BYTES * 2 + 512];
	va_list	ap;
	size_t	n;

	va_start(ap, fmt);
	n = vformat(buf, sizeof buf, fmt, ap);
	va_end(ap);
	room_notice_all(buf, n);
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

	m->prev = NULL;
	m->next = members;
	if (members != NULL)
		members->prev = m;
	members = m;
	m->joined = 1;
	nmembers++;
	announce("%s joined (%u online)", member_nick(m, name), nmembers);
}

void
room_leave(struct member *m, const char *reason, size_t len)
{
	char	name[ADDR_STRLEN];

	if (!m->joined)
		return;
	if (m->prev != NULL)
		m->prev->next = m->next;
	else
		members = m->next;
	if (m->next != NULL)
		m->next->prev = m->prev;
	m->prev = m->next = NULL;
	m->joined = 0;
	nmembers--;
	if (reason != NULL && len > 0)
		announce("%s left: %.*s (%u online)", member_nick(m, name),
		    (int)MINIMUM(len, 200), reason, nmembers);
	else
		announce("%s left (%u online)", member_nick(m, name), nmembers);
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
	if (other != NULL && other != m) {
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
	announce("%s is now known as %s",
	    old != NULL ? old : addr_format(&m->addr, addr), m->nick);
	free(old);
}

/* /who: the count, then the nicks, a few hundred bytes a line. */
static void
cmd_who(struct member *m)
{
	struct member	*o;
	char		 line[WHO_LINE_BYTES + NICK_MAX_BYTES + 8];
	char		 buf[ADDR_STRLEN];
	const char	*nick;
	size_t		 n = 0, len;

	announce_to(m, "%u online:", nmembers);
	for (o = members; o != NULL; o = o->next) {
		nick = member_nick(o, buf);
		len = strlen(nick);
		if (n > 0 && n + 2 + len > WHO_LINE_BYTES) {
			room_notice(m, line, n);
			n = 0;
		}
		if (n > 0) {
			memcpy(line + n, ", ", 2);
			n += 2;
		}
		memcpy(line + n, nick, len);
		n += len;
	}
	if (n > 0)
		room_notice(m, line, n);
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
	send_all(&s);
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
