/*
 * dgram.c: building UDP echo replies within their bound.
 */
#include "common.h"

#include <string.h>

#include "defaults.h"
#include "dgram.h"
#include "utf8.h"

void
dgram_messages(enum frame_mode mode, size_t max_line, const char *in,
    size_t len, frame_cb *cb, void *arg)
{
	size_t		 seg, n;
	const char	*nl;
	int		 flags;

	if (len == 0)
		return;
	if (mode == FRAME_RAW) {
		n = utf8_cut(in, len, max_line);
		(void)cb(arg, in, n, n < len ? FRAME_CUT : 0);
		return;
	}
	while (len > 0) {
		nl = memchr(in, '\n', len);
		seg = nl != NULL ? (size_t)(nl - in) : len;
		/* A CR before the newline, or before the datagram's end. */
		n = seg;
		if (n > 0 && in[n - 1] == '\r')
			n--;
		flags = 0;
		if (n > max_line) {
			n = utf8_cut(in, n, max_line);
			flags = FRAME_CUT;
		}
		if (cb(arg, in, n, flags) == FRAME_STOP || nl == NULL)
			return;
		in = nl + 1;
		len -= seg + 1;
	}
}

struct echo_state {
	struct dgram_result	*res;
	char			*out;
	size_t			 bound;
	const char		*stamp;
	size_t			 stamp_len;
	int			 newline;
};

/* Append STAMP + MSG (+ "\n") to the reply if it fits in the bound. */
static int
add_message(void *arg, const char *msg, size_t len, int flags)
{
	struct echo_state	*st = arg;
	struct dgram_result	*res = st->res;
	size_t			 need = st->stamp_len + len + st->newline;

	res->messages++;
	if (flags & FRAME_CUT)
		res->cut++;
	if (res->len + need > st->bound) {
		res->dropped++;
		return FRAME_GO;
	}
	memcpy(st->out + res->len, st->stamp, st->stamp_len);
	memcpy(st->out + res->len + st->stamp_len, msg, len);
	if (st->newline)
		st->out[res->len + st->stamp_len + len] = '\n';
	res->len += need;
	return FRAME_GO;
}

void
dgram_echo(enum frame_mode mode, size_t max_line, const char *stamp,
    size_t stamp_len, const char *in, size_t len, char *out,
    struct dgram_result *res)
{
	struct echo_state	st;

	memset(res, 0, sizeof *res);
	st.res = res;
	st.out = out;
	st.bound = DGRAM_REPLY_MAX(len);
	st.stamp = stamp;
	st.stamp_len = stamp_len;
	st.newline = mode == FRAME_LINE;
	dgram_messages(mode, max_line, in, len, add_message, &st);
}
