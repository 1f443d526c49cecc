/*
 * udp.h: the server's UDP side: datagrams in, one bounded reply out, joined
 * sources as room members, sources on reflector ports ignored.
 */
#ifndef TSCHAT_UDP_H
#define TSCHAT_UDP_H

#include EV_HEADER
#include "outq.h"
#include "room.h"

void	udp_init(void);
/* Serve datagrams on FD, a bound, non-blocking UDP socket. */
void	udp_add_socket(int fd);
/* Send the room's line S to the UDP member M. */
void	udp_deliver(struct member *m, const struct slice *s);
/* Once a second: members silent past --udp-peer-ttl leave. */
void	udp_cron(ev_tstamp now);
/* Stop serving (shutdown). */
void	udp_stop(void);
void	udp_free(void);

#endif
