/*
 * member.h: a member of the room as the room sees it: a nick, an address
 * and the way to hand it lines. TCP and UDP members fill in the ops; the
 * room does not know how their bytes travel.
 */
#ifndef TSCHAT_MEMBER_H
#define TSCHAT_MEMBER_H

#include <stdint.h>

#include "addr.h"
#include "outq.h"

struct member;

struct member_ops {
	/* Queue S (one line, or a room's lines one after another) for M. */
	void	(*deliver)(struct member *m, const struct slice *s);
	/*
	 * Whether M may get the lines of one loop iteration together, in
	 * one push before the server writes (TCP); else each as it is said
	 * (UDP: a datagram a line).
	 */
	int	  batched;
};

struct member {
	const struct member_ops	*ops;
	struct member		*prev;		/* the room's, while joined */
	struct member		*next;
	char			*nick;		/* NULL: the address is the nick */
	struct addr		 addr;
	uint32_t		 id;		/* unique on this server */
	uint8_t			 joined;
};

/* M's nick, in BUF (ADDR_STRLEN bytes) when it is the address. */
const char *member_nick(const struct member *m, char *buf);

#endif
