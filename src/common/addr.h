/*
 * addr.h: peer addresses kept compactly, and their text forms
 * ("127.0.0.1:53808", "[::1]:53808") used as nicks and in the log.
 */
#ifndef TSCHAT_ADDR_H
#define TSCHAT_ADDR_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

/* "[" + an IPv6 address + "]:" + a port, and a NUL. */
#define ADDR_STRLEN	(1 + 45 + 2 + 5 + 1)

/* An IPv4 or IPv6 address and port, 20 bytes instead of 128. */
struct addr {
	uint8_t		family;		/* AF_INET or AF_INET6 */
	uint16_t	port;		/* host order */
	uint8_t		bytes[16];	/* 4 used for IPv4 */
};

/*
 * Fill A from SA. An IPv4-mapped IPv6 address (from a dual-stack socket)
 * becomes the IPv4 address it holds. Return -1 for another family.
 */
int	addr_from_sockaddr(struct addr *a, const struct sockaddr *sa,
	    socklen_t len);

/* Fill SS from A; return the length to pass to the system. */
socklen_t addr_to_sockaddr(const struct addr *a,
	    struct sockaddr_storage *ss);

/* Write "HOST:PORT" ("[V6]:PORT" for IPv6) to OUT, ADDR_STRLEN bytes. */
char	*addr_format(const struct addr *a, char *out);

/* The same for a socket address; "?" for a family we do not know. */
char	*addr_format_sockaddr(const struct sockaddr *sa, socklen_t len,
	    char *out);

/* Whether two addresses are the same host (PORT too when WITH_PORT). */
int	addr_equal(const struct addr *, const struct addr *, int with_port);

/* Parse a port ("8080"; 0 when ALLOW_ZERO): -1 and *ERR when invalid. */
int	addr_parse_port(const char *s, int allow_zero, uint16_t *port,
	    const char **err);

#endif
