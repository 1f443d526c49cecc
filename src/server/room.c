/*
 * room.c: a room. A line is stamped, tagged, neutralised and formatted
 * once, into a shared chunk whose slice every member's queue points to.
 * The room reaches members only through their ops and the other servers
 * only through the hooks: it knows neither how bytes travel nor Redis.
 *
 * Members that take a push (TCP) get the lines of one loop iteration
 * together: the room gathers them and hands them over in room_flush().
 * One room gathers at a time (env->gathering): a line in another room, or
 * anything said to one member, hands over what is gathered first, so that
 * no one sees anything out of order, across rooms too.
 *
 * Join and leave notices have a rate per room (a token bucket): past it
 * they are counted, not sent, and the count is said once a second, so that
 * a storm of joins costs one line per member per second, not one per join.
 */
#include "common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backlog.h"
#include "defaults.h"
#include "frame.h"
#include "nick.h"
#include "ratelimit.h"
#include "room.h"
#include "sanitize.h"
#include "xmalloc.h"

/* /who puts this many bytes of nicks on one line. */
#define WHO_LINE_BYTES	400
/* "#" and a name of 32 characters of 4 bytes, a space, a NUL. */
#define ROOM_TAG_MAX	(1 + NICK_MAX_BYTES + 1)

struct room {
	struct room_env		  env;
	char			  name[ROOM_TAG_MAX];	/* "#dev" */
	char			  tag[ROOM_TAG_MAX];	/* "#dev "; "" */
	size_t			  taglen;
	int			  lobby;
	struct membership	**members;	/* newest last */
	uint32_t		  nmembers;	/* here */
	uint32_t		  size;
	uint32_t		  nbatched;	/* of them, taking a push */
	int			  closed;	/* nothing more is said */
	struct backlog_room	 *history;
	/* The lines of this loop iteration, one after another. */
	struct slice		  gathered[ROOM_GATHER_SLICES];
	unsigned int		  ngathered;
	/* Join and leave notices: sent while it holds tokens. */
	struct bucket		  notices;
	/* Held back since the last summary; then the room is listed. */
	unsigned int		  more_joined;
	unsigned int		  more_left;
	double			  summarised;	/* when it last said one */
	struct room		 *cnext;	/* on env.counted */
	struct room		**cprev;	/* NULL: not on it */
};

struct room *
room_create(const struct room_env *env, const char *name, size_t len,
    struct backlog_room *history)
{
	struct room	*r;

	r = xcalloc(1, sizeof *r);
	r->env = *env;
	len = MINIMUM(len, sizeof r->name - 1);
	memcpy(r->name, name, len);
	r->name[len] = '\0';
	r->lobby = strcasecmp(r->name, ROOM_LOBBY) == 0;
	if (!r->lobby) {
		memcpy(r->tag, name, len);
		r->tag[len] = ' ';
		r->taglen = len + 1;
	}
	r->history = history;
	bucket_init(&r->notices, NOTICE_BURST, env->now());
	return r;
}

/* Off the list of rooms that held notices back, the counts forgotten. */
static void
uncount(struct room *r)
{
	if (r->cprev == NULL)
		return;
	if (r->cnext != NULL)
		r->cnext->cprev = r->cprev;
	*r->cprev = r->cnext;
	r->cnext = NULL;
	r->cprev = NULL;
	r->more_joined = 0;
	r->more_left = 0;
}

void
room_free(struct room *r)
{
	if (r == NULL)
		return;
	if (*r->env.gathering == r)
		*r->env.gathering = NULL;
	uncount(r);
	while (r->ngathered > 0)
		slice_release(&r->gathered[--r->ngathered]);
	free(r->members);
	free(r);
}

void
room_set_hooks(struct room *r, const struct room_hooks *h)
{
	if (h != NULL)
		*r->env.hooks = *h;
	else
		memset(r->env.hooks, 0, sizeof *r->env.hooks);
}

const char *
room_name(const struct room *r)
{
	return r->name;
}

int
room_is_lobby(const struct room *r)
{
	return r->lobby;
}

struct backlog_room *
room_history(const struct room *r)
{
	return r->history;
}

unsigned int
room_members_here(const struct room *r)
{
	return r->nmembers;
}

unsigned int
room_count(const struct room *r)
{
	const struct room_hooks	*h = r->env.hooks;
	unsigned int		 n = r->nmembers;

	if (h->remote_count != NULL)
		n += h->remote_count(h->arg, r->lobby ? NULL : r->name);
	return n;
}

void
room_each_member(const struct room *r, void (*fn)(uint32_t, const char *,
    int, void *), void *arg)
{
	const struct member	*m;
	char			 buf[ADDR_STRLEN];
	uint32_t		 i;

	for (i = 0; i < r->nmembers; i++) {
		m = r->members[i]->member;
		fn(m->id, member_nick(m, buf), m->nick != NULL, arg);
	}
}

const char *
member_nick(const struct member *m, char *buf)
{
	return m->nick != NULL ? m->nick : addr_format(&m->addr, buf);
}

/*
 * Make "[STAMP] " + TAG + HEAD + TEXT (neutralised) + the terminator into
 * a shared slice. TEXT may be NULL.
 */
static void
format_line(const struct room *r, int tagged, struct slice *s,
    const char *head, size_t hlen, const char *text, size_t tlen)
{
	const char	*stamp;
	size_t		 slen, tag = tagged ? r->taglen : 0, n;
	char		*out;

	/* Written in place, with room for the worst the text can become. */
	stamp = r->env.stamp(&slen);
	out = outq_msg_begin(slen + tag + hlen + (text != NULL ?
	    SANITIZE_MAX(tlen) : 0) + 1);
	memcpy(out, stamp, slen);
	n = slen;
	memcpy(out + n, r->tag, tag);
	n += tag;
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
	struct member	*m;
	struct slice	 s[ROOM_GATHER_SLICES];
	unsigned int	 n = r->ngathered;
	uint32_t	 i;

	if (*r->env.gathering == r)
		*r->env.gathering = NULL;
	if (n == 0)
		return;
	/*
	 * Taken out first: a delivery may close its member, whose leave
	 * notice then starts a gathering of its own.
	 */
	memcpy(s, r->gathered, n * sizeof *s);
	r->ngathered = 0;
	for (i = 0; i < r->nmembers; i++) {
		m = r->members[i]->member;
		if (m->ops->batched)
			m->ops->deliver(m, s, n);
	}
	for (i = 0; i < n; i++)
		slice_release(&s[i]);
}

/* Hand over what any room gathered: something else is to be said. */
static void
flush_gathered(const struct room *r)
{
	if (*r->env.gathering != NULL)
		room_flush(*r->env.gathering);
}

/* S to every member here. */
static void
send_all(struct room *r, const struct slice *s)
{
	struct member	*m;
	uint32_t	 i;

	if (r->nmembers == 0 || s->len == 0)
		return;
	*r->env.msgs_out += r->nmembers;
	/* Members that are not batched get each line at once. */
	for (i = 0; r->nbatched < r->nmembers && i < r->nmembers; i++) {
		m = r->members[i]->member;
		if (!m->ops->batched)
			m->ops->deliver(m, s, 1);
	}
	if (r->nbatched == 0)
		return;
	/* The others get the lines gathered, in one push each. */
	if (*r->env.gathering == r) {
		if (slice_extend(&r->gathered[r->ngathered - 1], s))
			return;
		if (r->ngathered < ROOM_GATHER_SLICES) {
			r->gathered[r->ngathered] = *s;
			slice_hold(&r->gathered[r->ngathered++]);
			return;
		}
	}
	flush_gathered(r);
	room_flush(r);
	r->gathered[0] = *s;
	slice_hold(&r->gathered[0]);
	r->ngathered = 1;
	*r->env.gathering = r;
}

/* S, what M did (EV), to the other servers. */
static void
publish(struct room *r, enum room_event ev, const struct member *m,
    const struct slice *s)
{
	const struct room_hooks	*h = r->env.hooks;
	char			 buf[ADDR_STRLEN];

	if (h->publish != NULL)
		h->publish(h->arg, r, ev, m != NULL ? m->id : 0,
		    m != NULL ? member_nick(m, buf) : NULL, slice_data(s),
		    s->len);
}

/* To everyone here, and to the other servers. */
static void
broadcast(struct room *r, enum room_event ev, const struct member *m,
    const struct slice *s)
{
	send_all(r, s);
	publish(r, ev, m, s);
}

/* S to M alone, after the lines before it. */
static void
send_one(struct room *r, struct member *m, const struct slice *s)
{
	flush_gathered(r);
	m->ops->deliver(m, s, 1);
	(*r->env.msgs_out)++;
}

/*
 * Whether a join or leave notice (EV) may go to everyone now. If not, it
 * is counted for the next summary: one step, whatever the room's size.
 */
static int
notice_passes(struct room *r, enum room_event ev)
{
	struct room	**head = r->env.counted;
	double		  share = 1.0, burst;

	/* A large room: each notice costs more, so fewer go one by one. */
	if (r->nmembers > NOTICE_LARGE)
		share = (double)NOTICE_LARGE / r->nmembers;
	burst = MAXIMUM(NOTICE_BURST * share, 1.0);
	if (bucket_take(&r->notices, NOTICE_RATE * share, burst,
	    r->env.now()))
		return 1;
	if (ev == ROOM_JOIN)
		r->more_joined++;
	else
		r->more_left++;
	if (r->cprev == NULL) {
		r->cnext = *head;
		if (*head != NULL)
			(*head)->cprev = &r->cnext;
		*head = r;
		r->cprev = head;
	}
	return 0;
}

/* LINE (LEN bytes, without its terminator) as the framing sends it. */
static void
framed(const struct room *r, const char *line, size_t len, struct slice *s)
{
	char	*out;
	int	 nl = r->env.framing == FRAME_LINE;

	out = outq_msg_begin(len + 1);
	memcpy(out, line, len);
	if (nl)
		out[len] = '\n';
	outq_msg_end(len + nl, s);
}

void
room_remote_line(struct room *r, const char *line, size_t len,
    enum room_event ev)
{
	struct slice	s;

	if (r->closed)
		return;		/* nothing after "server shutting down" */
	if ((ev == ROOM_JOIN || ev == ROOM_LEAVE) && !notice_passes(r, ev))
		return;
	framed(r, line, len, &s);
	send_all(r, &s);
	if (ev == ROOM_MSG && r->history != NULL)
		backlog_add(r->env.backlog, r->history, slice_data(&s),
		    s.len);
}

void
room_history_clear(struct room *r)
{
	if (r->history != NULL)
		backlog_clear(r->env.backlog, r->history);
}

void
room_history_line(struct room *r, const char *line, size_t len)
{
	struct slice	s;

	if (r->history == NULL)
		return;
	framed(r, line, len, &s);
	backlog_add(r->env.backlog, r->history, slice_data(&s), s.len);
}

void
room_tell(struct room *r, struct member *m, const char *head, size_t hlen,
    const char *text, size_t len)
{
	struct slice	s;

	format_line(r, 0, &s, head, hlen, text, len);
	send_one(r, m, &s);
}

void
room_notice(struct room *r, struct member *m, const char *text, size_t len)
{
	room_tell(r, m, "*** ", 4, text, len);
}

void
room_notice_all(struct room *r, const char *text, size_t len)
{
	struct slice	s;

	format_line(r, 1, &s, "*** ", 4, text, len);
	send_all(r, &s);
}

void
room_close(struct room *r, const char *text, size_t len)
{
	if (text != NULL)
		room_notice_all(r, text, len);
	r->closed = 1;
	uncount(r);
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

/* "[STAMP] TAG*** TEXT", TEXT formatted by printf(3) rules, into S. */
static void PRINTFLIKE(3, 4)
notice_line(const struct room *r, struct slice *s, const char *fmt, ...)
{
	char		buf[NICK_MAX_BYTES * 2 + 512];
	va_list		ap;
	size_t		n;

	va_start(ap, fmt);
	n = vformat(buf, sizeof buf, fmt, ap);
	va_end(ap);
	format_line(r, 1, s, "*** ", 4, buf, n);
}

void
room_noticef(struct room *r, struct member *m, const char *fmt, ...)
{
	char	buf[NICK_MAX_BYTES * 2 + 512];
	va_list	ap;
	size_t	n;

	va_start(ap, fmt);
	n = vformat(buf, sizeof buf, fmt, ap);
	va_end(ap);
	room_notice(r, m, buf, n);
}

/* The history for M: one push of all its lines, or a line each. */
struct replay {
	struct member	*m;
	char		*out;		/* batched: the next line's place */
};

static void
replay_line(const char *line, size_t len, void *arg)
{
	struct replay	*rp = arg;
	struct slice	 s;
	char		*out;

	if (rp->out != NULL) {
		memcpy(rp->out, line, len);
		rp->out += len;
		return;
	}
	out = outq_msg_begin(len);
	memcpy(out, line, len);
	outq_msg_end(len, &s);
	rp->m->ops->deliver(rp->m, &s, 1);
}

static void
replay_size(const char *line, size_t len, void *arg)
{
	*(size_t *)arg += len;
}

/* Send the room's history to M. */
static void
replay(struct room *r, struct member *m)
{
	struct replay	rp;
	struct slice	s;
	size_t		total = 0;

	if (r->history == NULL || backlog_lines(r->history) == 0)
		return;
	rp.m = m;
	rp.out = NULL;
	if (m->ops->batched) {
		backlog_each(r->history, replay_size, &total);
		rp.out = outq_msg_begin(total);
		backlog_each(r->history, replay_line, &rp);
		outq_msg_end(total, &s);
		m->ops->deliver(m, &s, 1);
	} else
		backlog_each(r->history, replay_line, &rp);
	*r->env.msgs_out += backlog_lines(r->history);
}

void
room_join(struct room *r, struct membership *ms)
{
	struct member	*m = ms->member;
	char		 name[ADDR_STRLEN];
	struct slice	 s;

	/* What was said before M came is not for M, but its history is. */
	flush_gathered(r);
	if (r->nmembers == r->size) {
		r->size = r->size == 0 ? 4 : r->size * 2;
		r->members = xreallocarray(r->members, r->size,
		    sizeof *r->members);
	}
	ms->slot = r->nmembers;
	r->members[r->nmembers++] = ms;
	if (m->ops->batched)
		r->nbatched++;
	replay(r, m);
	notice_line(r, &s, "%s joined (%u online)", member_nick(m, name),
	    room_count(r));
	/*
	 * Past the rate the others hear of it in the next summary; M gets its
	 * own in any case: it ends M's history.
	 */
	if (notice_passes(r, ROOM_JOIN))
		send_all(r, &s);
	else
		send_one(r, m, &s);
	publish(r, ROOM_JOIN, m, &s);
}

void
room_leave(struct room *r, struct membership *ms, const char *reason,
    size_t len, int tell_leaver)
{
	struct member	*m = ms->member;
	char		 name[ADDR_STRLEN];
	struct slice	 s;
	uint32_t	 slot = ms->slot;

	if (slot >= r->nmembers || r->members[slot] != ms)
		return;
	/* What was said before M left still reaches M. */
	flush_gathered(r);
	r->members[slot] = r->members[--r->nmembers];
	r->members[slot]->slot = slot;
	ms->slot = UINT32_MAX;
	if (m->ops->batched)
		r->nbatched--;
	if (r->closed)
		return;		/* nothing after the last notice */
	if (reason != NULL && len > 0)
		notice_line(r, &s, "%s left: %.*s (%u online)",
		    member_nick(m, name), (int)MINIMUM(len, 200), reason,
		    room_count(r));
	else
		notice_line(r, &s, "%s left (%u online)", member_nick(m, name),
		    room_count(r));
	if (notice_passes(r, ROOM_LEAVE))
		send_all(r, &s);
	publish(r, ROOM_LEAVE, m, &s);
	if (tell_leaver)
		send_one(r, m, &s);
}

/* "N more joined, M more left (K online)", or the half that is not 0. */
static void
summarise(struct room *r, unsigned int joined, unsigned int left)
{
	struct slice	s;

	if (joined > 0 && left > 0)
		notice_line(r, &s, "%u more joined, %u more left (%u online)",
		    joined, left, room_count(r));
	else if (joined > 0)
		notice_line(r, &s, "%u more joined (%u online)", joined,
		    room_count(r));
	else
		notice_line(r, &s, "%u more left (%u online)", left,
		    room_count(r));
	send_all(r, &s);
}

/*
 * Seconds between a room's summaries: 1, or, for a large room, as many
 * as keep them at NOTICE_RATE * NOTICE_LARGE deliveries a second.
 */
static double
summary_every(const struct room *r)
{
	unsigned int	per = NOTICE_RATE * NOTICE_LARGE;

	return r->nmembers <= per ? 1.0 :
	    (double)((r->nmembers + per - 1) / per);
}

void
room_tick(struct room **counted)
{
	struct room	*r, **pp = counted;
	unsigned int	 joined, left;
	double		 now;

	while ((r = *pp) != NULL) {
		now = r->env.now();
		/*
		 * Every tick, or for a large room every few (a tick late
		 * is on time: ticks are a second apart).
		 */
		if (!r->closed && summary_every(r) > 1.0 &&
		    now - r->summarised + 0.5 < summary_every(r)) {
			pp = &r->cnext;
			continue;
		}
		joined = r->more_joined;
		left = r->more_left;
		uncount(r);
		if (!r->closed && joined + left > 0) {
			summarise(r, joined, left);
			r->summarised = now;
		}
	}
}

void
room_say(struct room *r, struct member *m, const char *text, size_t len,
    int action)
{
	char		 head[NICK_MAX_BYTES + ADDR_STRLEN + 3], buf[ADDR_STRLEN];
	const char	*nick = member_nick(m, buf);
	struct slice	 s;
	size_t		 n = 0, nlen = strlen(nick);

	/* "* nick " or "nick: ", with every line: no printf. */
	if (action) {
		memcpy(head, "* ", 2);
		n = 2;
	}
	nlen = MINIMUM(nlen, sizeof head - 4);
	memcpy(head + n, nick, nlen);
	n += nlen;
	if (!action)
		head[n++] = ':';
	head[n++] = ' ';
	format_line(r, 1, &s, head, n, text, len);
	broadcast(r, ROOM_MSG, m, &s);
	if (r->history != NULL)
		backlog_add(r->env.backlog, r->history, slice_data(&s),
		    s.len);
}

void
room_renamed(struct room *r, struct member *m, const char *old)
{
	char		addr[ADDR_STRLEN];
	struct slice	s;

	notice_line(r, &s, "%s is now known as %s",
	    old != NULL ? old : addr_format(&m->addr, addr),
	    member_nick(m, addr));
	broadcast(r, ROOM_NICK, m, &s);
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

/* The members of the room NAME here (R; NULL: none) and elsewhere. */
static void
who_list(struct room *notices, struct member *m, const struct room *r,
    const char *name, unsigned int count)
{
	const struct room_hooks	*h = notices->env.hooks;
	const char		*remote = r != NULL && r->lobby ? NULL : name;
	struct who		 w;
	char			 buf[ADDR_STRLEN];
	uint32_t		 i;
	int			 relayed;

	relayed = h->remote_each != NULL;
	if (r != NULL && r->lobby)
		room_noticef(notices, m, "%u online:", count);
	else
		room_noticef(notices, m, "%u online in %s:", count, name);
	w.room = notices;
	w.to = m;
	w.node = relayed && h->node_name != NULL ? h->node_name(h->arg) :
	    NULL;
	who_start(&w);
	/* Newest first. */
	for (i = r != NULL ? r->nmembers : 0; i > 0; i--)
		who_add(&w, member_nick(r->members[i - 1]->member, buf));
	if (relayed)
		h->remote_each(h->arg, remote, who_remote, &w);
	who_flush(&w);
}

void
room_who(struct room *r, struct member *m)
{
	who_list(r, m, r, r->name, room_count(r));
}

void
room_who_remote(struct room *lobby, struct member *m, const char *name)
{
	const struct room_hooks	*h = lobby->env.hooks;

	who_list(lobby, m, NULL, name, h->remote_count != NULL ?
	    h->remote_count(h->arg, name) : 0);
}

void
room_remote_left(struct room *r, const char *nick)
{
	struct slice	s;

	if (r->closed || !notice_passes(r, ROOM_LEAVE))
		return;
	notice_line(r, &s, "%s left (%u online)", nick, room_count(r));
	send_all(r, &s);
}
