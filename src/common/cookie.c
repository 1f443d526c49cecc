/*
 * cookie.c: UDP join tokens, SipHash-2-4 of (address, port, time window)
 * under a key drawn at start. Sixteen hex digits are 64 bits: a source that
 * cannot see the server's replies cannot guess one.
 */
#include "common.h"

#include <sys/types.h>
#include <sys/socket.h>
#ifdef HAVE_GETRANDOM
#include <sys/random.h>
#else
#include <fcntl.h>
#include <unistd.h>
#endif

#include <errno.h>
#include <string.h>

#include "cookie.h"

#define ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static uint64_t
load64(const uint8_t *p)
{
	uint64_t	v = 0;
	int		i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

#define SIPROUND do {							\
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;				\
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;				\
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
} while (0)

uint64_t
siphash24(const uint8_t key[16], const void *data, size_t len)
{
	const uint8_t	*in = data;
	uint64_t	 k0 = load64(key), k1 = load64(key + 8), m, b;
	uint64_t	 v0 = 0x736f6d6570736575ULL ^ k0;
	uint64_t	 v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t	 v2 = 0x6c7967656e657261ULL ^ k0;
	uint64_t	 v3 = 0x7465646279746573ULL ^ k1;
	size_t		 i, left = len & 7;

	for (i = 0; i + 8 <= len; i += 8) {
		m = load64(in + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	b = (uint64_t)len << 56;
	while (left-- > 0)
		b |= (uint64_t)in[i + left] << (8 * left);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

#ifdef HAVE_GETRANDOM
/* Fill BUF with LEN bytes from the kernel's pool: 0, or -1 with errno. */
static int
random_bytes(uint8_t *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = getrandom(buf, len, 0)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}
#else
/* Without getrandom(2), the same pool through /dev/urandom. */
static int
random_bytes(uint8_t *buf, size_t len)
{
	ssize_t	n;
	int	fd, saved;

	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while (len > 0) {
		if ((n = read(fd, buf, len)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			saved = n == 0 ? EIO : errno;
			close(fd);
			errno = saved;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	close(fd);
	return 0;
}
#endif

int
cookie_key_init(uint8_t key[COOKIE_KEY_BYTES])
{
	return random_bytes(key, COOKIE_KEY_BYTES);
}

static void
make_for_window(const uint8_t key[COOKIE_KEY_BYTES], const struct addr *a,
    uint64_t window, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	uint8_t			 msg[1 + 2 + 16 + 8];
	uint64_t		 h;
	int			 i;

	memset(msg, 0, sizeof msg);
	msg[0] = a->family;
	msg[1] = a->port >> 8;
	msg[2] = a->port & 0xff;
	memcpy(msg + 3, a->bytes, a->family == AF_INET ? 4 : 16);
	for (i = 0; i < 8; i++)
		msg[19 + i] = (uint8_t)(window >> (8 * i));
	h = siphash24(key, msg, sizeof msg);
	for (i = 0; i < COOKIE_CHARS; i++)
		out[i] = hex[(h >> (4 * i)) & 0xf];
	out[COOKIE_CHARS] = '\0';
}

void
cookie_make(const uint8_t key[COOKIE_KEY_BYTES], const struct addr *a,
    time_t now, char *out)
{
	make_for_window(key, a, (uint64_t)now / COOKIE_WINDOW_SECS, out);
}

int
cookie_check(const uint8_t key[COOKIE_KEY_BYTES], const struct addr *a,
    time_t now, const char *token, size_t len)
{
	char		want[COOKIE_CHARS + 1];
	uint64_t	w = (uint64_t)now / COOKIE_WINDOW_SECS;
	int		i;

	if (len != COOKIE_CHARS)
		return 0;
	for (i = 0; i <= COOKIE_GRACE_WINDOWS && w >= (uint64_t)i; i++) {
		make_for_window(key, a, w - i, want);
		if (memcmp(want, token, COOKIE_CHARS) == 0)
			return 1;
	}
	return 0;
}
