/*
 * cookie.h: the stateless token a UDP source must send back ("/join TOKEN")
 * to prove it receives at its address: a keyed hash of the address and a
 * coarse time, so the server keeps no state for sources that never join.
 */
#ifndef TSCHAT_COOKIE_H
#define TSCHAT_COOKIE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "addr.h"

#define COOKIE_KEY_BYTES	16
#define COOKIE_CHARS		16
/*
 * A token is made for one window and accepted in the next two too: it is
 * good for at least two minutes.
 */
#define COOKIE_WINDOW_SECS	60
#define COOKIE_GRACE_WINDOWS	2

/* Fill KEY with random bytes: -1 if the system has none to give. */
int	cookie_key_init(uint8_t key[COOKIE_KEY_BYTES]);

/* Write the token for A at NOW to OUT (COOKIE_CHARS + 1 bytes). */
void	cookie_make(const uint8_t key[COOKIE_KEY_BYTES], const struct addr *a,
	    time_t now, char *out);

/* Whether TOKEN (LEN bytes) is A's and still good at NOW. */
int	cookie_check(const uint8_t key[COOKIE_KEY_BYTES], const struct addr *a,
	    time_t now, const char *token, size_t len);

/* SipHash-2-4 of DATA under KEY, as the paper by Aumasson and Bernstein. */
uint64_t siphash24(const uint8_t key[16], const void *data, size_t len);

#endif
