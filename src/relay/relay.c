/*
 * relay.c: one room on many servers, through Redis. Each server appends
 * what its peers say to the room's stream (tschat:ROOM:log) and reads what
 * the others appended, with hiredis on the server's own libev loop: no
 * thread and no blocking call. Lines are stamped and neutralised at the
 * server of their sender and delivered there at once; the stream only
 * carries them to the other servers, which check them again, since anyone
 * with access to Redis can write into it.
 *
 * Presence: each server keeps its members in tschat:ROOM:node:ID, a hash
 * that expires unless refreshed, and lists itself in tschat:ROOM:nodes.
 * A server whose hash has expired died without a word: the others say its
 * members left and free their nicks (tschat:ROOM:nicks, claimed with
 * HSETNX so that two servers cannot hand out one nick).
 */
#include "common.h"

#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>
#include <hiredis/async.h>
#include <hiredis/adapters/libev.h>

#include "cookie.h"
#include "defaults.h"
#include "log.h"
#include "nick.h"
#include "relay.h"
#include "relay-entry.h"
#include "relayconf.h"
#include "room.h"
#include "xmalloc.h"

#define RELAY_BACKOFF_FIRST	0.1
#define RELAY_BACKOFF_MAX	5.0
#define RELAY_BEAT_SECS		3.0
/* A server silent this long is gone; checked at every beat. */
#define RELAY_NODE_TTL_SECS	15
#define RELAY_STREAM_MAXLEN	"100000"
#define RELAY_READ_COUNT	"1000"
#define RELAY_BLOCK_MS		"5000"
/* Events put in one stream entry at most. */
#define RELAY_BATCH_EVENTS	256
#define RELAY_ID_MAX		48
/* The most arguments command() takes. */
#define RELAY_COMMAND_ARGS	8
/* Unconfirmed entries kept while Redis is away, at most. */
#define RELAY_PENDING_MAX_BYTES	(16 * 1024 * 1024)
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

/* A member of another server. */
struct rmember {
	struct rmember	*next;
	uint32_t	 id;
	char		*nick;
};

/* Another server, as its entries and its presence hash tell. */
struct rnode {
	struct rnode	*next;
	char		 id[RELAY_NODE_CHARS + 1];
	char		 name[RELAY_NAME_MAX + 1];	/* "": not known yet */
	struct rmember	*members;
	unsigned int	 count;
	uint64_t	 last_seq;	/* of its entries, to drop doubles */
	int		 checking;	/* an EXISTS is under way */
};

/* What this server will append to the stream next. */
struct batch_event {
	enum room_event		 type;
	uint32_t		 mid;
	char			*nick;
	char			*line;
	size_t			 len;
};

/*
 * An entry Redis has not confirmed yet: kept, and sent again after a
 * reconnection, so that nothing said while the connection was down is
 * lost; its sequence number lets readers drop one that arrives twice.
 */
struct pending {
	struct pending		*next;
	uint64_t		 seq;
	struct batch_event	*events;
	size_t			 nevents;
	size_t			 bytes;
	int			 sent;		/* on the current connection */
};

struct relay {
	struct ev_loop		*loop;
	struct room		*lobby;
	struct relay_url	 url;
	const char		*room;
	char			 node[RELAY_NODE_CHARS + 1];	/* random id */
	char			*key_log, *key_nicks, *key_nodes, *key_node,
				*key_epoch;

	redisAsyncContext	*w;		/* commands, pipelined */
	redisAsyncContext	*r;		/* XREAD BLOCK */
	int			 connected;	/* contexts up: 0, 1 or 2 */
	int			 up;		/* bootstrapped: relaying */
	int			 down_told;	/* peers told "relay lost" */
	double			 backoff;
	ev_timer		 retry_w;
	ev_timer		 beat_w;
	ev_prepare		 flush_w;

	char			 last_id[RELAY_ID_MAX];
	int			 have_last;

	struct batch_event	 batch[RELAY_BATCH_EVENTS];
	size_t			 nbatch;
	struct pending		*pend, *pend_tail;	/* oldest first */
	size_t			 pend_bytes;
	uint64_t		 out_seq;
	char			 epoch[RELAY_NODE_CHARS + 1];	/* Redis's life */
	char			 name[RELAY_NAME_MAX + 1];	/* --node-name */
	int			 restarted;

	struct rnode		*nodes;
	unsigned int		 remote_count;

	struct relay_entry	 dec;		/* reads the others' entries */
	struct relay_field	*fields;	/* of the entry read */
	size_t			 fields_size;

	uint64_t		 out_entries, out_events, in_entries,
				 in_events, bad, reconnects, gaps, lost,
				 doubles;
	double			 lag_ms;
};

static struct relay	*relay;

static void	relay_connect(void);
static void	node_sync(struct rnode *);
static void	reclaim_nicks(void);
static void	release_if(const char *, const char *);
static void	relay_down(const char *why);
static void	read_next(void);

/* The presence hash of server ID: "tschat:PREFIX:node:ID"; free() it. */
static char *
node_key(const char *id)
{
	char	*key;

	xasprintf(&key, "tschat:%s:node:%s", relay->room, id);
	return key;
}

/* --- remote members ---------------------------------------------------- */

static struct rnode *
node_find(const char *id, int create)
{
	struct rnode	*n;

	for (n = relay->nodes; n != NULL; n = n->next) {
		if (strcmp(n->id, id) == 0)
			return n;
	}
	if (!create)
		return NULL;
	n = xcalloc(1, sizeof *n);
	snprintf(n->id, sizeof n->id, "%s", id);
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

static void
member_set(struct rnode *n, uint32_t id, const char *nick)
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

static void
member_remove(struct rnode *n, uint32_t id)
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

static void
node_forget_members(struct rnode *n)
{
	while (n->members != NULL)
		member_remove(n, n->members->id);
}

static void
node_free(struct rnode *n)
{
	node_forget_members(n);
	free(n);
}

static void
nodes_clear(void)
{
	struct rnode	*n;

	while ((n = relay->nodes) != NULL) {
		relay->nodes = n->next;
		node_free(n);
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

static unsigned int
relay_remote_count(void *arg)
{
	return remote_known() ? relay->remote_count : 0;
}

static const char *
relay_name(void *arg)
{
	return relay != NULL ? relay->name : NULL;
}

static void
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

static int
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

/* --- commands ---------------------------------------------------------- */

static void
command_argv(redisAsyncContext *ac, redisCallbackFn *cb, void *priv,
    int argc, const char **argv, const size_t *lens)
{
	if (ac == NULL)
		return;
	if (redisAsyncCommandArgv(ac, cb, priv, argc, argv, lens) != REDIS_OK)
		log_warnx("relay: cannot queue a command");
}

/*
 * A command of at most RELAY_COMMAND_ARGS C strings, on the writing
 * connection. More is a bug: it is not sent cut short.
 */
static void
command(redisCallbackFn *cb, void *priv, int argc, ...)
{
	const char	*argv[RELAY_COMMAND_ARGS];
	size_t		 lens[RELAY_COMMAND_ARGS];
	va_list		 ap;
	int		 i;

	if (argc < 1 || argc > RELAY_COMMAND_ARGS)
		fatalx("relay: a command of %d arguments (1 to %d)", argc,
		    RELAY_COMMAND_ARGS);
	va_start(ap, argc);
	for (i = 0; i < argc; i++) {
		argv[i] = va_arg(ap, const char *);
		lens[i] = strlen(argv[i]);
	}
	va_end(ap);
	command_argv(relay->w, cb, priv, argc, argv, lens);
}

/* A reply that only matters when it is an error. */
static void
check_cb(redisAsyncContext *ac, void *r, void *priv)
{
	redisReply	*reply = r;

	if (reply != NULL && reply->type == REDIS_REPLY_ERROR)
		log_warnx("relay: %s", reply->str);
}

static void
lower_nick(const char *nick, char *out, size_t size)
{
	size_t	i;

	for (i = 0; nick[i] != '\0' && i + 1 < size; i++)
		out[i] = (nick[i] >= 'A' && nick[i] <= 'Z') ?
		    nick[i] - 'A' + 'a' : nick[i];
	out[i] = '\0';
}

/* --- sending ----------------------------------------------------------- */

static void
relay_publish(void *arg, enum room_event type, uint32_t id, const char *nick,
    const char *line, size_t len)
{
	struct batch_event	*e;

	if (relay == NULL)
		return;
	if (relay->nbatch == RELAY_BATCH_EVENTS) {
		/* A full batch goes now; the next starts empty. */
		ev_invoke(relay->loop, &relay->flush_w, EV_PREPARE);
	}
	if (len > 0 && line[len - 1] == '\n')
		len--;
	e = &relay->batch[relay->nbatch++];
	e->type = type;
	e->mid = id;
	e->nick = nick != NULL ? xstrdup(nick) : NULL;
	e->line = xmalloc(len + 1);
	memcpy(e->line, line, len);
	e->line[len] = '\0';
	e->len = len;
}

static const char *
event_name(enum room_event t)
{
	switch (t) {
	case ROOM_MSG:		return "msg";
	case ROOM_JOIN:		return "join";
	case ROOM_LEAVE:	return "leave";
	case ROOM_NICK:		return "nick";
	}
	return "?";
}

/* Keep this server's presence hash in step with an event. */
static void
presence_event(const struct batch_event *e)
{
	char	mid[16];

	if (e->type == ROOM_MSG)
		return;
	snprintf(mid, sizeof mid, "%u", e->mid);
	if (e->type == ROOM_LEAVE)
		command(check_cb, NULL, 3, "HDEL", relay->key_node, mid);
	else
		command(check_cb, NULL, 4, "HSET", relay->key_node, mid,
		    e->nick);
}

static void
events_free(struct batch_event *ev, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(ev[i].nick);
		free(ev[i].line);
	}
	free(ev);
}

/* Take the oldest entry off the pending list and free it. */
static void
pending_pop(void)
{
	struct pending	*p = relay->pend;

	relay->pend = p->next;
	if (relay->pend == NULL)
		relay->pend_tail = NULL;
	relay->pend_bytes -= p->bytes;
	events_free(p->events, p->nevents);
	free(p);
}

/* Redis confirmed the oldest entry sent: it need not be kept. */
static void
xadd_cb(redisAsyncContext *ac, void *r, void *priv)
{
	redisReply	*reply = r;
	struct pending	*p;

	/* No reply: the connection went; the entry is sent again. */
	if (reply == NULL || relay == NULL || (p = relay->pend) == NULL ||
	    !p->sent)
		return;
	if (reply->type == REDIS_REPLY_ERROR)
		log_warnx("relay: XADD: %s", reply->str);
	pending_pop();
}

/* One XADD for entry P, and the presence changes it carries. */
static void
send_entry(struct pending *p)
{
	const char		**argv;
	size_t			 *lens, i, argc = 0, max;
	char			(*mids)[16], seq[24];
	struct batch_event	 *e;

	max = 10 + p->nevents * 8;
	argv = xreallocarray(NULL, max, sizeof *argv);
	lens = xreallocarray(NULL, max, sizeof *lens);
	mids = xreallocarray(NULL, p->nevents, sizeof *mids);
	snprintf(seq, sizeof seq, "%llu", (unsigned long long)p->seq);
#define ARG(s, n) do { argv[argc] = (s); lens[argc++] = (n); } while (0)
#define ARGS(s) ARG((s), strlen(s))
	ARGS("XADD");
	ARGS(relay->key_log);
	ARGS("MAXLEN");
	ARGS("~");
	ARGS(RELAY_STREAM_MAXLEN);
	ARGS("*");
	ARGS("node");
	ARGS(relay->node);
	ARGS("s");
	ARGS(seq);
	for (i = 0; i < p->nevents; i++) {
		e = &p->events[i];
		snprintf(mids[i], sizeof mids[i], "%u", e->mid);
		ARGS("e");
		ARGS(event_name(e->type));
		ARGS("m");
		ARGS(mids[i]);
		ARGS("n");
		ARGS(e->nick != NULL ? e->nick : "");
		ARGS("l");
		ARG(e->line, e->len);
	}
#undef ARG
#undef ARGS
	command_argv(relay->w, xadd_cb, NULL, (int)argc, argv, lens);
	for (i = 0; i < p->nevents; i++)
		presence_event(&p->events[i]);
	p->sent = 1;
	relay->out_entries++;
	relay->out_events += p->nevents;
	free(argv);
	free(lens);
	free(mids);
}

/* Forget the entries not yet sent: a gap the others cannot fill either. */
static void
drop_pending(void)
{
	while (relay->pend != NULL) {
		relay->lost += relay->pend->nevents;
		pending_pop();
	}
}

/* Send, in order, every entry the current connection has not carried. */
static void
send_pending(void)
{
	struct pending	*p;

	for (p = relay->pend; p != NULL; p = p->next) {
		if (!p->sent)
			send_entry(p);
	}
}

/* Before the loop sleeps: what was said this iteration becomes an entry. */
static void
flush_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct pending	*p;
	size_t		 i;

	if (relay->nbatch > 0) {
		p = xcalloc(1, sizeof *p);
		p->seq = ++relay->out_seq;
		p->nevents = relay->nbatch;
		p->events = xreallocarray(NULL, p->nevents, sizeof *p->events);
		memcpy(p->events, relay->batch, p->nevents * sizeof *p->events);
		for (i = 0; i < p->nevents; i++)
			p->bytes += p->events[i].len + 64;
		relay->nbatch = 0;
		if (relay->pend_tail != NULL)
			relay->pend_tail->next = p;
		else
			relay->pend = p;
		relay->pend_tail = p;
		relay->pend_bytes += p->bytes;
	}
	/* Away too long: the oldest unsent entries give way. */
	while (relay->pend_bytes > RELAY_PENDING_MAX_BYTES &&
	    (p = relay->pend) != NULL && !p->sent) {
		if (relay->lost == 0)
			log_warnx("relay: Redis away too long: the oldest "
			    "lines are not relayed");
		relay->lost += p->nevents;
		pending_pop();
	}
	if (relay->up)
		send_pending();
}

/* --- nicks ------------------------------------------------------------ */

struct claim {
	uint32_t	 mid;
	char		*nick;
	char		*old;		/* the nick before, or NULL */
	char		 holder[RELAY_NODE_CHARS + 16];
};

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
	command(holder_cb, c, 3, "HGET", relay->key_nicks, low);
}

static void
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
	command(claim_cb, c, 4, "HSETNX", relay->key_nicks, low, c->holder);
}

/* Free NICK if HOLDER ("NODE:ID") still holds it: no one else's claim. */
static void
release_if(const char *nick, const char *holder)
{
	char	low[NICK_MAX_BYTES];

	lower_nick(nick, low, sizeof low);
	command(check_cb, NULL, 6, "EVAL", RELAY_HDEL_IF, "1",
	    relay->key_nicks, low, holder);
}

static void
relay_nick_release(void *arg, uint32_t id, const char *nick)
{
	char	holder[RELAY_NODE_CHARS + 16];

	if (relay == NULL || !relay->up || nick == NULL)
		return;
	snprintf(holder, sizeof holder, "%s:%u", relay->node, id);
	release_if(nick, holder);
}

/* After Redis came back, perhaps without its data: claim our nicks again. */
static void
release_node_nicks(const char *node)
{
	char	prefix[RELAY_NODE_CHARS + 2];

	snprintf(prefix, sizeof prefix, "%s:", node);
	command(check_cb, NULL, 5, "EVAL", RELAY_HDEL_NODE, "1",
	    relay->key_nicks, prefix);
}

static void
reclaim_one(uint32_t id, const char *nick, int named, void *arg)
{
	if (named)
		relay_nick_claim(NULL, id, nick, NULL);
}

static void
reclaim_nicks(void)
{
	/*
	 * Claims given up or changed while the relay was away never reached
	 * Redis: free all of this server's, then claim the nicks in use.
	 */
	release_node_nicks(relay->node);
	room_each_member(relay->lobby, reclaim_one, NULL);
}

/* --- receiving --------------------------------------------------------- */

/* One event of another server's entry, as the reader found it. */
static void
apply_event(struct rnode *node, enum relay_status st,
    const struct relay_event *ev)
{
	switch (st) {
	case RELAY_OK:
	case RELAY_BAD_LINE:
		break;
	case RELAY_BAD_TYPE:
	case RELAY_BAD_NICK:
		/* Its member id was good: it counts in, and as bad. */
		relay->in_events++;
		relay->bad++;
		return;
	default:
		relay->bad++;
		return;
	}
	if (ev->type == RELAY_EV_SYNC) {
		node_sync(node);
		return;
	}
	relay->in_events++;
	if (ev->type == RELAY_EV_LEAVE)
		member_remove(node, ev->member);
	else if (ev->type == RELAY_EV_JOIN || ev->type == RELAY_EV_NICK)
		member_set(node, ev->member, ev->nick);
	if (ev->line == NULL) {
		relay->bad++;
		return;
	}
	room_remote_line(relay->lobby, ev->line, ev->len);
}

/* The fields of KV into relay->fields; -1 if one is not a string. */
static int
entry_fields(const redisReply *kv)
{
	size_t	i;

	if (kv->elements > relay->fields_size) {
		relay->fields = xreallocarray(relay->fields, kv->elements,
		    sizeof *relay->fields);
		relay->fields_size = kv->elements;
	}
	for (i = 0; i < kv->elements; i++) {
		if (kv->element[i]->type != REDIS_REPLY_STRING)
			return -1;
		relay->fields[i].ptr = kv->element[i]->str;
		relay->fields[i].len = kv->element[i]->len;
	}
	return 0;
}

/* One stream entry: its id, then its fields. */
static void
apply_entry(const redisReply *entry)
{
	const redisReply	*id, *kv;
	struct relay_entry	*dec = &relay->dec;
	struct relay_event	 ev;
	enum relay_status	 st;
	struct rnode		*rn;
	long long		 ms;

	if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 ||
	    (id = entry->element[0])->type != REDIS_REPLY_STRING ||
	    (kv = entry->element[1])->type != REDIS_REPLY_ARRAY) {
		relay->bad++;
		return;
	}
	if (id->len < sizeof relay->last_id) {
		memcpy(relay->last_id, id->str, id->len);
		relay->last_id[id->len] = '\0';
		relay->have_last = 1;
	}
	relay->in_entries++;
	ms = strtoll(id->str, NULL, 10);
	relay->lag_ms = ev_now(relay->loop) * 1000.0 - (double)ms;
	if (entry_fields(kv) == -1 ||
	    relay_entry_open(dec, relay->fields, kv->elements) != RELAY_OK) {
		relay->bad++;
		return;
	}
	if (strcmp(dec->node, relay->node) == 0)
		return;		/* ours: delivered here already */
	rn = node_find(dec->node, 1);
	/* An entry sent again after a lost reply: seen already. */
	if (dec->seq != 0) {
		if (dec->seq <= rn->last_seq) {
			relay->doubles++;
			return;
		}
		rn->last_seq = dec->seq;
	}
	if (dec->junk)
		relay->bad++;
	while ((st = relay_entry_next(dec, &ev)) != RELAY_END)
		apply_event(rn, st, &ev);
}

static void
xread_cb(redisAsyncContext *ac, void *r, void *priv)
{
	redisReply	*reply = r, *streams, *entries;
	size_t		 i;

	if (reply == NULL || relay == NULL || !relay->up)
		return;
	if (reply->type == REDIS_REPLY_ERROR) {
		log_warnx("relay: XREAD: %s", reply->str);
		relay_down("read error");
		return;
	}
	if (reply->type == REDIS_REPLY_ARRAY && reply->elements > 0 &&
	    (streams = reply->element[0])->type == REDIS_REPLY_ARRAY &&
	    streams->elements == 2 &&
	    (entries = streams->element[1])->type == REDIS_REPLY_ARRAY) {
		for (i = 0; i < entries->elements && relay->up; i++)
			apply_entry(entries->element[i]);
	}
	if (relay->up)
		read_next();
}

static void
read_next(void)
{
	const char	*argv[] = { "XREAD", "COUNT", RELAY_READ_COUNT, "BLOCK",
			    RELAY_BLOCK_MS, "STREAMS", relay->key_log,
			    relay->last_id };
	size_t		 lens[ARRAY_SIZE(argv)], i;

	for (i = 0; i < ARRAY_SIZE(argv); i++)
		lens[i] = strlen(argv[i]);
	command_argv(relay->r, xread_cb, NULL, ARRAY_SIZE(argv), argv, lens);
}

/* --- presence ---------------------------------------------------------- */

/* The members of this server, all of them, into its presence hash. */
static void
presence_one(uint32_t id, const char *nick, int named, void *arg)
{
	char	mid[16];

	snprintf(mid, sizeof mid, "%u", id);
	command(check_cb, NULL, 4, "HSET", relay->key_node, mid, nick);
}

static void
presence_publish(void)
{
	command(check_cb, NULL, 2, "DEL", relay->key_node);
	room_each_member(relay->lobby, presence_one, NULL);
	command(check_cb, NULL, 6, "HSET", relay->key_node, "_node",
	    relay->node, "_name", relay->name);
}

static void
beat(void)
{
	char	ttl[16];

	snprintf(ttl, sizeof ttl, "%d", RELAY_NODE_TTL_SECS);
	command(check_cb, NULL, 6, "HSET", relay->key_node, "_node",
	    relay->node, "_name", relay->name);
	command(check_cb, NULL, 3, "EXPIRE", relay->key_node, ttl);
	command(check_cb, NULL, 3, "SADD", relay->key_nodes, relay->node);
}

/* A server whose presence expired died: its members left. */
static void
node_gone(struct rnode *n)
{
	char	 buf[NICK_MAX_BYTES + 64];

	log_info("relay: server %s is gone: %u members left", n->id,
	    n->count);
	/* Its nicks, those of members this server never heard of too. */
	release_node_nicks(n->id);
	while (n->members != NULL) {
		snprintf(buf, sizeof buf, "%s", n->members->nick);
		member_remove(n, n->members->id);
		room_remote_left(relay->lobby, buf);
	}
	command(check_cb, NULL, 3, "SREM", relay->key_nodes, n->id);
}

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
		if (reply->type == REDIS_REPLY_INTEGER && reply->integer == 0) {
			node_gone(n);
			*pp = n->next;
			node_free(n);
		}
		break;
	}
	free(id);
}

static void
beat_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct rnode	*n;
	char		*key;

	if (!relay->up)
		return;
	beat();
	for (n = relay->nodes; n != NULL; n = n->next) {
		if (n->checking)
			continue;
		n->checking = 1;
		key = node_key(n->id);
		command(exists_cb, xstrdup(n->id), 2, "EXISTS", key);
		free(key);
	}
}

/* --- connecting -------------------------------------------------------- */

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
	n = node_find(id, 1);
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
			member_set(n, mid, reply->element[i + 1]->str);
		else
			relay->bad++;
	}
	free(id);
}

/*
 * A server came back after losing Redis: who is on it may have changed
 * meanwhile, so read its members again.
 */
static void
node_sync(struct rnode *n)
{
	char	*key;

	node_forget_members(n);
	key = node_key(n->id);
	command(hgetall_cb, xstrdup(n->id), 2, "HGETALL", key);
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
		key = node_key(reply->element[i]->str);
		command(hgetall_cb, xstrdup(reply->element[i]->str), 2,
		    "HGETALL", key);
		free(key);
	}
}

/* Compare stream ids "MS-SEQ": <0, 0, >0. */
static int
id_cmp(const char *a, const char *b)
{
	unsigned long long	am, as = 0, bm, bs = 0;
	const char		*p;

	am = strtoull(a, NULL, 10);
	bm = strtoull(b, NULL, 10);
	if ((p = strchr(a, '-')) != NULL)
		as = strtoull(p + 1, NULL, 10);
	if ((p = strchr(b, '-')) != NULL)
		bs = strtoull(p + 1, NULL, 10);
	if (am != bm)
		return am < bm ? -1 : 1;
	return as < bs ? -1 : as > bs;
}

/*
 * The stream's newest entry: where reading starts. After a dropped
 * connection reading goes on from the last entry seen, so nothing is lost
 * or doubled; if the stream is gone or went back (Redis restarted), what
 * was said meanwhile cannot be had: say so and go on from its end.
 */
static void
tail_cb(redisAsyncContext *ac, void *r, void *priv)
{
	redisReply	*reply = r;
	const char	*tail = "0-0";

	if (relay == NULL || reply == NULL)
		return;
	if (reply->type == REDIS_REPLY_ERROR) {
		log_warnx("relay: XREVRANGE: %s", reply->str);
		relay_down("protocol error");
		return;
	}
	if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 1 &&
	    reply->element[0]->type == REDIS_REPLY_ARRAY &&
	    reply->element[0]->elements == 2 &&
	    reply->element[0]->element[0]->type == REDIS_REPLY_STRING)
		tail = reply->element[0]->element[0]->str;
	if (relay->have_last && (relay->restarted ||
	    id_cmp(tail, relay->last_id) < 0)) {
		relay->gaps++;
		log_warnx("relay: Redis restarted without its data: a gap that "
		    "cannot be recovered (the stream was at %s, now at %s)",
		    relay->last_id, tail);
		relay->have_last = 0;
		/* Its sequence numbers start again too. */
		for (struct rnode *n = relay->nodes; n != NULL; n = n->next)
			n->last_seq = 0;
		/* What was said here meanwhile stays here, as elsewhere. */
		drop_pending();
	}
	relay->restarted = 0;
	if (!relay->have_last) {
		snprintf(relay->last_id, sizeof relay->last_id, "%s", tail);
		relay->have_last = 1;
	}
	relay->up = 1;
	relay->backoff = RELAY_BACKOFF_FIRST;
	/*
	 * Who is where is read again; each server's last sequence number
	 * stays, so that an entry sent twice across the outage is seen once.
	 */
	for (struct rnode *n = relay->nodes; n != NULL; n = n->next)
		node_forget_members(n);
	presence_publish();
	beat();
	command(smembers_cb, NULL, 2, "SMEMBERS", relay->key_nodes);
	/* Tell the others to read who is here now. */
	{
		const char	*argv[] = { "XADD", relay->key_log, "MAXLEN", "~",
				    RELAY_STREAM_MAXLEN, "*", "node", relay->node,
				    "e", "sync" };
		size_t		 lens[ARRAY_SIZE(argv)], i;

		for (i = 0; i < ARRAY_SIZE(argv); i++)
			lens[i] = strlen(argv[i]);
		/* Not an entry of the pending list: its reply frees none. */
		command_argv(relay->w, check_cb, NULL, ARRAY_SIZE(argv), argv,
		    lens);
	}
	reclaim_nicks();
	send_pending();
	read_next();
	ev_timer_again(relay->loop, &relay->beat_w);
	log_info("relay: connected; reading from %s", relay->last_id);
	if (relay->down_told) {
		relay->down_told = 0;
		room_notice_all(relay->lobby, "relay restored", 14);
	}
}

static void
epoch_cb(redisAsyncContext *ac, void *r, void *priv)
{
	redisReply	*reply = r;

	if (relay == NULL || reply == NULL || reply->type != REDIS_REPLY_STRING)
		return;
	if (relay->epoch[0] != '\0' && strncmp(relay->epoch, reply->str,
	    sizeof relay->epoch - 1) != 0)
		relay->restarted = 1;
	snprintf(relay->epoch, sizeof relay->epoch, "%s", reply->str);
}

/* Both connections are up: log in, then find where the stream ends. */
static void
bootstrap(void)
{
	redisAsyncContext	*acs[2] = { relay->w, relay->r };
	char			 db[16], epoch[RELAY_NODE_CHARS + 1];
	uint8_t			 rnd[COOKIE_KEY_BYTES];
	int			 i;

	snprintf(db, sizeof db, "%u", relay->url.db);
	for (i = 0; i < 2; i++) {
		if (relay->url.password != NULL) {
			const char	*argv[3] = { "AUTH", NULL, NULL };
			size_t		 lens[3];
			int		 argc = 0;

			argv[argc++] = "AUTH";
			if (relay->url.user != NULL)
				argv[argc++] = relay->url.user;
			argv[argc++] = relay->url.password;
			for (int k = 0; k < argc; k++)
				lens[k] = strlen(argv[k]);
			command_argv(acs[i], check_cb, NULL, argc, argv,
			    lens);
		}
		if (relay->url.db != 0) {
			const char	*argv[2] = { "SELECT", db };
			size_t		 lens[2] = { 6, strlen(db) };

			command_argv(acs[i], check_cb, NULL, 2, argv, lens);
		}
	}
	/*
	 * Redis's life: a random id set once, by whoever comes first after
	 * it started; another one than before means it restarted.
	 */
	if (cookie_key_init(rnd) == -1)
		memset(rnd, 0, sizeof rnd);
	relay_hex(epoch, rnd, RELAY_NODE_CHARS / 2);
	command(check_cb, NULL, 3, "SETNX", relay->key_epoch, epoch);
	command(epoch_cb, NULL, 2, "GET", relay->key_epoch);
	command(tail_cb, NULL, 6, "XREVRANGE", relay->key_log, "+", "-",
	    "COUNT", "1");
}

static void
connect_cb(const redisAsyncContext *ac, int status)
{
	/* A context relay_down() let go of is no news. */
	if (relay == NULL || (ac != relay->w && ac != relay->r))
		return;
	if (status != REDIS_OK) {
		if (ac == relay->w)
			relay->w = NULL;
		else if (ac == relay->r)
			relay->r = NULL;
		relay_down(ac->errstr);
		return;
	}
	if (++relay->connected == 2)
		bootstrap();
}

static void
disconnect_cb(const redisAsyncContext *ac, int status)
{
	if (relay == NULL || (ac != relay->w && ac != relay->r))
		return;
	/* hiredis frees the context after this. */
	if (ac == relay->w)
		relay->w = NULL;
	else if (ac == relay->r)
		relay->r = NULL;
	relay_down(status == REDIS_OK ? "closed" : ac->errstr);
}

static redisAsyncContext *
open_context(void)
{
	redisAsyncContext	*ac;

	if (relay->url.path != NULL)
		ac = redisAsyncConnectUnix(relay->url.path);
	else
		ac = redisAsyncConnect(relay->url.host, relay->url.port);
	if (ac == NULL)
		fatalx("relay: out of memory");
	if (ac->err != 0) {
		log_warnx("relay: %s", ac->errstr);
		redisAsyncFree(ac);
		return NULL;
	}
	redisLibevAttach(relay->loop, ac);
	redisAsyncSetConnectCallback(ac, connect_cb);
	redisAsyncSetDisconnectCallback(ac, disconnect_cb);
	return ac;
}

static void
relay_connect(void)
{
	relay->connected = 0;
	relay->w = open_context();
	relay->r = relay->w != NULL ? open_context() : NULL;
	if (relay->r == NULL)
		relay_down("cannot connect");
}

static void
retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	relay->reconnects++;
	relay_connect();
}

/* Drop both connections and try again after the backoff. */
static void
relay_down(const char *why)
{
	redisAsyncContext	*w = relay->w, *r = relay->r;
	int			 was_up = relay->up;
	struct pending		*p;

	if (ev_is_active(&relay->retry_w))
		return;
	for (p = relay->pend; p != NULL; p = p->next)
		p->sent = 0;
	relay->up = 0;
	relay->connected = 0;
	relay->w = relay->r = NULL;
	/* Freeing calls the callbacks, which now see no context. */
	if (w != NULL)
		redisAsyncFree(w);
	if (r != NULL)
		redisAsyncFree(r);
	ev_timer_stop(relay->loop, &relay->beat_w);
	if (!relay->down_told) {
		log_warnx("relay: lost (%s); the room goes on here alone and "
		    "reconnects", why != NULL ? why : "?");
		room_notice_all(relay->lobby, "relay lost", 10);
		relay->down_told = 1;
	} else if (was_up)
		log_warnx("relay: lost (%s)", why != NULL ? why : "?");
	ev_timer_set(&relay->retry_w, relay->backoff, 0.);
	ev_timer_start(relay->loop, &relay->retry_w);
	relay->backoff = MINIMUM(relay->backoff * 2, RELAY_BACKOFF_MAX);
}

/* --- the server's side ------------------------------------------------- */

void
relay_init(struct ev_loop *loop, const struct relay_options *o,
    struct room *lobby)
{
	struct room_hooks	 hooks;
	const char		*err, *name = o->node_name;
	char			 host[256], buf[300];
	uint8_t			 key[COOKIE_KEY_BYTES];

	relay = xcalloc(1, sizeof *relay);
	relay->loop = loop;
	relay->lobby = lobby;
	relay_entry_init(&relay->dec, o->max_line);
	if (relay_url_parse(o->url, &relay->url, &err) == -1)
		fatalx("relay: %s", err);	/* checked by srvconf */
	if (relay->url.password == NULL && o->password != NULL)
		relay->url.password = xstrdup(o->password);
	relay->room = o->prefix;
	if (cookie_key_init(key) == -1)
		die(1, errno, "%s", _("cannot get random bytes"));
	relay_hex(relay->node, key, RELAY_NODE_CHARS / 2);
	xasprintf(&relay->key_log, "tschat:%s:log", o->prefix);
	xasprintf(&relay->key_nicks, "tschat:%s:nicks", o->prefix);
	xasprintf(&relay->key_nodes, "tschat:%s:nodes", o->prefix);
	relay->key_node = node_key(relay->node);
	xasprintf(&relay->key_epoch, "tschat:%s:epoch", o->prefix);
	relay->backoff = RELAY_BACKOFF_FIRST;
	ev_init(&relay->retry_w, retry_cb);
	ev_init(&relay->beat_w, beat_cb);
	relay->beat_w.repeat = RELAY_BEAT_SECS;
	ev_prepare_init(&relay->flush_w, flush_cb);
	ev_prepare_start(loop, &relay->flush_w);
	if (name == NULL) {
		/* HOSTNAME:PORT, the port the server got with -p 0 too. */
		if (gethostname(host, sizeof host) == -1)
			snprintf(host, sizeof host, "localhost");
		host[RELAY_NAME_MAX - 6] = '\0';
		snprintf(buf, sizeof buf, "%s:%u", host, o->port);
		name = buf;
		if (!relay_name_ok(name)) {
			snprintf(buf, sizeof buf, "%s", relay->node);
			name = buf;
		}
	}
	snprintf(relay->name, sizeof relay->name, "%.*s", RELAY_NAME_MAX, name);
	log_info("relay: room %s as %s (%s), through %s", o->prefix,
	    name, relay->node, relay->url.path != NULL ?
	    relay->url.path : relay->url.host);

	memset(&hooks, 0, sizeof hooks);
	hooks.publish = relay_publish;
	hooks.nick_claim = relay_nick_claim;
	hooks.nick_release = relay_nick_release;
	hooks.remote_count = relay_remote_count;
	hooks.remote_each = relay_remote_each;
	hooks.nick_in_use = relay_nick_in_use;
	hooks.node_name = relay_name;
	room_set_hooks(lobby, &hooks);
	relay_connect();
}

void
relay_free(void)
{
	redisAsyncContext	*w, *r;
	size_t			 i;

	if (relay == NULL)
		return;
	room_set_hooks(relay->lobby, NULL);
	w = relay->w;
	r = relay->r;
	relay->w = relay->r = NULL;
	relay->up = 0;
	ev_timer_stop(relay->loop, &relay->retry_w);
	ev_timer_stop(relay->loop, &relay->beat_w);
	ev_prepare_stop(relay->loop, &relay->flush_w);
	for (i = 0; i < relay->nbatch; i++) {
		free(relay->batch[i].nick);
		free(relay->batch[i].line);
	}
	while (relay->pend != NULL)
		pending_pop();
	nodes_clear();
	{
		struct relay	*rl = relay;

		/* The callbacks that freeing runs must find no relay. */
		relay = NULL;
		if (w != NULL)
			redisAsyncFree(w);
		if (r != NULL)
			redisAsyncFree(r);
		relay = rl;
	}
	relay_entry_free(&relay->dec);
	free(relay->fields);
	relay_url_free(&relay->url);
	free(relay->key_log);
	free(relay->key_nicks);
	free(relay->key_nodes);
	free(relay->key_node);
	free(relay->key_epoch);
	free(relay);
	relay = NULL;
}

void
relay_stats(char *buf, size_t size, void *arg)
{
	if (relay == NULL)
		return;
	snprintf(buf, size, "; relay %s: entries out %llu (events %llu), in "
	    "%llu (events %llu), bad %llu, doubles %llu, lag %.0f ms, reconnects "
	    "%llu, gaps %llu, not relayed %llu, remote members %u",
	    relay->up ? "up" : "down",
	    (unsigned long long)relay->out_entries,
	    (unsigned long long)relay->out_events,
	    (unsigned long long)relay->in_entries,
	    (unsigned long long)relay->in_events,
	    (unsigned long long)relay->bad,
	    (unsigned long long)relay->doubles, relay->lag_ms,
	    (unsigned long long)relay->reconnects,
	    (unsigned long long)relay->gaps,
	    (unsigned long long)relay->lost, relay->remote_count);
}
