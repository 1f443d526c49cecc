/*
 * room.h: a chat room: its members, what they say, the notices about them
 * and its history. The room knows a member through its ops (member.h) and
 * the servers beyond this one through hooks that the relay fills in
 * (roomhooks.h); without them it is a room of this server alone. Which
 * rooms there are, who is in which and what a member's words mean is the
 * room service's (rooms.c).
 */
#ifndef TSCHAT_ROOM_H
#define TSCHAT_ROOM_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "member.h"
#include "roomhooks.h"

struct backlog;
struct backlog_room;

/* What the rooms of one server share. */
struct room_env {
	enum frame_mode	  framing;
	/* The stamp of the current second. */
	const char	*(*stamp)(size_t *lenp);
	/* Counts the lines handed to members. */
	uint64_t	 *msgs_out;
	/* The room whose lines wait for a push, if any (room_flush). */
	struct room	**gathering;
	/* The relay's hooks (all NULL without one). */
	struct room_hooks *hooks;
	/* Every room's history, or NULL: none kept. */
	struct backlog	 *backlog;
	/* The time now, in seconds: join and leave notices have a rate. */
	double		(*now)(void);
	/* The rooms that held notices back, for room_tick(). */
	struct room	**counted;
};

/*
 * A room called NAME (LEN bytes, "#" included; ROOM_LOBBY for the lobby),
 * keeping its lines in HISTORY (NULL: none).
 */
struct room *room_create(const struct room_env *env, const char *name,
	    size_t len, struct backlog_room *history);
void	room_free(struct room *);
/* Let H (copied into the env's hooks; NULL: none) reach other servers. */
void	room_set_hooks(struct room *, const struct room_hooks *h);

const char *room_name(const struct room *);
int	room_is_lobby(const struct room *);
struct backlog_room *room_history(const struct room *);
/* Members here. */
unsigned int room_members_here(const struct room *);
/* Members here and, in a relayed room, on the others. */
unsigned int room_count(const struct room *);

/*
 * Join and leave notices go to everyone at NOTICE_RATE a second, NOTICE_BURST
 * at once; past that the room holds them back and counts them, and
 * room_tick() says how many. The member they are about gets its own in
 * any case, and the other servers learn of every one.
 */

/*
 * MS->member joins: it gets the room's history, then everyone (it too)
 * "NICK joined (N online)". MS, the member's place in the room, is the
 * caller's, and stays in use until room_leave().
 */
void	room_join(struct room *, struct membership *ms);
/*
 * MS->member leaves, saying REASON (may be NULL); the others are told,
 * and with TELL_LEAVER (/part) the leaver too.
 */
void	room_leave(struct room *, struct membership *ms, const char *reason,
	    size_t len, int tell_leaver);
/*
 * Once a second: each room on the list COUNTED (the env's) tells its
 * members "N more joined, M more left (K online)" for the notices it held
 * back, and leaves the list.
 */
void	room_tick(struct room **counted);

/* M says TEXT, or does it (ACTION: /me), to everyone in the room. */
void	room_say(struct room *, struct member *m, const char *text,
	    size_t len, int action);
/* M, known as OLD before, has a new nick: tell the room. */
void	room_renamed(struct room *, struct member *m, const char *old);
/* /who: the room's members, to M. */
void	room_who(struct room *, struct member *m);
/*
 * /who #NAME for a room that has members on other servers only; LOBBY
 * sends the notices.
 */
void	room_who_remote(struct room *lobby, struct member *m,
	    const char *name);

/*
 * "[STAMP] *** TEXT" to M alone, after the lines before it: a notice that
 * belongs to no room (it carries no tag).
 */
void	room_notice(struct room *, struct member *m, const char *text,
	    size_t len);
/* The same, formatted by printf(3) rules. */
void	room_noticef(struct room *, struct member *m, const char *fmt, ...)
	    PRINTFLIKE(3, 4);
/*
 * "[STAMP] " + HEAD + TEXT (neutralised) to M alone, after the lines
 * before it, with no tag: a private message.
 */
void	room_tell(struct room *, struct member *m, const char *head,
	    size_t hlen, const char *text, size_t len);
/* "[STAMP] *** TEXT" (tagged) to every member here. */
void	room_notice_all(struct room *, const char *text, size_t len);
/*
 * The last notice (TEXT may be NULL: none): after it the room tells no
 * one anything more.
 */
void	room_close(struct room *, const char *text, size_t len);

/*
 * Hand the lines gathered in this loop iteration to the members that take
 * them in one push; before the server writes, and before anything else
 * reaches a member.
 */
void	room_flush(struct room *);

/* Call FN for each member here: its id, its nick, whether it chose one. */
void	room_each_member(const struct room *, void (*fn)(uint32_t id,
	    const char *nick, int named, void *arg), void *arg);

/*
 * From the relay: a line another server's member caused, for everyone
 * here. EV says what it is: a room line or /me (ROOM_MSG) goes into the
 * history too; a join or leave notice is held back past the rate like
 * this server's own; a nick change is a plain notice.
 */
void	room_remote_line(struct room *, const char *line, size_t len,
	    enum room_event ev);
/*
 * From the relay: the room's history is what the other servers kept:
 * forget the lines here, then take them one by one, oldest first (LINE
 * without its terminator).
 */
void	room_history_clear(struct room *);
void	room_history_line(struct room *, const char *line, size_t len);
/*
 * From the relay: another server died; NICK, one of its members, left
 * (a leave notice, held back past the rate).
 */
void	room_remote_left(struct room *, const char *nick);

#endif
