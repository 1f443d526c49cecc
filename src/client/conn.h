/*
 * conn.h: the full-screen client's connection: connect (each address of
 * the name in turn), receive messages, send lines, answer a UDP room's
 * /join token, and when the server goes away reconnect with backoff.
 */
#ifndef TSCHAT_CONN_H
#define TSCHAT_CONN_H

#include <netdb.h>

#include "cliconf.h"
#include EV_HEADER
#include "frame.h"
#include "outq.h"

enum conn_state {
	CONN_CONNECTING,
	CONN_UP,
	CONN_WAITING,		/* to reconnect */
};

struct conn;

struct conn_events {
	/* A message came (not terminated; valid during the call). */
	void	(*message)(void *arg, const char *msg, size_t len);
	/* The state changed; WHY says why it went down (errno, or 0). */
	void	(*state)(void *arg, enum conn_state, int why);
};

struct conn {
	struct ev_loop		*loop;
	const struct cliconf	*conf;
	const struct conn_events *ev;
	void			*arg;
	char			*name;		/* "host:port" */
	struct addrinfo		*res, *ai;
	int			 fd;
	enum conn_state		 state;
	int			 err;
	double			 backoff;
	ev_tstamp		 retry_at;
	ev_io			 rio;
	ev_io			 wio;
	ev_timer		 timer;
	struct frame		 frame;
	struct outq		 out;
	char			*last;		/* UDP: the last line, for a join */
	size_t			 last_len;
	int			 joined;	/* UDP: a /join was answered since
						   the last line sent */
	unsigned char		 tail[4];	/* raw TCP: a character begun */
	size_t			 tail_len;
};

/*
 * Resolve the server's name and start connecting. Return -1 with *ERR set
 * if the name does not resolve: the caller says so before any screen.
 */
int	conn_start(struct conn *, struct ev_loop *, const struct cliconf *,
	    const struct conn_events *, void *arg, const char **err);

/* Send LINE (LEN bytes, no newline). -1 if not connected. */
int	conn_send(struct conn *, const char *line, size_t len);

/* Seconds until the next attempt while CONN_WAITING. */
double	conn_retry_in(const struct conn *);

/* Write what can be written at once (before exit) and close. */
void	conn_close(struct conn *);

#endif
