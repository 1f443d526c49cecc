/*
 * fuzz_frame.c: the framing reader (frame.c), fed the input in random
 * pieces, in both framings, with a random --max-line, a callback that
 * sometimes pauses (as the line rate does) and sometimes stops (as a peer
 * that goes away). Invariants: no message is longer than max_line; at most
 * max_line + 1 bytes are held, and nothing at all between lines; in line
 * framing the messages do not depend on where the reads split: they are
 * those of a simple model of the whole input.
 */
#include "common.h"

#include "frame.h"
#include "utf8.h"

#include "fuzz.h"

#define MAX_MSGS	4096

struct msg {
	size_t		 off;	/* into the pool */
	size_t		 len;
	int		 flags;
};

struct msgs {
	struct msg	 m[MAX_MSGS];
	size_t		 n;
	char		*pool;
	size_t		 used, size;
	int		 overflow;
};

struct run {
	struct msgs	*got;
	size_t		 max_line;
	uint32_t	 rng;
	unsigned int	 pause_odds;	/* 1 in N messages pauses; 0: never */
	unsigned int	 stop_odds;
	int		 stopped;
};

static struct msgs	 want, got;

static uint32_t
next_rand(uint32_t *s)
{
	/* xorshift32: the input picks the seed, so a crash replays. */
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void
add(struct msgs *ms, const char *s, size_t len, int flags)
{
	if (ms->n == MAX_MSGS || ms->used + len > ms->size) {
		ms->overflow = 1;
		return;
	}
	memcpy(ms->pool + ms->used, s, len);
	ms->m[ms->n].off = ms->used;
	ms->m[ms->n].len = len;
	ms->m[ms->n].flags = flags;
	ms->n++;
	ms->used += len;
}

static void
reset(struct msgs *ms, size_t size)
{
	free(ms->pool);
	ms->pool = malloc(size > 0 ? size : 1);
	if (ms->pool == NULL)
		abort();
	ms->size = size;
	ms->used = ms->n = 0;
	ms->overflow = 0;
}

static int
collect(void *arg, const char *msg, size_t len, int flags)
{
	struct run	*r = arg;

	CHECK(len <= r->max_line, "a message of %zu bytes, max_line %zu",
	    len, r->max_line);
	CHECK((flags & ~FRAME_CUT) == 0, "unknown flags %#x", flags);
	CHECK(!r->stopped, "a message after the callback stopped it");
	add(r->got, msg, len, flags);
	if (r->stop_odds != 0 && next_rand(&r->rng) % r->stop_odds == 0) {
		r->stopped = 1;
		return FRAME_STOP;
	}
	if (r->pause_odds != 0 && next_rand(&r->rng) % r->pause_odds == 0)
		return FRAME_PAUSE;
	return FRAME_GO;
}

/* The model: one line as the contract says it is delivered. */
static void
model_line(const char *s, size_t len, size_t max_line)
{
	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (len > max_line)
		add(&want, s, utf8_cut(s, len, max_line), FRAME_CUT);
	else
		add(&want, s, len, 0);
}

static void
model(const char *data, size_t len, size_t max_line)
{
	const char	*nl;

	while (len > 0) {
		if ((nl = memchr(data, '\n', len)) == NULL) {
			model_line(data, len, max_line);
			return;
		}
		model_line(data, (size_t)(nl - data), max_line);
		len -= (size_t)(nl - data) + 1;
		data = nl + 1;
	}
}

static void
check_held(const struct frame *fr, size_t max_line)
{
	CHECK(fr->len <= max_line + 1, "%u bytes held, max_line %zu",
	    fr->len, max_line);
	CHECK((fr->buf != NULL) == (fr->len > 0),
	    "a buffer %s with %u bytes held", fr->buf ? "kept" : "missing",
	    fr->len);
	CHECK(frame_pending(fr) == (fr->len > 0), "frame_pending is wrong");
}

static void
compare(size_t upto)
{
	size_t	i;

	for (i = 0; i < upto; i++) {
		CHECK(got.m[i].len == want.m[i].len &&
		    got.m[i].flags == want.m[i].flags &&
		    memcmp(got.pool + got.m[i].off, want.pool + want.m[i].off,
		    got.m[i].len) == 0,
		    "message %zu: %zu bytes, flags %d; the model says %zu "
		    "bytes, flags %d", i, got.m[i].len, got.m[i].flags,
		    want.m[i].len, want.m[i].flags);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input	 in = { data, size };
	struct frame	 fr;
	struct run	 r;
	enum frame_mode	 mode;
	const char	*rest;
	char		*buf;
	size_t		 len, off, piece, used, max_piece;
	unsigned int	 opts;
	int		 rc;

	opts = take_byte(&in);
	mode = opts & 1 ? FRAME_RAW : FRAME_LINE;
	/*
	 * Mostly small limits, so that lines are cut; now and then big. The
	 * server takes --max-line 1 and up.
	 */
	r.max_line = 1 + take_u16(&in) % (opts & 2 ? 65536 : 300);
	r.rng = take_u16(&in) << 16 | take_u16(&in) | 1;
	r.pause_odds = opts & 4 ? 1 + (opts >> 4) : 0;
	r.stop_odds = opts & 8 ? 2 + take_byte(&in) : 0;
	r.stopped = 0;
	r.got = &got;
	max_piece = 1 + take_byte(&in) * 4;
	rest = take_bytes(&in, in.len, &len);
	/* A copy of exactly the input's size, for AddressSanitizer. */
	buf = exact_copy(rest, len);

	reset(&want, len);
	reset(&got, len);
	memset(&fr, 0, sizeof fr);
	rc = 0;
	for (off = 0; off < len && rc != -1; off += piece) {
		piece = 1 + next_rand(&r.rng) % max_piece;
		if (piece > len - off)
			piece = len - off;
		if (mode == FRAME_RAW) {
			/* Each read is a message: the model is per piece. */
			if (piece > r.max_line)
				add(&want, buf + off, utf8_cut(buf + off,
				    piece, r.max_line), FRAME_CUT);
			else
				add(&want, buf + off, piece, 0);
		}
		/* A pause leaves the rest of the read to feed again. */
		for (used = 0; used < piece; ) {
			size_t	took;

			rc = frame_feed_some(&fr, mode, r.max_line,
			    buf + off + used, piece - used, collect, &r,
			    &took);
			check_held(&fr, r.max_line);
			if (rc == -1)
				break;
			CHECK(took <= piece - used, "took %zu of %zu bytes",
			    took, piece - used);
			CHECK(rc == 0 ? took == piece - used : rc == FRAME_PAUSE,
			    "frame_feed_some returned %d having taken %zu of "
			    "%zu bytes", rc, took, piece - used);
			used += took;
		}
		if (mode == FRAME_RAW)
			CHECK(fr.len == 0, "raw framing held %u bytes", fr.len);
	}
	if (rc != -1) {
		rc = frame_finish(&fr, mode, r.max_line, collect, &r);
		CHECK(fr.buf == NULL && fr.len == 0 && !fr.discarding,
		    "frame_finish left state behind");
	}
	CHECK(rc == -1 || !r.stopped, "stopped, but frame_feed said go on");

	if (mode == FRAME_LINE)
		model(buf, len, r.max_line);
	if (!got.overflow && !want.overflow) {
		if (r.stopped) {
			/* Stopped: what came is the model's beginning. */
			CHECK(got.n <= want.n, "%zu messages, the model %zu",
			    got.n, want.n);
			compare(got.n);
		} else {
			CHECK(got.n == want.n, "%zu messages, the model %zu",
			    got.n, want.n);
			compare(got.n);
		}
	}
	frame_free(&fr);
	free(buf);
	return 0;
}
