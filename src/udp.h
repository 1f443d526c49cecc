/*
 * udp.h: the server's UDP side: datagrams in, one bounded reply out,
 * sources on reflector ports ignored.
 */
#ifndef TSCHAT_UDP_H
#define TSCHAT_UDP_H

/* Serve datagrams on FD, a bound, non-blocking UDP socket. */
void	udp_add_socket(int fd);
/* Stop serving (shutdown). */
void	udp_stop(void);
void	udp_free(void);

#endif
