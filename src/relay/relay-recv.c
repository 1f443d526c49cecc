/*
 * relay-recv.c: the other servers' entries, read from the stream with
 * XREAD BLOCK on a connection of their own, from the last entry seen; each
 * is decoded and checked by relay-entry.c, then applied here: members come
 * and go, and their lines reach this server's members.
 */
#include "common.h"

#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "log.h"
#include "relay-int.h"
#include "xmalloc.h"

#define RELAY_READ_COUNT	"1000"
#define RELAY_BLOCK_MS		"5000"

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
		relay_node_sync(node);
		return;
	}
	if (ev->type == RELAY_EV_BYE) {
		/* Gone if its presence is: anyone can write a bye. */
		node->said_bye = 1;
		relay_node_check(node);
		return;
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
	while ((st = relay_entry_next(dec, &ev)) != RELAY_END)
		apply_event(rn, st, &ev);
}

/* New entries (or none, after BLOCK's time): apply them, read on. */
static void
xread_cb(redisAsyncContext *ac, void *r, void *priv)
{
	redisReply	*reply = r, *streams, *entries;
	size_t		 i;

	if (reply == NULL || relay == NULL || !relay->up || relay->stopping)
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
		relay_read_next();
}

/* Wait for what comes after the last entry seen. */
void
relay_read_next(void)
{
	const char	*argv[] = { "XREAD", "COUNT", RELAY_READ_COUNT,
			    "BLOCK", RELAY_BLOCK_MS, "STREAMS", relay->key_log,
			    relay->last_id };
	size_t		 lens[ARRAY_SIZE(argv)], i;

	for (i = 0; i < ARRAY_SIZE(argv); i++)
		lens[i] = strlen(argv[i]);
	relay_command_argv(relay->r, xread_cb, NULL, ARRAY_SIZE(argv), argv,
	    lens);
}
