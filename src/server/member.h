/*
 * member.h: a member of the server's rooms as the rooms see it: a nick, an
 * address, the rooms it is in and the way to hand it lines. TCP and UDP
 * members fill in the ops; no room knows how their bytes travel.
 */
#ifndef TSCHAT_MEMBER_H
#define TSCHAT_MEMBER_H

#include <stdint.h>

#include "addr.h"
#include "outq.h"

struct joined_room;
struct member;

struct member_ops {
	/*
	 * Queue the N slices S, in order, for M: one line, or a room's
	 * lines one after another (ROOM_GATHER_SLICES at most).
	 */
	void	(*deliver)(struct member *m, const struct slice *s,
		    unsigned int n);
	/*
	 * Whether M may get the lines of one loop iteration together, in
	 * one push before the server writes (TCP); else each as it is said
	 * (UDP: a datagram a line).
	 */
	int	  batched;
	/*
	 * Go on with the lines M sent after the one that made it wait (a
	 * /join whose history comes from the other servers); NULL: M's
	 * lines cannot wait (UDP), and one sent meanwhile is refused.
	 */
	void	(*resume)(struct member *m);
	/*
	 * The pin (PIN_BYTES) of the key M proved (a TLS client
	 * certificate): 0, or -1 if none; NULL: M can prove none (UDP).
	 */
	int	(*key)(const struct member *m, unsigned char *pin);
};

/* A member in one room: its place in the room's array of members. */
struct membership {
	struct member		*member;
	uint32_t		 slot;		/* in the room's array */
};

struct member {
	const struct member_ops	*ops;
	struct membership	 lobby;		/* every member is in it */
	struct joined_room	*rooms;		/* the others (the service's) */
	struct room		*current;	/* where a plain line goes */
	char			*nick;		/* NULL: the address is the nick */
	struct addr		 addr;
	uint32_t		 id;		/* unique on this server */
	uint16_t		 nrooms;	/* besides the lobby */
	uint8_t			 joined;	/* in the lobby */
	/* A /join waits for the other servers; M's lines wait with it. */
	uint8_t			 waiting;
};

/* M's nick, in BUF (ADDR_STRLEN bytes) when it is the address. */
const char *member_nick(const struct member *m, char *buf);

#endif
