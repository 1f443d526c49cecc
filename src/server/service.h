/*
 * service.h: what the server does with what its members say, chosen once
 * at start: echo each message to its sender (echo.c), or hold a room
 * (rooms.c). TCP peers and UDP sources hand their members to it.
 */
#ifndef TSCHAT_SERVICE_H
#define TSCHAT_SERVICE_H

#include <stddef.h>

#include "addr.h"
#include "member.h"

struct service {
	/*
	 * TCP: a peer over --max-queue is cut, so that no one waits for it
	 * (a room); else it is not read until it drains (echo).
	 */
	int		 cut_slow;
	/* TCP: whether --line-rate holds peers. */
	int		 rated;

	void		(*init)(void);
	void		(*free)(void);
	/* A new TCP peer, or a UDP source that proved it receives. */
	void		(*joined)(struct member *m);
	/*
	 * A message M sent; FLAGS are frame flags. Return FRAME_STOP if M
	 * is done (/quit): it is to be closed once flushed. Else FRAME_GO.
	 */
	int		(*message)(struct member *m, const char *msg,
			    size_t len, int flags);
	/* M is gone; REASON (LEN bytes) may be NULL. */
	void		(*left)(struct member *m, const char *reason,
			    size_t len);
	/* "[STAMP] *** TEXT" to M, after what it is owed. */
	void		(*notice)(struct member *m, const char *text,
			    size_t len);
	/*
	 * A datagram from FROM on the UDP socket FD, answered by the service
	 * itself (echo: one bounded reply). NULL: UDP sources become members
	 * by returning a token, and their lines are messages.
	 */
	void		(*datagram)(int fd, const struct addr *from,
			    const char *data, size_t len);
	/* Before the server writes: hand over the lines gathered. */
	void		(*flush)(void);
	/* Once a second, at NOW; NULL: nothing to do. */
	void		(*tick)(double now);
	/* Shutting down: the last words to everyone. */
	void		(*stop)(void);
	/* Members, for the SIGUSR1 line. */
	unsigned int	(*count)(void);
};

extern const struct service echo_service;
extern const struct service room_service;

#endif
