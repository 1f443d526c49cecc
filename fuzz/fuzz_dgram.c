/*
 * fuzz_dgram.c: the UDP echo reply (dgram.c), which must never amplify:
 * for any datagram, stamp and --max-line, the reply is at most the request
 * plus UDP_REPLY_SLACK_BYTES (written into a buffer of exactly that size,
 * so AddressSanitizer sees one byte more), an empty datagram gets nothing,
 * and the reply is whole messages, each stamp + line (+ newline), in order,
 * the lines being those the TCP framing would make of the same bytes.
 */
#include "common.h"

#include "dgram.h"
#include "utf8.h"

#include "fuzz.h"

struct lines {
	const char	*msg[UDP_MAX_BYTES + 1];
	size_t		 len[UDP_MAX_BYTES + 1];
	int		 flags[UDP_MAX_BYTES + 1];
	size_t		 n;
	size_t		 max_line;
};

static struct lines	lines, framed;

static int
collect(void *arg, const char *msg, size_t len, int flags)
{
	struct lines	*l = arg;

	CHECK(len <= l->max_line, "a message of %zu bytes, max_line %zu",
	    len, l->max_line);
	CHECK(l->n <= UDP_MAX_BYTES, "more messages than bytes");
	l->msg[l->n] = msg;
	l->len[l->n] = len;
	l->flags[l->n] = flags;
	l->n++;
	return FRAME_GO;
}

/* The same bytes through the TCP framing, as one read and its end. */
static void
check_framing(enum frame_mode mode, const char *req, size_t len)
{
	struct frame	fr;
	size_t		i;

	memset(&fr, 0, sizeof fr);
	framed.n = 0;
	framed.max_line = lines.max_line;
	(void)frame_feed(&fr, mode, framed.max_line, req, len, collect,
	    &framed);
	(void)frame_finish(&fr, mode, framed.max_line, collect, &framed);
	CHECK(framed.n == lines.n, "%zu lines in the datagram, %zu framed",
	    lines.n, framed.n);
	for (i = 0; i < lines.n; i++) {
		/* A held line is a copy: compare bytes, not pointers. */
		CHECK(lines.len[i] == framed.len[i] &&
		    lines.flags[i] == framed.flags[i],
		    "line %zu: %zu bytes, flags %d; framed %zu, %d", i,
		    lines.len[i], lines.flags[i], framed.len[i],
		    framed.flags[i]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input		 in = { data, size };
	struct dgram_result	 res;
	enum frame_mode		 mode;
	const char		*stamp, *req;
	char			*sbuf, *rbuf, *out;
	size_t			 slen, len, i, off, need;
	unsigned int		 opts;

	opts = take_byte(&in);
	mode = opts & 1 ? FRAME_RAW : FRAME_LINE;
	lines.max_line = 1 + take_u16(&in) % (opts & 2 ? 65536 : 200);
	/* Stamps up to STAMP_MAX_BYTES, as --time-format allows. */
	stamp = take_bytes(&in, take_byte(&in) % (STAMP_MAX_BYTES + 1),
	    &slen);
	req = take_bytes(&in, MINIMUM(in.len, UDP_MAX_BYTES), &len);
	sbuf = exact_copy(stamp, slen);
	rbuf = exact_copy(req, len);
	out = malloc(DGRAM_REPLY_MAX(len));
	if (out == NULL)
		abort();

	dgram_echo(mode, lines.max_line, sbuf, slen, rbuf, len, out, &res);
	CHECK(res.len <= DGRAM_REPLY_MAX(len), "a reply of %zu bytes to %zu",
	    res.len, len);
	CHECK(len > 0 || res.len == 0, "a reply to an empty datagram");
	CHECK(res.dropped <= res.messages && res.cut <= res.messages,
	    "%u messages, %u dropped, %u cut", res.messages, res.dropped,
	    res.cut);

	/* The reply is the messages that fit, in order, each stamped. */
	lines.n = 0;
	if (len > 0)
		dgram_messages(mode, lines.max_line, rbuf, len, collect,
		    &lines);
	check_framing(mode, rbuf, len);
	CHECK(lines.n == res.messages, "%zu messages, the reply counts %u",
	    lines.n, res.messages);
	for (i = off = 0; i < lines.n; i++) {
		need = slen + lines.len[i] + (mode == FRAME_LINE);
		if (off + need > DGRAM_REPLY_MAX(len))
			continue;
		CHECK(off + need <= res.len &&
		    memcmp(out + off, sbuf, slen) == 0 &&
		    memcmp(out + off + slen, lines.msg[i], lines.len[i]) == 0 &&
		    (mode == FRAME_RAW || out[off + need - 1] == '\n'),
		    "message %zu is not at %zu of the reply", i, off);
		off += need;
	}
	CHECK(off == res.len, "the reply has %zu bytes, its messages %zu",
	    res.len, off);
	free(out);
	free(rbuf);
	free(sbuf);
	return 0;
}
