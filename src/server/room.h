/*
 * room.h: a chat room: its members, what they say, their nicks and the
 * notices about them. The room knows a member through its ops (member.h)
 * and the servers beyond this one through hooks that the relay fills in;
 * without them it is a room of this server alone.
 */
#ifndef TSCHAT_ROOM_H
#define TSCHAT_ROOM_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "member.h"

struct room;

/* What a line said in the room changes, for the other servers. */
enum room_event {
	ROOM_MSG,
	ROOM_JOIN,
	ROOM_LEAVE,
	ROOM_NICK,
};

/* What the room takes from the server that holds it. */
struct room_env {
	enum frame_mode	  framing;
	/* The stamp of the current second. */
	const char	*(*stamp)(size_t *lenp);
	/* Counts the lines handed to members. */
	uint64_t	 *msgs_out;
};

/* A member of another server, for /who. */
typedef void room_remote_fn(const char *node, const char *nick, void *arg);

/*
 * The room's edge to the other servers of a relayed room. Every function
 * may be NULL: without a relay none is set.
 */
struct room_hooks {
	void		*arg;
	/* A line said here, by member ID known as NICK, for the others. */
	void		(*publish)(void *arg, enum room_event, uint32_t id,
			    const char *nick, const char *line, size_t len);
	/*
	 * Member ID took NICK (OLD: the nick it had, or NULL): claim it
	 * across the servers; if another server holds it the relay calls
	 * room_nick_refused().
	 */
	void		(*nick_claim)(void *arg, uint32_t id, const char *nick,
			    const char *old);
	/* Member ID, that had NICK, left: free the nick. */
	void		(*nick_release)(void *arg, uint32_t id,
			    const char *nick);
	/* Members on the other servers. */
	unsigned int	(*remote_count)(void *arg);
	void		(*remote_each)(void *arg, room_remote_fn *fn,
			    void *fnarg);
	/* Whether another server's member uses NICK (ASCII case ignored). */
	int		(*nick_in_use)(void *arg, const char *nick,
			    size_t len);
	/* This server's name in /who. */
	const char	*(*node_name)(void *arg);
};

struct room *room_create(const struct room_env *env);
void	room_free(struct room *);
/* Let H (copied; NULL: none) reach the other servers. */
void	room_set_hooks(struct room *, const struct room_hooks *h);

/* Add M and tell everyone. */
void	room_join(struct room *, struct member *m);
/* Remove M and tell the others; REASON may be NULL. */
void	room_leave(struct room *, struct member *m, const char *reason,
	    size_t len);

/*
 * Take a line or message M sent. FLAGS are frame flags (FRAME_CUT). Return
 * FRAME_STOP if M left (/quit), else FRAME_GO.
 */
int	room_input(struct room *, struct member *m, const char *text,
	    size_t len, int flags);

/* Send "[STAMP] *** TEXT" to M alone, after the room's lines before it. */
void	room_notice(struct room *, struct member *m, const char *text,
	    size_t len);
/* Send "[STAMP] *** TEXT" to every member here. */
void	room_notice_all(struct room *, const char *text, size_t len);
/* The last notice: after it the room says nothing more. */
void	room_close(struct room *, const char *text, size_t len);

/*
 * Hand the lines gathered in this loop iteration to the members that take
 * them in one push; the server calls it before it writes.
 */
void	room_flush(struct room *);

/* Members here and on the other servers of a relayed room. */
unsigned int room_count(const struct room *);

/* Call FN for each member here: its id, its nick, whether it chose one. */
void	room_each_member(const struct room *, void (*fn)(uint32_t id,
	    const char *nick, int named, void *arg), void *arg);

/* From the relay: a line another server's member caused, for everyone. */
void	room_remote_line(struct room *, const char *line, size_t len);
/* From the relay: another server died; NICK, one of its members, left. */
void	room_remote_left(struct room *, const char *nick);
/*
 * From the relay: member ID may not keep NICK, another server holds it; it
 * goes back to OLD, its nick before, if that is free, else to its address.
 */
void	room_nick_refused(struct room *, uint32_t id, const char *nick,
	    const char *old);

#endif
