/*
 * relay-remote.c: the other servers of the room and their members, as
 * their entries and their presence hashes tell; the room's hooks that
 * count them, list them for /who and say whether one has a nick. A member
 * is found by its id and by its nick through tables, so that an event
 * costs the same however many members there are.
 */
#include "common.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "log.h"
#include "nick.h"
#include "relay-int.h"
#include "xmalloc.h"

/* The server ID as known here, made when it is new. */
struct rnode *
relay_node_find(const char *id)
{
	struct hmap_entry	*e;
	struct rnode		*n;
	uint64_t		 h;

	/* No server known: the table starts again (with a fresh key). */
	if (relay->nodes == NULL) {
		hmap_free(&relay->node_ids);
		hmap_init(&relay->node_ids);
	}
	/* By id: every entry read names its server. */
	h = hmap_hash(&relay->node_ids, id, strlen(id));
	for (e = hmap_first(&relay->node_ids, h); e != NULL;
	    e = hmap_next(e, h)) {
		n = container_of(e, struct rnode, by_id);
		if (strcmp(n->id, id) == 0)
			return n;
	}
	/* No server, no member: the nicks' table starts again, empty. */
	if (relay->nodes == NULL) {
		hmap_free(&relay->rnicks);
		hmap_init(&relay->rnicks);
	}
	n = xcalloc(1, sizeof *n);
	snprintf(n->id, sizeof n->id, "%s", id);
	hmap_init(&n->ids);
	n->heard = ev_now(relay->loop);
	n->next = relay->nodes;
	relay->nodes = n;
	hmap_insert(&relay->node_ids, &n->by_id, h);
	return n;
}

static uint64_t
id_hash(const struct rnode *n, uint32_t id)
{
	return hmap_hash(&n->ids, &id, sizeof id);
}

/*
 * The hash of a nick with its ASCII letters lowered, as namemap_equal()
 * compares them (strncasecmp() would follow the locale). A nick longer
 * than any that is kept hashes as its first bytes: one that is kept never
 * equals it anyway.
 */
static uint64_t
nick_hash(const char *nick, size_t len)
{
	unsigned char	buf[NICK_MAX_BYTES];
	size_t		i, n = MINIMUM(len, sizeof buf);

	for (i = 0; i < n; i++) {
		buf[i] = (unsigned char)nick[i];
		if (buf[i] >= 'A' && buf[i] <= 'Z')
			buf[i] += 'a' - 'A';
	}
	return hmap_hash(&relay->rnicks, buf, n);
}

static struct rmember *
member_find(struct rnode *n, uint32_t id)
{
	struct hmap_entry	*e;
	struct rmember		*m;
	uint64_t		 h;

	if (n->ids.count == 0)
		return NULL;
	h = id_hash(n, id);
	for (e = hmap_first(&n->ids, h); e != NULL; e = hmap_next(e, h)) {
		m = container_of(e, struct rmember, by_id);
		if (m->id == id)
			return m;
	}
	return NULL;
}

/* The bytes of a member whose nick is LEN bytes long. */
static size_t
member_size(size_t len)
{
	return offsetof(struct rmember, nick) + len + 1;
}

/*
 * M of server N, out of the nicks' table, made room for a nick of LEN
 * bytes: it may move, and what points to it follows.
 */
static struct rmember *
member_resize(struct rnode *n, struct rmember *m, size_t len)
{
	uint64_t	h = m->by_id.hash;

	hmap_remove(&n->ids, &m->by_id);
	m = xreallocarray(m, 1, member_size(len));
	hmap_insert(&n->ids, &m->by_id, h);
	if (m->prev != NULL)
		m->prev->next = m;
	else
		n->members = m;
	if (m->next != NULL)
		m->next->prev = m;
	return m;
}

/* Member ID of server N goes by NICK: a newcomer, or a new nick. */
void
relay_member_set(struct rnode *n, uint32_t id, const char *nick)
{
	struct rmember	*m = member_find(n, id);
	size_t		 len = strlen(nick);

	if (m == NULL) {
		m = xmalloc(member_size(len));
		m->id = id;
		m->rooms = NULL;
		m->prev = NULL;
		if ((m->next = n->members) != NULL)
			m->next->prev = m;
		n->members = m;
		hmap_insert(&n->ids, &m->by_id, id_hash(n, id));
		n->count++;
		relay->remote_count++;
	} else {
		if (strcmp(m->nick, nick) == 0)
			return;
		hmap_remove(&relay->rnicks, &m->by_nick);
		if (strlen(m->nick) != len)
			m = member_resize(n, m, len);
	}
	memcpy(m->nick, nick, len + 1);
	hmap_insert(&relay->rnicks, &m->by_nick, nick_hash(nick, len));
}

/* One member fewer in room C: gone when none is left. */
static void
rcount_drop(struct rcount *c)
{
	if (--c->count > 0)
		return;
	namemap_remove(&relay->rcounts, &c->entry);
	free(c);
}

/* Their room ROOM (LEN bytes), or NULL when none of theirs is in it. */
static struct rcount *
rcount_of(const char *room, size_t len)
{
	struct namemap_entry	*e;

	if ((e = namemap_find(&relay->rcounts, room, len)) == NULL)
		return NULL;
	return container_of(e, struct rcount, entry);
}

/* Member ID of server N came into ROOM. */
void
relay_member_enter(struct rnode *n, uint32_t id, const char *room)
{
	struct rmember		*m = member_find(n, id);
	struct rcount		*c;
	struct rjoin		*j;
	size_t			 len = strlen(room);

	if (m == NULL)
		return;		/* not in the lobby: no one */
	if ((c = rcount_of(room, len)) != NULL) {
		for (j = m->rooms; j != NULL; j = j->next) {
			if (j->room == c)
				return;
		}
	} else {
		c = xmalloc(sizeof *c + len + 1);
		memset(c, 0, sizeof *c);
		memcpy(c->name, room, len + 1);
		c->entry.name = c->name;
		c->entry.len = len;
		namemap_insert(&relay->rcounts, &c->entry);
	}
	c->count++;
	j = xmalloc(sizeof *j);
	j->room = c;
	j->next = m->rooms;
	m->rooms = j;
}

/* Member ID of server N left ROOM. */
void
relay_member_exit(struct rnode *n, uint32_t id, const char *room)
{
	struct rmember	*m = member_find(n, id);
	struct rcount	*c;
	struct rjoin	*j, **pp;

	if (m == NULL || (c = rcount_of(room, strlen(room))) == NULL)
		return;
	for (pp = &m->rooms; (j = *pp) != NULL; pp = &j->next) {
		if (j->room == c) {
			*pp = j->next;
			rcount_drop(c);
			free(j);
			return;
		}
	}
}

/* M of server N leaves: out of its rooms, the tables, and freed. */
static void
member_free(struct rnode *n, struct rmember *m)
{
	struct rjoin	*j;

	if (m->prev != NULL)
		m->prev->next = m->next;
	else
		n->members = m->next;
	if (m->next != NULL)
		m->next->prev = m->prev;
	hmap_remove(&n->ids, &m->by_id);
	hmap_remove(&relay->rnicks, &m->by_nick);
	while ((j = m->rooms) != NULL) {
		m->rooms = j->next;
		rcount_drop(j->room);
		free(j);
	}
	free(m);
	n->count--;
	relay->remote_count--;
}

void
relay_member_remove(struct rnode *n, uint32_t id)
{
	struct rmember	*m = member_find(n, id);

	if (m != NULL)
		member_free(n, m);
}

/* Forget N's members, to read them again. */
void
relay_node_forget(struct rnode *n)
{
	while (n->members != NULL)
		member_free(n, n->members);
	/* The tables never shrink: give back what the members took. */
	hmap_free(&n->ids);
	if (relay->rnicks.count == 0)
		hmap_free(&relay->rnicks);
}

void
relay_node_free(struct rnode *n)
{
	hmap_remove(&relay->node_ids, &n->by_id);
	relay_node_forget(n);
	relay_seen_free(&n->seen);
	free(n);
}

void
relay_nodes_clear(void)
{
	struct rnode	*n;

	while ((n = relay->nodes) != NULL) {
		relay->nodes = n->next;
		relay_node_free(n);
	}
	hmap_free(&relay->node_ids);
	hmap_free(&relay->rnicks);
}

/*
 * The other servers' members count only while the relay is up: without
 * it this server is a room of its own, which they cannot hear.
 */
static int
remote_known(void)
{
	return relay != NULL && relay->up;
}

/* Whether M is in the room C (NULL: the lobby). */
static int
member_in(const struct rmember *m, const struct rcount *c)
{
	const struct rjoin	*j;

	if (c == NULL)
		return 1;
	for (j = m->rooms; j != NULL; j = j->next) {
		if (j->room == c)
			return 1;
	}
	return 0;
}

/* The room ROOM of theirs (NULL: the lobby); 0 if none of theirs is in it. */
static int
rcount_find(const char *room, struct rcount **c)
{
	struct namemap_entry	*e;

	*c = NULL;
	if (room == NULL)
		return 1;
	if ((e = namemap_find(&relay->rcounts, room, strlen(room))) == NULL)
		return 0;
	*c = container_of(e, struct rcount, entry);
	return 1;
}

/* The rooms' hooks: how many, who, and whether one has a nick. */
unsigned int
relay_remote_count(void *arg, const char *room)
{
	struct rcount	*c;

	if (!remote_known() || !rcount_find(room, &c))
		return 0;
	return c != NULL ? c->count : relay->remote_count;
}

void
relay_remote_each(void *arg, const char *room, room_remote_fn *fn,
    void *fnarg)
{
	struct rnode	*n;
	struct rmember	*m;
	struct rcount	*c;

	if (!remote_known() || !rcount_find(room, &c))
		return;
	for (n = relay->nodes; n != NULL; n = n->next) {
		for (m = n->members; m != NULL; m = m->next) {
			if (member_in(m, c))
				fn(n->name[0] != '\0' ? n->name : n->id,
				    m->nick, fnarg);
		}
	}
}

struct rooms_each {
	void	(*fn)(const char *, unsigned int, void *);
	void	 *arg;
};

static void
rooms_each_one(struct namemap_entry *e, void *arg)
{
	struct rooms_each	*re = arg;
	struct rcount		*c = container_of(e, struct rcount, entry);

	re->fn(c->name, c->count, re->arg);
}

void
relay_remote_rooms(void *arg, void (*fn)(const char *, unsigned int, void *),
    void *fnarg)
{
	struct rooms_each	re = { fn, fnarg };

	if (remote_known())
		namemap_each(&relay->rcounts, rooms_each_one, &re);
}

struct rmember *
relay_member_named(const char *nick, size_t len, struct rnode **np)
{
	struct hmap_entry	*e;
	struct rnode		*n;
	struct rmember		*m;
	uint64_t		 h;

	if (!remote_known() || relay->rnicks.count == 0)
		return NULL;
	h = nick_hash(nick, len);
	for (e = hmap_first(&relay->rnicks, h); e != NULL;
	    e = hmap_next(e, h)) {
		m = container_of(e, struct rmember, by_nick);
		if (!namemap_equal(m->nick, strlen(m->nick), nick, len))
			continue;
		/* Its server: one of a few, found by its members' table. */
		if (np != NULL) {
			for (n = relay->nodes; n != NULL; n = n->next) {
				if (member_find(n, m->id) == m)
					break;
			}
			if ((*np = n) == NULL)
				fatalx("%s: member %u has no server", __func__,
				    m->id);
		}
		return m;
	}
	return NULL;
}

int
relay_nick_in_use(void *arg, const char *nick, size_t len)
{
	return relay_member_named(nick, len, NULL) != NULL;
}

/* The members of one other server, from its presence hash. */
static void
hgetall_cb(redisAsyncContext *ac, void *r, void *priv)
{
	redisReply	*reply = r;
	char		*id = priv;
	struct rnode	*n;
	uint32_t	 mid;
	size_t		 i;

	if (relay == NULL || reply == NULL ||
	    reply->type != REDIS_REPLY_ARRAY || strcmp(id, relay->node) == 0) {
		free(id);
		return;
	}
	n = relay_node_find(id);
	for (i = 0; i + 1 < reply->elements; i += 2) {
		if (reply->element[i]->type != REDIS_REPLY_STRING)
			continue;
		/* Its name, for /who: checked as --node-name is. */
		if (strcmp(reply->element[i]->str, "_name") == 0 &&
		    reply->element[i + 1]->type == REDIS_REPLY_STRING) {
			if (relay_name_ok(reply->element[i + 1]->str))
				snprintf(n->name, sizeof n->name, "%s",
				    reply->element[i + 1]->str);
			else
				relay->bad++;
			continue;
		}
		if (relay_member_parse(reply->element[i]->str,
		    reply->element[i]->len, &mid) == -1)
			continue;
		if (reply->element[i + 1]->type == REDIS_REPLY_STRING &&
		    relay_nick_ok(reply->element[i + 1]->str,
		    reply->element[i + 1]->len))
			relay_member_set(n, mid, reply->element[i + 1]->str);
		else
			relay->bad++;
	}
	/* Then the rooms its members are in: "r:MEMBER:ROOM". */
	for (i = 0; i + 1 < reply->elements; i += 2) {
		const redisReply	*f = reply->element[i];
		const char		*room;

		if (f->type != REDIS_REPLY_STRING || f->len < 4 ||
		    strncmp(f->str, "r:", 2) != 0 ||
		    (room = memchr(f->str + 2, ':', f->len - 2)) == NULL)
			continue;
		room++;
		if (relay_member_parse(f->str + 2, (size_t)(room - 1 -
		    (f->str + 2)), &mid) == -1 ||
		    (size_t)(f->str + f->len - room) > RELAY_ROOM_MAX ||
		    !room_name_check(room, (size_t)(f->str + f->len - room)) ||
		    memchr(room, '\0', (size_t)(f->str + f->len - room)) != NULL) {
			relay->bad++;
			continue;
		}
		relay_member_enter(n, mid, room);
	}
	free(id);
}

/*
 * A server came back after losing Redis: who is on it may have changed
 * meanwhile, so read its members again.
 */
void
relay_node_sync(struct rnode *n)
{
	char	*key;

	relay_node_forget(n);
	key = relay_node_key(n->id);
	relay_command(hgetall_cb, xstrdup(n->id), 2, "HGETALL", key);
	free(key);
}

/* The servers of the room: read each one's members. */
static void
smembers_cb(redisAsyncContext *ac, void *r, void *priv)
{
	redisReply	*reply = r;
	char		*key;
	size_t		 i;

	if (relay == NULL || reply == NULL || reply->type != REDIS_REPLY_ARRAY)
		return;
	for (i = 0; i < reply->elements; i++) {
		if (reply->element[i]->type != REDIS_REPLY_STRING ||
		    !relay_node_ok(reply->element[i]->str,
		    reply->element[i]->len))
			continue;
		key = relay_node_key(reply->element[i]->str);
		relay_command(hgetall_cb, xstrdup(reply->element[i]->str), 2,
		    "HGETALL", key);
		free(key);
	}
}

/* Read who is on each server of the room. */
void
relay_nodes_read(void)
{
	relay_command(smembers_cb, NULL, 2, "SMEMBERS", relay->key_nodes);
}
