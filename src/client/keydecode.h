/*
 * keydecode.h: what the terminal sends when a key is pressed, decoded into
 * key events: UTF-8 characters and controls, Meta (ESC before a key), the
 * CSI and SS3 sequences of the cursor and editing keys (with their
 * modifiers), and the markers around a bracketed paste, inside which
 * everything but the end marker is text. Pure: bytes in, keys out; a
 * sequence cut between two reads waits in the decoder.
 */
#ifndef TSCHAT_KEYDECODE_H
#define TSCHAT_KEYDECODE_H

#include <stddef.h>
#include <stdint.h>

enum keyc {
	KEYC_CHAR,		/* ch: a character; controls, ESC, DEL too */
	KEYC_UP,
	KEYC_DOWN,
	KEYC_RIGHT,
	KEYC_LEFT,
	KEYC_HOME,
	KEYC_END,
	KEYC_INSERT,
	KEYC_DELETE,
	KEYC_PAGE_UP,
	KEYC_PAGE_DOWN,
	KEYC_KP_ENTER,		/* the keypad's Enter */
	KEYC_BACKTAB,		/* Shift-Tab */
	KEYC_F,			/* ch: its number, 1 to 12 */
	KEYC_PASTE_START,
	KEYC_PASTE_END,
	KEYC_UNKNOWN,		/* a sequence known to be one, not which */
};

/* Modifiers. */
#define KEYM_SHIFT	0x1
#define KEYM_META	0x2	/* Alt, or ESC before the key */
#define KEYM_CTRL	0x4	/* given by a sequence; C-a is the char 1 */

struct key {
	enum keyc	code;
	uint32_t	ch;
	unsigned int	mods;
};

/* The longest sequence held; a longer one is an unknown key. */
#define KEYDECODE_MAX	32

struct keydecode {
	unsigned char	buf[KEYDECODE_MAX];	/* a key begun, not ended */
	size_t		len;
	int		pasting;		/* between the markers */
};

typedef void keydecode_cb(void *arg, const struct key *);

void	keydecode_init(struct keydecode *);

/*
 * Decode LEN bytes of S, calling CB for each key, in order. Bytes that
 * may begin a longer key wait for the next call.
 */
void	keydecode_feed(struct keydecode *, const char *s, size_t len,
	    keydecode_cb *cb, void *arg);

/*
 * Whether bytes wait that time alone can settle (a lone ESC may be the
 * Escape key or the start of a sequence): if none follow soon, the caller
 * calls keydecode_flush. Inside a paste the end marker is waited for.
 */
int	keydecode_pending(const struct keydecode *);

/*
 * No more bytes came in time: what waits is the key it is so far. A lone
 * ESC is the Escape key; ESC and one byte is that byte with Meta; a
 * sequence cut short is an unknown key; a character cut short is U+FFFD.
 */
void	keydecode_flush(struct keydecode *, keydecode_cb *cb, void *arg);

#endif
