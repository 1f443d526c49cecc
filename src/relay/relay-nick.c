/*
 * relay-nick.c: nicks unique across the servers. A nick is claimed in
 * tschat:PREFIX:nicks with HSETNX, held by "NODE:MEMBER"; a member that
 * loses the race is told by the room. A nick is freed only by its holder.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "nick.h"
#include "relay-int.h"
#include "xmalloc.h"

/* Deletes a hash field only if it still holds the given value. */
#define RELAY_HDEL_IF \
	"if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then " \
	"return redis.call('HDEL', KEYS[1], ARGV[1]) end return 0"
/* Free every nick a server (holders "ID:...", ARGV[1] = "ID:") holds. */
#define RELAY_HDEL_NODE \
	"local kv = redis.call('HGETALL', KEYS[1]) local n = 0 " \
	"for i = 1, #kv, 2 do " \
	"if string.sub(kv[i + 1], 1, #ARGV[1]) == ARGV[1] then " \
	"redis.call('HDEL', KEYS[1], kv[i]) n = n + 1 end end return n"

/* A claim under way: member MID of this server wants NICK. */
struct claim {
	uint32_t	 mid;
	char		*nick;
	char		*old;		/* the nick before, or NULL */
	char		 holder[RELAY_NODE_CHARS + 16];
};

/* A nick as the claims key it: ASCII case ignored, as the room does. */
static void
lower_nick(const char *nick, char *out, size_t size)
{
	size_t	i;

	for (i = 0; nick[i] != '\0' && i + 1 < size; i++)
		out[i] = (nick[i] >= 'A' && nick[i] <= 'Z') ?
		    nick[i] - 'A' + 'a' : nick[i];
	out[i] = '\0';
}

static void
claim_free(struct claim *c)
{
	free(c->nick);
	free(c->old);
	free(c);
}

/* Who holds a nick that HSETNX found taken: if not M, M gives it back. */
static void
holder_cb(redisAsyncContext *ac, void *r, void *priv)
{
	redisReply	*reply = r;
	struct claim	*c = priv;

	if (relay != NULL && reply != NULL &&
	    reply->type == REDIS_REPLY_STRING &&
	    strcmp(reply->str, c->holder) != 0)
		room_nick_refused(relay->lobby, c->mid, c->nick, c->old);
	claim_free(c);
}

/* HSETNX's answer: 1, the nick is M's; else ask who holds it. */
static void
claim_cb(redisAsyncContext *ac, void *r, void *priv)
{
	redisReply	*reply = r;
	struct claim	*c = priv;
	char		 low[NICK_MAX_BYTES];

	if (relay == NULL || reply == NULL || reply->type !=
	    REDIS_REPLY_INTEGER || reply->integer == 1) {
		claim_free(c);
		return;
	}
	lower_nick(c->nick, low, sizeof low);
	relay_command(holder_cb, c, 3, "HGET", relay->key_nicks, low);
}

/* Free NICK if HOLDER ("NODE:ID") still holds it: no one else's claim. */
static void
release_if(const char *nick, const char *holder)
{
	char	low[NICK_MAX_BYTES];

	lower_nick(nick, low, sizeof low);
	relay_command(relay_check_cb, NULL, 6, "EVAL", RELAY_HDEL_IF, "1",
	    relay->key_nicks, low, holder);
}

/* The room's hook: member ID took NICK here; claim it everywhere. */
void
relay_nick_claim(void *arg, uint32_t id, const char *nick, const char *old)
{
	struct claim	*c;
	char		 low[NICK_MAX_BYTES];

	if (relay == NULL || !relay->up || nick == NULL)
		return;
	c = xcalloc(1, sizeof *c);
	snprintf(c->holder, sizeof c->holder, "%s:%u", relay->node, id);
	if (old != NULL)
		release_if(old, c->holder);
	c->mid = id;
	c->nick = xstrdup(nick);
	c->old = old != NULL ? xstrdup(old) : NULL;
	lower_nick(nick, low, sizeof low);
	relay_command(claim_cb, c, 4, "HSETNX", relay->key_nicks, low,
	    c->holder);
}

/* The room's hook: member ID, that had NICK, left. */
void
relay_nick_release(void *arg, uint32_t id, const char *nick)
{
	char	holder[RELAY_NODE_CHARS + 16];

	if (relay == NULL || !relay->up || nick == NULL)
		return;
	snprintf(holder, sizeof holder, "%s:%u", relay->node, id);
	release_if(nick, holder);
}

/* Free every nick server NODE holds, those of members unknown here too. */
void
relay_nicks_release_node(const char *node)
{
	char	prefix[RELAY_NODE_CHARS + 2];

	snprintf(prefix, sizeof prefix, "%s:", node);
	relay_command(relay_check_cb, NULL, 5, "EVAL", RELAY_HDEL_NODE, "1",
	    relay->key_nicks, prefix);
}

static void
reclaim_one(uint32_t id, const char *nick, int named, void *arg)
{
	if (named)
		relay_nick_claim(NULL, id, nick, NULL);
}

void
relay_nicks_reclaim(void)
{
	/*
	 * Claims given up or changed while the relay was away never reached
	 * Redis: free all of this server's, then claim the nicks in use.
	 */
	relay_nicks_release_node(relay->node);
	room_each_member(relay->lobby, reclaim_one, NULL);
}
