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

#include EV_HEADER
#include "room.h"

struct relay_options {
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
