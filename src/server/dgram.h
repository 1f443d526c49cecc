/*
 * dgram.h: the reply to one UDP datagram: its messages stamped, in one reply
 * never longer than the request plus UDP_REPLY_SLACK_BYTES, so that the
 * server amplifies no one's traffic.
 */
#ifndef TSCHAT_DGRAM_H
#define TSCHAT_DGRAM_H

#include <stddef.h>

#include "defaults.h"
#include "frame.h"

/* Room a reply to a LEN-byte request may need. */
#define DGRAM_REPLY_MAX(len)	((len) + UDP_REPLY_SLACK_BYTES)

struct dgram_result {
	size_t		len;		/* bytes of reply written */
	unsigned int	messages;	/* messages in the request */
	unsigned int	dropped;	/* of them, left out: no room */
	unsigned int	cut;		/* of them, cut at max_line */
};

/*
 * Call CB for each message of the datagram IN (LEN bytes): in line framing
 * each line (the datagram's end also ends one; a CR before a newline is
 * dropped; lines over MAX_LINE are cut and flagged FRAME_CUT), in raw
 * framing the whole datagram. Stop early if CB returns FRAME_STOP.
 */
void	dgram_messages(enum frame_mode mode, size_t max_line, const char *in,
	    size_t len, frame_cb *cb, void *arg);

/*
 * Build in OUT (DGRAM_REPLY_MAX(LEN) bytes) the echo reply to the request
 * IN. Line framing: each line of the datagram (its end also ends one, a CR
 * before a newline is dropped) becomes STAMP + line + "\n", as many as fit
 * in order; raw framing: STAMP + the datagram, without terminator.
 */
void	dgram_echo(enum frame_mode mode, size_t max_line, const char *stamp,
	    size_t stamp_len, const char *in, size_t len, char *out,
	    struct dgram_result *res);

#endif
