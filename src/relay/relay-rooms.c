/*
 * relay-rooms.c: the rooms besides the lobby across the servers. Each room
 * has a stream of its own (tschat:PREFIX:room:NAME), read only by the
 * servers that have members in it, and a history list beside it
 * (tschat:PREFIX:hist:NAME; the lobby's is tschat:PREFIX:hist:#lobby) that
 * every server appends its room lines to. A server that starts reading a
 * room first takes its history and where its stream ends, in one
 * transaction, so that the history and the stream read after it neither
 * overlap nor leave a gap; the members who asked to join wait for it.
 *
 * Private messages to a member of another server go to that server's own
 * stream (tschat:PREFIX:pm:ID), which it deletes as it reads; the server
 * wakes its own XREAD through it when the rooms it reads change.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "log.h"
#include "relay-int.h"
#include "xmalloc.h"

/* A server's private messages wait for it this long a stream, at most. */
#define RELAY_PM_MAXLEN		"1000"

/* The rooms read (rfollow), by name: this file's alone. */
static struct namemap	follows;

struct rfollow *
relay_followed(const char *name, size_t len)
{
	struct namemap_entry	*e = namemap_find(&follows, name, len);

	return e != NULL ? container_of(e, struct rfollow, entry) : NULL;
}

static void
follow_free(struct rfollow *f)
{
	free(f->key);
	free(f->hist);
	free(f);
}

/* The lines of the LRANGE reply L, checked, become R's history. */
static void
history_take(struct room *r, const redisReply *l)
{
	const char	*line;
	size_t		 i, len;

	if (l->type != REDIS_REPLY_ARRAY)
		return;
	relay->rooms.history_clear(r);
	for (i = 0; i < l->elements; i++) {
		if (l->element[i]->type != REDIS_REPLY_STRING ||
		    relay_entry_line(&relay->dec, l->element[i]->str,
		    l->element[i]->len, &line, &len) != RELAY_OK) {
			relay->bad++;
			continue;
		}
		relay->rooms.history_line(r, line, len);
	}
}

/*
 * The room's history and its stream's last entry came (or, REPLY NULL,
 * will not: the connection went): read it from there on; whoever waited
 * to join it joins now, with the history this server has.
 */
static void
follow_cb(redisAsyncContext *ac, void *r, void *priv)
{
	redisReply	*reply = r;
	char		*name = priv;
	struct rfollow	*f;
	const char	*id;

	if (relay == NULL) {
		free(name);
		return;
	}
	if ((f = relay_followed(name, strlen(name))) != NULL && f->asking) {
		f->asking = 0;
		if (reply != NULL && reply->type == REDIS_REPLY_ARRAY &&
		    reply->elements == 2) {
			history_take(f->room, reply->element[0]);
			if ((id = relay_range_id(reply->element[1])) == NULL)
				id = "0-0";
			snprintf(f->last_id, sizeof f->last_id, "%s", id);
			f->have_last = 1;
			relay_read_again();
		} else if (reply != NULL)
			relay_exec_check_cb(ac, reply, name);
	}
	relay->rooms.followed(name);
	free(name);
}

/* Ask for F's history and where its stream ends, in one transaction. */
static void
follow_ask(struct rfollow *f)
{
	char	keep[16];

	f->asking = 1;
	snprintf(keep, sizeof keep, "-%u", MAXIMUM(relay->history, 1));
	relay_command(relay_check_cb, NULL, 1, "MULTI");
	relay_command(relay_check_cb, NULL, 4, "LRANGE", f->hist,
	    relay->history > 0 ? keep : "1", relay->history > 0 ? "-1" : "0");
	relay_command(relay_check_cb, NULL, 6, "XREVRANGE", f->key, "+", "-",
	    "COUNT", "1");
	relay_command(follow_cb, xstrdup(f->name), 1, "EXEC");
}

int
relay_follow(void *arg, struct room *r)
{
	const char	*name;
	size_t		 len;
	struct rfollow	*f;

	if (relay == NULL)
		return 0;
	name = relay->rooms.name(r);
	len = strlen(name);
	if (relay_followed(name, len) != NULL)
		return 0;
	f = xmalloc(sizeof *f + len + 1);
	memset(f, 0, sizeof *f);
	memcpy(f->name, name, len + 1);
	f->entry.name = f->name;
	f->entry.len = len;
	f->room = r;
	xasprintf(&f->key, "%s%s", relay->key_room, name);
	xasprintf(&f->hist, "%s%s", relay->key_hist, name);
	namemap_insert(&follows, &f->entry);
	/* Without Redis now, its history here is all there is; later, its. */
	if (!relay->up)
		return 0;
	follow_ask(f);
	return 1;
}

void
relay_unfollow(void *arg, struct room *r)
{
	const char	*name;
	struct rfollow	*f;

	if (relay == NULL)
		return;
	name = relay->rooms.name(r);
	if ((f = relay_followed(name, strlen(name))) == NULL || f->room != r)
		return;
	namemap_remove(&follows, &f->entry);
	follow_free(f);
	relay_read_again();
}

/* A followed room's stream, looked at again after an outage. */
struct trim_check {
	char	last_id[RELAY_ID_MAX];	/* read up to, when asked */
	char	name[];
};

/*
 * The oldest entry of a room's stream, after an outage: past the last one
 * read, the stream was trimmed (MAXLEN) and what came between is lost, as
 * for the lobby's. (A stream that expired and began again while this
 * server was away for a day looks the same: told alike.)
 */
static void
trim_cb(redisAsyncContext *ac, void *r, void *priv)
{
	redisReply		*reply = r;
	struct trim_check	*t = priv;
	const char		*head;

	if (relay != NULL && reply != NULL) {
		if (reply->type == REDIS_REPLY_ERROR)
			log_warnx("relay: XRANGE: %s", reply->str);
		else if ((head = relay_range_id(reply)) != NULL &&
		    relay_id_cmp(head, t->last_id) > 0) {
			relay->gaps++;
			log_warnx("relay: the stream of %s was trimmed past "
			    "the last entry read: a gap that cannot be "
			    "recovered (read up to %s, the stream now starts "
			    "at %s)", t->name, t->last_id, head);
		}
	}
	free(t);
}

/*
 * Connected again: a room whose stream is read from where it was is
 * checked for a gap; one not read yet is asked for.
 */
static void
ask_one(struct namemap_entry *e, void *arg)
{
	struct rfollow		*f = container_of(e, struct rfollow, entry);
	struct trim_check	*t;
	size_t			 len;

	if (f->have_last) {
		len = strlen(f->name);
		t = xmalloc(sizeof *t + len + 1);
		memcpy(t->last_id, f->last_id, sizeof t->last_id);
		memcpy(t->name, f->name, len + 1);
		relay_command(trim_cb, t, 6, "XRANGE", f->key, "-", "+",
		    "COUNT", "1");
	} else if (!f->asking)
		follow_ask(f);
}

void
relay_follows_init(void)
{
	namemap_init(&follows);
}

size_t
relay_follows_count(void)
{
	return namemap_count(&follows);
}

struct each_follow {
	void	(*fn)(struct rfollow *, void *);
	void	 *arg;
};

static void
each_one(struct namemap_entry *e, void *arg)
{
	struct each_follow	*ef = arg;

	ef->fn(container_of(e, struct rfollow, entry), ef->arg);
}

void
relay_follows_each(void (*fn)(struct rfollow *, void *), void *arg)
{
	struct each_follow	ef = { fn, arg };

	namemap_each(&follows, each_one, &ef);
}

static void
restart_one(struct rfollow *f, void *arg)
{
	f->have_last = 0;
}

void
relay_follows_restart(void)
{
	relay_follows_each(restart_one, NULL);
}

/* Connected again: each room read, checked or asked for. */
void
relay_follows_ask(void)
{
	namemap_each(&follows, ask_one, NULL);
}

static void
free_one(struct namemap_entry *e, void *arg)
{
	struct rfollow	*f = container_of(e, struct rfollow, entry);

	namemap_remove(&follows, &f->entry);
	follow_free(f);
}

void
relay_follows_free(void)
{
	namemap_each(&follows, free_one, NULL);
	namemap_free(&follows);
}

static void
lobby_history_cb(redisAsyncContext *ac, void *r, void *priv)
{
	redisReply	*reply = r;

	if (relay == NULL || reply == NULL)
		return;
	if (reply->type == REDIS_REPLY_ERROR) {
		relay_check_cb(ac, reply, priv);
		return;
	}
	history_take(relay->lobby, reply);
}

/*
 * The lobby's history as the servers kept it, for a server that starts
 * (or finds Redis restarted): asked just before where the lobby's stream
 * ends, so that what it reads next follows it.
 */
void
relay_lobby_history(void)
{
	char	 keep[16], *hist;

	if (relay->history == 0)
		return;
	snprintf(keep, sizeof keep, "-%u", relay->history);
	xasprintf(&hist, "%s%s", relay->key_hist, ROOM_LOBBY);
	relay_command(lobby_history_cb, NULL, 4, "LRANGE", hist, keep, "-1");
	free(hist);
}

int
relay_pm(void *arg, const char *from, const char *to, size_t tolen,
    const char *text, size_t len)
{
	struct rnode	*n;
	struct rmember	*m;
	char		*key, mid[16];
	const char	*argv[18];
	size_t		 lens[ARRAY_SIZE(argv)], i;

	/* One known by its address is no addressee, as on this server. */
	if (relay == NULL || (m = relay_member_named(to, tolen, &n)) ==
	    NULL || strchr(m->nick, ':') != NULL)
		return 0;
	xasprintf(&key, "tschat:%s:pm:%s", relay->prefix, n->id);
	snprintf(mid, sizeof mid, "%u", m->id);
	i = 0;
	argv[i++] = "XADD";
	argv[i++] = key;
	argv[i++] = "MAXLEN";
	argv[i++] = "~";
	argv[i++] = RELAY_PM_MAXLEN;
	argv[i++] = "*";
	argv[i++] = "node";
	argv[i++] = relay->node;
	argv[i++] = "e";
	argv[i++] = "pm";
	argv[i++] = "m";
	argv[i++] = mid;
	argv[i++] = "n";
	argv[i++] = m->nick;
	argv[i++] = "f";
	argv[i++] = from;
	argv[i++] = "l";
	argv[i++] = text;
	for (i = 0; i < ARRAY_SIZE(argv); i++)
		lens[i] = strlen(argv[i]);
	lens[ARRAY_SIZE(argv) - 1] = len;
	relay_command_argv(relay->w, relay_check_cb, NULL, ARRAY_SIZE(argv),
	    argv, lens);
	relay->out_entries++;
	relay->out_events++;
	free(key);
	return 1;
}
