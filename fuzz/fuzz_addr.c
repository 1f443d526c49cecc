/*
 * fuzz_addr.c: the address parsers of the command line and of --allow:
 * cidr_parse and cidr_match, addr_parse_port, and the text form of
 * addresses (addr_format). Invariants: a parsed prefix has the bits its
 * family allows and matches its own address; cidr_match agrees with a
 * bit-by-bit model; a parsed port is in range and is the number written;
 * a formatted address fits ADDR_STRLEN and reads back as itself.
 */
#include "common.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdlib.h>

#include "addr.h"
#include "cidr.h"

#include "fuzz.h"

/* Bit I (from the most significant of byte 0) of B. */
static int
bit(const uint8_t *b, unsigned int i)
{
	return b[i / 8] >> (7 - i % 8) & 1;
}

static int
model_match(const struct cidr *c, const struct addr *a)
{
	unsigned int	i;

	if (c->family != a->family)
		return 0;
	for (i = 0; i < c->bits; i++)
		if (bit(c->bytes, i) != bit(a->bytes, i))
			return 0;
	return 1;
}

static void
check_cidr(const char *s, struct input *in)
{
	struct cidr	c;
	struct addr	a;
	size_t		n, i;
	const char	*b;

	if (cidr_parse(s, &c) == -1)
		return;
	CHECK(c.family == AF_INET || c.family == AF_INET6,
	    "family %u from \"%s\"", c.family, s);
	CHECK(c.bits <= (c.family == AF_INET ? 32 : 128),
	    "%u bits for family %u from \"%s\"", c.bits, c.family, s);
	memset(&a, 0, sizeof a);
	a.family = c.family;
	memcpy(a.bytes, c.bytes, sizeof a.bytes);
	CHECK(cidr_match(&c, &a) == 1, "\"%s\" does not match itself", s);
	/* Addresses from the rest of the input, near the prefix and not. */
	while (in->len > 0) {
		a.family = take_byte(in) & 1 ? AF_INET : AF_INET6;
		memcpy(a.bytes, c.bytes, sizeof a.bytes);
		b = take_bytes(in, 1 + take_byte(in) % 16, &n);
		for (i = 0; i < n; i++)
			a.bytes[(unsigned char)b[i] % 16] ^=
			    (uint8_t)(1u << (b[i] >> 4 & 7));
		CHECK(cidr_match(&c, &a) == model_match(&c, &a),
		    "cidr_match(\"%s\") says %d, the model %d", s,
		    cidr_match(&c, &a), model_match(&c, &a));
	}
}

static void
check_port(const char *s)
{
	const char	*err = NULL;
	uint16_t	 port = 0;
	int		 zero;
	char		*end;
	long		 v;

	for (zero = 0; zero <= 1; zero++) {
		if (addr_parse_port(s, zero, &port, &err) == -1) {
			CHECK(err != NULL, "no reason for refusing \"%s\"", s);
			continue;
		}
		v = strtol(s, &end, 10);
		CHECK(*s != '\0' && *end == '\0' && v == port,
		    "\"%s\" parsed as port %u", s, port);
		CHECK(port != 0 || zero, "port 0 taken without allow_zero");
	}
}

static const uint8_t	v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

static void
check_format(const uint8_t *data, size_t size)
{
	struct addr		 a, b;
	struct sockaddr_storage	 ss;
	char			 out[ADDR_STRLEN + 8], host[ADDR_STRLEN];
	size_t			 n;
	char			*colon;

	if (size < 19)
		return;
	memset(&a, 0, sizeof a);
	a.family = data[0] & 1 ? AF_INET : AF_INET6;
	a.port = (uint16_t)(data[1] | data[2] << 8);
	memcpy(a.bytes, data + 3, a.family == AF_INET ? 4 : 16);
	memset(out, 'X', sizeof out);
	addr_format(&a, out);
	n = strnlen(out, sizeof out);
	CHECK(n < ADDR_STRLEN, "a formatted address of %zu bytes", n);
	/* Back through the system's sockaddr and parser. */
	addr_from_sockaddr(&b, (struct sockaddr *)&ss,
	    addr_to_sockaddr(&a, &ss));
	/* A v4-mapped IPv6 address comes back as the IPv4 one it holds. */
	if (a.family == AF_INET6 && memcmp(a.bytes, v4mapped, 12) == 0)
		CHECK(b.family == AF_INET && b.port == a.port &&
		    memcmp(b.bytes, a.bytes + 12, 4) == 0,
		    "the sockaddr round trip of \"%s\"", out);
	else
		CHECK(addr_equal(&a, &b, 1), "the sockaddr round trip of "
		    "\"%s\"", out);
	colon = strrchr(out, ':');
	CHECK(colon != NULL && strtol(colon + 1, NULL, 10) == a.port,
	    "the port of \"%s\"", out);
	if (a.family == AF_INET6) {
		CHECK(out[0] == '[' && colon[-1] == ']', "\"%s\"", out);
		memcpy(host, out + 1, (size_t)(colon - out - 2));
		host[colon - out - 2] = '\0';
	} else {
		memcpy(host, out, (size_t)(colon - out));
		host[colon - out] = '\0';
	}
	memset(&b, 0, sizeof b);
	CHECK(inet_pton(a.family, host, b.bytes) == 1 &&
	    memcmp(a.bytes, b.bytes, a.family == AF_INET ? 4 : 16) == 0,
	    "\"%s\" does not read back", out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input	 in = { data, size };
	const char	*text;
	char		*s;
	size_t		 len, n;

	check_format(data, size);
	/* A string up to the first NUL or newline; the rest drives checks. */
	n = take_byte(&in);
	text = take_bytes(&in, n, &len);
	s = malloc(len + 1);
	if (s == NULL)
		abort();
	memcpy(s, text, len);
	s[len] = '\0';
	check_port(s);
	check_cidr(s, &in);
	free(s);
	return 0;
}
