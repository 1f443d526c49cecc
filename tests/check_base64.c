/*
 * check_base64.c: base64 against the test vectors of RFC 4648 (section 10)
 * both ways, every byte value round-tripped, buffers too small, and what
 * the strict decoder must refuse: missing or misplaced padding,
 * whitespace, characters outside the alphabet (the URL-safe ones too) and
 * unused bits that are not zero.
 */
#include "common.h"

#include <check.h>

#include <string.h>

#include "base64.h"

#include "check_util.h"

static const struct {
	const char	*plain;
	const char	*encoded;
} rfc4648[] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
};

START_TEST(test_base64_rfc4648_encode)
{
	const char	*p = rfc4648[_i].plain, *want = rfc4648[_i].encoded;
	char		 out[16];
	size_t		 n;

	memset(out, 'x', sizeof(out));
	n = base64_encode((const unsigned char *)p, strlen(p), out,
	    sizeof(out));
	ck_assert_uint_eq(n, strlen(want));
	ck_assert_uint_eq(n, BASE64_ENCODED_LEN(strlen(p)));
	ck_assert_bytes_str(out, n, want);
	ck_assert_int_eq(out[n], '\0');
}
END_TEST

START_TEST(test_base64_rfc4648_decode)
{
	const char	*want = rfc4648[_i].plain, *in = rfc4648[_i].encoded;
	unsigned char	 out[16];
	size_t		 n = 99;

	ck_assert_int_eq(base64_decode(in, strlen(in), out, sizeof(out), &n),
	    0);
	ck_assert_bytes_str(out, n, want);
}
END_TEST

/* Exactly the room needed is enough; one byte less is not. */
START_TEST(test_base64_sizes)
{
	char		out[9];
	unsigned char	bin[6];
	size_t		n;

	memset(out, 'x', sizeof(out));
	ck_assert_uint_eq(base64_encode((const unsigned char *)"foob", 4, out,
	    8), 0);
	ck_assert_int_eq(out[0], 'x');
	ck_assert_uint_eq(base64_encode((const unsigned char *)"foob", 4, out,
	    9), 8);
	ck_assert_str_eq(out, "Zm9vYg==");
	ck_assert_uint_eq(base64_encode((const unsigned char *)"", 0, out, 0),
	    0);
	ck_assert_uint_eq(base64_encode((const unsigned char *)"", 0, out, 1),
	    0);
	ck_assert_int_eq(out[0], '\0');

	ck_assert_int_eq(base64_decode("Zm9vYg==", 8, bin, 4, &n), 0);
	ck_assert_bytes_str(bin, n, "foob");
	ck_assert_int_eq(base64_decode("Zm9vYg==", 8, bin, 3, &n), -1);
	ck_assert_int_eq(base64_decode("Zm9vYmFy", 8, bin, 6, &n), 0);
	ck_assert_bytes_str(bin, n, "foobar");
	ck_assert_int_eq(base64_decode("Zm9vYmFy", 8, bin, 5, &n), -1);
}
END_TEST

/* Every byte value, at every offset in a group, comes back. */
START_TEST(test_base64_round_trip)
{
	unsigned char	in[258], back[258];
	char		enc[BASE64_ENCODED_LEN(258) + 1];
	size_t		len, n, m;

	for (n = 0; n < sizeof(in); n++)
		in[n] = (unsigned char)(n * 7 + 3);
	for (len = 0; len <= sizeof(in); len++) {
		n = base64_encode(in, len, enc, sizeof(enc));
		ck_assert_uint_eq(n, BASE64_ENCODED_LEN(len));
		ck_assert_int_eq(base64_decode(enc, n, back, sizeof(back), &m),
		    0);
		ck_assert_bytes(back, m, in, len);
	}
}
END_TEST

/* The alphabet's last two letters are '+' and '/', not '-' and '_'. */
START_TEST(test_base64_alphabet)
{
	const unsigned char	in[] = { 0xFB, 0xFF, 0xBF };
	unsigned char		out[3];
	char			enc[5];
	size_t			n;

	ck_assert_uint_eq(base64_encode(in, 3, enc, sizeof(enc)), 4);
	ck_assert_str_eq(enc, "+/+/");
	ck_assert_int_eq(base64_decode("+/+/", 4, out, sizeof(out), &n), 0);
	ck_assert_bytes(out, n, in, sizeof(in));
	ck_assert_int_eq(base64_decode("-_-_", 4, out, sizeof(out), &n), -1);
}
END_TEST

static const char *const rejected[] = {
	"Zg",		/* no padding */
	"Zg=",		/* not enough */
	"Zm8",
	"Zm9vY",	/* not a whole group */
	"Zg===",
	"=",
	"==",
	"====",
	"Z===",		/* one character cannot make a byte */
	"Zg==Zg==",	/* padding before the end */
	"Zm=v",		/* '=' inside a group */
	"Z=9v",
	"=m9v",
	"Zm9v ",	/* whitespace, anywhere */
	" Zm9v",
	"Zm9v\n",
	"Zm 9v",
	"Zm9v\r\nYmFy",
	"Zm9*",		/* outside the alphabet */
	"Zm9.",
	"Zm9\x80",
	"Zh==",		/* unused bits set: "f" is only "Zg==" */
	"Zm9=",		/* "fo" is only "Zm8=" */
	"Zm9vYmF=",
};

START_TEST(test_base64_rejects)
{
	const char	*in = rejected[_i];
	unsigned char	 out[16];
	size_t		 n = 99;

	ck_assert_msg(base64_decode(in, strlen(in), out, sizeof(out), &n) ==
	    -1, "\"%s\" decoded to %zu bytes", esc_str(in), n);
}
END_TEST

/* A NUL is a bad character, not an end: LEN is what counts. */
START_TEST(test_base64_nul)
{
	unsigned char	out[8];
	size_t		n;

	ck_assert_int_eq(base64_decode("Zm9v\0mFy", 8, out, sizeof(out), &n),
	    -1);
	ck_assert_int_eq(base64_decode("Zm9vYmFyXXXX", 8, out, sizeof(out),
	    &n), 0);
	ck_assert_bytes_str(out, n, "foobar");
}
END_TEST

static Suite *
base64_suite(void)
{
	Suite	*s = suite_create("base64");
	TCase	*tc;

	tc = tcase_create("base64");
	tcase_add_loop_test(tc, test_base64_rfc4648_encode, 0,
	    (int)ARRAY_SIZE(rfc4648));
	tcase_add_loop_test(tc, test_base64_rfc4648_decode, 0,
	    (int)ARRAY_SIZE(rfc4648));
	tcase_add_test(tc, test_base64_sizes);
	tcase_add_test(tc, test_base64_round_trip);
	tcase_add_test(tc, test_base64_alphabet);
	tcase_add_loop_test(tc, test_base64_rejects, 0,
	    (int)ARRAY_SIZE(rejected));
	tcase_add_test(tc, test_base64_nul);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(base64_suite());
}
