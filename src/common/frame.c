/*
 * frame.c: message framing. The common case, a whole line inside one read,
 * is delivered straight from the read buffer; only an unfinished line is
 * copied, into a buffer allocated for it and freed as soon as it is done.
 */
#include "common.h"

#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "utf8.h"
#include "xmalloc.h"

int
frame_mode_parse(const char *name, enum frame_mode *mode)
{
	if (strcmp(name, "line") == 0)
		*mode = FRAME_LINE;
	else if (strcmp(name, "raw") == 0)
		*mode = FRAME_RAW;
	else
		return -1;
	return 0;
}

int
frame_pending(const struct frame *fr)
{
	return fr->len > 0;
}

void
frame_free(struct frame *fr)
{
	free(fr->buf);
	fr->buf = NULL;
	fr->len = 0;
	fr->discarding = 0;
}

/* Deliver a line too long for the limit: its head, once, flagged. */
static int
emit_cut(const char *s, size_t len, size_t max_line, frame_cb *cb, void *arg)
{
	return cb(arg, s, utf8_cut(s, len, max_line), FRAME_CUT);
}

/* Deliver the complete line S (LEN bytes, without its newline). */
static int
emit_line(const char *s, size_t len, size_t max_line, frame_cb *cb,
    void *arg)
{
	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (len > max_line)
		return emit_cut(s, len, max_line, cb, arg);
	return cb(arg, s, len, 0);
}

/*
 * Whether the held line is already known to be too long: more than
 * MAX_LINE bytes, and not just a CR that a newline may still follow.
 */
static int
held_too_long(const struct frame *fr, size_t max_line)
{
	if (fr->len <= max_line)
		return 0;
	return fr->len > max_line + 1 || fr->buf[fr->len - 1] != '\r';
}

int
frame_feed_some(struct frame *fr, enum frame_mode mode, size_t max_line,
    const char *data, size_t len, frame_cb *cb, void *arg, size_t *used)
{
	const char	*nl, *start = data;
	size_t		 seg, room;
	int		 rc = FRAME_GO;

	*used = len;
	if (mode == FRAME_RAW) {
		if (len == 0)
			return 0;
		if (len > max_line)
			rc = emit_cut(data, len, max_line, cb, arg);
		else
			rc = cb(arg, data, len, 0);
		return rc == FRAME_STOP ? -1 : rc;
	}

	while (len > 0 && rc == FRAME_GO) {
		nl = memchr(data, '\n', len);
		seg = nl != NULL ? (size_t)(nl - data) : len;

		if (fr->discarding) {
			if (nl == NULL)
				return 0;
			fr->discarding = 0;
		} else if (fr->len == 0 && nl != NULL) {
			/* A whole line in this read: no copy. */
			rc = emit_line(data, seg, max_line, cb, arg);
		} else {
			if (fr->buf == NULL)
				fr->buf = xmalloc(max_line + 1);
			room = max_line + 1 - fr->len;
			memcpy(fr->buf + fr->len, data, MINIMUM(seg, room));
			fr->len += MINIMUM(seg, room);
			if (seg > room || held_too_long(fr, max_line)) {
				rc = emit_cut(fr->buf, fr->len, max_line, cb,
				    arg);
				frame_free(fr);
				fr->discarding = nl == NULL;
			} else if (nl != NULL) {
				rc = emit_line(fr->buf, fr->len, max_line, cb,
				    arg);
				frame_free(fr);
			}
		}
		if (nl == NULL) {
			data += len;
			len = 0;
			break;
		}
		data = nl + 1;
		len -= seg + 1;
	}
	if (rc == FRAME_STOP)
		return -1;
	if (rc == FRAME_PAUSE && len > 0) {
		*used = data - start;
		return FRAME_PAUSE;
	}
	return 0;
}

int
frame_feed(struct frame *fr, enum frame_mode mode, size_t max_line,
    const char *data, size_t len, frame_cb *cb, void *arg)
{
	size_t	used;

	return frame_feed_some(fr, mode, max_line, data, len, cb, arg,
	    &used) == 0 ? 0 : -1;
}

int
frame_finish(struct frame *fr, enum frame_mode mode, size_t max_line,
    frame_cb *cb, void *arg)
{
	int	rc = 0;

	if (mode == FRAME_LINE && fr->len > 0 && !fr->discarding)
		rc = emit_line(fr->buf, fr->len, max_line, cb, arg);
	frame_free(fr);
	return rc == FRAME_STOP ? -1 : 0;
}
