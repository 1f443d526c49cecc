/*
 * relay-int.h: what the relay's files share and no one else sees: the one
 * struct relay (the connections, the queue of what is to be sent, the
 * other servers as this one knows them, the counters), the structs it
 * holds, and the functions that one part of the relay calls in another.
 */
#ifndef TSCHAT_RELAY_INT_H
#define TSCHAT_RELAY_INT_H

#include <stddef.h>
#include <stdint.h>

#include EV_HEADER
#include <hiredis/async.h>

#include "hmap.h"
#include "namemap.h"
#include "relay-entry.h"
#include "relay.h"
#include "relay-seen.h"
#include "relayconf.h"
#include "roomhooks.h"

#define RELAY_BACKOFF_FIRST	0.1
#define RELAY_BACKOFF_MAX	5.0
#define RELAY_BEAT_SECS		3.0
/* A connection not up (connected, logged in, bootstrapped) by then fails. */
#define RELAY_CONNECT_SECS	5.0
/* How long a stopping server waits for Redis to take its goodbye. */
#define RELAY_BYE_SECS		1.0
/* Events put in one stream entry at most. */
#define RELAY_BATCH_EVENTS	256
/*
 * Entries sent and not yet confirmed, at most: only those are ever sent
 * again, so that a reader's RELAY_SEEN_MAX numbers always hold the first
 * copy of one that comes twice.
 */
#define RELAY_INFLIGHT_MAX	256
/* The addresses of --relay's host kept, at most. */
#define RELAY_ADDRS_MAX		16
/* The longest stream entry id kept. */
#define RELAY_ID_MAX		48

/* A room besides the lobby as the other servers' members are in it. */
struct rcount {
	struct namemap_entry	 entry;		/* named by name[] */
	unsigned int		 count;		/* of their members */
	char			 name[];
};

/* A room a member of another server is in. */
struct rjoin {
	struct rjoin	*next;
	struct rcount	*room;
};

/*
 * A member of another server: found by id in its server's table, and by
 * nick (ASCII case ignored, as namemap compares) in the relay's table of
 * all of them, so that no event walks a server's members. Its nick is
 * kept inline: a large room holds tens of thousands of these.
 */
struct rmember {
	struct hmap_entry	 by_id;		/* in its rnode's ids */
	struct hmap_entry	 by_nick;	/* in relay->rnicks */
	struct rmember		*next, *prev;	/* newest first, for /who */
	struct rjoin		*rooms;		/* besides the lobby */
	uint32_t		 id;
	char			 nick[];
};

/*
 * A room besides the lobby that this server has members in: its stream is
 * read from LAST_ID on, once its history came (HAVE_LAST).
 */
struct rfollow {
	struct namemap_entry	 entry;		/* named by name[] */
	struct room		*room;
	char			*key;		/* its stream */
	char			*hist;		/* its history */
	char			 last_id[RELAY_ID_MAX];
	int			 have_last;
	int			 asking;	/* its history is on its way */
	char			 name[];
};

/* Another server, as its entries and its presence hash tell. */
struct rnode {
	struct rnode	*next;
	struct hmap_entry by_id;	/* in relay->node_ids */
	char		 id[RELAY_NODE_CHARS + 1];
	char		 name[RELAY_NAME_MAX + 1];	/* "": not known yet */
	struct rmember	*members;	/* newest first */
	struct hmap	 ids;		/* the members by id */
	unsigned int	 count;
	struct relay_seen seen;		/* its entries' numbers, for doubles */
	int		 checking;	/* an EXISTS is under way */
	int		 said_bye;	/* its bye was read from the stream */
	ev_tstamp	 heard;		/* its last entry, or when first known */
};

/* Besides enum room_event: a member entered or left a room. */
#define BATCH_ENTER	100
#define BATCH_EXIT	101

/*
 * What this server will append to a stream next: ROOM's (NULL: the
 * lobby's). BATCH_ENTER and BATCH_EXIT go to the lobby's, and their LINE
 * is the room's name.
 */
struct batch_event {
	int			 type;
	uint32_t		 mid;
	char			*room;
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
	uint64_t		 seq;	/* of its first stream's entry */
	struct batch_event	*events;
	size_t			 nevents;
	size_t			 bytes;
	int			 sent;		/* on the current connection */
};

/* The relay: there is one, while --relay is given. */
struct relay {
	struct ev_loop		*loop;
	struct room		*lobby;
	struct relay_rooms	 rooms;		/* the server's way to them */
	struct relay_url	 url;
	/* The addresses of url.host, resolved at start, tried in turn. */
	char			**addrs;
	size_t			 naddrs;
	size_t			 addr_at;	/* the one tried now */
	size_t			 addr_tried;	/* of this round, failed */
	const char		*prefix;	/* --relay-prefix */
	char			 node[RELAY_NODE_CHARS + 1];	/* random id */
	char			*key_log, *key_nicks, *key_nodes, *key_node,
				*key_epoch, *key_pm, *key_hist;
	char			*key_room;	/* "tschat:PREFIX:room:" */
	unsigned int		 history;	/* --history */

	redisAsyncContext	*w;		/* commands, pipelined */
	redisAsyncContext	*r;		/* XREAD BLOCK */
	int			 connected;	/* contexts up: 0, 1 or 2 */
	int			 up;		/* bootstrapped: relaying */
	int			 down_told;	/* peers told "relay lost" */
	int			 stopping;	/* saying goodbye: relay_free() */
	int			 bye_done;	/* Redis took the goodbye */
	double			 backoff;
	ev_timer		 retry_w;
	ev_timer		 connect_w;
	ev_timer		 beat_w;
	ev_prepare		 flush_w;

	char			 last_id[RELAY_ID_MAX];
	int			 have_last;
	char			 head_id[RELAY_ID_MAX];	/* "": empty */
	char			 pm_last[RELAY_ID_MAX];	/* of key_pm */

	struct batch_event	 batch[RELAY_BATCH_EVENTS];
	size_t			 nbatch;
	struct pending		*pend, *pend_tail;	/* oldest first */
	size_t			 pend_bytes;
	size_t			 inflight;	/* sent, not confirmed */
	uint64_t		 out_seq;
	char			 epoch[RELAY_NODE_CHARS + 1];	/* Redis's life */
	char			 name[RELAY_NAME_MAX + 1];	/* --node-name */
	int			 restarted;

	struct rnode		*nodes;
	struct hmap		 node_ids;	/* the same, rnode by id */
	/*
	 * The other servers' members by nick, rmember, several to a nick if
	 * they clash: made anew when a first server becomes known (while
	 * none is, it holds no one), its slots freed when forgetting a
	 * server's members leaves it empty.
	 */
	struct hmap		 rnicks;
	unsigned int		 remote_count;
	struct namemap		 rcounts;	/* rooms of theirs, rcount */

	struct relay_entry	 dec;		/* reads the others' entries */
	struct relay_field	*fields;	/* of the entry read */
	size_t			 fields_size;

	uint64_t		 out_entries, out_events, in_entries,
				 in_events, bad, reconnects, gaps, lost,
				 doubles;
	double			 lag_ms;
};

extern struct relay	*relay;

/* relay.c: the names of the room's keys. */
char	*relay_node_key(const char *id);

/* relay-conn.c: the connections to Redis, and commands on them. */
void	relay_connect(void);
void	relay_down(const char *why);
void	relay_retry_cb(struct ev_loop *, ev_timer *, int);
void	relay_connect_timeout_cb(struct ev_loop *, ev_timer *, int);
void	relay_command_argv(redisAsyncContext *, redisCallbackFn *,
	    void *priv, int argc, const char **argv, const size_t *lens);
void	relay_command(redisCallbackFn *, void *priv, int argc, ...);
void	relay_check_cb(redisAsyncContext *, void *reply, void *priv);
void	relay_exec_check_cb(redisAsyncContext *, void *reply, void *priv);
/* Compare stream ids "MS-SEQ": <0, 0, >0. */
int	relay_id_cmp(const char *a, const char *b);
/* The id of the one entry an XRANGE or XREVRANGE ... COUNT 1 found. */
const char *relay_range_id(const redisReply *reply);

/* relay-send.c: what this server says, batched, queued and sent. */
void	relay_publish(void *arg, const struct room *, enum room_event,
	    uint32_t id, const char *nick, const char *line, size_t len);
void	relay_flush_cb(struct ev_loop *, ev_prepare *, int);
void	relay_send_pending(void);
void	relay_send_again(void);
void	relay_send_control(const char *type);
void	relay_drop_pending(void);
void	relay_send_free(void);

/* relay-nick.c: nicks claimed across the servers. */
int	relay_nick_claim(void *arg, uint32_t id, const char *nick,
	    const char *old);
void	relay_nick_release(void *arg, uint32_t id, const char *nick);
void	relay_nicks_reclaim(void);
void	relay_nicks_release_node(const char *node);

/* relay-presence.c: this server's presence, and the others' liveness. */
void	relay_presence_publish(void);
void	relay_presence_event(const struct batch_event *);
void	relay_beat(void);
void	relay_beat_cb(struct ev_loop *, ev_timer *, int);
void	relay_node_check(struct rnode *);
void	relay_presence_leave(redisCallbackFn *cb);

/* relay-remote.c: the other servers and their members. */
struct rnode *relay_node_find(const char *id);
void	relay_node_forget(struct rnode *);
void	relay_node_free(struct rnode *);
void	relay_nodes_clear(void);
void	relay_node_sync(struct rnode *);
void	relay_nodes_read(void);
void	relay_member_set(struct rnode *, uint32_t id, const char *nick);
void	relay_member_remove(struct rnode *, uint32_t id);
void	relay_member_enter(struct rnode *, uint32_t id, const char *room);
void	relay_member_exit(struct rnode *, uint32_t id, const char *room);
unsigned int relay_remote_count(void *arg, const char *room);
void	relay_remote_each(void *arg, const char *room, room_remote_fn *fn,
	    void *fnarg);
void	relay_remote_rooms(void *arg, void (*fn)(const char *,
	    unsigned int, void *), void *fnarg);
int	relay_nick_in_use(void *arg, const char *nick, size_t len);
/* The member of another server that goes by NICK (LEN bytes), or NULL. */
struct rmember *relay_member_named(const char *nick, size_t len,
	    struct rnode **np);

/* relay-recv.c: the other servers' entries, read and applied. */
void	relay_read_next(void);
/* The rooms read changed: the XREAD that waits starts again. */
void	relay_read_again(void);

/* relay-rooms.c: the rooms besides the lobby, their streams and history. */
int	relay_follow(void *arg, struct room *);
void	relay_unfollow(void *arg, struct room *);
struct rfollow *relay_followed(const char *name, size_t len);
void	relay_follows_init(void);
size_t	relay_follows_count(void);
/* Call FN for each room read; FN may not follow or unfollow any. */
void	relay_follows_each(void (*fn)(struct rfollow *, void *), void *arg);
/* The rooms' streams are gone (Redis restarted): read each from its end. */
void	relay_follows_restart(void);
void	relay_follows_ask(void);
void	relay_follows_free(void);
void	relay_lobby_history(void);
int	relay_pm(void *arg, const char *from, const char *to, size_t tolen,
	    const char *text, size_t len);

#endif
