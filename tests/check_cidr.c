/*
 * check_cidr.c: --allow prefixes: IPv4 and IPv6, with and without /BITS,
 * byte-aligned or not, /0, and the malformed ones refused.
 */
#include "common.h"

#include <check.h>

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"

#include "check_util.h"

/* Fill A from HOST (IPv4 or IPv6 by its form) and PORT. */
static void
addr_make(struct addr *a, const char *host, uint16_t port)
{
	memset(a, 0, sizeof *a);
	a->family = strchr(host, ':') != NULL ? AF_INET6 : AF_INET;
	a->port = port;
	ck_assert_msg(inet_pton(a->family, host, a->bytes) == 1,
	    "test address %s", host);
}

/* Parse PREFIX, which must be good, with FAMILY and BITS. */
static void
parse_ok(const char *prefix, struct cidr *c, int family, int bits)
{
	int	rc = cidr_parse(prefix, c);

	ck_assert_msg(rc == 0, "\"%s\": expected it parsed, got %d",
	    esc_str(prefix), rc);
	ck_assert_msg(c->family == family, "\"%s\": expected family %s, got "
	    "%d", prefix, family == AF_INET ? "AF_INET" : "AF_INET6",
	    c->family);
	ck_assert_msg(c->bits == bits, "\"%s\": expected /%d, got /%d",
	    prefix, bits, c->bits);
}

/* Whether HOST lies in PREFIX must be WANT. */
static void
expect_match(const char *prefix, const char *host, int want)
{
	struct cidr	c;
	struct addr	a;
	int		got, rc;

	rc = cidr_parse(prefix, &c);
	ck_assert_msg(rc == 0, "\"%s\": expected it parsed, got %d",
	    prefix, rc);
	addr_make(&a, host, 40000);
	got = cidr_match(&c, &a);
	ck_assert_msg(got == want, "%s in %s: expected %s, got %s", host,
	    prefix, want ? "a match" : "no match", got ? "a match" :
	    "no match");
}

#define IN(prefix, host)	expect_match(prefix, host, 1)
#define OUT(prefix, host)	expect_match(prefix, host, 0)

/* --- IPv4 ---------------------------------------------------------------- */

START_TEST(test_cidr_ipv4_slash8)
{
	struct cidr	c;

	parse_ok("10.0.0.0/8", &c, AF_INET, 8);
	IN("10.0.0.0/8", "10.1.2.3");
	IN("10.0.0.0/8", "10.0.0.0");
	IN("10.0.0.0/8", "10.255.255.255");
	OUT("10.0.0.0/8", "11.0.0.1");
	OUT("10.0.0.0/8", "9.255.255.255");
	OUT("10.0.0.0/8", "110.0.0.1");
}
END_TEST

START_TEST(test_cidr_ipv4_slash24)
{
	struct cidr	c;

	parse_ok("192.168.1.0/24", &c, AF_INET, 24);
	IN("192.168.1.0/24", "192.168.1.1");
	IN("192.168.1.0/24", "192.168.1.255");
	OUT("192.168.1.0/24", "192.168.2.1");
	OUT("192.168.1.0/24", "192.168.0.255");
	OUT("192.168.1.0/24", "193.168.1.1");
}
END_TEST

START_TEST(test_cidr_ipv4_single)
{
	struct cidr	c;

	parse_ok("127.0.0.1", &c, AF_INET, 32);
	IN("127.0.0.1", "127.0.0.1");
	OUT("127.0.0.1", "127.0.0.2");
	OUT("127.0.0.1", "127.0.1.1");
	OUT("127.0.0.1", "::1");
	parse_ok("127.0.0.1/32", &c, AF_INET, 32);
	IN("127.0.0.1/32", "127.0.0.1");
	OUT("127.0.0.1/32", "127.0.0.0");
}
END_TEST

/* The port plays no part. */
START_TEST(test_cidr_ignores_port)
{
	struct cidr	c;
	struct addr	a;
	uint16_t	ports[] = { 0, 1, 1024, 8080, 65535 };
	size_t		i;

	ck_assert_int_eq(cidr_parse("192.0.2.0/24", &c), 0);
	for (i = 0; i < ARRAY_SIZE(ports); i++) {
		addr_make(&a, "192.0.2.77", ports[i]);
		ck_assert_msg(cidr_match(&c, &a), "192.0.2.77 port %u in "
		    "192.0.2.0/24: expected a match, got none", ports[i]);
	}
}
END_TEST

START_TEST(test_cidr_ipv4_all)
{
	struct cidr	c;

	parse_ok("0.0.0.0/0", &c, AF_INET, 0);
	IN("0.0.0.0/0", "0.0.0.0");
	IN("0.0.0.0/0", "1.2.3.4");
	IN("0.0.0.0/0", "127.0.0.1");
	IN("0.0.0.0/0", "255.255.255.255");
	OUT("0.0.0.0/0", "::1");
	OUT("0.0.0.0/0", "::");
	OUT("0.0.0.0/0", "2001:db8::1");
	OUT("0.0.0.0/0", "::ffff:1.2.3.4");
}
END_TEST

/* --- IPv6 ---------------------------------------------------------------- */

START_TEST(test_cidr_ipv6_single)
{
	struct cidr	c;

	parse_ok("::1", &c, AF_INET6, 128);
	IN("::1", "::1");
	OUT("::1", "::2");
	OUT("::1", "::");
	OUT("::1", "127.0.0.1");
	OUT("::1", "1::1");
	parse_ok("::1/128", &c, AF_INET6, 128);
	IN("::1/128", "::1");
}
END_TEST

START_TEST(test_cidr_ipv6_slash32)
{
	struct cidr	c;

	parse_ok("2001:db8::/32", &c, AF_INET6, 32);
	IN("2001:db8::/32", "2001:db8:1::5");
	IN("2001:db8::/32", "2001:db8::");
	IN("2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
	OUT("2001:db8::/32", "2001:db9::1");
	OUT("2001:db8::/32", "2001:db7:ffff::1");
	OUT("2001:db8::/32", "3001:db8::1");
	OUT("2001:db8::/32", "32.1.13.184");	/* its first four bytes */
}
END_TEST

START_TEST(test_cidr_ipv6_all)
{
	struct cidr	c;

	parse_ok("::/0", &c, AF_INET6, 0);
	IN("::/0", "::");
	IN("::/0", "::1");
	IN("::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	OUT("::/0", "0.0.0.0");
	OUT("::/0", "10.0.0.1");
}
END_TEST

/* --- prefixes off byte boundaries ---------------------------------------- */

START_TEST(test_cidr_unaligned)
{
	struct cidr	c;

	parse_ok("172.16.0.0/20", &c, AF_INET, 20);
	IN("172.16.0.0/20", "172.16.0.1");
	IN("172.16.0.0/20", "172.16.15.255");
	OUT("172.16.0.0/20", "172.16.16.0");
	OUT("172.16.0.0/20", "172.17.0.0");
	IN("172.16.0.0/12", "172.31.255.255");
	OUT("172.16.0.0/12", "172.32.0.0");
	OUT("172.16.0.0/12", "172.15.255.255");
	IN("128.0.0.0/1", "200.1.1.1");
	IN("128.0.0.0/1", "128.0.0.0");
	OUT("128.0.0.0/1", "127.255.255.255");
	IN("192.0.2.128/25", "192.0.2.200");
	OUT("192.0.2.128/25", "192.0.2.127");
	IN("10.0.0.4/31", "10.0.0.5");
	OUT("10.0.0.4/31", "10.0.0.6");
	OUT("10.0.0.4/31", "10.0.0.3");

	parse_ok("2001:db8::/125", &c, AF_INET6, 125);
	IN("2001:db8::/125", "2001:db8::");
	IN("2001:db8::/125", "2001:db8::7");
	OUT("2001:db8::/125", "2001:db8::8");
	OUT("2001:db8::/125", "2001:db8::1:0");
	IN("fe80::/10", "febf::1");
	OUT("fe80::/10", "fec0::1");
	OUT("fe80::/10", "fe7f::1");
	IN("2001:db8::/127", "2001:db8::1");
	OUT("2001:db8::/127", "2001:db8::2");
}
END_TEST

/* Every length from 0 to the family's maximum, at its boundary. */
START_TEST(test_cidr_every_length)
{
	static const char	*const v4 = "203.0.113.77";
	static const char	*const v6 =
	    "2001:db8:abcd:1234:5678:9abc:def0:1357";
	struct cidr		 c;
	struct addr		 a, flip;
	char			 prefix[64];
	unsigned int		 bits;

	for (bits = 0; bits <= 32; bits++) {
		snprintf(prefix, sizeof prefix, "%s/%u", v4, bits);
		ck_assert_msg(cidr_parse(prefix, &c) == 0 && c.bits == bits,
		    "\"%s\": expected /%u", prefix, bits);
		addr_make(&a, v4, 1);
		ck_assert_msg(cidr_match(&c, &a), "%s in %s: expected a match",
		    v4, prefix);
		if (bits == 0)
			continue;
		/* Flip the last bit of the prefix: out. */
		flip = a;
		flip.bytes[(bits - 1) / 8] ^=
		    (uint8_t)(0x80 >> ((bits - 1) % 8));
		ck_assert_msg(!cidr_match(&c, &flip), "%s with bit %u flipped "
		    "in %s: expected no match, got one", v4, bits, prefix);
		/* Flip the first bit after it: still in. */
		if (bits < 32) {
			flip = a;
			flip.bytes[bits / 8] ^= (uint8_t)(0x80 >> (bits % 8));
			ck_assert_msg(cidr_match(&c, &flip), "%s with bit %u "
			    "flipped in %s: expected a match, got none", v4,
			    bits + 1, prefix);
		}
	}
	for (bits = 0; bits <= 128; bits++) {
		snprintf(prefix, sizeof prefix, "%s/%u", v6, bits);
		ck_assert_msg(cidr_parse(prefix, &c) == 0 && c.bits == bits,
		    "\"%s\": expected /%u", prefix, bits);
		addr_make(&a, v6, 1);
		ck_assert_msg(cidr_match(&c, &a), "%s in %s: expected a match",
		    v6, prefix);
		if (bits == 0)
			continue;
		flip = a;
		flip.bytes[(bits - 1) / 8] ^=
		    (uint8_t)(0x80 >> ((bits - 1) % 8));
		ck_assert_msg(!cidr_match(&c, &flip), "%s with bit %u flipped "
		    "in %s: expected no match, got one", v6, bits, prefix);
		if (bits < 128) {
			flip = a;
			flip.bytes[bits / 8] ^= (uint8_t)(0x80 >> (bits % 8));
			ck_assert_msg(cidr_match(&c, &flip), "%s with bit %u "
			    "flipped in %s: expected a match, got none", v6,
			    bits + 1, prefix);
		}
	}
}
END_TEST

/* --- refused ------------------------------------------------------------- */

START_TEST(test_cidr_malformed)
{
	static const char *const bad[] = {
		"", "abc", "/", "/8", "10.0.0.0/", "10.0.0.0/33",
		"10.0.0.0/-1", "10.0.0.0/8x", "10.0.0.0/ 8", "10.0.0.0/8 ",
		"10.0.0.0/8/8", "10.0.0.0/99999999999999999999",
		"10.0.0/8", "10.0.0.256", "10.0.0.0.0", " 10.0.0.0",
		"10.0.0.0 ", "::/129", "::1/200", "2001:db8::/",
		"2001:db8:::/32", "2001:db8::g/32", "[::1]", "[::1]/128",
		"localhost", "10.0.0.1:80", "1.2.3.4/0x10",
		"0123456789012345678901234567890123456789012345678901234567890"
		    "/8",
	};
	struct cidr	c;
	size_t		i;
	int		rc;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		rc = cidr_parse(bad[i], &c);
		ck_assert_msg(rc == -1, "\"%s\": expected -1, got %d",
		    esc_str(bad[i]), rc);
	}
}
END_TEST

/*
 * A prefix length is plain digits, as every CIDR tool writes it: "/-0"
 * would otherwise allow every IPv4 address.
 */
/* An IPv4-mapped prefix matches the IPv4 peers a dual-stack socket sees. */
START_TEST(test_cidr_v4mapped)
{
	struct cidr	c;
	struct addr	a;

	ck_assert_msg(cidr_parse("::ffff:10.0.0.0/104", &c) == 0,
	    "::ffff:10.0.0.0/104: expected accepted, got refused");
	ck_assert_msg(c.family == AF_INET && c.bits == 8,
	    "::ffff:10.0.0.0/104: expected IPv4 /8, got family %d /%d",
	    c.family, c.bits);
	memset(&a, 0, sizeof a);
	a.family = AF_INET;
	a.bytes[0] = 10;
	a.bytes[3] = 7;
	ck_assert_msg(cidr_match(&c, &a), "10.0.0.7: expected a match");
	a.bytes[0] = 11;
	ck_assert_msg(!cidr_match(&c, &a), "11.0.0.7: expected no match");
}
END_TEST

START_TEST(test_cidr_signed_length)
{
	static const char *const bad[] = {
		"10.0.0.0/-0", "10.0.0.0/+8", "::/-0", "2001:db8::/+32",
	};
	struct cidr	c;
	size_t		i;
	int		rc;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		rc = cidr_parse(bad[i], &c);
		ck_assert_msg(rc == -1, "\"%s\": expected -1, got %d (/%d)",
		    bad[i], rc, c.bits);
	}
}
END_TEST

/* Exact-size copies: nothing is read past the string's NUL. */
START_TEST(test_cidr_exact_copies)
{
	static const char *const all[] = {
		"10.0.0.0/8", "::1", "2001:db8::/32", "10.0.0.0/",
		"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128", "",
	};
	unsigned char	*copy;
	struct cidr	 c;
	size_t		 i;
	int		 rc;

	for (i = 0; i < ARRAY_SIZE(all); i++) {
		copy = dup_exact(all[i], strlen(all[i]) + 1);
		rc = cidr_parse((const char *)copy, &c);
		free(copy);
		ck_assert_msg(rc == (strcmp(all[i], "10.0.0.0/") == 0 ||
		    all[i][0] == '\0' ? -1 : 0), "\"%s\": unexpected %d",
		    all[i], rc);
	}
}
END_TEST

static Suite *
cidr_suite(void)
{
	Suite	*s = suite_create("cidr");
	TCase	*tc;

	tc = tcase_create("ipv4");
	tcase_add_test(tc, test_cidr_ipv4_slash8);
	tcase_add_test(tc, test_cidr_ipv4_slash24);
	tcase_add_test(tc, test_cidr_ipv4_single);
	tcase_add_test(tc, test_cidr_ignores_port);
	tcase_add_test(tc, test_cidr_ipv4_all);
	suite_add_tcase(s, tc);

	tc = tcase_create("ipv6");
	tcase_add_test(tc, test_cidr_ipv6_single);
	tcase_add_test(tc, test_cidr_ipv6_slash32);
	tcase_add_test(tc, test_cidr_ipv6_all);
	suite_add_tcase(s, tc);

	tc = tcase_create("unaligned");
	tcase_add_test(tc, test_cidr_unaligned);
	tcase_add_test(tc, test_cidr_every_length);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test(tc, test_cidr_malformed);
	tcase_add_test(tc, test_cidr_signed_length);
	tcase_add_test(tc, test_cidr_v4mapped);
	tcase_add_test(tc, test_cidr_exact_copies);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(cidr_suite());
}
