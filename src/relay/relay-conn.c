/*
 * relay-conn.c: the relay's two connections to Redis (one for pipelined
 * commands, one for XREAD BLOCK) on the server's loop: connecting, logging
 * in, finding where the stream ends, coming up; losing them, telling the
 * room, and trying again with backoff. And the commands queued on them.
 */
#include "common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <hiredis/async.h>
#include <hiredis/adapters/libev.h>

#include "cookie.h"
#include "log.h"
#include "relay-int.h"

/* The most arguments relay_command() takes. */
#define RELAY_COMMAND_ARGS	8

/* A command of ARGC byte strings on AC; none while AC is down. */
void
relay_command_argv(redisAsyncContext *ac, redisCallbackFn *cb, void *priv,
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
void
relay_command(redisCallbackFn *cb, void *priv, int argc, ...)
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
	relay_command_argv(relay->w, cb, priv, argc, argv, lens);
}

/* A reply that only matters when it is an error. */
void
relay_check_cb(redisAsyncContext *ac, void *r, void *priv)
{
	redisReply	*reply = r;

	if (reply != NULL && reply->type == REDIS_REPLY_ERROR)
		log_warnx("relay: %s", reply->str);
}

/*
 * An EXEC's reply: an error (EXECABORT: a command was refused when
 * queued, and said so then) or the replies of the commands it ran, whose
 * errors are logged here; PRIV names the transaction, a C string.
 */
void
relay_exec_check_cb(redisAsyncContext *ac, void *r, void *priv)
{
	redisReply	*reply = r;
	const char	*what = priv != NULL ? priv : "EXEC";
	size_t		 i;

	if (reply == NULL)
		return;
	if (reply->type == REDIS_REPLY_ERROR)
		log_warnx("relay: %s: %s", what, reply->str);
	else if (reply->type == REDIS_REPLY_ARRAY) {
		for (i = 0; i < reply->elements; i++) {
			if (reply->element[i]->type == REDIS_REPLY_ERROR)
				log_warnx("relay: %s: %s", what,
				    reply->element[i]->str);
		}
	}
}

/* Compare stream ids "MS-SEQ": <0, 0, >0. */
int
relay_id_cmp(const char *a, const char *b)
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
 * Bootstrapped: relaying, and the room told so if it heard of the loss.
 * FRESH: this server reads the lobby's stream from its end, for the
 * first time or after Redis lost it: the lobby's history is Redis's.
 */
static void
relay_up(int fresh)
{
	relay->up = 1;
	relay->backoff = RELAY_BACKOFF_FIRST;
	relay->addr_tried = 0;
	ev_timer_stop(relay->loop, &relay->connect_w);
	/*
	 * Who is where is read again; the numbers seen of each server stay,
	 * so that an entry sent twice across the outage is applied once.
	 */
	for (struct rnode *n = relay->nodes; n != NULL; n = n->next)
		relay_node_forget(n);
	relay_presence_publish();
	relay_nodes_read();
	relay_nicks_reclaim();
	relay_send_pending();
	if (fresh)
		relay_lobby_history();
	relay_follows_ask();
	relay_read_next();
	ev_timer_again(relay->loop, &relay->beat_w);
	log_info("relay: connected; reading from %s", relay->last_id);
	if (relay->down_told) {
		relay->down_told = 0;
		relay->rooms.notice_all(relay->lobby, "relay restored", 14);
	}
}

/* The id of the one entry an XRANGE or XREVRANGE ... COUNT 1 found. */
const char *
relay_range_id(const redisReply *reply)
{
	if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 1 &&
	    reply->element[0]->type == REDIS_REPLY_ARRAY &&
	    reply->element[0]->elements == 2 &&
	    reply->element[0]->element[0]->type == REDIS_REPLY_STRING &&
	    reply->element[0]->element[0]->len < RELAY_ID_MAX)
		return reply->element[0]->element[0]->str;
	return NULL;
}

/*
 * The stream's oldest entry: whether all that came after the last one
 * read is still there (tail_cb decides).
 */
static void
head_cb(redisAsyncContext *ac, void *r, void *priv)
{
	redisReply	*reply = r;
	const char	*head;

	if (relay == NULL || reply == NULL)
		return;
	if (reply->type == REDIS_REPLY_ERROR) {
		log_warnx("relay: XRANGE: %s", reply->str);
		relay_down("protocol error");
		return;
	}
	head = relay_range_id(reply);
	snprintf(relay->head_id, sizeof relay->head_id, "%s",
	    head != NULL ? head : "");
}

/*
 * The stream's newest entry: where reading starts. After a dropped
 * connection reading goes on from the last entry seen, so nothing is lost
 * or doubled; if the stream is gone or went back (Redis restarted), what
 * was said meanwhile cannot be had: say so and go on from its end. If it
 * was trimmed past the last entry read (XADD's MAXLEN, after a long
 * outage), what came between is lost too: say so and read what is left.
 */
static void
tail_cb(redisAsyncContext *ac, void *r, void *priv)
{
	redisReply	*reply = r;
	const char	*tail;
	int		 fresh;

	if (relay == NULL || reply == NULL)
		return;
	if (reply->type == REDIS_REPLY_ERROR) {
		log_warnx("relay: XREVRANGE: %s", reply->str);
		relay_down("protocol error");
		return;
	}
	if ((tail = relay_range_id(reply)) == NULL)
		tail = "0-0";
	if (relay->have_last && (relay->restarted ||
	    relay_id_cmp(tail, relay->last_id) < 0)) {
		relay->gaps++;
		log_warnx("relay: Redis restarted without its data: a gap that "
		    "cannot be recovered (the stream was at %s, now at %s)",
		    relay->last_id, tail);
		relay->have_last = 0;
		/* Nothing before it can come again. */
		for (struct rnode *n = relay->nodes; n != NULL; n = n->next)
			relay_seen_free(&n->seen);
		/* The rooms' streams went too: read each from its end. */
		relay_follows_restart();
		relay->pm_last[0] = '\0';
		/* What was said here meanwhile stays here, as elsewhere. */
		relay_drop_pending();
	} else if (relay->have_last && relay->head_id[0] != '\0' &&
	    relay_id_cmp(relay->head_id, relay->last_id) > 0) {
		relay->gaps++;
		log_warnx("relay: the stream was trimmed past the last entry "
		    "read: a gap that cannot be recovered (read up to %s, the "
		    "stream now starts at %s)", relay->last_id, relay->head_id);
	}
	relay->restarted = 0;
	fresh = !relay->have_last;
	if (fresh) {
		snprintf(relay->last_id, sizeof relay->last_id, "%s", tail);
		relay->have_last = 1;
	}
	if (relay->pm_last[0] == '\0')
		snprintf(relay->pm_last, sizeof relay->pm_last, "0-0");
	relay_up(fresh);
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
			relay_command_argv(acs[i], relay_check_cb, NULL, argc,
			    argv, lens);
		}
		if (relay->url.db != 0) {
			const char	*argv[2] = { "SELECT", db };
			size_t		 lens[2] = { 6, strlen(db) };

			relay_command_argv(acs[i], relay_check_cb, NULL, 2,
			    argv, lens);
		}
	}
	/*
	 * Redis's life: a random id set once, by whoever comes first after
	 * it started; another one than before means it restarted.
	 */
	if (cookie_key_init(rnd) == -1)
		memset(rnd, 0, sizeof rnd);
	relay_hex(epoch, rnd, RELAY_NODE_CHARS / 2);
	relay_command(relay_check_cb, NULL, 3, "SETNX", relay->key_epoch,
	    epoch);
	relay_command(epoch_cb, NULL, 2, "GET", relay->key_epoch);
	relay_command(head_cb, NULL, 6, "XRANGE", relay->key_log, "-", "+",
	    "COUNT", "1");
	relay_command(tail_cb, NULL, 6, "XREVRANGE", relay->key_log, "+", "-",
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

/* A connection to the socket, or to the current address; NULL: WHY. */
static redisAsyncContext *
open_context(char *why, size_t size)
{
	redisAsyncContext	*ac;

	if (relay->url.path != NULL)
		ac = redisAsyncConnectUnix(relay->url.path);
	else {
		/* A numeric address: hiredis's getaddrinfo() asks no one. */
		ac = redisAsyncConnect(relay->addrs[relay->addr_at],
		    relay->url.port);
	}
	if (ac == NULL)
		fatalx("relay: out of memory");
	if (ac->err != 0) {
		snprintf(why, size, "%s", ac->errstr);
		redisAsyncFree(ac);
		return NULL;
	}
	redisLibevAttach(relay->loop, ac);
	redisAsyncSetConnectCallback(ac, connect_cb);
	redisAsyncSetDisconnectCallback(ac, disconnect_cb);
	return ac;
}

void
relay_connect(void)
{
	char	why[128];

	relay->connected = 0;
	/* Up within this time, or the next address is tried. */
	ev_timer_set(&relay->connect_w, RELAY_CONNECT_SECS, 0.);
	ev_timer_start(relay->loop, &relay->connect_w);
	relay->w = open_context(why, sizeof why);
	relay->r = relay->w != NULL ? open_context(why, sizeof why) : NULL;
	if (relay->r == NULL)
		relay_down(why);
}

void
relay_retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	relay->reconnects++;
	relay_connect();
}

void
relay_connect_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	relay_down("no answer in time");
}

/*
 * Drop both connections and try again: at once on the next address of
 * --relay's host if this one never came up and some were not tried yet,
 * else after the backoff (on the same address if it was up).
 */
void
relay_down(const char *why)
{
	redisAsyncContext	*w = relay->w, *r = relay->r;
	int			 was_up = relay->up;

	if (ev_is_active(&relay->retry_w))
		return;
	if (relay->stopping) {
		/* Saying goodbye: no more waiting for Redis. */
		relay->w = relay->r = NULL;
		if (w != NULL)
			redisAsyncFree(w);
		if (r != NULL)
			redisAsyncFree(r);
		ev_break(relay->loop, EVBREAK_ONE);
		return;
	}
	ev_timer_stop(relay->loop, &relay->connect_w);
	relay_send_again();
	relay->up = 0;
	relay->connected = 0;
	relay->w = relay->r = NULL;
	/* Freeing calls the callbacks, which now see no context. */
	if (w != NULL)
		redisAsyncFree(w);
	if (r != NULL)
		redisAsyncFree(r);
	ev_timer_stop(relay->loop, &relay->beat_w);
	if (!was_up && relay->naddrs > 1) {
		log_debug("relay: %s: %s", relay->addrs[relay->addr_at],
		    why != NULL ? why : "?");
		relay->addr_at = (relay->addr_at + 1) % relay->naddrs;
		if (++relay->addr_tried < relay->naddrs) {
			ev_timer_set(&relay->retry_w, 0., 0.);
			ev_timer_start(relay->loop, &relay->retry_w);
			return;
		}
	}
	relay->addr_tried = 0;
	if (!relay->down_told) {
		log_warnx("relay: lost (%s); the room goes on here alone and "
		    "reconnects", why != NULL ? why : "?");
		relay->rooms.notice_all(relay->lobby, "relay lost", 10);
		relay->down_told = 1;
	} else if (was_up)
		log_warnx("relay: lost (%s)", why != NULL ? why : "?");
	ev_timer_set(&relay->retry_w, relay->backoff, 0.);
	ev_timer_start(relay->loop, &relay->retry_w);
	relay->backoff = MINIMUM(relay->backoff * 2, RELAY_BACKOFF_MAX);
}
