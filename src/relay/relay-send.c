/*
 * relay-send.c: what this server's members say, for the others. The room
 * hands each line to relay_publish(); the lines of one loop iteration
 * become one stream entry (one XADD, pipelined), kept on the pending list
 * until Redis confirms it, and sent again after a reconnection.
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
/* Unconfirmed entries kept while Redis is away, at most. */
#define RELAY_PENDING_MAX_BYTES	(16 * 1024 * 1024)

/*
 * The rooms' publish hook: a line said here joins this iteration's batch.
 * Only the lobby spans the servers for now.
 */
void
relay_publish(void *arg, const struct room *r, enum room_event type,
    uint32_t id, const char *nick, const char *line, size_t len)
{
	struct batch_event	*e;

	if (relay == NULL || !room_is_lobby(r))
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
 * One XADD for entry P and the presence changes it carries, in one
 * transaction: a reader that sees the entry sees the hash that goes with
 * it. Pipelined like the rest: still one round trip for a batch.
 */
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
	relay_command(relay_check_cb, NULL, 1, "MULTI");
	relay_command_argv(relay->w, relay_check_cb, NULL, (int)argc, argv,
	    lens);
	for (i = 0; i < p->nevents; i++)
		relay_presence_event(&p->events[i]);
	relay_command(entry_exec_cb, NULL, 1, "EXEC");
	p->sent = 1;
	relay->inflight++;
	relay->out_entries++;
	relay->out_events += p->nevents;
	free(argv);
	free(lens);
	free(mids);
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
		free(relay->batch[i].nick);
		free(relay->batch[i].line);
	}
	relay->nbatch = 0;
	while (relay->pend != NULL)
		pending_pop();
}
