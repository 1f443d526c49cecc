/*
 * relay-presence.c: this server's presence (its members in the hash
 * tschat:PREFIX:node:ID, which expires unless a beat refreshes it, and
 * itself in tschat:PREFIX:nodes) and the others' liveness: a server whose
 * hash expired died without a word, and its members are said to leave.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "log.h"
#include "nick.h"
#include "relay-int.h"
#include "xmalloc.h"

/* The rooms a gone member's leaving is told in, at most. */
#define RELAY_GONE_ROOMS	64
/* A server silent this long is gone; checked at every beat. */
#define RELAY_NODE_TTL_SECS	15

/* The members of this server, all of them, into its presence hash. */
static void
presence_one(uint32_t id, const char *nick, int named, void *arg)
{
	char	mid[16];

	snprintf(mid, sizeof mid, "%u", id);
	relay_command(relay_check_cb, NULL, 4, "HSET", relay->key_node, mid,
	    nick);
}

/* The field that says member ID is in ROOM: "r:ID:ROOM"; free() it. */
static char *
room_field(uint32_t id, const char *room, size_t len)
{
	char	*f;

	xasprintf(&f, "r:%u:%.*s", id, (int)len, room);
	return f;
}

/* A member of this server in room ARG (a name), into the hash. */
static void
presence_room_one(uint32_t id, const char *nick, int named, void *arg)
{
	const char	*room = arg;
	char		*f = room_field(id, room, strlen(room));

	relay_command(relay_check_cb, NULL, 4, "HSET", relay->key_node, f,
	    "1");
	free(f);
}

static void
presence_room(struct rfollow *f, void *arg)
{
	relay->rooms.each_member(f->room, presence_room_one, f->name);
}

/*
 * Say again, whole, who is on this server, after a reconnection, and tell
 * the others to read it: one transaction, so that no one sees the hash
 * emptied and this server gone.
 */
void
relay_presence_publish(void)
{
	static char	what[] = "presence";

	relay_command(relay_check_cb, NULL, 1, "MULTI");
	relay_command(relay_check_cb, NULL, 2, "DEL", relay->key_node);
	relay->rooms.each_member(relay->lobby, presence_one, NULL);
	relay_follows_each(presence_room, NULL);
	relay_beat();
	relay_send_control("sync");
	relay_command(relay_exec_check_cb, what, 1, "EXEC");
}

/* Keep this server's presence hash in step with an event. */
void
relay_presence_event(const struct batch_event *e)
{
	char	mid[16], *f;

	if (e->type == BATCH_ENTER || e->type == BATCH_EXIT) {
		f = room_field(e->mid, e->line, e->len);
		if (e->type == BATCH_ENTER)
			relay_command(relay_check_cb, NULL, 4, "HSET",
			    relay->key_node, f, "1");
		else
			relay_command(relay_check_cb, NULL, 3, "HDEL",
			    relay->key_node, f);
		free(f);
		return;
	}
	/* A room's own lines: its comings and goings are the above. */
	if (e->type == ROOM_MSG || e->room != NULL)
		return;
	snprintf(mid, sizeof mid, "%u", e->mid);
	if (e->type == ROOM_LEAVE)
		relay_command(relay_check_cb, NULL, 3, "HDEL", relay->key_node,
		    mid);
	else
		relay_command(relay_check_cb, NULL, 4, "HSET", relay->key_node,
		    mid, e->nick);
}

/* This server lives: its hash refreshed and kept, and itself listed. */
void
relay_beat(void)
{
	char	ttl[16];

	snprintf(ttl, sizeof ttl, "%d", RELAY_NODE_TTL_SECS);
	relay_command(relay_check_cb, NULL, 6, "HSET", relay->key_node, "_node",
	    relay->node, "_name", relay->name);
	relay_command(relay_check_cb, NULL, 3, "EXPIRE", relay->key_node, ttl);
	relay_command(relay_check_cb, NULL, 3, "SADD", relay->key_nodes,
	    relay->node);
}

/* A server whose presence expired died: its members left. */
static void
node_gone(struct rnode *n)
{
	char	 buf[NICK_MAX_BYTES + 64];

	log_info("relay: server %s is gone: %u members left", n->id,
	    n->count);
	/* Its nicks, those of members this server never heard of too. */
	relay_nicks_release_node(n->id);
	while (n->members != NULL) {
		struct rmember	*m = n->members;
		struct rfollow	*in[RELAY_GONE_ROOMS];
		struct rjoin	*j;
		size_t		 k = 0, i;

		snprintf(buf, sizeof buf, "%s", m->nick);
		/* The rooms here it was in hear of it too. */
		for (j = m->rooms; j != NULL && k < ARRAY_SIZE(in);
		    j = j->next) {
			if ((in[k] = relay_followed(j->room->name,
			    strlen(j->room->name))) != NULL)
				k++;
		}
		relay_member_remove(n, m->id);
		for (i = 0; i < k; i++)
			relay->rooms.remote_left(in[i]->room, buf);
		relay->rooms.remote_left(relay->lobby, buf);
	}
	relay_command(relay_check_cb, NULL, 3, "SREM", relay->key_nodes, n->id);
}

/* Whether another server's hash is still there; if not, it is gone. */
static void
exists_cb(redisAsyncContext *ac, void *r, void *priv)
{
	redisReply	*reply = r;
	char		*id = priv;
	struct rnode	*n, **pp;

	if (relay == NULL || reply == NULL) {
		free(id);
		return;
	}
	for (pp = &relay->nodes; (n = *pp) != NULL; pp = &n->next) {
		if (strcmp(n->id, id) != 0)
			continue;
		n->checking = 0;
		/*
		 * A server that said something lately, and no bye yet, is
		 * gone only once the stream says so: its last lines, and
		 * its bye, may still be on their way to this server.
		 */
		if (reply->type == REDIS_REPLY_INTEGER && reply->integer == 0 &&
		    (n->said_bye || ev_now(relay->loop) - n->heard >=
		    RELAY_NODE_TTL_SECS)) {
			node_gone(n);
			*pp = n->next;
			relay_node_free(n);
		}
		break;
	}
	free(id);
}

/*
 * Whether server N's presence is still there; if not, it is gone. Asked
 * even if a check is under way: its answer may be older than what
 * prompted this one (a bye).
 */
void
relay_node_check(struct rnode *n)
{
	char	*key;

	n->checking = 1;
	key = relay_node_key(n->id);
	relay_command(exists_cb, xstrdup(n->id), 2, "EXISTS", key);
	free(key);
}

/* Every few seconds: beat, and ask after each other server. */
void
relay_beat_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct rnode	*n;

	if (!relay->up)
		return;
	relay_beat();
	for (n = relay->nodes; n != NULL; n = n->next) {
		if (!n->checking)
			relay_node_check(n);
	}
}

/*
 * This server leaves the room: its presence hash, its place among the
 * servers and its nicks go, and a bye entry has the others check at once
 * that it is gone, all in one transaction; CB gets the EXEC's reply.
 */
void
relay_presence_leave(redisCallbackFn *cb)
{
	relay_command(relay_check_cb, NULL, 1, "MULTI");
	relay_command(relay_check_cb, NULL, 2, "DEL", relay->key_node);
	relay_command(relay_check_cb, NULL, 2, "DEL", relay->key_pm);
	relay_command(relay_check_cb, NULL, 3, "SREM", relay->key_nodes,
	    relay->node);
	relay_nicks_release_node(relay->node);
	relay_send_control("bye");
	relay_command(cb, NULL, 1, "EXEC");
}
