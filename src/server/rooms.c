/*
 * rooms.c: the room service. Every member is in the lobby from its first
 * byte to its last; /join makes or enters other rooms, which end when
 * their last member leaves (their history stays, within --history-memory,
 * for whoever makes them again). A plain line or /me goes to the member's
 * current room; /msg to a room it is in, or privately to a nick. Nicks are
 * unique on the server (and, through the relay, across servers); one that
 * --nick-owners lists is taken only with the key listed.
 */
#include "common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backlog.h"
#include "command.h"
#include "core.h"
#include "frame.h"
#include "hmap.h"
#include "namemap.h"
#include "nick.h"
#include "owners.h"
#include "pin.h"
#include "room.h"
#include "rooms.h"
#include "sanitize.h"
#include "service.h"
#include "xmalloc.h"

/* /rooms puts this many bytes of rooms on one line. */
#define ROOMS_LINE_BYTES	400

/*
 * Found by its member's id, which no other member of this server ever
 * has: a member's claim of a nick, its /join that waits.
 */
struct by_id {
	struct hmap_entry	 hmap;
	uint32_t		 id;
};

struct waiting_join;

/* A room besides the lobby, found by its name. */
struct named_room {
	struct namemap_entry	 entry;		/* its name: room's */
	struct room		*room;
	/* Its history is on its way from the other servers. */
	int			 opening;
	/* The /joins that wait for it, oldest first. */
	struct waiting_join	*waiting;
	struct waiting_join	**wtail;
	/* They are entering it: it does not end meanwhile. */
	int			 entering;
};

/* A /join that waits for the room's history from the other servers. */
struct waiting_join {
	struct by_id		 by_id;		/* a member waits for one */
	struct waiting_join	*next;		/* in its room's queue */
	struct waiting_join	**prev;
	struct member		*member;
	struct named_room	*room;
};

/* A room besides the lobby that a member is in. */
struct joined_room {
	struct membership	 ms;
	struct room		*room;
	struct joined_room	*next;
};

/* A nick a member asked for, while the servers' claims decide. */
struct asked_nick {
	struct by_id		 by_id;		/* one claim a member */
	struct member		*member;	/* NULL: it left since */
	char			 nick[];
};

/* A nick a member chose, found by its name. */
struct nickname {
	struct namemap_entry	 entry;
	struct member		*member;
	char			 name[];	/* member->nick points here */
};

static struct room	*lobby;
static struct room	*gathering;	/* whose lines wait for a push */
static struct room	*counted;	/* rooms with notices held back */
static struct room_hooks hooks;		/* the relay's, or none */
static struct backlog	*backlog;
static struct room_env	 env;
static struct namemap	 rooms;		/* besides the lobby */
static struct namemap	 nicks;
static struct hmap	 claims;	/* asked_nick: claims under way */
static struct hmap	 waits;		/* waiting_join: joins under way */
static uint32_t		 last_id;

struct room *
rooms_lobby(void)
{
	return lobby;
}

static struct room *
find_room(const char *name, size_t len)
{
	struct namemap_entry	*e;

	if (len == sizeof ROOM_LOBBY - 1 &&
	    strncasecmp(name, ROOM_LOBBY, len) == 0)
		return lobby;
	if ((e = namemap_find(&rooms, name, len)) == NULL)
		return NULL;
	return container_of(e, struct named_room, entry)->room;
}

static struct named_room *
named(const struct room *r)
{
	const char		*name = room_name(r);
	struct namemap_entry	*e;

	e = namemap_find(&rooms, name, strlen(name));

	return e != NULL ? container_of(e, struct named_room, entry) : NULL;
}

/* Whether M is in R. */
static int
in_room(const struct member *m, const struct room *r)
{
	const struct joined_room	*j;

	if (r == lobby)
		return 1;
	for (j = m->rooms; j != NULL; j = j->next) {
		if (j->room == r)
			return 1;
	}
	return 0;
}

static struct by_id *
by_id_find(const struct hmap *map, uint32_t id)
{
	uint64_t		 h = hmap_hash(map, &id, sizeof id);
	struct hmap_entry	*e;

	for (e = hmap_first(map, h); e != NULL; e = hmap_next(e, h)) {
		if (container_of(e, struct by_id, hmap)->id == id)
			return container_of(e, struct by_id, hmap);
	}
	return NULL;
}

static void
by_id_insert(struct hmap *map, struct by_id *b, uint32_t id)
{
	b->id = id;
	hmap_insert(map, &b->hmap, hmap_hash(map, &id, sizeof id));
}

static struct member *
find_nick(const char *nick, size_t len)
{
	struct namemap_entry	*e = namemap_find(&nicks, nick, len);

	return e != NULL ? container_of(e, struct nickname, entry)->member :
	    NULL;
}

/* Give M the nick NICK (NULL: its address), freeing the one it had. */
static void
set_nick(struct member *m, const char *nick, size_t len)
{
	struct nickname	*n;

	if (m->nick != NULL) {
		n = container_of(m->nick, struct nickname, name);
		namemap_remove(&nicks, &n->entry);
		free(n);
		m->nick = NULL;
	}
	if (nick == NULL)
		return;
	n = xmalloc(sizeof *n + len + 1);
	memset(n, 0, sizeof *n);
	memcpy(n->name, nick, len);
	n->name[len] = '\0';
	n->member = m;
	n->entry.name = n->name;
	n->entry.len = len;
	namemap_insert(&nicks, &n->entry);
	m->nick = n->name;
}

/* Whether NICK is someone's here or on another server. */
static int
nick_taken(const struct member *m, const char *nick, size_t len)
{
	struct member	*other = find_nick(nick, len);

	if (other != NULL)
		return other != m;
	return hooks.nick_in_use != NULL &&
	    hooks.nick_in_use(hooks.arg, nick, len);
}

/* M's nick is now what m->nick says; OLD was the one before. */
static void
renamed(struct member *m, const char *old)
{
	struct joined_room	*j;

	room_renamed(lobby, m, old);
	for (j = m->rooms; j != NULL; j = j->next)
		room_renamed(j->room, m, old);
}

/* Give M NICK and tell every room it is in. */
static void
take_nick(struct member *m, const char *nick, size_t len)
{
	char	addr[ADDR_STRLEN], *old;

	old = xstrdup(member_nick(m, addr));
	set_nick(m, nick, len);
	renamed(m, old);
	free(old);
}

/* M's claim under way, or NULL. */
static struct asked_nick *
asked_by(const struct member *m)
{
	struct by_id	*b = by_id_find(&claims, m->id);

	return b != NULL ? container_of(b, struct asked_nick, by_id) : NULL;
}

/* Whether M may take NICK: a nick --nick-owners lists needs its key. */
static int
nick_allowed(const struct member *m, const char *nick, size_t len)
{
	unsigned char	pin[PIN_BYTES];

	if (core.owners == NULL || !owners_listed(core.owners, nick, len))
		return 1;
	if (m->ops->key == NULL || m->ops->key(m, pin) == -1)
		return 0;
	return owners_allows(core.owners, nick, len, pin);
}

static void
cmd_nick(struct member *m, const char *nick, size_t len)
{
	struct asked_nick	*a;
	enum nick_error		 e;

	if ((e = nick_check(nick, len)) != NICK_OK) {
		room_noticef(lobby, m, "%s", nick_error_text(e));
		return;
	}
	/* Before whether it is in use: that tells nobody anything. */
	if (!nick_allowed(m, nick, len)) {
		room_noticef(lobby, m, "nick %.*s is reserved", (int)len, nick);
		return;
	}
	if (nick_taken(m, nick, len)) {
		room_noticef(lobby, m, "nick %.*s is taken", (int)len, nick);
		return;
	}
	if (m->nick != NULL && strlen(m->nick) == len &&
	    memcmp(m->nick, nick, len) == 0)
		return;
	if (asked_by(m) != NULL) {
		room_noticef(lobby, m, "your last /nick is not settled yet");
		return;
	}
	a = xcalloc(1, sizeof *a + len + 1);
	a->member = m;
	memcpy(a->nick, nick, len);
	a->nick[len] = '\0';
	/* Claimed across the servers first; nobody hears of it before. */
	if (hooks.nick_claim != NULL &&
	    hooks.nick_claim(hooks.arg, m->id, a->nick, m->nick)) {
		by_id_insert(&claims, &a->by_id, m->id);
		return;
	}
	free(a);
	take_nick(m, nick, len);
}

void
rooms_nick_answer(uint32_t id, const char *nick, int granted)
{
	struct asked_nick	*a;
	struct by_id		*b;
	struct member		*m;
	size_t			 len = strlen(nick);

	if ((b = by_id_find(&claims, id)) == NULL)
		return;
	a = container_of(b, struct asked_nick, by_id);
	if (strcmp(a->nick, nick) != 0)
		return;
	hmap_remove(&claims, &a->by_id.hmap);
	m = a->member;
	free(a);
	if (m == NULL || (granted && nick_taken(m, nick, len))) {
		/* Gone since, or the nick went to a member here meanwhile. */
		if (granted && hooks.nick_release != NULL)
			hooks.nick_release(hooks.arg, id, nick);
		if (m != NULL)
			room_noticef(lobby, m, "nick %s is taken", nick);
		return;
	}
	if (!granted) {
		room_noticef(lobby, m, "nick %s is taken", nick);
		return;
	}
	take_nick(m, nick, len);
}

void
rooms_nick_refused(uint32_t id, const char *nick)
{
	struct member	*m = find_nick(nick, strlen(nick));

	if (m == NULL || m->id != id)
		return;
	room_noticef(lobby, m, "the nick %s is taken on another server", nick);
	set_nick(m, NULL, 0);
	renamed(m, nick);
}

/* Make the room NAME. */
static struct room *
make_room(const char *name, size_t len)
{
	struct named_room	*nr;

	nr = xcalloc(1, sizeof *nr);
	nr->room = room_create(&env, name, len, backlog != NULL ?
	    backlog_pin(backlog, name, len) : NULL);
	nr->entry.name = room_name(nr->room);
	nr->entry.len = strlen(nr->entry.name);
	namemap_insert(&rooms, &nr->entry);
	nr->wtail = &nr->waiting;
	/* Relayed: what the other servers said in it comes first. */
	if (hooks.follow != NULL && hooks.follow(hooks.arg, nr->room))
		nr->opening = 1;
	return nr->room;
}

/* R lost its last member: it ends; its history stays in the backlog. */
static void
end_room(struct room *r)
{
	struct named_room	*nr = named(r);

	if (nr == NULL)
		return;
	if (hooks.unfollow != NULL)
		hooks.unfollow(hooks.arg, r);
	namemap_remove(&rooms, &nr->entry);
	if (room_history(r) != NULL)
		backlog_unpin(backlog, room_history(r));
	room_free(r);
	free(nr);
}

/* Whether anyone waits to join R, or is entering it. */
static int
awaited(const struct room *r)
{
	const struct named_room	*nr = named(r);

	return nr != NULL && (nr->waiting != NULL || nr->entering);
}

/* M leaves R (not the lobby), saying REASON; TELL_LEAVER for /part. */
static void
leave_room(struct member *m, struct room *r, const char *reason, size_t len,
    int tell_leaver)
{
	struct joined_room	*j, **pp;

	for (pp = &m->rooms; (j = *pp) != NULL; pp = &j->next) {
		if (j->room == r)
			break;
	}
	if (j == NULL)
		return;
	*pp = j->next;
	m->nrooms--;
	room_leave(r, &j->ms, reason, len, tell_leaver);
	free(j);
	if (m->current == r)
		m->current = lobby;
	if (room_members_here(r) == 0 && !awaited(r))
		end_room(r);
}

/* TEXT's first word, if it is a room's name: "#dev rest". */
static int
room_word(const char *text, size_t len, size_t *wordlen)
{
	size_t	n;

	if (len == 0 || text[0] != '#')
		return 0;
	for (n = 0; n < len && text[n] != ' ' && text[n] != '\t'; n++)
		;
	*wordlen = n;
	return 1;
}

/* M enters R and makes it current. */
static void
enter_room(struct member *m, struct room *r)
{
	struct joined_room	*j;

	j = xcalloc(1, sizeof *j);
	j->ms.member = m;
	j->room = r;
	j->next = m->rooms;
	m->rooms = j;
	m->nrooms++;
	m->current = r;
	room_join(r, &j->ms);
}

/* M joins NR once its history is here; what M says meanwhile waits. */
static void
wait_for(struct member *m, struct named_room *nr)
{
	struct waiting_join	*w;

	w = xcalloc(1, sizeof *w);
	w->member = m;
	w->room = nr;
	w->prev = nr->wtail;
	*nr->wtail = w;
	nr->wtail = &w->next;
	by_id_insert(&waits, &w->by_id, m->id);
	m->waiting = 1;
}

/* W's member waits no more. */
static void
unwait(struct waiting_join *w)
{
	*w->prev = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	else
		w->room->wtail = w->prev;
	hmap_remove(&waits, &w->by_id.hmap);
	w->member->waiting = 0;
	free(w);
}

static void
cmd_join(struct member *m, const char *name, size_t len)
{
	struct named_room	*nr;
	struct room		*r;

	if (!room_name_check(name, len)) {
		room_noticef(lobby, m, "%s", room_name_error_text());
		return;
	}
	if ((r = find_room(name, len)) != NULL &&
	    in_room(m, r)) {
		m->current = r;
		room_noticef(lobby, m, "%s is your current room", room_name(r));
		return;
	}
	if (m->nrooms >= core.conf->max_joins) {
		room_noticef(lobby, m, "you are in too many rooms");
		return;
	}
	if (r == NULL) {
		if (namemap_count(&rooms) >= core.conf->max_rooms) {
			room_noticef(lobby, m, "too many rooms");
			return;
		}
		r = make_room(name, len);
	}
	if ((nr = named(r)) != NULL && nr->opening)
		wait_for(m, nr);
	else
		enter_room(m, r);
}

void
rooms_follow_answer(const char *name)
{
	struct waiting_join	*w;
	struct named_room	*nr;
	struct room		*r;
	struct member		*m;

	if ((r = find_room(name, strlen(name))) == NULL ||
	    (nr = named(r)) == NULL || !nr->opening)
		return;
	nr->opening = 0;
	/*
	 * Those who wait for R, in the order they asked. What one says
	 * meanwhile may take it out of R again: R stays until all are in.
	 */
	nr->entering = 1;
	while ((w = nr->waiting) != NULL) {
		m = w->member;
		nr->waiting = w->next;		/* as unwait() makes it */
		unwait(w);
		enter_room(m, r);
		/* What it said meanwhile, in order; it may wait again. */
		if (m->ops->resume != NULL)
			m->ops->resume(m);
	}
	nr->entering = 0;
	if (room_members_here(r) == 0)
		end_room(r);
}

/* M leaves: its join waits no more; a room nobody is in or waits for ends. */
static void
forget_waiting(struct member *m)
{
	struct by_id	*b;
	struct room	*r;

	if (!m->waiting || (b = by_id_find(&waits, m->id)) == NULL)
		return;
	r = container_of(b, struct waiting_join, by_id)->room->room;
	unwait(container_of(b, struct waiting_join, by_id));
	if (room_members_here(r) == 0 && !awaited(r))
		end_room(r);
}

static void
cmd_part(struct member *m, const char *arg, size_t len)
{
	struct room	*r = m->current;
	size_t		 n;

	if (room_word(arg, len, &n)) {
		r = find_room(arg, n);
		if (r == NULL || !in_room(m, r)) {
			room_noticef(lobby, m, "you are not in %.*s",
			    (int)MINIMUM(n, 200), arg);
			return;
		}
		for (arg += n, len -= n; len > 0 && (*arg == ' ' ||
		    *arg == '\t'); arg++, len--)
			;
	}
	if (r == lobby) {
		room_noticef(lobby, m, "you cannot leave %s", ROOM_LOBBY);
		return;
	}
	leave_room(m, r, arg, len, 1);
}

/* "[PM from alice] TEXT" to TO, "[PM to bob] TEXT" to FROM. */
static void
private_message(struct member *from, struct member *to, const char *text,
    size_t len)
{
	char	head[NICK_MAX_BYTES + 16], buf[ADDR_STRLEN];
	int	n;

	n = snprintf(head, sizeof head, "[PM from %s] ",
	    member_nick(from, buf));
	room_tell(lobby, to, head, (size_t)n, text, len);
	n = snprintf(head, sizeof head, "[PM to %s] ", member_nick(to, buf));
	room_tell(lobby, from, head, (size_t)n, text, len);
}

/* To a member of another server: 1 if one goes by TO and it is sent. */
static int
remote_pm(struct member *from, const char *to, size_t tlen, const char *text,
    size_t len)
{
	char	head[NICK_MAX_BYTES + 16], buf[ADDR_STRLEN];
	int	n;

	if (hooks.pm == NULL || !hooks.pm(hooks.arg, member_nick(from, buf),
	    to, tlen, text, len))
		return 0;
	n = snprintf(head, sizeof head, "[PM to %.*s] ",
	    (int)MINIMUM(tlen, NICK_MAX_BYTES - 1), to);
	room_tell(lobby, from, head, (size_t)MINIMUM(n, (int)sizeof head - 1),
	    text, len);
	return 1;
}

void
rooms_remote_pm(uint32_t id, const char *nick, const char *from,
    const char *text, size_t len)
{
	struct member	*to = find_nick(nick, strlen(nick));
	char		 head[NICK_MAX_BYTES + 16];
	int		 n;

	/* Gone since, or the nick is someone else's now: nobody gets it. */
	if (to == NULL || to->id != id)
		return;
	n = snprintf(head, sizeof head, "[PM from %s] ", from);
	room_tell(lobby, to, head, (size_t)MINIMUM(n, (int)sizeof head - 1),
	    text, len);
}

static void
cmd_msg(struct member *m, const char *target, size_t tlen,
    const char *text, size_t len)
{
	struct member	*to;
	struct room	*r;

	if (target[0] == '#') {
		r = find_room(target, tlen);
		if (r == NULL || !in_room(m, r)) {
			room_noticef(lobby, m, "you are not in %.*s",
			    (int)MINIMUM(tlen, 200), target);
			return;
		}
		room_say(r, m, text, len, 0);
		return;
	}
	if ((to = find_nick(target, tlen)) != NULL) {
		private_message(m, to, text, len);
		return;
	}
	if (remote_pm(m, target, tlen, text, len))
		return;
	room_noticef(lobby, m, "no such nick %.*s", (int)MINIMUM(tlen, 200),
	    target);
}

static void
cmd_who(struct member *m, const char *arg, size_t len)
{
	struct room	*r = m->current;

	char	name[NICK_MAX_BYTES + 1];

	if (len > 0 && (r = find_room(arg, len)) == NULL) {
		/* One with members on other servers only. */
		if (room_name_check(arg, len) && len < sizeof name &&
		    hooks.remote_count != NULL) {
			memcpy(name, arg, len);
			name[len] = '\0';
			if (hooks.remote_count(hooks.arg, name) > 0) {
				room_who_remote(lobby, m, name);
				return;
			}
		}
		room_noticef(lobby, m, "no such room %.*s",
		    (int)MINIMUM(len, 200), arg);
		return;
	}
	room_who(r, m);
}

/* A room as /rooms lists it. */
struct listed {
	const char	*name;
	unsigned int	 count;
	char		*copy;		/* NAME, when it is another server's */
};

struct collect {
	struct listed	*list;
	size_t		 n, size;
};

static void
collect_add(struct collect *c, const char *name, unsigned int count,
    char *copy)
{
	if (c->n == c->size) {
		c->size = c->size == 0 ? 16 : c->size * 2;
		c->list = xreallocarray(c->list, c->size, sizeof *c->list);
	}
	c->list[c->n].name = copy != NULL ? copy : name;
	c->list[c->n].count = count;
	c->list[c->n].copy = copy;
	c->n++;
}

static void
collect(struct namemap_entry *e, void *arg)
{
	struct room	*r = container_of(e, struct named_room, entry)->room;

	collect_add(arg, room_name(r), room_count(r), NULL);
}

/* A room with members on other servers only. */
static void
collect_remote(const char *name, unsigned int count, void *arg)
{
	if (count > 0 && find_room(name, strlen(name)) == NULL)
		collect_add(arg, NULL, count, xstrdup(name));
}

static int
by_name(const void *a, const void *b)
{
	return strcasecmp(((const struct listed *)a)->name,
	    ((const struct listed *)b)->name);
}

/* "*** rooms: #lobby (12), #dev (3)", a few hundred bytes a line. */
static void
cmd_rooms(struct member *m)
{
	struct collect	 c;
	char		 line[ROOMS_LINE_BYTES + NICK_MAX_BYTES + 32];
	size_t		 n, i;
	int		 k;

	memset(&c, 0, sizeof c);
	collect_add(&c, ROOM_LOBBY, room_count(lobby), NULL);
	namemap_each(&rooms, collect, &c);
	if (hooks.remote_rooms != NULL)
		hooks.remote_rooms(hooks.arg, collect_remote, &c);
	qsort(c.list + 1, c.n - 1, sizeof *c.list, by_name);
	n = (size_t)snprintf(line, sizeof line, "rooms: ");
	for (i = 0; i < c.n; i++) {
		if (n > 7 && n + NICK_MAX_BYTES + 16 > ROOMS_LINE_BYTES) {
			room_notice(lobby, m, line, n);
			n = (size_t)snprintf(line, sizeof line, "rooms: ");
		}
		k = snprintf(line + n, sizeof line - n, "%s%s (%u)",
		    n > 7 ? ", " : "", c.list[i].name, c.list[i].count);
		n += (size_t)MINIMUM(k, (int)(sizeof line - n - 1));
	}
	room_notice(lobby, m, line, n);
	for (i = 0; i < c.n; i++)
		free(c.list[i].copy);
	free(c.list);
}

static void
rooms_joined(struct member *m)
{
	m->id = ++last_id;
	m->lobby.member = m;
	m->current = lobby;
	m->joined = 1;
	room_join(lobby, &m->lobby);
}

static void
rooms_left(struct member *m, const char *reason, size_t len)
{
	struct asked_nick	*a;

	if (!m->joined)
		return;
	forget_waiting(m);
	while (m->rooms != NULL)
		leave_room(m, m->rooms->room, reason, len, 0);
	room_leave(lobby, &m->lobby, reason, len, 0);
	m->joined = 0;
	if ((a = asked_by(m)) != NULL)
		a->member = NULL;	/* its answer finds no one */
	if (m->nick != NULL && hooks.nick_release != NULL)
		hooks.nick_release(hooks.arg, m->id, m->nick);
	set_nick(m, NULL, 0);
}

static int
rooms_message(struct member *m, const char *text, size_t len, int flags)
{
	struct command	 cmd;
	const char	*const *h;

	if (core.conf->framing == FRAME_RAW) {
		memset(&cmd, 0, sizeof cmd);
		cmd.kind = CMD_MESSAGE;
		cmd.arg = text;
		cmd.arglen = len;
	} else
		command_parse(text, len, &cmd);
	if (m->waiting && cmd.kind != CMD_QUIT) {
		/* Only a member that cannot hold its lines gets here. */
		room_noticef(lobby, m, "your /join is not done yet: line not "
		    "taken, send it again");
		return FRAME_GO;
	}

	switch (cmd.kind) {
	case CMD_MESSAGE:
		if (cmd.arglen > 0)
			room_say(m->current, m, cmd.arg, cmd.arglen, 0);
		break;
	case CMD_ME:
		room_say(m->current, m, cmd.arg, cmd.arglen, 1);
		break;
	case CMD_NICK:
		cmd_nick(m, cmd.arg, cmd.arglen);
		break;
	case CMD_WHO:
		cmd_who(m, cmd.arg, cmd.arglen);
		break;
	case CMD_JOIN:
		cmd_join(m, cmd.arg, cmd.arglen);
		break;
	case CMD_PART:
		cmd_part(m, cmd.arg, cmd.arglen);
		break;
	case CMD_MSG:
		cmd_msg(m, cmd.target, cmd.targetlen, cmd.arg, cmd.arglen);
		break;
	case CMD_ROOMS:
		cmd_rooms(m);
		break;
	case CMD_HELP:
		for (h = command_help; *h != NULL; h++)
			room_notice(lobby, m, *h, strlen(*h));
		break;
	case CMD_QUIT:
		rooms_left(m, cmd.arg, cmd.arglen);
		return FRAME_STOP;
	case CMD_USAGE:
		room_noticef(lobby, m, "usage: %s", cmd.usage);
		break;
	case CMD_UNKNOWN:
		room_noticef(lobby, m, "unknown command /%.*s (try /help)",
		    (int)MINIMUM(cmd.namelen, 64), cmd.name);
		break;
	}
	if (flags & FRAME_CUT)
		room_noticef(lobby, m, "line too long");
	return FRAME_GO;
}

static void
rooms_notice(struct member *m, const char *text, size_t len)
{
	room_notice(lobby, m, text, len);
}

static void
rooms_flush(void)
{
	if (gathering != NULL)
		room_flush(gathering);
}

/* The rooms that held join and leave notices back say how many. */
static void
rooms_tick(double now)
{
	room_tick(&counted);
}

static void
close_room(struct namemap_entry *e, void *arg)
{
	room_close(container_of(e, struct named_room, entry)->room, NULL, 0);
}

static void
rooms_stop(void)
{
	static const char	notice[] = "server shutting down";

	/* Everyone is in the lobby: one notice each, and silence after. */
	room_close(lobby, notice, sizeof notice - 1);
	namemap_each(&rooms, close_room, NULL);
}

static unsigned int
rooms_count(void)
{
	return room_count(lobby);
}

static double
loop_now(void)
{
	return ev_now(core.loop);
}

static void
rooms_init(void)
{
	const struct srvconf	*c = core.conf;

	memset(&env, 0, sizeof env);
	env.framing = c->framing;
	env.stamp = core_stamp;
	env.msgs_out = &core.stats.msgs_out;
	env.gathering = &gathering;
	env.hooks = &hooks;
	env.now = loop_now;
	env.counted = &counted;
	if (c->history > 0)
		backlog = backlog_create(c->history, c->history_memory);
	env.backlog = backlog;
	namemap_init(&rooms);
	namemap_init(&nicks);
	hmap_init(&claims);
	hmap_init(&waits);
	lobby = room_create(&env, ROOM_LOBBY, sizeof ROOM_LOBBY - 1,
	    backlog != NULL ? backlog_pin(backlog, ROOM_LOBBY,
	    sizeof ROOM_LOBBY - 1) : NULL);
}

static void
free_room(struct namemap_entry *e, void *arg)
{
	struct named_room	*nr = container_of(e, struct named_room, entry);
	struct waiting_join	*w;

	/* Its members are gone: nobody to tell that they wait no more. */
	while ((w = nr->waiting) != NULL) {
		nr->waiting = w->next;
		free(w);
	}
	end_room(nr->room);
}

static void
free_claim(struct hmap_entry *e, void *arg)
{
	hmap_remove(&claims, e);
	free(container_of(e, struct asked_nick, by_id.hmap));
}

static void
rooms_free(void)
{
	hmap_each(&claims, free_claim, NULL);
	hmap_free(&claims);
	namemap_each(&rooms, free_room, NULL);
	hmap_free(&waits);
	if (room_history(lobby) != NULL)
		backlog_unpin(backlog, room_history(lobby));
	room_free(lobby);
	lobby = NULL;
	backlog_free(backlog);
	backlog = NULL;
	namemap_free(&rooms);
	namemap_free(&nicks);
}

const struct service room_service = {
	.cut_slow = 1,
	.rated = 1,
	.init = rooms_init,
	.free = rooms_free,
	.joined = rooms_joined,
	.message = rooms_message,
	.left = rooms_left,
	.notice = rooms_notice,
	.datagram = NULL,
	.flush = rooms_flush,
	.tick = rooms_tick,
	.stop = rooms_stop,
	.count = rooms_count,
};
