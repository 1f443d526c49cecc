/*
 * rooms.c: the room service: the server's rooms (the lobby, for now) and
 * the way members' joins, words and leaving reach them.
 */
#include "common.h"

#include <string.h>

#include "core.h"
#include "room.h"
#include "rooms.h"
#include "service.h"

static struct room	*lobby;

struct room *
rooms_lobby(void)
{
	return lobby;
}

static void
rooms_init(void)
{
	struct room_env	env;

	memset(&env, 0, sizeof env);
	env.framing = core.conf->framing;
	env.stamp = core_stamp;
	env.msgs_out = &core.stats.msgs_out;
	lobby = room_create(&env);
}

static void
rooms_free(void)
{
	room_free(lobby);
	lobby = NULL;
}

static void
rooms_joined(struct member *m)
{
	room_join(lobby, m);
}

static int
rooms_message(struct member *m, const char *msg, size_t len, int flags)
{
	return room_input(lobby, m, msg, len, flags);
}

static void
rooms_left(struct member *m, const char *reason, size_t len)
{
	room_leave(lobby, m, reason, len);
}

static void
rooms_notice(struct member *m, const char *text, size_t len)
{
	room_notice(lobby, m, text, len);
}

static void
rooms_flush(void)
{
	room_flush(lobby);
}

static void
rooms_stop(void)
{
	static const char	notice[] = "server shutting down";

	room_close(lobby, notice, sizeof notice - 1);
}

static unsigned int
rooms_count(void)
{
	return room_count(lobby);
}

const struct service room_service = {
	.cut_slow = 1,
	.rated = 1,
	.init = rooms_init,
	.free = rooms_free,
	.joined = rooms_joined,
	.message = rooms_message,
	.left = rooms_left,
	.notice = rooms_notice,
	.datagram = NULL,
	.flush = rooms_flush,
	.stop = rooms_stop,
	.count = rooms_count,
};
