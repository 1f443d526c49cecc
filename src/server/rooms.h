/*
 * rooms.h: the room service (--broadcast): the rooms this server holds,
 * who is in which, the nicks, and what a member's words mean: a line for
 * its current room, a command, or a private message.
 */
#ifndef TSCHAT_ROOMS_H
#define TSCHAT_ROOMS_H

#include <stddef.h>
#include <stdint.h>

#include "room.h"

/* The lobby, every member's room; NULL when the service is echo. */
struct room *rooms_lobby(void);

/*
 * From the relay: member ID asked for NICK, and the servers' claims say it
 * is its (GRANTED) or another's.
 */
void	rooms_nick_answer(uint32_t id, const char *nick, int granted);

/*
 * From the relay: member ID may not keep NICK after all (another server
 * took it while Redis was away): it goes back to its address.
 */
void	rooms_nick_refused(uint32_t id, const char *nick);

/*
 * From the relay: the room NAME's history is here (or will not come):
 * the members whose /join waited for it join it now.
 */
void	rooms_follow_answer(const char *name);

/*
 * From the relay: a private message TEXT from FROM, another server's
 * member, to member ID here if it still goes by NICK.
 */
void	rooms_remote_pm(uint32_t id, const char *nick, const char *from,
	    const char *text, size_t len);

#endif
