/*
 * relay-nick.c: nicks unique across the servers. A nick is claimed in
 * tschat:PREFIX:nicks, held by "NODE:MEMBER", by one script that looks and
 * takes at once, before anyone is told of the change; a member that loses
 * the race keeps its nick and is told. A nick is freed only by its holder.
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

/*
 * Claims ARGV[1] (a nick, lowercased) for ARGV[2] ("NODE:MEMBER") unless
 * someone else holds it, and then frees ARGV[3] (the nick it had, or "")
 * if it held that: 1 if the nick is the holder's now, else 0. One script,
 * so that no one can slip in between looking and taking.
 */
#define RELAY_CLAIM \
	"local h = redis.call('HGET', KEYS[1], ARGV[1]) " \
	"if h and h ~= ARGV[2] then return 0 end " \
	"redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) " \
	"if ARGV[3] ~= '' and ARGV[3] ~= ARGV[1] and " \
	"redis.call('HGET', KEYS[1], ARGV[3]) == ARGV[2] then " \
	"redis.call('HDEL', KEYS[1], ARGV[3]) end return 1"

/* A claim under way: member MID of this server wants NICK. */
struct claim {
	uint32_t	 mid;
	int		 asked;		/* by the member (else a reclaim) */
	char		*nick;
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

/*
 * The script's answer. A member's own request is answered either way;
 * a reclaim after a reconnection (the nick in use here since, or taken
 * while Redis was away) only when another server holds the nick now. No
 * answer (the connection went down) leaves the nick to this server, which
 * is a room of its own until the relay is back and claims it again.
 */
static void
claim_cb(redisAsyncContext *ac, void *r, void *priv)
{
	redisReply	*reply = r;
	struct claim	*c = priv;
	int		 granted = 1;

	if (reply != NULL && reply->type == REDIS_REPLY_INTEGER)
		granted = reply->integer == 1;
	else if (reply != NULL && reply->type == REDIS_REPLY_ERROR)
		log_warnx("relay: nick claim: %s", reply->str);
	if (relay != NULL) {
		if (c->asked)
			relay->rooms.nick(c->mid, c->nick, granted);
		else if (!granted)
			relay->rooms.nick_refused(c->mid, c->nick);
	}
	free(c->nick);
	free(c);
}

/* Claim NICK for member ID (that had OLD, or NULL). */
static void
claim(uint32_t id, const char *nick, const char *old, int asked)
{
	struct claim	*c;
	char		 low[NICK_MAX_BYTES], oldlow[NICK_MAX_BYTES];

	c = xcalloc(1, sizeof *c);
	snprintf(c->holder, sizeof c->holder, "%s:%u", relay->node, id);
	c->mid = id;
	c->asked = asked;
	c->nick = xstrdup(nick);
	lower_nick(nick, low, sizeof low);
	lower_nick(old != NULL ? old : "", oldlow, sizeof oldlow);
	relay_command(claim_cb, c, 7, "EVAL", RELAY_CLAIM, "1",
	    relay->key_nicks, low, c->holder, oldlow);
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

/*
 * The rooms' hook: member ID asks for NICK; it gets it when Redis says it
 * is its (the nick answer). While the relay is down this server's word
 * is enough: 0, and the nick is claimed when the relay is back.
 */
int
relay_nick_claim(void *arg, uint32_t id, const char *nick, const char *old)
{
	if (relay == NULL || !relay->up || nick == NULL)
		return 0;
	claim(id, nick, old, 1);
	return 1;
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
		claim(id, nick, NULL, 0);
}

void
relay_nicks_reclaim(void)
{
	/*
	 * Claims given up or changed while the relay was away never reached
	 * Redis: free all of this server's, then claim the nicks in use.
	 */
	relay_nicks_release_node(relay->node);
	relay->rooms.each_member(relay->lobby, reclaim_one, NULL);
}
