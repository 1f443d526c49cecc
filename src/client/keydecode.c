/*
 * keydecode.c: the key decoder. Bytes are taken one at a time into a small
 * buffer, and after each the buffer's start is matched against what keys
 * look like: a whole key is handed on, the start of one waits, and what
 * is no key at all is an unknown one. The sequences are xterm's, which
 * tmux, screen, VTE, the Linux console and the rest send in either form:
 * CSI (ESC [) or SS3 (ESC O) for the cursor keys, CSI N ~ for the editing
 * keys, and ";M" for the modifiers, M being 1 + shift 1 + alt 2 + ctrl 4
 * + meta 8.
 */
#include "common.h"

#include <string.h>

#include "keydecode.h"
#include "utf8.h"

#define ESC		0x1B
/* A parameter past this is no key's. */
#define PARAM_MAX	9999

/* What the buffer's start is: a key, or the start of one. */
enum match {
	MATCH_KEY,
	MATCH_MORE,
};

/* Where a final byte names a key: after CSI, after SS3, or both. */
#define AFTER_CSI	0x1
#define AFTER_SS3	0x2

static const struct {
	unsigned char	 final;
	int		 after;
	enum keyc	 code;
	uint32_t	 ch;
} finals[] = {
	{ 'A',	AFTER_CSI | AFTER_SS3,	KEYC_UP,	0 },
	{ 'B',	AFTER_CSI | AFTER_SS3,	KEYC_DOWN,	0 },
	{ 'C',	AFTER_CSI | AFTER_SS3,	KEYC_RIGHT,	0 },
	{ 'D',	AFTER_CSI | AFTER_SS3,	KEYC_LEFT,	0 },
	{ 'H',	AFTER_CSI | AFTER_SS3,	KEYC_HOME,	0 },
	{ 'F',	AFTER_CSI | AFTER_SS3,	KEYC_END,	0 },
	{ 'P',	AFTER_CSI | AFTER_SS3,	KEYC_F,		1 },
	{ 'Q',	AFTER_CSI | AFTER_SS3,	KEYC_F,		2 },
	{ 'R',	AFTER_CSI | AFTER_SS3,	KEYC_F,		3 },
	{ 'S',	AFTER_CSI | AFTER_SS3,	KEYC_F,		4 },
	{ 'Z',	AFTER_CSI,		KEYC_BACKTAB,	0 },
	{ 'M',	AFTER_SS3,		KEYC_KP_ENTER,	0 },
};

/* CSI N ~: the key of N. */
static const struct {
	unsigned int	 n;
	enum keyc	 code;
	uint32_t	 ch;
} tildes[] = {
	{ 1,	KEYC_HOME,		0 },
	{ 2,	KEYC_INSERT,		0 },
	{ 3,	KEYC_DELETE,		0 },
	{ 4,	KEYC_END,		0 },
	{ 5,	KEYC_PAGE_UP,		0 },
	{ 6,	KEYC_PAGE_DOWN,		0 },
	{ 7,	KEYC_HOME,		0 },
	{ 8,	KEYC_END,		0 },
	{ 11,	KEYC_F,			1 },
	{ 12,	KEYC_F,			2 },
	{ 13,	KEYC_F,			3 },
	{ 14,	KEYC_F,			4 },
	{ 15,	KEYC_F,			5 },
	{ 17,	KEYC_F,			6 },
	{ 18,	KEYC_F,			7 },
	{ 19,	KEYC_F,			8 },
	{ 20,	KEYC_F,			9 },
	{ 21,	KEYC_F,			10 },
	{ 23,	KEYC_F,			11 },
	{ 24,	KEYC_F,			12 },
	{ 200,	KEYC_PASTE_START,	0 },
};

static const unsigned char	paste_end[] = "\033[201~";

static void
set_key(struct key *k, enum keyc code, uint32_t ch, unsigned int mods)
{
	k->code = code;
	k->ch = ch;
	k->mods = mods;
}

/* The modifiers of xterm's parameter M. */
static unsigned int
modifiers(unsigned int m)
{
	unsigned int	bits = m > 1 ? m - 1 : 0, mods = 0;

	if (bits & 1)
		mods |= KEYM_SHIFT;
	if (bits & (2 | 8))
		mods |= KEYM_META;
	if (bits & 4)
		mods |= KEYM_CTRL;
	return mods;
}

/*
 * A character at S (LEN bytes, S[0] not ESC): its length in *USED. Cut
 * short, it waits, or when FINAL it is U+FFFD.
 */
static enum match
match_char(const unsigned char *s, size_t len, int final, struct key *k,
    size_t *used)
{
	int32_t	cp;

	if (utf8_incomplete_tail(s, len) == len) {
		if (!final)
			return MATCH_MORE;
		set_key(k, KEYC_CHAR, UTF8_REPLACEMENT, 0);
		*used = len;
		return MATCH_KEY;
	}
	*used = utf8_decode(s, len, &cp);
	set_key(k, KEYC_CHAR, cp == UTF8_INVALID ? UTF8_REPLACEMENT :
	    (uint32_t)cp, 0);
	return MATCH_KEY;
}

/*
 * Parameters "N" or "N;M", digits only: 0, or -1 for any others (a
 * private marker, a third parameter, a number past PARAM_MAX).
 */
static int
params(const unsigned char *s, size_t len, unsigned int *p, size_t *np)
{
	size_t	i;

	*np = 0;
	p[0] = p[1] = 0;
	for (i = 0; i < len; i++) {
		if (s[i] == ';') {
			if (++*np >= 2)
				return -1;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return -1;
		p[*np] = p[*np] * 10 + (s[i] - '0');
		if (p[*np] > PARAM_MAX)
			return -1;
	}
	if (len > 0)
		(*np)++;
	return 0;
}

/*
 * The key of a whole CSI: parameters S (LEN bytes), then FINAL. Outside a
 * paste its end marker is no key: inside one, match() looks for it alone.
 */
static void
csi_key(const unsigned char *s, size_t len, unsigned char final,
    struct key *k)
{
	unsigned int	p[2];
	size_t		np, i;

	set_key(k, KEYC_UNKNOWN, 0, 0);
	if (params(s, len, p, &np) == -1)
		return;
	if (final == '~') {
		for (i = 0; i < ARRAY_SIZE(tildes); i++) {
			if (tildes[i].n == p[0] && np >= 1)
				set_key(k, tildes[i].code, tildes[i].ch,
				    modifiers(p[1]));
		}
		if (k->code == KEYC_PASTE_START)
			k->mods = 0;
		return;
	}
	for (i = 0; i < ARRAY_SIZE(finals); i++) {
		if (finals[i].final == final && (finals[i].after & AFTER_CSI))
			set_key(k, finals[i].code, finals[i].ch,
			    modifiers(p[1]));
	}
}

/* ESC [ ...: a CSI, whole or begun. */
static enum match
match_csi(const unsigned char *s, size_t len, int final, struct key *k,
    size_t *used)
{
	size_t	i = 2, pend;

	while (i < len && s[i] >= 0x30 && s[i] <= 0x3F)
		i++;
	pend = i;
	while (i < len && s[i] >= 0x20 && s[i] <= 0x2F)
		i++;
	if (i == len) {
		if (!final)
			return MATCH_MORE;
		/* Cut short: ESC [ alone is Meta-[, more is no key. */
		if (len == 2)
			set_key(k, KEYC_CHAR, '[', KEYM_META);
		else
			set_key(k, KEYC_UNKNOWN, 0, 0);
		*used = len;
		return MATCH_KEY;
	}
	if (s[i] < 0x40 || s[i] > 0x7E) {
		/* Broken by a byte no CSI holds: that byte is a key again. */
		set_key(k, KEYC_UNKNOWN, 0, 0);
		*used = i;
		return MATCH_KEY;
	}
	if (pend == i)
		csi_key(s + 2, pend - 2, s[i], k);
	else
		set_key(k, KEYC_UNKNOWN, 0, 0);	/* intermediates: none ours */
	*used = i + 1;
	return MATCH_KEY;
}

/* ESC O ...: SS3 and one byte. */
static enum match
match_ss3(const unsigned char *s, size_t len, int final, struct key *k,
    size_t *used)
{
	size_t	i;

	if (len == 2) {
		if (!final)
			return MATCH_MORE;
		set_key(k, KEYC_CHAR, 'O', KEYM_META);
		*used = 2;
		return MATCH_KEY;
	}
	if (s[2] < 0x40 || s[2] > 0x7E) {
		/* No SS3: ESC O was Meta-O, and what follows a key again. */
		set_key(k, KEYC_CHAR, 'O', KEYM_META);
		*used = 2;
		return MATCH_KEY;
	}
	set_key(k, KEYC_UNKNOWN, 0, 0);
	for (i = 0; i < ARRAY_SIZE(finals); i++) {
		if (finals[i].final == s[2] && (finals[i].after & AFTER_SS3))
			set_key(k, finals[i].code, finals[i].ch, 0);
	}
	*used = 3;
	return MATCH_KEY;
}

/* ESC X: a sequence, or the key X with Meta. */
static enum match
match_esc(const unsigned char *s, size_t len, int final, struct key *k,
    size_t *used)
{
	enum match	m;

	if (len == 1) {
		if (!final)
			return MATCH_MORE;
		set_key(k, KEYC_CHAR, ESC, 0);
		*used = 1;
		return MATCH_KEY;
	}
	if (s[1] == '[')
		return match_csi(s, len, final, k, used);
	if (s[1] == 'O')
		return match_ss3(s, len, final, k, used);
	if (s[1] == ESC) {
		/* ESC ESC [ C is Alt-Right to some terminals. */
		if (len == 2 && !final)
			return MATCH_MORE;
		if (len > 2 && (s[2] == '[' || s[2] == 'O')) {
			m = s[2] == '[' ?
			    match_csi(s + 1, len - 1, final, k, used) :
			    match_ss3(s + 1, len - 1, final, k, used);
			if (m == MATCH_KEY) {
				/* Neither no key nor a marker takes Meta. */
				if (k->code != KEYC_UNKNOWN &&
				    k->code != KEYC_PASTE_START)
					k->mods |= KEYM_META;
				(*used)++;
			}
			return m;
		}
		set_key(k, KEYC_CHAR, ESC, KEYM_META);
		*used = 2;
		return MATCH_KEY;
	}
	m = match_char(s + 1, len - 1, final, k, used);
	if (m == MATCH_KEY) {
		k->mods |= KEYM_META;
		(*used)++;
	}
	return m;
}

/*
 * The key at the start of the buffer, its length in *USED; MATCH_MORE if
 * it may be longer than what is there (never when FINAL).
 */
static enum match
match(const struct keydecode *kd, int final, struct key *k, size_t *used)
{
	const unsigned char	*s = kd->buf;
	size_t			 len = kd->len;

	if (kd->pasting) {
		/* Text, up to the end marker. */
		if (s[0] == ESC) {
			if (memcmp(s, paste_end, MINIMUM(len,
			    sizeof paste_end - 1)) == 0) {
				if (len < sizeof paste_end - 1)
					return MATCH_MORE;
				set_key(k, KEYC_PASTE_END, 0, 0);
				*used = sizeof paste_end - 1;
				return MATCH_KEY;
			}
			set_key(k, KEYC_CHAR, ESC, 0);
			*used = 1;
			return MATCH_KEY;
		}
		return match_char(s, len, final, k, used);
	}
	if (s[0] == ESC)
		return match_esc(s, len, final, k, used);
	return match_char(s, len, final, k, used);
}

/* Hand on every key the buffer holds; FINAL: all of it. */
static void
drain(struct keydecode *kd, int final, keydecode_cb *cb, void *arg)
{
	struct key	k;
	size_t		used;

	while (kd->len > 0) {
		if (match(kd, final, &k, &used) == MATCH_MORE) {
			if (kd->len < sizeof kd->buf && !final)
				return;
			/* Longer than any key we know: none of them. */
			set_key(&k, KEYC_UNKNOWN, 0, 0);
			used = kd->len;
		}
		kd->len -= used;
		memmove(kd->buf, kd->buf + used, kd->len);
		if (k.code == KEYC_PASTE_START)
			kd->pasting = 1;
		else if (k.code == KEYC_PASTE_END)
			kd->pasting = 0;
		cb(arg, &k);
	}
}

void
keydecode_init(struct keydecode *kd)
{
	memset(kd, 0, sizeof *kd);
}

void
keydecode_feed(struct keydecode *kd, const char *s, size_t len,
    keydecode_cb *cb, void *arg)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		kd->buf[kd->len++] = (unsigned char)s[i];
		drain(kd, 0, cb, arg);
	}
}

int
keydecode_pending(const struct keydecode *kd)
{
	return kd->len > 0 && !kd->pasting;
}

void
keydecode_flush(struct keydecode *kd, keydecode_cb *cb, void *arg)
{
	if (!kd->pasting)
		drain(kd, 1, cb, arg);
}
