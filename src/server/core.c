/*
 * core.c: the server's shared state and the stamp of the current second.
 */
#include "common.h"

#include <string.h>
#include <time.h>

#include "core.h"
#include "outq.h"

struct core	core;

const char *
core_stamp(size_t *lenp)
{
	return stamp_get(&core.stamp, (time_t)ev_now(core.loop), lenp);
}

void
core_stamped(struct slice *s, const char *text, size_t len)
{
	const char	*stamp;
	size_t		 slen, total;
	char		*out;
	int		 line = core.conf->framing == FRAME_LINE;

	stamp = core_stamp(&slen);
	total = slen + len + (line ? 1 : 0);
	out = outq_msg_begin(total);
	memcpy(out, stamp, slen);
	memcpy(out + slen, text, len);
	if (line)
		out[slen + len] = '\n';
	outq_msg_end(total, s);
}
