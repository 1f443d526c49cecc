/*
 * cidr.h: address prefixes for --allow: "192.168.0.0/16", "2001:db8::/32",
 * or a single address.
 */
#ifndef TSCHAT_CIDR_H
#define TSCHAT_CIDR_H

#include <stdint.h>

#include "addr.h"

struct cidr {
	uint8_t	family;
	uint8_t	bits;
	uint8_t	bytes[16];
};

/* Parse S; -1 if it is not an address with an optional /PREFIX. */
int	cidr_parse(const char *s, struct cidr *c);

/* Whether A lies in C. */
int	cidr_match(const struct cidr *c, const struct addr *a);

#endif
