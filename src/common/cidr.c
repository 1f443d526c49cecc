/*
 * cidr.c: parsing and matching address prefixes.
 */
#include "common.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <string.h>

#include "cidr.h"
#include "strnum.h"

int
cidr_parse(const char *s, struct cidr *c)
{
	char		 host[INET6_ADDRSTRLEN + 1];
	const char	*slash, *err;
	long long	 bits;
	size_t		 n, max;

	memset(c, 0, sizeof *c);
	slash = strchr(s, '/');
	n = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (n == 0 || n >= sizeof host)
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	if (inet_pton(AF_INET, host, c->bytes) == 1) {
		c->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, host, c->bytes) == 1) {
		c->family = AF_INET6;
		max = 128;
	} else
		return -1;
	bits = max;
	/* Digits only: strnum would take a sign, and "/-0" is no prefix. */
	if (slash != NULL && (!isdigit((unsigned char)slash[1]) ||
	    strnum(slash + 1, 0, max, &bits, &err) == -1))
		return -1;
	c->bits = bits;
	/*
	 * Peers on a dual-stack socket are seen as IPv4 (addr.c): an
	 * IPv4-mapped prefix is taken as the IPv4 prefix it stands for.
	 */
	if (c->family == AF_INET6 && c->bits >= 96 &&
	    memcmp(c->bytes, "\0\0\0\0\0\0\0\0\0\0\377\377", 12) == 0) {
		c->family = AF_INET;
		c->bits -= 96;
		memmove(c->bytes, c->bytes + 12, 4);
		memset(c->bytes + 4, 0, 12);
	}
	return 0;
}

int
cidr_match(const struct cidr *c, const struct addr *a)
{
	unsigned int	full = c->bits / 8, rest = c->bits % 8;
	uint8_t		mask;

	if (c->family != a->family)
		return 0;
	if (memcmp(c->bytes, a->bytes, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (c->bytes[full] & mask) == (a->bytes[full] & mask);
}
