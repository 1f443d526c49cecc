/*
 * rooms.h: the room service (--broadcast): the rooms this server holds,
 * who is in which, the nicks, and what a member's words mean: a line for
 * its current room, a command, or a private message.
 */
#ifndef TSCHAT_ROOMS_H
#define TSCHAT_ROOMS_H

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

#endif
