/*
 * relay-recv.c: the other servers' entries, read with one XREAD BLOCK on a
 * connection of its own from the streams this server needs: the lobby's,
 * its own private messages', and those of the rooms it has members in,
 * each from the last entry seen. Each entry is decoded and checked by
 * relay-entry.c, then applied here: members come and go, and their lines
 * reach this server's members.
 */
#include "common.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <hiredis/hiredis.h>

#include "log.h"
#include "relay-int.h"
#include "xmalloc.h"

#define RELAY_READ_COUNT	"1000"
#define RELAY_BLOCK_MS		"5000"

/* Where the entries read go: one stream's reader. */
struct target {
	char		*last_id;	/* RELAY_ID_MAX bytes */
	struct room	*room;		/* a room besides the lobby, or NULL */
	int		 pm;		/* this server's private messages */
};

/* Whether an event is counted as bad for the status it was read with. */
static int
event_ok(enum relay_status st)
{
	switch (st) {
	case RELAY_OK:
	case RELAY_BAD_LINE:
		return 1;
	case RELAY_BAD_TYPE:
	case RELAY_BAD_NICK:
	case RELAY_BAD_ROOM:
		/* Its member id was good: it counts in, and as bad. */
		relay->in_events++;
		relay->bad++;
		return 0;
	default:
		relay->bad++;
		return 0;
	}
}

/* What a line of another server's is to the room. */
static enum room_event
room_event(enum relay_event_type type)
{
	switch (type) {
	case RELAY_EV_MSG:
		return ROOM_MSG;
	case RELAY_EV_JOIN:
		return ROOM_JOIN;
	case RELAY_EV_LEAVE:
		return ROOM_LEAVE;
	default:
		/* A nick change; no other event brings a line. */
		return ROOM_NICK;
	}
}

/* An event of the lobby's stream. */
static void
apply_lobby(struct rnode *node, const struct relay_event *ev)
{
	switch (ev->type) {
	case RELAY_EV_SYNC:
		relay_node_sync(node);
		return;
	case RELAY_EV_BYE:
		/* Gone if its presence is: anyone can write a bye. */
		node->said_bye = 1;
		relay_node_check(node);
		return;
	case RELAY_EV_ENTER:
	case RELAY_EV_EXIT:
		relay->in_events++;
		if (strcasecmp(ev->room, ROOM_LOBBY) == 0)
			relay->bad++;
		else if (ev->type == RELAY_EV_ENTER)
			relay_member_enter(node, ev->member, ev->room);
		else
			relay_member_exit(node, ev->member, ev->room);
		return;
	case RELAY_EV_PM:
		relay->bad++;
		return;
	default:
		break;
	}
	relay->in_events++;
	if (ev->type == RELAY_EV_LEAVE)
		relay_member_remove(node, ev->member);
	else if (ev->type == RELAY_EV_JOIN || ev->type == RELAY_EV_NICK)
		relay_member_set(node, ev->member, ev->nick);
	if (ev->line == NULL) {
		relay->bad++;
		return;
	}
	relay->rooms.remote_line(relay->lobby, ev->line, ev->len,
	    room_event(ev->type));
}

/*
 * An event of a room's stream: its lines only; who is in it the lobby's
 * stream says.
 */
static void
apply_room(struct room *r, const struct relay_event *ev)
{
	if (ev->type != RELAY_EV_MSG && ev->type != RELAY_EV_JOIN &&
	    ev->type != RELAY_EV_LEAVE && ev->type != RELAY_EV_NICK) {
		relay->bad++;
		return;
	}
	relay->in_events++;
	if (ev->line == NULL) {
		relay->bad++;
		return;
	}
	relay->rooms.remote_line(r, ev->line, ev->len, room_event(ev->type));
}

/* An event of this server's private messages' stream. */
static void
apply_pm(const struct relay_event *ev)
{
	if (ev->type != RELAY_EV_PM || ev->line == NULL) {
		relay->bad++;
		return;
	}
	relay->in_events++;
	relay->rooms.pm(ev->member, ev->nick, ev->from, ev->line, ev->len);
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
apply_entry(const redisReply *entry, const struct target *t)
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
	if (id->len < RELAY_ID_MAX) {
		memcpy(t->last_id, id->str, id->len);
		t->last_id[id->len] = '\0';
		if (t->last_id == relay->last_id)
			relay->have_last = 1;
	}
	/* Read once: no one else reads it, no one needs it any more. */
	if (t->pm)
		relay_command(relay_check_cb, NULL, 3, "XDEL", relay->key_pm,
		    id->str);
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
	rn = relay_node_find(dec->node);
	rn->heard = ev_now(relay->loop);
	/*
	 * An entry sent again after a lost reply: its number was seen. Only
	 * the very numbers seen count, so that one made up by someone else
	 * hides no entry but the one that bears it.
	 */
	if (dec->seq != 0 && relay_seen_check(&rn->seen, dec->seq)) {
		relay->doubles++;
		return;
	}
	if (dec->junk)
		relay->bad++;
	while ((st = relay_entry_next(dec, &ev)) != RELAY_END) {
		if (!event_ok(st))
			continue;
		if (t->pm)
			apply_pm(&ev);
		else if (t->room != NULL)
			apply_room(t->room, &ev);
		else
			apply_lobby(rn, &ev);
	}
}

/* The reader of the stream KEY, if it is still one this server reads. */
static int
target_of(const redisReply *key, struct target *t)
{
	struct rfollow	*f;
	size_t		 plen = strlen(relay->key_room);

	memset(t, 0, sizeof *t);
	if (key->type != REDIS_REPLY_STRING)
		return -1;
	if (strcmp(key->str, relay->key_log) == 0) {
		t->last_id = relay->last_id;
		return 0;
	}
	if (strcmp(key->str, relay->key_pm) == 0) {
		t->last_id = relay->pm_last;
		t->pm = 1;
		return 0;
	}
	if (key->len <= plen || strncmp(key->str, relay->key_room, plen) != 0 ||
	    (f = relay_followed(key->str + plen, key->len - plen)) == NULL ||
	    !f->have_last)
		return -1;	/* a room left since */
	t->last_id = f->last_id;
	t->room = f->room;
	return 0;
}

/* New entries (or none, after BLOCK's time): apply them, read on. */
static void
xread_cb(redisAsyncContext *ac, void *r, void *priv)
{
	redisReply	*reply = r, *stream, *entries;
	struct target	 t;
	size_t		 i, k;

	if (reply == NULL || relay == NULL || !relay->up || relay->stopping)
		return;
	if (reply->type == REDIS_REPLY_ERROR) {
		log_warnx("relay: XREAD: %s", reply->str);
		relay_down("read error");
		return;
	} else if (reply->type == REDIS_REPLY_ARRAY) {
		for (k = 0; k < reply->elements && relay->up; k++) {
			stream = reply->element[k];
			if (stream->type != REDIS_REPLY_ARRAY ||
			    stream->elements != 2 ||
			    (entries = stream->element[1])->type !=
			    REDIS_REPLY_ARRAY ||
			    target_of(stream->element[0], &t) == -1)
				continue;
			for (i = 0; i < entries->elements && relay->up; i++) {
				apply_entry(entries->element[i], &t);
				/* The room may have ended meanwhile. */
				if (t.room != NULL &&
				    target_of(stream->element[0], &t) == -1)
					break;
			}
		}
	}
	if (relay->up)
		relay_read_next();
}

struct streams {
	const char	**argv;
	size_t		 *lens;
	size_t		  n, size;
	size_t		  nkeys;
	struct rfollow	**read;
};

static void
add_room(struct rfollow *f, void *arg)
{
	struct streams	*st = arg;

	if (f->have_last)
		st->read[st->nkeys++] = f;
}

/*
 * Wait for what comes after the last entry seen of each stream: the
 * lobby's, this server's private messages', and each room's it reads.
 */
void
relay_read_next(void)
{
	struct streams	 st;
	size_t		 i, nf = relay_follows_count();

	memset(&st, 0, sizeof st);
	st.read = xreallocarray(NULL, nf + 1, sizeof *st.read);
	relay_follows_each(add_room, &st);
	st.size = 8 + 2 * (st.nkeys + 2);
	st.argv = xreallocarray(NULL, st.size, sizeof *st.argv);
	st.lens = xreallocarray(NULL, st.size, sizeof *st.lens);
#define ARGS(s) do { st.argv[st.n] = (s); st.lens[st.n] = strlen(s);	\
	st.n++; } while (0)
	ARGS("XREAD");
	ARGS("COUNT");
	ARGS(RELAY_READ_COUNT);
	ARGS("BLOCK");
	ARGS(RELAY_BLOCK_MS);
	ARGS("STREAMS");
	ARGS(relay->key_log);
	ARGS(relay->key_pm);
	for (i = 0; i < st.nkeys; i++)
		ARGS(st.read[i]->key);
	ARGS(relay->last_id);
	ARGS(relay->pm_last);
	for (i = 0; i < st.nkeys; i++)
		ARGS(st.read[i]->last_id);
#undef ARGS
	relay_command_argv(relay->r, xread_cb, NULL, (int)st.n, st.argv,
	    st.lens);
	free(st.argv);
	free(st.lens);
	free(st.read);
}

/*
 * The rooms read changed: the XREAD that waits is woken by an entry of
 * this server's own in its private messages' stream (read, deleted and
 * skipped like any entry of its own), and the next XREAD reads the
 * streams as they are now. An entry, not CLIENT UNBLOCK: if the XREAD
 * reaches Redis after it, it finds the entry and returns at once.
 */
void
relay_read_again(void)
{
	const char	*argv[] = { "XADD", NULL, "MAXLEN", "~", "1000", "*",
			    "node", NULL, "e", "wake" };
	size_t		 lens[ARRAY_SIZE(argv)], i;

	if (relay == NULL || !relay->up)
		return;
	argv[1] = relay->key_pm;
	argv[7] = relay->node;
	for (i = 0; i < ARRAY_SIZE(argv); i++)
		lens[i] = strlen(argv[i]);
	relay_command_argv(relay->w, relay_check_cb, NULL, ARRAY_SIZE(argv),
	    argv, lens);
}
