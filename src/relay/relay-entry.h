/*
 * relay-entry.h: what an entry of the room's stream says, read and checked.
 * Anyone who can write to Redis can write into the stream, so an entry is
 * untrusted input, read here by pure functions of its bytes (no Redis, no
 * loop) into events whose every part is bounded and safe to show.
 *
 * An entry is "node ID [s SEQ]" and then events, each a group of fields
 * that starts at "e": "e msg|join|leave|nick m MEMBER [n NICK] l LINE",
 * "e enter|exit m MEMBER r ROOM" (a member came into or left a room other
 * than the lobby: in the lobby's stream, without a line), "e pm m MEMBER
 * n NICK f NICK l TEXT" (a private message to member MEMBER known as N,
 * from F: in the stream of the addressee's server), "e sync" or "e bye".
 */
#ifndef TSCHAT_RELAY_ENTRY_H
#define TSCHAT_RELAY_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "nick.h"

/* A server's id in the stream: 16 lowercase hex digits. */
#define RELAY_NODE_CHARS	16
/*
 * A line is taken up to the neutralised size of a --max-line line plus
 * this, for the stamp, a room tag and a nick that come before it.
 */
#define RELAY_LINE_SLACK	512

/* The longest room name: "#" and a name of nick size. */
#define RELAY_ROOM_MAX		NICK_MAX_BYTES

/* One field name or value of an entry: bytes, not terminated. */
struct relay_field {
	const char	*ptr;
	size_t		 len;
};

enum relay_event_type {
	RELAY_EV_MSG,		/* a line said */
	RELAY_EV_JOIN,		/* a member came, under a nick */
	RELAY_EV_LEAVE,		/* a member went */
	RELAY_EV_NICK,		/* a member took another nick */
	RELAY_EV_SYNC,		/* read its server's members again */
	RELAY_EV_BYE,		/* its server left: see whether it is gone */
	RELAY_EV_ENTER,		/* a member came into a room */
	RELAY_EV_EXIT,		/* a member left a room */
	RELAY_EV_PM,		/* a private message to a member */
};

enum relay_status {
	RELAY_OK,		/* a good head, or a good event */
	RELAY_END,		/* no event left */
	/* The whole entry is refused: */
	RELAY_EMPTY,		/* no field at all */
	RELAY_ODD,		/* a field without its value */
	RELAY_NO_NODE,		/* no "node" before the first event */
	RELAY_BAD_NODE,		/* a node id that is not 16 hex digits */
	RELAY_BAD_SEQ,		/* "s" is not a number from 1 to 2^64 - 1 */
	RELAY_NO_EVENT,		/* no "e" */
	/* One event is refused; the next may be good: */
	RELAY_MISSING,		/* no "m", or no "l" (or "r") it needs */
	RELAY_BAD_MEMBER,	/* "m" is not a number below 2^32 */
	RELAY_BAD_TYPE,		/* an "e" that is none of the above */
	RELAY_BAD_NICK,		/* a join, nick change or pm without a good
				   "n" (or "f") */
	RELAY_BAD_ROOM,		/* an enter or exit without a good "r" */
	/* The event holds (the member came, went or took the nick) but its
	 * line is not to be said: */
	RELAY_BAD_LINE,		/* empty, too long, or holding a newline */
};

/* One event of an entry. */
struct relay_event {
	enum relay_event_type	 type;
	uint32_t		 member;	/* but for SYNC and BYE */
	/* JOIN, NICK: the nick; PM: the addressee's; else "". */
	char			 nick[NICK_MAX_BYTES];
	/* PM: the sender's nick; else "". */
	char			 from[NICK_MAX_BYTES];
	/* ENTER, EXIT: the room, "#" and a name; else "". */
	char			 room[RELAY_ROOM_MAX + 1];
	const char		*line;	/* neutralised; NULL: none */
	size_t			 len;	/* of LINE */
};

/*
 * The reader of entries: the head of the current one, where its events
 * stand, and a buffer for the neutralised line kept from one to the next.
 */
struct relay_entry {
	char			 node[RELAY_NODE_CHARS + 1];
	uint64_t		 seq;	/* 0: none (sync and bye have none) */
	/* Fields before the first event other than "node" and "s". */
	int			 junk;

	/* The reader's own. */
	const struct relay_field *f;
	size_t			 n, at;	/* fields; the next event's first */
	size_t			 line_max;	/* the longest line taken */
	char			*buf;	/* the neutralised line */
	size_t			 size;
};

/* A reader for a server whose --max-line is MAX_LINE. */
void	relay_entry_init(struct relay_entry *, size_t max_line);
void	relay_entry_free(struct relay_entry *);

/*
 * Start reading the entry of the N fields at F, names and values in turn,
 * which must stay there while it is read: check its head into NODE, SEQ
 * and JUNK. Return RELAY_OK, or why the entry is refused.
 */
enum relay_status relay_entry_open(struct relay_entry *,
	    const struct relay_field *f, size_t n);

/*
 * Read the next event into EV: RELAY_OK, RELAY_END when there is none
 * left, or why it is refused. EV->line is the reader's: it holds until the
 * next call.
 */
enum relay_status relay_entry_next(struct relay_entry *,
	    struct relay_event *ev);

/*
 * Check LINE (LEN bytes) as an event's line is checked (bounded, one line)
 * and neutralise it into the reader's buffer: *OUT and *OUTLEN, which hold
 * until the next call. RELAY_OK or RELAY_BAD_LINE. For what Redis keeps
 * beside the stream (a room's history), as untrusted as the stream.
 */
enum relay_status relay_entry_line(struct relay_entry *, const char *line,
	    size_t len, const char **out, size_t *outlen);

/* Whether the LEN bytes at S are a node id. */
int	relay_node_ok(const char *s, size_t len);
/*
 * Whether they are a nick another server may send: a nick, or the address
 * a member without one goes by.
 */
int	relay_nick_ok(const char *s, size_t len);
/* A member id: decimal digits, below 2^32; -1 if it is not one. */
int	relay_member_parse(const char *s, size_t len, uint32_t *id);

/* The hex form of the N bytes at IN, in OUT (2 * N + 1 bytes). */
void	relay_hex(char *out, const uint8_t *in, size_t n);

#endif
