/*
 * dgram.c: building UDP echo replies within their bound.
 */
#include "common.h"

#include <string.h>

#include "defaults.h"
#include "dgram.h"
#include "utf8.h"

/* Append STAMP + MSG (+ "\n") to OUT if it fits in the bound. */
static void
add_message(struct dgram_result *res, size_t bound, char *out,
    const char *stamp, size_t stamp_len, const char *msg, size_t len,
    int newline)
{
	size_t	need = stamp_len + len + (newline ? 1 : 0);

	res->messages++;
	if (res->len + need > bound) {
		res->dropped++;
		return;
	}
	memcpy(out + res->len, stamp, stamp_len);
	memcpy(out + res->len + stamp_len, msg, len);
	if (newline)
		out[res->len + stamp_len + len] = '\n';
	res->len += need;
}

void
dgram_echo(enum frame_mode mode, size_t max_line, const char *stamp,
    size_t stamp_len, const char *in, size_t len, char *out,
    struct dgram_result *res)
{
	size_t		 bound = DGRAM_REPLY_MAX(len), seg, n;
	const char	*nl;

	memset(res, 0, sizeof *res);
	if (len == 0)
		return;
	if (mode == FRAME_RAW) {
		n = utf8_cut(in, len, max_line);
		res->cut = n < len;
		add_message(res, bound, out, stamp, stamp_len, in, n, 0);
		return;
	}
	while (len > 0) {
		nl = memchr(in, '\n', len);
		seg = nl != NULL ? (size_t)(nl - in) : len;
		n = seg;
		if (nl != NULL && n > 0 && in[n - 1] == '\r')
			n--;
		if (n > max_line) {
			n = utf8_cut(in, n, max_line);
			res->cut++;
		}
		add_message(res, bound, out, stamp, stamp_len, in, n, 1);
		if (nl == NULL)
			break;
		in = nl + 1;
		len -= seg + 1;
	}
}
