/*
 * relay.c: one room on many servers, through Redis. Each server appends
 * what its peers say to the room's stream (tschat:PREFIX:log) and reads
 * what the others appended, with hiredis on the server's own libev loop:
 * no thread and no blocking call. Lines are stamped and neutralised at the
 * server of their sender and delivered there at once; the stream only
 * carries them to the other servers, which check them again, since anyone
 * with access to Redis can write into it.
 *
 * This file is the relay's face to the server: relay_init() fills in the
 * room's hooks and starts connecting; relay_free(), relay_stats(). The
 * parts, sharing one struct relay (relay-int.h): relay-conn.c (the
 * connections: connect, bootstrap, backoff, lost and restored),
 * relay-send.c (batches and the pending queue), relay-nick.c (nick
 * claims), relay-presence.c (presence and liveness), relay-remote.c (the
 * other servers' members), relay-recv.c (XREAD and applying entries) and
 * relay-entry.c (the pure decoder of entries).
 */
#include "common.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/async.h>

#include "cookie.h"
#include "log.h"
#include "relay.h"
#include "relay-int.h"
#include "xmalloc.h"

struct relay	*relay;

/* The presence hash of server ID: "tschat:PREFIX:node:ID"; free() it. */
char *
relay_node_key(const char *id)
{
	char	*key;

	xasprintf(&key, "tschat:%s:node:%s", relay->prefix, id);
	return key;
}

/*
 * The addresses of --relay's host, found once, at start: blocking here is
 * fine, the loop does not run yet. The connections go to them in turn,
 * by number, so that no reconnection ever waits for a resolver.
 */
static void
resolve_host(void)
{
	struct addrinfo	 hints, *res, *ai;
	char		 addr[NI_MAXHOST], list[1024];
	size_t		 i, len = 0;
	int		 rc, n;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	rc = getaddrinfo(relay->url.host, NULL, &hints, &res);
	if (rc != 0)
		die(1, 0, _("cannot resolve the relay's host %s: %s"),
		    relay->url.host, rc == EAI_SYSTEM ? strerror(errno) :
		    gai_strerror(rc));
	for (ai = res; ai != NULL && relay->naddrs < RELAY_ADDRS_MAX;
	    ai = ai->ai_next) {
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof addr,
		    NULL, 0, NI_NUMERICHOST) != 0)
			continue;
		for (i = 0; i < relay->naddrs; i++) {
			if (strcmp(relay->addrs[i], addr) == 0)
				break;
		}
		if (i < relay->naddrs)
			continue;
		relay->addrs = xreallocarray(relay->addrs, relay->naddrs + 1,
		    sizeof *relay->addrs);
		relay->addrs[relay->naddrs++] = xstrdup(addr);
		/* For the log: as many as fit. */
		n = snprintf(list + len, sizeof list - len, "%s%s",
		    len > 0 ? ", " : "", addr);
		if (n > 0 && (size_t)n < sizeof list - len)
			len += (size_t)n;
		else
			list[len] = '\0';
	}
	freeaddrinfo(res);
	if (relay->naddrs == 0)
		die(1, 0, _("cannot resolve the relay's host %s: %s"),
		    relay->url.host, gai_strerror(EAI_NONAME));
	if (relay->naddrs > 1 || strcmp(relay->addrs[0], relay->url.host) != 0)
		log_info("relay: %s is %s", relay->url.host, list);
}

/* This server's name in /who (a room hook). */
static const char *
relay_name(void *arg)
{
	return relay != NULL ? relay->name : NULL;
}

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
	relay->rooms = *o->rooms;
	relay_entry_init(&relay->dec, o->max_line);
	if (relay_url_parse(o->url, &relay->url, &err) == -1)
		fatalx("relay: %s", err);	/* checked by srvconf */
	if (relay->url.password == NULL && o->password != NULL)
		relay->url.password = xstrdup(o->password);
	relay->prefix = o->prefix;
	if (cookie_key_init(key) == -1)
		die(1, errno, "%s", _("cannot get random bytes"));
	relay_hex(relay->node, key, RELAY_NODE_CHARS / 2);
	xasprintf(&relay->key_log, "tschat:%s:log", o->prefix);
	xasprintf(&relay->key_nicks, "tschat:%s:nicks", o->prefix);
	xasprintf(&relay->key_nodes, "tschat:%s:nodes", o->prefix);
	relay->key_node = relay_node_key(relay->node);
	xasprintf(&relay->key_epoch, "tschat:%s:epoch", o->prefix);
	xasprintf(&relay->key_pm, "tschat:%s:pm:%s", o->prefix, relay->node);
	xasprintf(&relay->key_hist, "tschat:%s:hist:", o->prefix);
	xasprintf(&relay->key_room, "tschat:%s:room:", o->prefix);
	relay->history = o->history;
	relay_follows_init();
	namemap_init(&relay->rcounts);
	relay->backoff = RELAY_BACKOFF_FIRST;
	if (relay->url.host != NULL)
		resolve_host();
	ev_init(&relay->retry_w, relay_retry_cb);
	ev_init(&relay->connect_w, relay_connect_timeout_cb);
	ev_init(&relay->beat_w, relay_beat_cb);
	relay->beat_w.repeat = RELAY_BEAT_SECS;
	ev_prepare_init(&relay->flush_w, relay_flush_cb);
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
	hooks.remote_rooms = relay_remote_rooms;
	hooks.follow = relay_follow;
	hooks.unfollow = relay_unfollow;
	hooks.pm = relay_pm;
	hooks.nick_in_use = relay_nick_in_use;
	hooks.node_name = relay_name;
	relay->rooms.set_hooks(lobby, &hooks);
	relay_connect();
}

/* Redis took the goodbye, or the connection went: nothing to wait for. */
static void
bye_cb(redisAsyncContext *ac, void *r, void *priv)
{
	static char	what[] = "bye";

	if (relay == NULL)
		return;
	if (r != NULL) {
		relay_exec_check_cb(ac, r, what);
		log_info("relay: left the room");
	}
	relay->bye_done = 1;
}

static void
bye_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	log_warnx("relay: Redis did not take the goodbye within %.0f s",
	    RELAY_BYE_SECS);
	relay->bye_done = 1;
}

/*
 * The server stops, its peers gone or going: what was said here last and
 * this server's leaving go to Redis before it exits, so that the others
 * see its peers leave at once, not when its presence expires. The loop
 * runs a little longer for it: until Redis took it, the connection went,
 * or RELAY_BYE_SECS passed. Nothing is read any more.
 */
static void
goodbye(void)
{
	ev_timer		 timeout_w;
	redisAsyncContext	*r = relay->r;

	relay->stopping = 1;
	relay->r = NULL;
	if (r != NULL)
		redisAsyncFree(r);
	/* The last batch becomes an entry; all that is pending is sent. */
	ev_invoke(relay->loop, &relay->flush_w, EV_PREPARE);
	relay_presence_leave(bye_cb);
	ev_timer_init(&timeout_w, bye_timeout_cb, RELAY_BYE_SECS, 0.);
	ev_timer_start(relay->loop, &timeout_w);
	while (!relay->bye_done && relay->w != NULL)
		ev_run(relay->loop, EVRUN_ONCE);
	ev_timer_stop(relay->loop, &timeout_w);
}

void
relay_free(void)
{
	redisAsyncContext	*w, *r;

	if (relay == NULL)
		return;
	relay->rooms.set_hooks(relay->lobby, NULL);
	/* No beat may write the presence again after the goodbye. */
	ev_timer_stop(relay->loop, &relay->retry_w);
	ev_timer_stop(relay->loop, &relay->connect_w);
	ev_timer_stop(relay->loop, &relay->beat_w);
	ev_prepare_stop(relay->loop, &relay->flush_w);
	if (relay->up)
		goodbye();
	w = relay->w;
	r = relay->r;
	relay->w = relay->r = NULL;
	relay->up = 0;
	relay_send_free();
	relay_nodes_clear();
	relay_follows_free();
	namemap_free(&relay->rcounts);
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
	for (size_t i = 0; i < relay->naddrs; i++)
		free(relay->addrs[i]);
	free(relay->addrs);
	free(relay->key_log);
	free(relay->key_nicks);
	free(relay->key_nodes);
	free(relay->key_node);
	free(relay->key_epoch);
	free(relay->key_pm);
	free(relay->key_hist);
	free(relay->key_room);
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
