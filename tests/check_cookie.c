/*
 * check_cookie.c: SipHash-2-4 against the reference vectors of Aumasson and
 * Bernstein, and the UDP join tokens made from it: their form, their two
 * windows of validity, and everything that must make a token fail.
 */
#include "common.h"

#include <check.h>

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "cookie.h"
#include "defaults.h"

#include "check_util.h"

/* A time in the middle of a window, and one at each of its edges. */
#define NOW		((time_t)1700000010)

static const uint8_t	ref_key[16] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};

/*
 * vectors_sip64 of the reference implementation (veorq/SipHash,
 * vectors.h): the hash, in little-endian byte order, of the message
 * 00 01 02 ... (i - 1) under ref_key.
 */
static const uint8_t	ref_vectors[64][8] = {
	{ 0x31, 0x0e, 0x0e, 0xdd, 0x47, 0xdb, 0x6f, 0x72 },
	{ 0xfd, 0x67, 0xdc, 0x93, 0xc5, 0x39, 0xf8, 0x74 },
	{ 0x5a, 0x4f, 0xa9, 0xd9, 0x09, 0x80, 0x6c, 0x0d },
	{ 0x2d, 0x7e, 0xfb, 0xd7, 0x96, 0x66, 0x67, 0x85 },
	{ 0xb7, 0x87, 0x71, 0x27, 0xe0, 0x94, 0x27, 0xcf },
	{ 0x8d, 0xa6, 0x99, 0xcd, 0x64, 0x55, 0x76, 0x18 },
	{ 0xce, 0xe3, 0xfe, 0x58, 0x6e, 0x46, 0xc9, 0xcb },
	{ 0x37, 0xd1, 0x01, 0x8b, 0xf5, 0x00, 0x02, 0xab },
	{ 0x62, 0x24, 0x93, 0x9a, 0x79, 0xf5, 0xf5, 0x93 },
	{ 0xb0, 0xe4, 0xa9, 0x0b, 0xdf, 0x82, 0x00, 0x9e },
	{ 0xf3, 0xb9, 0xdd, 0x94, 0xc5, 0xbb, 0x5d, 0x7a },
	{ 0xa7, 0xad, 0x6b, 0x22, 0x46, 0x2f, 0xb3, 0xf4 },
	{ 0xfb, 0xe5, 0x0e, 0x86, 0xbc, 0x8f, 0x1e, 0x75 },
	{ 0x90, 0x3d, 0x84, 0xc0, 0x27, 0x56, 0xea, 0x14 },
	{ 0xee, 0xf2, 0x7a, 0x8e, 0x90, 0xca, 0x23, 0xf7 },
	{ 0xe5, 0x45, 0xbe, 0x49, 0x61, 0xca, 0x29, 0xa1 },
	{ 0xdb, 0x9b, 0xc2, 0x57, 0x7f, 0xcc, 0x2a, 0x3f },
	{ 0x94, 0x47, 0xbe, 0x2c, 0xf5, 0xe9, 0x9a, 0x69 },
	{ 0x9c, 0xd3, 0x8d, 0x96, 0xf0, 0xb3, 0xc1, 0x4b },
	{ 0xbd, 0x61, 0x79, 0xa7, 0x1d, 0xc9, 0x6d, 0xbb },
	{ 0x98, 0xee, 0xa2, 0x1a, 0xf2, 0x5c, 0xd6, 0xbe },
	{ 0xc7, 0x67, 0x3b, 0x2e, 0xb0, 0xcb, 0xf2, 0xd0 },
	{ 0x88, 0x3e, 0xa3, 0xe3, 0x95, 0x67, 0x53, 0x93 },
	{ 0xc8, 0xce, 0x5c, 0xcd, 0x8c, 0x03, 0x0c, 0xa8 },
	{ 0x94, 0xaf, 0x49, 0xf6, 0xc6, 0x50, 0xad, 0xb8 },
	{ 0xea, 0xb8, 0x85, 0x8a, 0xde, 0x92, 0xe1, 0xbc },
	{ 0xf3, 0x15, 0xbb, 0x5b, 0xb8, 0x35, 0xd8, 0x17 },
	{ 0xad, 0xcf, 0x6b, 0x07, 0x63, 0x61, 0x2e, 0x2f },
	{ 0xa5, 0xc9, 0x1d, 0xa7, 0xac, 0xaa, 0x4d, 0xde },
	{ 0x71, 0x65, 0x95, 0x87, 0x66, 0x50, 0xa2, 0xa6 },
	{ 0x28, 0xef, 0x49, 0x5c, 0x53, 0xa3, 0x87, 0xad },
	{ 0x42, 0xc3, 0x41, 0xd8, 0xfa, 0x92, 0xd8, 0x32 },
	{ 0xce, 0x7c, 0xf2, 0x72, 0x2f, 0x51, 0x27, 0x71 },
	{ 0xe3, 0x78, 0x59, 0xf9, 0x46, 0x23, 0xf3, 0xa7 },
	{ 0x38, 0x12, 0x05, 0xbb, 0x1a, 0xb0, 0xe0, 0x12 },
	{ 0xae, 0x97, 0xa1, 0x0f, 0xd4, 0x34, 0xe0, 0x15 },
	{ 0xb4, 0xa3, 0x15, 0x08, 0xbe, 0xff, 0x4d, 0x31 },
	{ 0x81, 0x39, 0x62, 0x29, 0xf0, 0x90, 0x79, 0x02 },
	{ 0x4d, 0x0c, 0xf4, 0x9e, 0xe5, 0xd4, 0xdc, 0xca },
	{ 0x5c, 0x73, 0x33, 0x6a, 0x76, 0xd8, 0xbf, 0x9a },
	{ 0xd0, 0xa7, 0x04, 0x53, 0x6b, 0xa9, 0x3e, 0x0e },
	{ 0x92, 0x59, 0x58, 0xfc, 0xd6, 0x42, 0x0c, 0xad },
	{ 0xa9, 0x15, 0xc2, 0x9b, 0xc8, 0x06, 0x73, 0x18 },
	{ 0x95, 0x2b, 0x79, 0xf3, 0xbc, 0x0a, 0xa6, 0xd4 },
	{ 0xf2, 0x1d, 0xf2, 0xe4, 0x1d, 0x45, 0x35, 0xf9 },
	{ 0x87, 0x57, 0x75, 0x19, 0x04, 0x8f, 0x53, 0xa9 },
	{ 0x10, 0xa5, 0x6c, 0xf5, 0xdf, 0xcd, 0x9a, 0xdb },
	{ 0xeb, 0x75, 0x09, 0x5c, 0xcd, 0x98, 0x6c, 0xd0 },
	{ 0x51, 0xa9, 0xcb, 0x9e, 0xcb, 0xa3, 0x12, 0xe6 },
	{ 0x96, 0xaf, 0xad, 0xfc, 0x2c, 0xe6, 0x66, 0xc7 },
	{ 0x72, 0xfe, 0x52, 0x97, 0x5a, 0x43, 0x64, 0xee },
	{ 0x5a, 0x16, 0x45, 0xb2, 0x76, 0xd5, 0x92, 0xa1 },
	{ 0xb2, 0x74, 0xcb, 0x8e, 0xbf, 0x87, 0x87, 0x0a },
	{ 0x6f, 0x9b, 0xb4, 0x20, 0x3d, 0xe7, 0xb3, 0x81 },
	{ 0xea, 0xec, 0xb2, 0xa3, 0x0b, 0x22, 0xa8, 0x7f },
	{ 0x99, 0x24, 0xa4, 0x3c, 0xc1, 0x31, 0x57, 0x24 },
	{ 0xbd, 0x83, 0x8d, 0x3a, 0xaf, 0xbf, 0x8d, 0xb7 },
	{ 0x0b, 0x1a, 0x2a, 0x32, 0x65, 0xd5, 0x1a, 0xea },
	{ 0x13, 0x50, 0x79, 0xa3, 0x23, 0x1c, 0xe6, 0x60 },
	{ 0x93, 0x2b, 0x28, 0x46, 0xe4, 0xd7, 0x06, 0x66 },
	{ 0xe1, 0x91, 0x5f, 0x5c, 0xb1, 0xec, 0xa4, 0x6c },
	{ 0xf3, 0x25, 0x96, 0x5c, 0xa1, 0x6d, 0x62, 0x9f },
	{ 0x57, 0x5f, 0xf2, 0x8e, 0x60, 0x38, 0x1b, 0xe5 },
	{ 0x72, 0x45, 0x06, 0xeb, 0x4c, 0x32, 0x8a, 0x95 },
};

static uint64_t
le64(const uint8_t *p)
{
	uint64_t	v = 0;
	int		i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* Fill A from HOST and PORT, IPv4 or IPv6 by the form of HOST. */
static void
addr_make(struct addr *a, const char *host, uint16_t port)
{
	memset(a, 0, sizeof *a);
	a->family = strchr(host, ':') != NULL ? AF_INET6 : AF_INET;
	a->port = port;
	ck_assert_msg(inet_pton(a->family, host, a->bytes) == 1,
	    "test address %s", host);
}

/* cookie_check on an exact-size copy of TOKEN (LEN bytes). */
static int
check_exact(const uint8_t *key, const struct addr *a, time_t now,
    const char *token, size_t len)
{
	unsigned char	*copy;
	int		 ok;

	if (len == 0)
		return cookie_check(key, a, now, token, 0);
	copy = dup_exact(token, len);
	ok = cookie_check(key, a, now, (const char *)copy, len);
	free(copy);
	return ok;
}

/* --- SipHash-2-4 --------------------------------------------------------- */

START_TEST(test_cookie_siphash_paper_vector)
{
	uint8_t		msg[15];
	uint64_t	h;
	size_t		i;

	for (i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)i;
	h = siphash24(ref_key, msg, sizeof msg);
	ck_assert_msg(h == 0xa129ca6149be45e5ULL, "the paper's 15-byte "
	    "message: expected 0xa129ca6149be45e5, got 0x%016llx",
	    (unsigned long long)h);
	h = siphash24(ref_key, msg, 0);
	ck_assert_msg(h == 0x726fdb47dd0e0e31ULL, "the empty message: "
	    "expected 0x726fdb47dd0e0e31, got 0x%016llx",
	    (unsigned long long)h);
}
END_TEST

/* All 64 lengths: every tail length, one block and several. */
START_TEST(test_cookie_siphash_reference_vectors)
{
	uint8_t		 msg[64];
	unsigned char	*copy;
	uint64_t	 h, want;
	size_t		 i;

	for (i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)i;
	for (i = 0; i < 64; i++) {
		want = le64(ref_vectors[i]);
		copy = dup_exact(msg, i);
		h = siphash24(ref_key, copy, i);
		free(copy);
		ck_assert_msg(h == want, "message of %zu bytes: expected "
		    "0x%016llx, got 0x%016llx", i, (unsigned long long)want,
		    (unsigned long long)h);
	}
}
END_TEST

/* Unaligned input gives the same hash. */
START_TEST(test_cookie_siphash_unaligned)
{
	uint8_t		buf[64 + 8];
	uint64_t	h;
	size_t		off, i;

	for (off = 1; off < 8; off++) {
		for (i = 0; i < 40; i++)
			buf[off + i] = (uint8_t)i;
		h = siphash24(ref_key, buf + off, 40);
		ck_assert_msg(h == le64(ref_vectors[40]), "40 bytes at offset "
		    "%zu: expected 0x%016llx, got 0x%016llx", off,
		    (unsigned long long)le64(ref_vectors[40]),
		    (unsigned long long)h);
	}
}
END_TEST

/* --- the token ----------------------------------------------------------- */

START_TEST(test_cookie_form)
{
	uint8_t		key[COOKIE_KEY_BYTES];
	struct addr	a;
	char		tok[COOKIE_CHARS + 1], again[COOKIE_CHARS + 1];
	size_t		i;

	ck_assert_msg(COOKIE_CHARS <= 16, "expected tokens of at most 16 "
	    "characters, COOKIE_CHARS is %d", COOKIE_CHARS);
	ck_assert_int_eq(cookie_key_init(key), 0);
	addr_make(&a, "192.0.2.7", 40000);
	memset(tok, 'X', sizeof tok);
	cookie_make(key, &a, NOW, tok);
	ck_assert_msg(tok[COOKIE_CHARS] == '\0', "expected a NUL after %d "
	    "characters, got \"%s\"", COOKIE_CHARS, esc(tok, sizeof tok));
	ck_assert_msg(strlen(tok) == 16, "expected 16 characters, got \"%s\"",
	    esc_str(tok));
	for (i = 0; i < 16; i++)
		ck_assert_msg((tok[i] >= '0' && tok[i] <= '9') ||
		    (tok[i] >= 'a' && tok[i] <= 'f'), "expected lowercase hex, "
		    "got \"%s\"", esc_str(tok));
	/* The same address in the same window: the same token. */
	cookie_make(key, &a, NOW + 1, again);
	ck_assert_msg(strcmp(tok, again) == 0, "one second later in the same "
	    "window: expected \"%s\", got \"%s\"", tok, again);
}
END_TEST

START_TEST(test_cookie_key_init_random)
{
	uint8_t	k1[COOKIE_KEY_BYTES], k2[COOKIE_KEY_BYTES];

	ck_assert_int_eq(cookie_key_init(k1), 0);
	ck_assert_int_eq(cookie_key_init(k2), 0);
	ck_assert_msg(memcmp(k1, k2, sizeof k1) != 0,
	    "expected two keys to differ, got the same 16 bytes twice");
}
END_TEST

/*
 * A token is good when made and for at least two minutes after; three
 * windows on (180 s or more) it is not: for every second of a window in
 * which it may have been made.
 */
START_TEST(test_cookie_validity_windows)
{
	uint8_t		key[COOKIE_KEY_BYTES];
	struct addr	a;
	char		tok[COOKIE_CHARS + 1];
	time_t		t, base = NOW - NOW % COOKIE_WINDOW_SECS;

	ck_assert_int_eq(cookie_key_init(key), 0);
	addr_make(&a, "198.51.100.20", 5555);
	for (t = base; t < base + COOKIE_WINDOW_SECS; t++) {
		cookie_make(key, &a, t, tok);
		ck_assert_msg(check_exact(key, &a, t, tok, 16),
		    "at t = %lld, when made: expected good, got refused",
		    (long long)t);
		ck_assert_msg(check_exact(key, &a, t + 60, tok, 16),
		    "made at %lld, 60 s later: expected good, got refused",
		    (long long)t);
		ck_assert_msg(check_exact(key, &a, t + 120, tok, 16),
		    "made at %lld, 120 s later: expected good, got refused",
		    (long long)t);
		ck_assert_msg(check_exact(key, &a,
		    base + 3 * COOKIE_WINDOW_SECS - 1, tok, 16),
		    "made at %lld, at the end of the third window: expected "
		    "good, got refused", (long long)t);
		ck_assert_msg(!check_exact(key, &a, t + 180, tok, 16),
		    "made at %lld, 180 s later: expected refused, got good",
		    (long long)t);
		ck_assert_msg(!check_exact(key, &a, t + 3600, tok, 16),
		    "made at %lld, an hour later: expected refused, got good",
		    (long long)t);
		ck_assert_msg(!check_exact(key, &a, t - 60, tok, 16),
		    "made at %lld, checked 60 s before: expected refused, "
		    "got good", (long long)t);
	}
}
END_TEST

/* Near the epoch there is no window before the first one. */
START_TEST(test_cookie_early_times)
{
	uint8_t		key[COOKIE_KEY_BYTES];
	struct addr	a;
	char		tok[COOKIE_CHARS + 1];

	ck_assert_int_eq(cookie_key_init(key), 0);
	addr_make(&a, "192.0.2.1", 1234);
	cookie_make(key, &a, 0, tok);
	ck_assert_msg(check_exact(key, &a, 0, tok, 16), "at time 0: expected "
	    "good, got refused");
	ck_assert_msg(check_exact(key, &a, 61, tok, 16), "made at 0, at 61: "
	    "expected good, got refused");
	ck_assert_msg(check_exact(key, &a, 179, tok, 16), "made at 0, at "
	    "179: expected good, got refused");
	ck_assert_msg(!check_exact(key, &a, 180, tok, 16), "made at 0, at "
	    "180: expected refused, got good");
}
END_TEST

/*
 * The contract's notice "[STAMP] *** send /join TOKEN\n" fits the reply
 * bound of the shortest request, one byte, under the default stamp.
 */
START_TEST(test_cookie_notice_fits_bound)
{
	static const char	stamp[] = "[Wed Aug 14 20:50:19 2013] ";
	static const char	text[] = "*** send /join ";
	size_t			notice;

	notice = (sizeof stamp - 1) + (sizeof text - 1) + COOKIE_CHARS + 1;
	ck_assert_msg(notice <= 1 + UDP_REPLY_SLACK_BYTES, "expected the join "
	    "notice within %d bytes, it takes %zu", 1 + UDP_REPLY_SLACK_BYTES,
	    notice);
}
END_TEST

/* --- what a token does not fit ------------------------------------------- */

START_TEST(test_cookie_other_address)
{
	static const struct {
		const char	*host;
		uint16_t	 port;
		const char	*what;
	} others[] = {
		{ "203.0.113.6", 40000, "another IPv4 address" },
		{ "203.0.113.5", 40001, "another port" },
		{ "203.0.113.5", 39999, "another port" },
		{ "::ffff:203.0.113.5", 40000, "an IPv6 address" },
		{ "cb00:7105::", 40000, "IPv6 of the same bytes" },
	};
	uint8_t		key[COOKIE_KEY_BYTES];
	struct addr	a, b;
	char		tok[COOKIE_CHARS + 1];
	size_t		i;

	ck_assert_int_eq(cookie_key_init(key), 0);
	addr_make(&a, "203.0.113.5", 40000);
	cookie_make(key, &a, NOW, tok);
	ck_assert_msg(check_exact(key, &a, NOW, tok, 16), "the token's own "
	    "address: expected good, got refused");
	for (i = 0; i < ARRAY_SIZE(others); i++) {
		addr_make(&b, others[i].host, others[i].port);
		ck_assert_msg(!check_exact(key, &b, NOW, tok, 16), "%s "
		    "(%s port %u): expected refused, got good", others[i].what,
		    others[i].host, others[i].port);
	}

	/* And the same for an IPv6 token. */
	addr_make(&a, "2001:db8::1", 40000);
	cookie_make(key, &a, NOW, tok);
	ck_assert_msg(check_exact(key, &a, NOW, tok, 16), "IPv6: expected "
	    "good, got refused");
	addr_make(&b, "2001:db8::2", 40000);
	ck_assert_msg(!check_exact(key, &b, NOW, tok, 16), "another IPv6 "
	    "address: expected refused, got good");
	addr_make(&b, "2001:db8::1", 40002);
	ck_assert_msg(!check_exact(key, &b, NOW, tok, 16), "another IPv6 "
	    "port: expected refused, got good");
}
END_TEST

START_TEST(test_cookie_wrong_length)
{
	uint8_t		key[COOKIE_KEY_BYTES];
	struct addr	a;
	char		tok[COOKIE_CHARS + 2];
	size_t		n;

	ck_assert_int_eq(cookie_key_init(key), 0);
	addr_make(&a, "192.0.2.9", 6000);
	cookie_make(key, &a, NOW, tok);
	for (n = 0; n < 16; n++)
		ck_assert_msg(!check_exact(key, &a, NOW, tok, n), "the first "
		    "%zu characters: expected refused, got good", n);
	/* The whole token and one more character. */
	tok[16] = '0';
	tok[17] = '\0';
	ck_assert_msg(!check_exact(key, &a, NOW, tok, 17), "the token and a "
	    "\"0\": expected refused, got good");
}
END_TEST

START_TEST(test_cookie_one_character_changed)
{
	static const char	hex[] = "0123456789abcdef";
	uint8_t			key[COOKIE_KEY_BYTES];
	struct addr		a;
	char			tok[COOKIE_CHARS + 1], bad[COOKIE_CHARS + 1];
	size_t			i, h;

	ck_assert_int_eq(cookie_key_init(key), 0);
	addr_make(&a, "192.0.2.10", 7000);
	cookie_make(key, &a, NOW, tok);
	for (i = 0; i < 16; i++) {
		for (h = 0; h < 16; h++) {
			if (hex[h] == tok[i])
				continue;
			memcpy(bad, tok, sizeof bad);
			bad[i] = hex[h];
			ck_assert_msg(!check_exact(key, &a, NOW, bad, 16),
			    "\"%s\" for \"%s\": expected refused, got good",
			    bad, tok);
		}
		memcpy(bad, tok, sizeof bad);
		bad[i] = 'g';
		ck_assert_msg(!check_exact(key, &a, NOW, bad, 16),
		    "\"%s\": expected refused, got good", bad);
	}
	/* Not even binary rubbish of the right length. */
	ck_assert_msg(!check_exact(key, &a, NOW, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
	    "\0\0", 16), "16 NULs: expected refused, got good");
}
END_TEST

START_TEST(test_cookie_other_key)
{
	uint8_t		k1[COOKIE_KEY_BYTES], k2[COOKIE_KEY_BYTES];
	struct addr	a;
	char		tok[COOKIE_CHARS + 1], tok2[COOKIE_CHARS + 1];

	memcpy(k1, ref_key, sizeof k1);
	memcpy(k2, ref_key, sizeof k2);
	k2[15] ^= 0x01;
	addr_make(&a, "192.0.2.11", 8000);
	cookie_make(k1, &a, NOW, tok);
	ck_assert_msg(check_exact(k1, &a, NOW, tok, 16), "its own key: "
	    "expected good, got refused");
	ck_assert_msg(!check_exact(k2, &a, NOW, tok, 16), "a key one bit "
	    "away: expected refused, got good");
	cookie_make(k2, &a, NOW, tok2);
	ck_assert_msg(strcmp(tok, tok2) != 0, "two keys: expected two tokens, "
	    "got \"%s\" twice", tok);
}
END_TEST

static int
cmp_token(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Tokens of many sources do not repeat. */
START_TEST(test_cookie_distinct)
{
	enum { N = 2000 };
	static char	toks[N][COOKIE_CHARS + 1];
	uint8_t		key[COOKIE_KEY_BYTES];
	struct addr	a;
	size_t		i;

	ck_assert_int_eq(cookie_key_init(key), 0);
	for (i = 0; i < N; i++) {
		addr_make(&a, "10.0.0.1", (uint16_t)(1024 + i % 1000));
		a.bytes[3] = (uint8_t)(i / 1000);
		cookie_make(key, &a, NOW, toks[i]);
	}
	qsort(toks, N, sizeof toks[0], cmp_token);
	for (i = 1; i < N; i++)
		ck_assert_msg(strcmp(toks[i - 1], toks[i]) != 0, "%d sources: "
		    "expected %d different tokens, got \"%s\" twice", N, N,
		    toks[i]);
}
END_TEST

static Suite *
cookie_suite(void)
{
	Suite	*s = suite_create("cookie");
	TCase	*tc;

	tc = tcase_create("siphash");
	tcase_add_test(tc, test_cookie_siphash_paper_vector);
	tcase_add_test(tc, test_cookie_siphash_reference_vectors);
	tcase_add_test(tc, test_cookie_siphash_unaligned);
	suite_add_tcase(s, tc);

	tc = tcase_create("token");
	tcase_add_test(tc, test_cookie_form);
	tcase_add_test(tc, test_cookie_key_init_random);
	tcase_add_test(tc, test_cookie_validity_windows);
	tcase_add_test(tc, test_cookie_early_times);
	tcase_add_test(tc, test_cookie_notice_fits_bound);
	suite_add_tcase(s, tc);

	tc = tcase_create("refusals");
	tcase_add_test(tc, test_cookie_other_address);
	tcase_add_test(tc, test_cookie_wrong_length);
	tcase_add_test(tc, test_cookie_one_character_changed);
	tcase_add_test(tc, test_cookie_other_key);
	tcase_add_test(tc, test_cookie_distinct);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(cookie_suite());
}
