/*
 * relay.h: the room's edge to other tschatd servers: several servers form
 * one room through a Redis stream. The relay fills in the room's hooks
 * (roomhooks.h): the room hands it every line it delivers here. It meets
 * the rooms only through struct relay_rooms, which the server fills in:
 * lines from the other servers come back through it. Without --relay none
 * of this runs.
 */
#ifndef TSCHAT_RELAY_H
#define TSCHAT_RELAY_H

#include <stddef.h>
#include <stdint.h>

#include EV_HEADER
#include "roomhooks.h"

/*
 * The rooms as the relay meets them, filled in by the server with the
 * room's and the room service's functions: the relay holds a room only as
 * a handle to hand back here, and reaches the server through nothing
 * else.
 */
struct relay_rooms {
	/* Let H (copied; NULL: none) reach the other servers. */
	void	(*set_hooks)(struct room *, const struct room_hooks *h);
	const char *(*name)(const struct room *);
	int	(*is_lobby)(const struct room *);
	/* Call FN for each member of R here: id, nick, whether it chose one. */
	void	(*each_member)(const struct room *r, void (*fn)(uint32_t id,
		    const char *nick, int named, void *arg), void *arg);
	/* "[STAMP] *** TEXT" (tagged) to every member of R here. */
	void	(*notice_all)(struct room *r, const char *text, size_t len);
	/*
	 * A line another server's member caused, for everyone in R here. EV
	 * says what it is: a room line or /me (ROOM_MSG) goes into R's
	 * history too; a join or leave notice is held back past R's rate of
	 * notices; a nick change is a plain notice.
	 */
	void	(*remote_line)(struct room *r, const char *line, size_t len,
		    enum room_event ev);
	/*
	 * Another server died; NICK, one of its members, left R (a leave
	 * notice, held back past the rate).
	 */
	void	(*remote_left)(struct room *r, const char *nick);
	/*
	 * R's history is what the other servers kept: forget the lines here,
	 * then take them one by one, oldest first (LINE without its
	 * terminator).
	 */
	void	(*history_clear)(struct room *r);
	void	(*history_line)(struct room *r, const char *line, size_t len);

	/* The room service's: answers to the hooks, and private messages. */
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
	const struct relay_rooms *rooms;
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
