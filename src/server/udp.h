/*
 * udp.h: the server's UDP side: datagrams in, one bounded reply out, joined
 * sources as members, sources on reflector ports ignored.
 */
#ifndef TSCHAT_UDP_H
#define TSCHAT_UDP_H

#include <stddef.h>

#include EV_HEADER
#include "addr.h"

void	udp_init(void);
/* Serve datagrams on FD, a bound, non-blocking UDP socket. */
void	udp_add_socket(int fd);
/* Once a second: members silent past --udp-peer-ttl leave. */
void	udp_cron(ev_tstamp now);
/* Stop serving (shutdown). */
void	udp_stop(void);
void	udp_free(void);

/* Echo: one reply to the datagram DATA from FROM, bounded by its size. */
void	udp_echo_datagram(int fd, const struct addr *from, const char *data,
	    size_t len);

#endif
