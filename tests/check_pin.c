/*
 * check_pin.c: key pins: digests written as "sha256:" and base64 and read
 * back, the SHA-256 of nothing as everyone else writes it, and every way a
 * string can fail to be a pin.
 */
#include "common.h"

#include <check.h>

#include <string.h>

#include "pin.h"

#include "check_util.h"

/* SHA-256 of the empty string, FIPS 180-4's example. */
static const unsigned char	empty_digest[PIN_BYTES] = {
	0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14,
	0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
	0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c,
	0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
};
#define EMPTY_PIN	"sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

START_TEST(test_pin_format)
{
	unsigned char	d[PIN_BYTES];
	char		out[PIN_STRLEN];
	size_t		i;

	memset(out, 'x', sizeof(out));
	pin_format(empty_digest, out);
	ck_assert_str_eq(out, EMPTY_PIN);
	ck_assert_uint_eq(strlen(out), PIN_STRLEN - 1);

	memset(d, 0, sizeof(d));
	pin_format(d, out);
	ck_assert_str_eq(out,
	    "sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	memset(d, 0xFF, sizeof(d));
	pin_format(d, out);
	ck_assert_str_eq(out,
	    "sha256://////////////////////////////////////////8=");
	for (i = 0; i < sizeof(d); i++)
		d[i] = (unsigned char)i;
	pin_format(d, out);
	ck_assert_str_eq(out,
	    "sha256:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
}
END_TEST

START_TEST(test_pin_parse)
{
	unsigned char	d[PIN_BYTES], back[PIN_BYTES];
	char		text[PIN_STRLEN];
	size_t		i;

	ck_assert_int_eq(pin_parse(EMPTY_PIN, strlen(EMPTY_PIN), d), 0);
	ck_assert_bytes(d, sizeof(d), empty_digest, sizeof(empty_digest));
	/* LEN counts, not a NUL: a pin may end a longer line. */
	ck_assert_int_eq(pin_parse(EMPTY_PIN " # mine", strlen(EMPTY_PIN), d),
	    0);
	ck_assert_bytes(d, sizeof(d), empty_digest, sizeof(empty_digest));
	for (i = 0; i < sizeof(d); i++)
		d[i] = (unsigned char)(i * 37 + 11);
	pin_format(d, text);
	ck_assert_int_eq(pin_parse(text, strlen(text), back), 0);
	ck_assert_bytes(back, sizeof(back), d, sizeof(d));
}
END_TEST

static const char *const bad_pins[] = {
	"",
	"sha256:",
	"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",	/* no prefix */
	"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
	"sha1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
	"sha512:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
	"sha256 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
	"sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",	/* short */
	"sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU==",	/* long */
	"sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=A",
	" sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF=",
	"sha256: 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF=",
	"sha256:47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=",	/* URL-safe */
	"sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=",	/* bits */
	"sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFUA",	/* 33 */
	"sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSu===",
	"sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hS====",
};

START_TEST(test_pin_rejects)
{
	const char	*s = bad_pins[_i];
	unsigned char	 d[PIN_BYTES];

	ck_assert_msg(pin_parse(s, strlen(s), d) == -1,
	    "\"%s\" read as a pin", esc_str(s));
}
END_TEST

static Suite *
pin_suite(void)
{
	Suite	*s = suite_create("pin");
	TCase	*tc;

	tc = tcase_create("pin");
	tcase_add_test(tc, test_pin_format);
	tcase_add_test(tc, test_pin_parse);
	tcase_add_loop_test(tc, test_pin_rejects, 0, (int)ARRAY_SIZE(bad_pins));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(pin_suite());
}
