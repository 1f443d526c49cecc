/*
 * fuzz_keys.c: the key decoder (keydecode.c) fed what a terminal, or
 * someone's paste, may send: random bytes in random reads, with the
 * Escape timeout firing at random between them. The first two bytes of
 * the input choose the reads. Invariants: every key is one the decoder
 * knows (a code in range, modifiers in their mask, a character that is
 * a valid code point, a function key 1 to 12); no more bytes wait than
 * the decoder holds; after a timeout outside a paste nothing waits; the
 * paste markers alternate. Without timeouts the keys do not depend on
 * how the bytes were cut into reads, and text without ESC comes back as
 * the characters utf8_decode finds in it.
 */
#include "common.h"

#include "keydecode.h"
#include "utf8.h"

#include "fuzz.h"

/* The keys of one run. */
struct run {
	struct key	*keys;
	size_t		 n, max;
	int		 pasting;	/* by the markers seen */
};

static void
check_key(const struct key *k, struct run *r)
{
	CHECK(k->code >= KEYC_CHAR && k->code <= KEYC_UNKNOWN,
	    "key code %d", (int)k->code);
	CHECK((k->mods & ~(unsigned)(KEYM_SHIFT | KEYM_META | KEYM_CTRL)) == 0,
	    "modifiers %#x", k->mods);
	switch (k->code) {
	case KEYC_CHAR:
		CHECK(k->ch <= 0x10FFFF && !(k->ch >= 0xD800 && k->ch <= 0xDFFF),
		    "character U+%04X", (unsigned)k->ch);
		CHECK(!r->pasting || k->mods == 0, "a pasted character with "
		    "modifiers %#x", k->mods);
		break;
	case KEYC_F:
		CHECK(k->ch >= 1 && k->ch <= 12, "function key %u",
		    (unsigned)k->ch);
		CHECK(!r->pasting, "a function key inside a paste");
		break;
	case KEYC_PASTE_START:
		CHECK(!r->pasting, "a paste started inside a paste");
		CHECK(k->mods == 0, "a paste marker with modifiers");
		r->pasting = 1;
		break;
	case KEYC_PASTE_END:
		CHECK(r->pasting, "a paste ended that had not begun");
		CHECK(k->mods == 0, "a paste marker with modifiers");
		r->pasting = 0;
		break;
	default:
		CHECK(!r->pasting, "key %d inside a paste", (int)k->code);
		CHECK(k->ch == 0, "key %d with ch %u", (int)k->code,
		    (unsigned)k->ch);
		break;
	}
}

static void
record(void *arg, const struct key *k)
{
	struct run	*r = arg;

	check_key(k, r);
	CHECK(r->n < r->max, "more keys (%zu) than bytes could make", r->n);
	r->keys[r->n++] = *k;
}

static void
check_state(const struct keydecode *kd, const struct run *r)
{
	CHECK(kd->len < KEYDECODE_MAX, "%zu bytes wait", kd->len);
	CHECK(kd->pasting == r->pasting, "the decoder says %s a paste, its "
	    "markers said otherwise", kd->pasting ? "inside" : "outside");
}

static uint32_t
next_random(uint32_t *state)
{
	uint32_t	x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/*
 * Feed S (LEN bytes) in reads of random sizes; with FLUSHES, a timeout
 * may fire after any read.
 */
static void
feed(struct keydecode *kd, struct run *r, const char *s, size_t len,
    uint32_t seed, int flushes)
{
	size_t		off = 0, n;
	uint32_t	x;

	keydecode_init(kd);
	while (off < len) {
		x = next_random(&seed);
		n = MINIMUM(len - off, 1 + (x & 0x3F) % 9 * (x & 0x40 ? 7 : 1));
		keydecode_feed(kd, s + off, n, record, r);
		off += n;
		check_state(kd, r);
		if (flushes && (x >> 8) % 4 == 0) {
			keydecode_flush(kd, record, r);
			check_state(kd, r);
			CHECK(kd->pasting || kd->len == 0,
			    "%zu bytes wait after a timeout", kd->len);
			CHECK(!keydecode_pending(kd), "a timeout left "
			    "something for the next timeout");
		}
	}
}

static int
same_keys(const struct run *a, const struct run *b)
{
	size_t	i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		if (a->keys[i].code != b->keys[i].code ||
		    a->keys[i].ch != b->keys[i].ch ||
		    a->keys[i].mods != b->keys[i].mods)
			return 0;
	}
	return 1;
}

/* Without ESC the keys are utf8_decode's characters, U+FFFD for junk. */
static void
check_text(const char *s, size_t len, const struct run *r, size_t waiting)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 off = 0, i = 0;
	int32_t			 cp;

	if (memchr(s, 0x1B, len) != NULL)
		return;
	CHECK(waiting == utf8_incomplete_tail(u, len), "%zu bytes wait, "
	    "the text ends in %zu of a character", waiting,
	    utf8_incomplete_tail(u, len));
	while (off < len - waiting) {
		off += utf8_decode(u + off, len - waiting - off, &cp);
		CHECK(i < r->n, "text decoded to %zu keys only", r->n);
		CHECK(r->keys[i].code == KEYC_CHAR && r->keys[i].mods == 0 &&
		    r->keys[i].ch == (cp == UTF8_INVALID ? UTF8_REPLACEMENT :
		    (uint32_t)cp), "text: key %zu differs from U+%04X", i,
		    (unsigned)cp);
		i++;
	}
	CHECK(i == r->n, "text decoded to %zu keys, %zu characters", r->n, i);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input		 in = { data, size };
	struct keydecode	 kd;
	struct run		 whole, cut, timed;
	uint32_t		 seed;
	char			*s;
	size_t			 len, max, waiting;

	seed = take_u16(&in) | 0x10000;
	s = exact_copy(in.p, in.len);
	len = in.len;
	/* Each key takes a byte at least; a timeout turns a few into keys. */
	max = len + 1;
	memset(&whole, 0, sizeof whole);
	whole.keys = calloc(max, sizeof *whole.keys);
	whole.max = max;
	cut = timed = whole;
	cut.keys = calloc(max, sizeof *cut.keys);
	timed.keys = calloc(max, sizeof *timed.keys);
	CHECK(whole.keys != NULL && cut.keys != NULL && timed.keys != NULL,
	    "out of memory");

	/* One read. */
	keydecode_init(&kd);
	keydecode_feed(&kd, s, len, record, &whole);
	check_state(&kd, &whole);
	waiting = kd.len;
	check_text(s, len, &whole, waiting);

	/* Random reads: the same keys, and the same bytes left waiting. */
	feed(&kd, &cut, s, len, seed, 0);
	CHECK(same_keys(&whole, &cut), "%zu keys in one read, %zu in reads "
	    "of random sizes, or different ones", whole.n, cut.n);
	CHECK(kd.len == waiting, "%zu bytes wait after one read, %zu after "
	    "reads of random sizes", waiting, kd.len);

	/* Timeouts between the reads: every key still a key. */
	feed(&kd, &timed, s, len, seed, 1);
	keydecode_flush(&kd, record, &timed);
	check_state(&kd, &timed);
	CHECK(kd.pasting || kd.len == 0, "%zu bytes wait at the end",
	    kd.len);

	free(whole.keys);
	free(cut.keys);
	free(timed.keys);
	free(s);
	return 0;
}
