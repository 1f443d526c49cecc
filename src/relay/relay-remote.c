/*
 * relay-remote.c: the other servers of the room and their members, as
 * their entries and their presence hashes tell; the room's hooks that
 * count them, list them for /who and say whether one has a nick.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <hiredis/hiredis.h>

#include "relay-int.h"
#include "xmalloc.h"

/* The server ID as known here, made when it is new. */
struct rnode *
relay_node_find(const char *id)
{
	struct rnode	*n;

	for (n = relay->nodes; n != NULL; n = n->next) {
		if (strcmp(n->id, id) == 0)
			return n;
	}
	n = xcalloc(1, sizeof *n);
	snprintf(n->id, sizeof n->id, "%s", id);
	n->heard = ev_now(relay->loop);
	n->next = relay->nodes;
	relay->nodes = n;
	return n;
}

static struct rmember *
member_find(struct rnode *n, uint32_t id)
{
	struct rmember	*m;

	for (m = n->members; m != NULL; m = m->next) {
		if (m->id == id)
			return m;
	}
	return NULL;
}

/* Member ID of server N goes by NICK: a newcomer, or a new nick. */
void
relay_member_set(struct rnode *n, uint32_t id, const char *nick)
{
	struct rmember	*m = member_find(n, id);

	if (m == NULL) {
		m = xcalloc(1, sizeof *m);
		m->id = id;
		m->next = n->members;
		n->members = m;
		n->count++;
		relay->remote_count++;
	}
	free(m->nick);
	m->nick = xstrdup(nick);
}

void
relay_member_remove(struct rnode *n, uint32_t id)
{
	struct rmember	**pp, *m;

	for (pp = &n->members; (m = *pp) != NULL; pp = &m->next) {
		if (m->id == id) {
			*pp = m->next;
			free(m->nick);
			free(m);
			n->count--;
			relay->remote_count--;
			return;
		}
	}
}

/* Forget N's members, to read them again. */
void
relay_node_forget(struct rnode *n)
{
	while (n->members != NULL)
		relay_member_remove(n, n->members->id);
}

void
relay_node_free(struct rnode *n)
{
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

/* The room's hooks: how many, who, and whether one has a nick. */
unsigned int
relay_remote_count(void *arg)
{
	return remote_known() ? relay->remote_count : 0;
}

void
relay_remote_each(void *arg, room_remote_fn *fn, void *fnarg)
{
	struct rnode	*n;
	struct rmember	*m;

	if (!remote_known())
		return;
	for (n = relay->nodes; n != NULL; n = n->next) {
		for (m = n->members; m != NULL; m = m->next)
			fn(n->name[0] != '\0' ? n->name : n->id, m->nick,
			    fnarg);
	}
}

int
relay_nick_in_use(void *arg, const char *nick, size_t len)
{
	struct rnode	*n;
	struct rmember	*m;

	if (!remote_known())
		return 0;
	for (n = relay->nodes; n != NULL; n = n->next) {
		for (m = n->members; m != NULL; m = m->next) {
			if (strlen(m->nick) == len &&
			    strncasecmp(m->nick, nick, len) == 0)
				return 1;
		}
	}
	return 0;
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
