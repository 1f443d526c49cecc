/*
 * check_addr.c: peer addresses: from and to socket addresses (IPv4-mapped
 * IPv6 becoming IPv4), their text forms, comparison, and port parsing.
 */
#include "common.h"

#include <check.h>

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "addr.h"

#include "check_util.h"

static struct sockaddr_in
sin_make(const char *host, uint16_t port)
{
	struct sockaddr_in	sin;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	ck_assert_msg(inet_pton(AF_INET, host, &sin.sin_addr) == 1,
	    "test address %s", host);
	return sin;
}

static struct sockaddr_in6
sin6_make(const char *host, uint16_t port)
{
	struct sockaddr_in6	sin6;

	memset(&sin6, 0, sizeof sin6);
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(port);
	ck_assert_msg(inet_pton(AF_INET6, host, &sin6.sin6_addr) == 1,
	    "test address %s", host);
	return sin6;
}

/* Fill A from HOST and PORT, IPv4 or IPv6 by the form of HOST. */
static void
addr_make(struct addr *a, const char *host, uint16_t port)
{
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
	int			rc;

	if (strchr(host, ':') == NULL) {
		sin = sin_make(host, port);
		rc = addr_from_sockaddr(a, (struct sockaddr *)&sin, sizeof sin);
	} else {
		sin6 = sin6_make(host, port);
		rc = addr_from_sockaddr(a, (struct sockaddr *)&sin6,
		    sizeof sin6);
	}
	ck_assert_msg(rc == 0, "addr_from_sockaddr(%s port %u): expected 0, "
	    "got %d", host, port, rc);
}

static void
expect_format(const char *host, uint16_t port, const char *want)
{
	struct addr	 a;
	char		 out[ADDR_STRLEN];
	const char	*ret;

	memset(out, 'X', sizeof out);
	addr_make(&a, host, port);
	ret = addr_format(&a, out);
	ck_assert_msg(ret == out, "addr_format: expected it to return its "
	    "buffer");
	ck_assert_msg(memchr(out, '\0', sizeof out) != NULL &&
	    strcmp(out, want) == 0, "%s port %u: expected \"%s\", got \"%s\"",
	    host, port, want, esc(out, strnlen(out, sizeof out)));
}

/* --- from socket addresses ----------------------------------------------- */

START_TEST(test_addr_from_ipv4)
{
	static const uint8_t	 want[4] = { 127, 0, 0, 1 };
	struct sockaddr_in	 sin = sin_make("127.0.0.1", 53808);
	struct addr		 a;

	ck_assert_int_eq(addr_from_sockaddr(&a, (struct sockaddr *)&sin,
	    sizeof sin), 0);
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_int_eq(a.port, 53808);
	ck_assert_bytes(a.bytes, 4, want, 4);
}
END_TEST

START_TEST(test_addr_from_ipv6)
{
	static const uint8_t	 want[16] = {
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
	};
	struct sockaddr_in6	 sin6 = sin6_make("2001:db8::1", 8080);
	struct addr		 a;

	ck_assert_int_eq(addr_from_sockaddr(&a, (struct sockaddr *)&sin6,
	    sizeof sin6), 0);
	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert_int_eq(a.port, 8080);
	ck_assert_bytes(a.bytes, 16, want, 16);
}
END_TEST

/* A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d. */
START_TEST(test_addr_from_v4mapped)
{
	static const uint8_t	 want[4] = { 192, 0, 2, 1 };
	struct sockaddr_in6	 sin6 = sin6_make("::ffff:192.0.2.1", 4000);
	struct addr		 a;

	ck_assert_int_eq(addr_from_sockaddr(&a, (struct sockaddr *)&sin6,
	    sizeof sin6), 0);
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_int_eq(a.port, 4000);
	ck_assert_bytes(a.bytes, 4, want, 4);
	expect_format("::ffff:192.0.2.1", 4000, "192.0.2.1:4000");
	expect_format("::ffff:127.0.0.1", 53808, "127.0.0.1:53808");
	/* Not mapped: an IPv6 address that merely ends in an IPv4 one. */
	addr_make(&a, "::192.0.2.1", 1);
	ck_assert_int_eq(a.family, AF_INET6);
	addr_make(&a, "::fffe:192.0.2.1", 1);
	ck_assert_int_eq(a.family, AF_INET6);
}
END_TEST

START_TEST(test_addr_from_unknown)
{
	struct sockaddr_un	sun;
	struct sockaddr_in	sin = sin_make("127.0.0.1", 80);
	struct sockaddr_in6	sin6 = sin6_make("::1", 80);
	struct addr		a;
	char			out[ADDR_STRLEN];

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, "/tmp/sock");
	ck_assert_int_eq(addr_from_sockaddr(&a, (struct sockaddr *)&sun,
	    sizeof sun), -1);
	/* A truncated address is refused, not read past its length. */
	ck_assert_int_eq(addr_from_sockaddr(&a, (struct sockaddr *)&sin,
	    sizeof sin - 1), -1);
	ck_assert_int_eq(addr_from_sockaddr(&a, (struct sockaddr *)&sin6,
	    sizeof sin6 - 1), -1);
	ck_assert_str_eq(addr_format_sockaddr((struct sockaddr *)&sun,
	    sizeof sun, out), "?");
}
END_TEST

/* --- text forms ---------------------------------------------------------- */

START_TEST(test_addr_format)
{
	expect_format("127.0.0.1", 53808, "127.0.0.1:53808");
	expect_format("0.0.0.0", 0, "0.0.0.0:0");
	expect_format("255.255.255.255", 65535, "255.255.255.255:65535");
	expect_format("::1", 53808, "[::1]:53808");
	expect_format("::", 8080, "[::]:8080");
	expect_format("2001:db8::1", 8080, "[2001:db8::1]:8080");
	expect_format("fe80::1:2:3:4", 1, "[fe80::1:2:3:4]:1");
	/* The longest form fits ADDR_STRLEN. */
	expect_format("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535,
	    "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
}
END_TEST

START_TEST(test_addr_format_sockaddr)
{
	struct sockaddr_in	sin = sin_make("10.1.2.3", 4242);
	struct sockaddr_in6	sin6 = sin6_make("::1", 53808);
	char			out[ADDR_STRLEN];

	ck_assert_str_eq(addr_format_sockaddr((struct sockaddr *)&sin,
	    sizeof sin, out), "10.1.2.3:4242");
	ck_assert_str_eq(addr_format_sockaddr((struct sockaddr *)&sin6,
	    sizeof sin6, out), "[::1]:53808");
}
END_TEST

/* --- back to socket addresses -------------------------------------------- */

START_TEST(test_addr_to_sockaddr_ipv4)
{
	struct sockaddr_in	 want = sin_make("192.0.2.33", 8080);
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*got = (struct sockaddr_in *)&ss;
	struct addr		 a, back;
	socklen_t		 len;

	addr_make(&a, "192.0.2.33", 8080);
	len = addr_to_sockaddr(&a, &ss);
	ck_assert_int_eq(len, sizeof(struct sockaddr_in));
	ck_assert_int_eq(got->sin_family, AF_INET);
	ck_assert_int_eq(ntohs(got->sin_port), 8080);
	ck_assert_bytes(&got->sin_addr, 4, &want.sin_addr, 4);
	ck_assert_int_eq(addr_from_sockaddr(&back, (struct sockaddr *)&ss,
	    len), 0);
	ck_assert_msg(addr_equal(&a, &back, 1), "IPv4 round trip: expected "
	    "the same address and port");
	ck_assert_bytes(&back, sizeof back, &a, sizeof a);
}
END_TEST

START_TEST(test_addr_to_sockaddr_ipv6)
{
	struct sockaddr_in6	 want = sin6_make("2001:db8::42", 443);
	struct sockaddr_storage	 ss;
	struct sockaddr_in6	*got = (struct sockaddr_in6 *)&ss;
	struct addr		 a, back;
	socklen_t		 len;

	addr_make(&a, "2001:db8::42", 443);
	len = addr_to_sockaddr(&a, &ss);
	ck_assert_int_eq(len, sizeof(struct sockaddr_in6));
	ck_assert_int_eq(got->sin6_family, AF_INET6);
	ck_assert_int_eq(ntohs(got->sin6_port), 443);
	ck_assert_bytes(&got->sin6_addr, 16, &want.sin6_addr, 16);
	ck_assert_int_eq(addr_from_sockaddr(&back, (struct sockaddr *)&ss,
	    len), 0);
	ck_assert_bytes(&back, sizeof back, &a, sizeof a);
}
END_TEST

/* --- comparison ---------------------------------------------------------- */

START_TEST(test_addr_equal)
{
	struct addr	a, b;

	addr_make(&a, "127.0.0.1", 1000);
	addr_make(&b, "127.0.0.1", 2000);
	ck_assert_msg(addr_equal(&a, &b, 0), "same host, other port, port "
	    "ignored: expected equal");
	ck_assert_msg(!addr_equal(&a, &b, 1), "same host, other port, port "
	    "compared: expected different");
	addr_make(&b, "127.0.0.1", 1000);
	ck_assert_msg(addr_equal(&a, &b, 1), "same host and port: expected "
	    "equal");
	addr_make(&b, "127.0.0.2", 1000);
	ck_assert_msg(!addr_equal(&a, &b, 0), "127.0.0.1 and 127.0.0.2: "
	    "expected different");

	/* The same peer seen through a dual-stack socket. */
	addr_make(&b, "::ffff:127.0.0.1", 1000);
	ck_assert_msg(addr_equal(&a, &b, 1), "127.0.0.1 and ::ffff:127.0.0.1: "
	    "expected equal");
	addr_make(&b, "::1", 1000);
	ck_assert_msg(!addr_equal(&a, &b, 0), "127.0.0.1 and ::1: expected "
	    "different");

	addr_make(&a, "2001:db8::1", 80);
	addr_make(&b, "2001:db8::1", 81);
	ck_assert_msg(addr_equal(&a, &b, 0) && !addr_equal(&a, &b, 1),
	    "[2001:db8::1]:80 and :81: expected equal hosts, different ports");
	/* Differing only in the last byte, past the first four. */
	addr_make(&b, "2001:db8::2", 80);
	ck_assert_msg(!addr_equal(&a, &b, 0), "2001:db8::1 and 2001:db8::2: "
	    "expected different");
}
END_TEST

/* --- ports --------------------------------------------------------------- */

static void
expect_port(const char *s, int allow_zero, int want_rc, uint16_t want_port,
    const char *want_err)
{
	uint16_t	 port = 4321;
	const char	*err = NULL;
	int		 rc;

	rc = addr_parse_port(s, allow_zero, &port, &err);
	if (want_rc == 0)
		ck_assert_msg(rc == 0 && port == want_port,
		    "port \"%s\" (allow_zero %d): expected %u, got rc %d, port "
		    "%u, error %s", esc_str(s), allow_zero, want_port, rc, port,
		    esc_str(err));
	else
		ck_assert_msg(rc == -1 && err != NULL &&
		    strcmp(err, want_err) == 0,
		    "port \"%s\" (allow_zero %d): expected -1 \"%s\", got rc "
		    "%d, error %s", esc_str(s), allow_zero, want_err, rc,
		    esc_str(err));
}

START_TEST(test_addr_parse_port_valid)
{
	expect_port("8080", 0, 0, 8080, NULL);
	expect_port("1", 0, 0, 1, NULL);
	expect_port("65535", 0, 0, 65535, NULL);
	expect_port("53808", 1, 0, 53808, NULL);
	expect_port("0", 1, 0, 0, NULL);
}
END_TEST

START_TEST(test_addr_parse_port_invalid)
{
	expect_port("0", 0, -1, 0, "too small");
	expect_port("65536", 0, -1, 0, "too large");
	expect_port("65536", 1, -1, 0, "too large");
	expect_port("99999999999999999999", 1, -1, 0, "too large");
	expect_port("-1", 1, -1, 0, "too small");
	expect_port("8o", 0, -1, 0, "invalid");
	expect_port("", 0, -1, 0, "invalid");
	expect_port(" 80", 0, -1, 0, "invalid");
	expect_port("80 ", 0, -1, 0, "invalid");
	expect_port("0x50", 0, -1, 0, "invalid");
	expect_port("http", 0, -1, 0, "invalid");
}
END_TEST

static Suite *
addr_suite(void)
{
	Suite	*s = suite_create("addr");
	TCase	*tc;

	tc = tcase_create("from sockaddr");
	tcase_add_test(tc, test_addr_from_ipv4);
	tcase_add_test(tc, test_addr_from_ipv6);
	tcase_add_test(tc, test_addr_from_v4mapped);
	tcase_add_test(tc, test_addr_from_unknown);
	suite_add_tcase(s, tc);

	tc = tcase_create("format");
	tcase_add_test(tc, test_addr_format);
	tcase_add_test(tc, test_addr_format_sockaddr);
	suite_add_tcase(s, tc);

	tc = tcase_create("to sockaddr");
	tcase_add_test(tc, test_addr_to_sockaddr_ipv4);
	tcase_add_test(tc, test_addr_to_sockaddr_ipv6);
	suite_add_tcase(s, tc);

	tc = tcase_create("equal");
	tcase_add_test(tc, test_addr_equal);
	suite_add_tcase(s, tc);

	tc = tcase_create("port");
	tcase_add_test(tc, test_addr_parse_port_valid);
	tcase_add_test(tc, test_addr_parse_port_invalid);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(addr_suite());
}
