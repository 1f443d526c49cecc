/*
 * rooms.h: the room service (--broadcast): the rooms this server holds
 * and which one a member's words go to. For now there is one, the lobby.
 */
#ifndef TSCHAT_ROOMS_H
#define TSCHAT_ROOMS_H

#include "room.h"

/* The lobby, every member's room; NULL when the service is echo. */
struct room *rooms_lobby(void);

#endif
