/*
 * echo.c: the echo service, the tutorial's server made concurrent: each
 * message goes back to its sender alone, stamped, its bytes unchanged.
 * Over UDP each request gets one bounded reply (udp.c).
 */
#include "common.h"

#include <string.h>

#include "core.h"
#include "frame.h"
#include "peer.h"
#include "service.h"
#include "udp.h"

/* Longest notice text the server sends on its own. */
#define ECHO_NOTICE_MAX	64

static void
echo_init(void)
{
}

static void
echo_free(void)
{
}

static void
echo_joined(struct member *m)
{
}

static void
echo_left(struct member *m, const char *reason, size_t len)
{
}

static void
echo_flush(void)
{
}

static unsigned int
echo_count(void)
{
	return 0;
}

/* "[STAMP] TEXT" to M. */
static void
echo_send(struct member *m, const char *text, size_t len)
{
	struct slice	s;

	core_stamped(&s, text, len);
	m->ops->deliver(m, &s, 1);
	core.stats.msgs_out++;
}

static void
echo_notice(struct member *m, const char *text, size_t len)
{
	char	buf[4 + ECHO_NOTICE_MAX];

	len = MINIMUM(len, ECHO_NOTICE_MAX);
	memcpy(buf, "*** ", 4);
	memcpy(buf + 4, text, len);
	echo_send(m, buf, 4 + len);
}

static int
echo_message(struct member *m, const char *msg, size_t len, int flags)
{
	static const char	too_long[] = "line too long";

	echo_send(m, msg, len);
	if (flags & FRAME_CUT)
		echo_notice(m, too_long, sizeof too_long - 1);
	return FRAME_GO;
}

static void
echo_stop_one(struct member *m)
{
	static const char	notice[] = "server shutting down";

	echo_notice(m, notice, sizeof notice - 1);
}

static void
echo_stop(void)
{
	peers_each(echo_stop_one);
}

const struct service echo_service = {
	.cut_slow = 0,
	.rated = 0,
	.init = echo_init,
	.free = echo_free,
	.joined = echo_joined,
	.message = echo_message,
	.left = echo_left,
	.notice = echo_notice,
	.datagram = udp_echo_datagram,
	.flush = echo_flush,
	.tick = NULL,
	.stop = echo_stop,
	.count = echo_count,
};
