/*
 * relay.h: the room's edge to other tschatd servers: several servers form
 * one room through a Redis stream. The relay fills in the room's hooks:
 * the room hands it every line it delivers here, and lines from the other
 * servers come back through room_remote_line(). Without --relay none of
 * this runs.
 */
#ifndef TSCHAT_RELAY_H
#define TSCHAT_RELAY_H

#include <stddef.h>
#include <stdint.h>

#include EV_HEADER
#include "room.h"

/*
 * What the relay tells the server's rooms, handed over by the server (the
 * room service's functions): the relay knows the rooms only through these
 * and the room's hooks.
 */
struct relay_answers {
	/* Member ID asked for NICK: the claims say it is its (GRANTED). */
	void	(*nick)(uint32_t id, const char *nick, int granted);
	/* Member ID may not keep NICK after all (Redis was away). */
	void	(*nick_refused)(uint32_t id, const char *nick);
	/* The room NAME's history is here, or will not come. */
	void	(*followed)(const char *name);
	/* A private message from FROM on another server to member ID. */
	void	(*pm)(uint32_t id, const char *nick, const char *from,
		    const char *text, size_t len);
};

struct relay_options {
	const struct relay_answers *answers;
	const char	*url;		/* --relay */
	const char	*password;	/* or NULL */
	const char	*prefix;	/* --relay-prefix */
	const char	*node_name;	/* NULL: HOSTNAME:PORT */
	unsigned int	 port;		/* the one the server listens on */
	size_t		 max_line;	/* --max-line */
	unsigned int	 history;	/* --history: kept in Redis too */
};

#ifdef HAVE_HIREDIS
/* Relay LOBBY through Redis as O says. */
void	relay_init(struct ev_loop *, const struct relay_options *o,
	    struct room *lobby);
void	relay_free(void);

/* The SIGUSR1 figures, appended to BUF (a server stats hook). */
void	relay_stats(char *buf, size_t size, void *arg);
#endif

#endif
