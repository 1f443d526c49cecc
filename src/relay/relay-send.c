/*
 * relay-send.c: what this server's members say, for the others. The rooms
 * hand each line to relay_publish(); the lines of one loop iteration
 * become one entry in each stream they belong to (the lobby's, and one per
 * room besides), all in one transaction (pipelined), kept on the pending
 * list until Redis confirms it, and sent again after a reconnection. Room
 * lines and /me lines are also appended to their room's history list.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "log.h"
#include "relay-int.h"
#include "xmalloc.h"

#define RELAY_STREAM_MAXLEN	"100000"
/* A room's stream carries its lines to the servers reading it, no more. */
#define RELAY_ROOM_MAXLEN	"10000"
/*
 * Rooms come and go: a room's stream goes a day after its last entry (no
 * server that reads it can miss one by that), its history, and the
 * lobby's, 30 days after its last line.
 */
#define RELAY_ROOM_TTL		"86400"
#define RELAY_HISTORY_TTL	"2592000"
/* Unconfirmed entries kept while Redis is away, at most. */
#define RELAY_PENDING_MAX_BYTES	(16 * 1024 * 1024)

/* One more event for this iteration's batch; a full batch goes first. */
static struct batch_event *
batch_add(int type, uint32_t id, const char *room, const char *nick,
    const char *line, size_t len)
{
	struct batch_event	*e;

	if (relay->nbatch == RELAY_BATCH_EVENTS)
		ev_invoke(relay->loop, &relay->flush_w, EV_PREPARE);
	e = &relay->batch[relay->nbatch++];
	e->type = type;
	e->mid = id;
	e->room = room != NULL ? xstrdup(room) : NULL;
	e->nick = nick != NULL ? xstrdup(nick) : NULL;
	e->line = xmalloc(len + 1);
	memcpy(e->line, line, len);
	e->line[len] = '\0';
	e->len = len;
	return e;
}

/*
 * The rooms' publish hook: a line said here joins this iteration's batch.
 * A room's comings and goings are told in the lobby's stream too, which
 * every server reads, so that each knows who is in which room.
 */
void
relay_publish(void *arg, const struct room *r, enum room_event type,
    uint32_t id, const char *nick, const char *line, size_t len)
{
	const char	*room;

	if (relay == NULL)
		return;
	room = relay->rooms.is_lobby(r) ? NULL : relay->rooms.name(r);
	if (len > 0 && line[len - 1] == '\n')
		len--;
	batch_add((int)type, id, room, nick, line, len);
	if (room != NULL && (type == ROOM_JOIN || type == ROOM_LEAVE))
		batch_add(type == ROOM_JOIN ? BATCH_ENTER : BATCH_EXIT, id,
		    NULL, NULL, room, strlen(room));
}

static const char *
event_name(int t)
{
	switch (t) {
	case ROOM_MSG:		return "msg";
	case ROOM_JOIN:		return "join";
	case ROOM_LEAVE:	return "leave";
	case ROOM_NICK:		return "nick";
	case BATCH_ENTER:	return "enter";
	case BATCH_EXIT:	return "exit";
	}
	return "?";
}

/* Whether two events go to one stream. */
static int
same_stream(const struct batch_event *a, const struct batch_event *b)
{
	if (a->room == NULL || b->room == NULL)
		return a->room == b->room;
	return namemap_equal(a->room, strlen(a->room), b->room,
	    strlen(b->room));
}

/*
 * The streams the N events at EV go to, each once, in the order they
 * first come: their first events' indexes into FIRST (N of room); their
 * number returned.
 */
static size_t
streams_of(const struct batch_event *ev, size_t n, size_t *first)
{
	size_t	i, k, ns = 0;

	for (i = 0; i < n; i++) {
		for (k = 0; k < ns && !same_stream(&ev[first[k]], &ev[i]); k++)
			;
		if (k == ns)
			first[ns++] = i;
	}
	return ns;
}

static void
events_free(struct batch_event *ev, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(ev[i].room);
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

/*
 * Redis ran the oldest entry's transaction: it need not be kept. One that
 * failed is not sent again: it would fail again.
 */
static void
entry_exec_cb(redisAsyncContext *ac, void *r, void *priv)
{
	static char	 what[] = "XADD";
	redisReply	*reply = r;
	struct pending	*p;

	/* No reply: the connection went; the entry is sent again. */
	if (reply == NULL || relay == NULL || (p = relay->pend) == NULL ||
	    !p->sent)
		return;
	relay_exec_check_cb(ac, reply, what);
	pending_pop();
	relay->inflight--;
	/* Room for what waited behind the ones in flight. */
	if (relay->up)
		relay_send_pending();
}

/*
 * One XADD of the events of P that go to the stream of event FIRST, with
 * sequence number SEQ; the room lines among them appended to the room's
 * history too.
 */
static void
send_stream(struct pending *p, size_t first, uint64_t seq)
{
	const struct batch_event *e0 = &p->events[first], *e;
	const char		**argv;
	size_t			 *lens, i, argc = 0, max, nmsg = 0;
	char			(*mids)[16], seqs[24], keep[16];
	char			 *key, *hist;

	if (e0->room != NULL) {
		xasprintf(&key, "%s%s", relay->key_room, e0->room);
		xasprintf(&hist, "%s%s", relay->key_hist, e0->room);
	} else {
		key = xstrdup(relay->key_log);
		xasprintf(&hist, "%s%s", relay->key_hist, ROOM_LOBBY);
	}
	max = 10 + p->nevents * 10;
	argv = xreallocarray(NULL, max, sizeof *argv);
	lens = xreallocarray(NULL, max, sizeof *lens);
	mids = xreallocarray(NULL, p->nevents, sizeof *mids);
	snprintf(seqs, sizeof seqs, "%llu", (unsigned long long)seq);
#define ARG(s, n) do { argv[argc] = (s); lens[argc++] = (n); } while (0)
#define ARGS(s) ARG((s), strlen(s))
	ARGS("XADD");
	ARGS(key);
	ARGS("MAXLEN");
	ARGS("~");
	ARGS(e0->room != NULL ? RELAY_ROOM_MAXLEN : RELAY_STREAM_MAXLEN);
	ARGS("*");
	ARGS("node");
	ARGS(relay->node);
	ARGS("s");
	ARGS(seqs);
	for (i = first; i < p->nevents; i++) {
		e = &p->events[i];
		if (!same_stream(e, e0))
			continue;
		snprintf(mids[i], sizeof mids[i], "%u", e->mid);
		ARGS("e");
		ARGS(event_name(e->type));
		ARGS("m");
		ARGS(mids[i]);
		if (e->type == BATCH_ENTER || e->type == BATCH_EXIT) {
			ARGS("r");
			ARG(e->line, e->len);
			continue;
		}
		ARGS("n");
		ARGS(e->nick != NULL ? e->nick : "");
		ARGS("l");
		ARG(e->line, e->len);
		if (e->type == ROOM_MSG)
			nmsg++;
	}
	relay_command_argv(relay->w, relay_check_cb, NULL, (int)argc, argv,
	    lens);
	if (e0->room != NULL)
		relay_command(relay_check_cb, NULL, 3, "EXPIRE", key,
		    RELAY_ROOM_TTL);
	/* The history: RPUSH its lines, then keep the last --history. */
	if (nmsg > 0 && relay->history > 0) {
		argc = 0;
		ARGS("RPUSH");
		ARGS(hist);
		for (i = first; i < p->nevents; i++) {
			e = &p->events[i];
			if (e->type == ROOM_MSG && same_stream(e, e0))
				ARG(e->line, e->len);
		}
		relay_command_argv(relay->w, relay_check_cb, NULL, (int)argc,
		    argv, lens);
		snprintf(keep, sizeof keep, "-%u", relay->history);
		relay_command(relay_check_cb, NULL, 4, "LTRIM", hist, keep,
		    "-1");
		relay_command(relay_check_cb, NULL, 3, "EXPIRE", hist,
		    RELAY_HISTORY_TTL);
	}
#undef ARG
#undef ARGS
	free(argv);
	free(lens);
	free(mids);
	free(key);
	free(hist);
}

/*
 * Entry P: an XADD to each stream it holds events of, and the presence
 * changes it carries, in one transaction: a reader that sees the entry
 * sees the hash that goes with it. Pipelined like the rest: still one
 * round trip for a batch.
 */
static void
send_entry(struct pending *p)
{
	size_t	*first, ns, k, i;

	first = xreallocarray(NULL, p->nevents, sizeof *first);
	ns = streams_of(p->events, p->nevents, first);
	relay_command(relay_check_cb, NULL, 1, "MULTI");
	for (k = 0; k < ns; k++)
		send_stream(p, first[k], p->seq + k);
	for (i = 0; i < p->nevents; i++)
		relay_presence_event(&p->events[i]);
	relay_command(entry_exec_cb, NULL, 1, "EXEC");
	p->sent = 1;
	relay->inflight++;
	relay->out_entries += ns;
	relay->out_events += p->nevents;
	free(first);
}

/* Forget the entries not yet sent: a gap the others cannot fill either. */
void
relay_drop_pending(void)
{
	while (relay->pend != NULL) {
		relay->lost += relay->pend->nevents;
		pending_pop();
	}
}

/* The connection went: what it carried unconfirmed is sent again. */
void
relay_send_again(void)
{
	struct pending	*p;

	for (p = relay->pend; p != NULL; p = p->next)
		p->sent = 0;
	relay->inflight = 0;
}

/*
 * Send, in order, the entries the current connection has not carried, up
 * to RELAY_INFLIGHT_MAX unconfirmed: the bound on what can come twice.
 */
void
relay_send_pending(void)
{
	struct pending	*p;

	/* Leaving, nothing will be sent again: all of it goes. */
	for (p = relay->pend; p != NULL && (relay->stopping ||
	    relay->inflight < RELAY_INFLIGHT_MAX); p = p->next) {
		if (!p->sent)
			send_entry(p);
	}
}

/* Before the loop sleeps: what was said this iteration becomes an entry. */
void
relay_flush_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct pending	*p;
	size_t		 i;

	if (relay->nbatch > 0) {
		size_t	first[RELAY_BATCH_EVENTS];

		p = xcalloc(1, sizeof *p);
		p->seq = relay->out_seq + 1;
		/* Each stream's entry has a number of its own. */
		relay->out_seq += streams_of(relay->batch, relay->nbatch,
		    first);
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
		relay_send_pending();
}

/*
 * An entry of one event TYPE without a member ("sync": read who is here
 * now; "bye": this server left), in the transaction that writes its
 * presence: not of the pending list, so that its reply frees none.
 */
void
relay_send_control(const char *type)
{
	const char	*argv[] = { "XADD", relay->key_log, "MAXLEN", "~",
			    RELAY_STREAM_MAXLEN, "*", "node", relay->node, "e",
			    type };
	size_t		 lens[ARRAY_SIZE(argv)], i;

	for (i = 0; i < ARRAY_SIZE(argv); i++)
		lens[i] = strlen(argv[i]);
	relay_command_argv(relay->w, relay_check_cb, NULL, ARRAY_SIZE(argv),
	    argv, lens);
}

/* Forget what was said here and not sent: the relay ends. */
void
relay_send_free(void)
{
	size_t	i;

	for (i = 0; i < relay->nbatch; i++) {
		free(relay->batch[i].room);
		free(relay->batch[i].nick);
		free(relay->batch[i].line);
	}
	relay->nbatch = 0;
	while (relay->pend != NULL)
		pending_pop();
}
