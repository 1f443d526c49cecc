/*
 * addr.c: converting between socket addresses, struct addr and text.
 */
#include "common.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "strnum.h"

static const uint8_t v4mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

int
addr_from_sockaddr(struct addr *a, const struct sockaddr *sa, socklen_t len)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	memset(a, 0, sizeof *a);
	if (sa->sa_family == AF_INET && len >= sizeof *sin) {
		sin = (const struct sockaddr_in *)(const void *)sa;
		a->family = AF_INET;
		a->port = ntohs(sin->sin_port);
		memcpy(a->bytes, &sin->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof *sin6) {
		sin6 = (const struct sockaddr_in6 *)(const void *)sa;
		a->port = ntohs(sin6->sin6_port);
		if (memcmp(&sin6->sin6_addr, v4mapped_prefix, 12) == 0) {
			a->family = AF_INET;
			memcpy(a->bytes, (const uint8_t *)&sin6->sin6_addr + 12,
			    4);
		} else {
			a->family = AF_INET6;
			memcpy(a->bytes, &sin6->sin6_addr, 16);
		}
		return 0;
	}
	return -1;
}

socklen_t
addr_to_sockaddr(const struct addr *a, struct sockaddr_storage *ss)
{
	struct sockaddr_in	*sin;
	struct sockaddr_in6	*sin6;

	memset(ss, 0, sizeof *ss);
	if (a->family == AF_INET) {
		sin = (struct sockaddr_in *)(void *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(a->port);
		memcpy(&sin->sin_addr, a->bytes, 4);
		return sizeof *sin;
	}
	sin6 = (struct sockaddr_in6 *)(void *)ss;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(a->port);
	memcpy(&sin6->sin6_addr, a->bytes, 16);
	return sizeof *sin6;
}

char *
addr_format(const struct addr *a, char *out)
{
	char		 digits[5];
	size_t		 n = 0, k = 0;
	unsigned int	 port = a->port;

	/* Said with every line of a peer without a nick: no printf. */
	if (a->family == AF_INET) {
		inet_ntop(AF_INET, a->bytes, out, INET_ADDRSTRLEN);
		n = strlen(out);
	} else {
		out[n++] = '[';
		inet_ntop(AF_INET6, a->bytes, out + n, INET6_ADDRSTRLEN);
		n += strlen(out + n);
		out[n++] = ']';
	}
	out[n++] = ':';
	do {
		digits[k++] = (char)('0' + port % 10);
		port /= 10;
	} while (port > 0);
	while (k > 0)
		out[n++] = digits[--k];
	out[n] = '\0';
	return out;
}

char *
addr_format_sockaddr(const struct sockaddr *sa, socklen_t len, char *out)
{
	struct addr	a;

	if (addr_from_sockaddr(&a, sa, len) == -1) {
		snprintf(out, ADDR_STRLEN, "?");
		return out;
	}
	return addr_format(&a, out);
}

int
addr_equal(const struct addr *a, const struct addr *b, int with_port)
{
	if (a->family != b->family)
		return 0;
	if (with_port && a->port != b->port)
		return 0;
	return memcmp(a->bytes, b->bytes, a->family == AF_INET ? 4 : 16) == 0;
}

int
addr_parse_port(const char *s, int allow_zero, uint16_t *port,
    const char **err)
{
	long long	v;

	if (strnum(s, allow_zero ? 0 : 1, 65535, &v, err) == -1)
		return -1;
	*port = (uint16_t)v;
	return 0;
}
