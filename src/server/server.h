/*
 * server.h: the server as a whole: listeners and accept, the write pass
 * before the loop sleeps, signals, the once-a-second work and shutdown.
 */
#ifndef TSCHAT_SERVER_H
#define TSCHAT_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include EV_HEADER
#include "srvconf.h"

/*
 * Set up from C and listen; exit with a message if it cannot. Return the
 * port listened on (C's, or the one taken for port 0).
 */
uint16_t server_init(struct ev_loop *, const struct srvconf *c);
/* Run until a signal stops the server. */
void	 server_run(void);
/* Close every peer and free everything. */
void	 server_free(void);

/* FN adds its figures to the SIGUSR1 line: it appends to BUF. */
void	 server_stats_hook(void (*fn)(char *buf, size_t size, void *arg),
	    void *arg);

#endif
