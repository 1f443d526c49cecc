/*
 * roomhooks.h: the room's edge to the other servers, as both sides see
 * it: the room (src/server) calls the hooks, the relay (src/relay) fills
 * them in. A room is an opaque handle here, so that the relay never sees
 * one's insides. Types only: nothing in common uses them.
 */
#ifndef TSCHAT_ROOMHOOKS_H
#define TSCHAT_ROOMHOOKS_H

#include <stddef.h>
#include <stdint.h>

struct room;

/* The lobby's name: its lines carry no tag. */
#define ROOM_LOBBY	"#lobby"

/* What a line said in the room changes, for the other servers. */
enum room_event {
	ROOM_MSG,
	ROOM_JOIN,
	ROOM_LEAVE,
	ROOM_NICK,
};

/* A member of another server, for /who. */
typedef void room_remote_fn(const char *node, const char *nick, void *arg);

/*
 * The rooms' edge to the other servers of a relayed room. Every function
 * may be NULL: without a relay none is set.
 */
struct room_hooks {
	void		*arg;
	/* A line said in R by member ID known as NICK, for the others. */
	void		(*publish)(void *arg, const struct room *r,
			    enum room_event, uint32_t id, const char *nick,
			    const char *line, size_t len);
	/*
	 * Member ID asks for NICK (OLD: the nick it has, or NULL): claim it
	 * across the servers before anyone is told. Return 1 if the answer
	 * will come through rooms_nick_answer(), 0 if the relay cannot ask
	 * now: then the nick is this server's to give.
	 */
	int		(*nick_claim)(void *arg, uint32_t id, const char *nick,
			    const char *old);
	/* Member ID, that had NICK, left: free the nick. */
	void		(*nick_release)(void *arg, uint32_t id,
			    const char *nick);
	/*
	 * Members of ROOM (a name; NULL: the lobby) on the other servers:
	 * how many, and who.
	 */
	unsigned int	(*remote_count)(void *arg, const char *room);
	void		(*remote_each)(void *arg, const char *room,
			    room_remote_fn *fn, void *fnarg);
	/* The rooms besides the lobby with members on other servers. */
	void		(*remote_rooms)(void *arg, void (*fn)(const char *room,
			    unsigned int count, void *fnarg), void *fnarg);
	/* Whether another server's member uses NICK (ASCII case ignored). */
	int		(*nick_in_use)(void *arg, const char *nick,
			    size_t len);
	/*
	 * R, a room besides the lobby, is now one of this server's: read
	 * what the other servers say in it, starting with its history
	 * (which R's history becomes). Return 1 if R is to be joined only
	 * once rooms_follow_answer() says the history is here, 0 if its
	 * history here is all there is now.
	 */
	int		(*follow)(void *arg, struct room *r);
	/* R ends here: stop reading it. */
	void		(*unfollow)(void *arg, struct room *r);
	/*
	 * A private message TEXT from FROM to TO (TOLEN bytes), a member of
	 * another server: 1 if one goes by that nick and it is sent, else 0.
	 */
	int		(*pm)(void *arg, const char *from, const char *to,
			    size_t tolen, const char *text, size_t len);
	/* This server's name in /who. */
	const char	*(*node_name)(void *arg);
};

#endif
