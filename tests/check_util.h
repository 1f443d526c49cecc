/*
 * check_util.h: what the unit tests share: bytes shown as an escaped string
 * in failure messages, an assertion on exact bytes, exact-size copies for
 * valgrind, a seeded random generator, and a scratch directory.
 */
#ifndef TSCHAT_CHECK_UTIL_H
#define TSCHAT_CHECK_UTIL_H

#include <check.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define ESC_SLOTS	8
#define ESC_BYTES	256

/*
 * LEN bytes of S as the body of a C string literal ("a\x1B[\r\n"), cut
 * with "..." when long. The result lives in one of a few rotating static
 * buffers, so that one message may show several.
 */
static inline const char *
esc(const void *s, size_t len)
{
	static char		 buf[ESC_SLOTS][ESC_BYTES];
	static unsigned int	 next;
	const unsigned char	*p = s;
	char			*out = buf[next++ % ESC_SLOTS];
	size_t			 i, o = 0;

	for (i = 0; i < len; i++) {
		if (o + 8 >= ESC_BYTES) {
			memcpy(out + o, "...", 4);
			return out;
		}
		if (p[i] == '\\' || p[i] == '"') {
			out[o++] = '\\';
			out[o++] = (char)p[i];
		} else if (p[i] == '\n') {
			memcpy(out + o, "\\n", 2);
			o += 2;
		} else if (p[i] == '\r') {
			memcpy(out + o, "\\r", 2);
			o += 2;
		} else if (p[i] == '\t') {
			memcpy(out + o, "\\t", 2);
			o += 2;
		} else if (p[i] >= 0x20 && p[i] < 0x7F)
			out[o++] = (char)p[i];
		else
			o += (size_t)snprintf(out + o, ESC_BYTES - o, "\\x%02X",
			    p[i]);
	}
	out[o] = '\0';
	return out;
}

/* The same for a C string (NULL shows as "(null)"). */
static inline const char *
esc_str(const char *s)
{
	return s == NULL ? "(null)" : esc(s, strlen(s));
}

/* GOT (GLEN bytes) must be exactly WANT (WLEN bytes). */
#define ck_assert_bytes(got, glen, want, wlen) do {			\
	const void	*ckb_g = (got), *ckb_w = (want);		\
	size_t		 ckb_gl = (glen), ckb_wl = (wlen);		\
									\
	ck_assert_msg(ckb_gl == ckb_wl &&				\
	    (ckb_wl == 0 || memcmp(ckb_g, ckb_w, ckb_wl) == 0),		\
	    "expected \"%s\" (%zu bytes), got \"%s\" (%zu bytes)",	\
	    esc(ckb_w, ckb_wl), ckb_wl, esc(ckb_g, ckb_gl), ckb_gl);	\
} while (0)

/* GOT (GLEN bytes) must be exactly the C string WANT. */
#define ck_assert_bytes_str(got, glen, want) do {			\
	const char	*ckbs_w = (want);				\
									\
	ck_assert_bytes((got), (glen), ckbs_w, strlen(ckbs_w));		\
} while (0)

/*
 * A copy of LEN bytes of S in a block of exactly that size, so that
 * valgrind sees any read past its end; free() it.
 */
static inline unsigned char *
dup_exact(const void *s, size_t len)
{
	unsigned char	*p = malloc(len > 0 ? len : 1);

	if (p == NULL)
		abort();
	if (len > 0)
		memcpy(p, s, len);
	return p;
}

/* xorshift64*: the same pseudo-random bytes on every system. */
static inline uint32_t
test_random(uint64_t *state)
{
	uint64_t	x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return (uint32_t)((x * 0x2545F4914F6CDD1DULL) >> 32);
}

/* A new directory NAME.XXXXXX under TMPDIR (or /tmp), to free(). */
static inline char *
scratch_dir(const char *name)
{
	const char	*tmp = getenv("TMPDIR");
	char		*dir;

	xasprintf(&dir, "%s/%s.XXXXXX", tmp != NULL && *tmp != '\0' ? tmp :
	    "/tmp", name);
	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
	return dir;
}

/* Remove DIR and what it holds, modes taken away by a test included. */
static inline void
scratch_remove(const char *dir)
{
	char	*cmd;

	xasprintf(&cmd, "chmod -R u+rwx '%s' && rm -rf '%s'", dir, dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

/* Run the suite S; the exit status automake's test driver wants. */
static inline int
run_suite(Suite *s)
{
	SRunner	*sr = srunner_create(s);
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed > 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
