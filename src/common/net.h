/*
 * net.h: sockets: name resolution, listening and connecting, with the
 * options tschat always wants (non-blocking, close-on-exec).
 */
#ifndef TSCHAT_NET_H
#define TSCHAT_NET_H

#include <sys/types.h>
#include <sys/socket.h>
#include <netdb.h>

#include <stdint.h>

/*
 * Resolve HOST (NULL: every local address, for listening) and PORT for
 * socket TYPE. On failure return -1 and set *ERR to the resolver's reason.
 */
int	net_resolve(const char *host, uint16_t port, int type, int passive,
	    struct addrinfo **res, const char **err);

/*
 * Make a non-blocking socket of TYPE bound to SA, listening if it is a
 * stream (with SO_REUSEADDR); DUAL_STACK clears IPV6_V6ONLY. Return the
 * descriptor, or -1 with errno set.
 */
int	net_listen(int type, const struct sockaddr *sa, socklen_t len,
	    int dual_stack);

/* Start a non-blocking connect to SA; -1 with errno on immediate failure. */
int	net_connect(int type, const struct sockaddr *sa, socklen_t len);

int	net_set_nonblock(int fd);

/* The local port a socket is bound to. */
uint16_t net_local_port(int fd);

/* Raise the soft limit on open files to the hard one; return the limit. */
long	net_raise_nofile(void);

#endif
