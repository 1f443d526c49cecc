/*
 * relay-seen.h: the sequence numbers of one server's entries seen lately,
 * so that an entry that server sent again after a reconnection is applied
 * once. A pure structure of numbers (no Redis, no loop).
 */
#ifndef TSCHAT_RELAY_SEEN_H
#define TSCHAT_RELAY_SEEN_H

#include <stddef.h>
#include <stdint.h>

/*
 * The numbers remembered per server, at most: a double is recognised when
 * fewer than this many other numbers of its server came between it and
 * its first copy. A server has at most RELAY_INFLIGHT_MAX entries
 * unconfirmed at once (relay-int.h), and only those are ever sent again,
 * so a true double is always recognised, unless someone else floods the
 * stream with that server's id meanwhile.
 */
#define RELAY_SEEN_MAX		1024

/*
 * An exact set, forgetting the oldest number first, and not a high-water
 * mark: a number written into the stream by someone else (however large)
 * is one more number seen. It can make the one real entry that bears the
 * same number pass for a double, never the entries after it.
 */
struct relay_seen {
	uint64_t	*order;		/* a ring, the oldest at head */
	uint64_t	*table;		/* open addressing, 2 * cap; 0: empty */
	size_t		 cap;		/* of order: grows up to the most */
	size_t		 n;		/* numbers held */
	size_t		 head;
};

/*
 * Whether SEQ (not 0) was seen: 1, a double; else 0, and SEQ is
 * remembered, the oldest number forgotten if RELAY_SEEN_MAX are held.
 */
int	relay_seen_check(struct relay_seen *, uint64_t seq);
/* Forget every number. */
void	relay_seen_free(struct relay_seen *);

#endif
