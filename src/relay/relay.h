/*
 * relay.h: the room's edge to other tschatd servers: several servers form
 * one room through a Redis stream. The room hands every line it delivers
 * locally to relay_publish(); lines from the other servers come back
 * through room_remote_line(). Without --relay none of this runs.
 */
#ifndef TSCHAT_RELAY_H
#define TSCHAT_RELAY_H

#include <stddef.h>
#include <stdint.h>

#include EV_HEADER
#include "room.h"

enum relay_event {
	RELAY_MSG,
	RELAY_JOIN,
	RELAY_LEAVE,
	RELAY_NICK,
};

#ifdef HAVE_HIREDIS
/* Start relaying if the configuration asks for it. */
/* Start relaying; PORT is the one the server listens on. */
void	relay_init(struct ev_loop *, unsigned int port);
void	relay_free(void);
int	relay_active(void);

/*
 * A line was delivered locally: send it to the other servers, with what
 * it changes about M (its nick, its presence).
 */
void	relay_publish(enum relay_event, const struct member *m,
	    const char *line, size_t len);

/*
 * M took a nick (OLD: the one it had, or NULL): claim it room-wide and
 * give OLD back. If another server's member holds the nick,
 * room_nick_refused() is told, with OLD.
 */
void	relay_nick_claim(const struct member *m, const char *old);
/* A member with a nick left: free it. */
void	relay_nick_release(const struct member *m);

/* Members on the other servers. */
unsigned int relay_remote_count(void);
/* Call FN for each of them: its server's name and its nick. */
void	relay_remote_each(void (*fn)(const char *node, const char *nick,
	    void *), void *arg);
/* This server's name (--node-name), or NULL when it does not relay. */
const char *relay_name(void);
/* Whether one of them uses NICK (ASCII case ignored). */
int	relay_nick_in_use(const char *nick, size_t len);

/* The SIGUSR1 figures, appended to BUF. */
void	relay_stats(char *buf, size_t size);
#else
#define relay_init(loop, port)		((void)0)
#define relay_free()			((void)0)
#define relay_active()			0
#define relay_publish(e, m, l, n)	((void)0)
#define relay_nick_claim(m, old)	((void)0)
#define relay_nick_release(n)		((void)0)
#define relay_remote_count()		0U
#define relay_remote_each(fn, arg)	((void)0)
#define relay_name()			((const char *)NULL)
#define relay_nick_in_use(n, l)		0
#define relay_stats(buf, size)		((void)0)
#endif

#endif
