/*
 * fuzz_editor.c: the client's line editor (editor.c) fed random key
 * sequences: typing (wide characters, combining marks, controls that must
 * be refused), pastes, motions, kills and yanks, history replacing the
 * line, and the horizontal view at random widths. Invariants after every
 * key: the cursor is within [0, len], len <= EDITOR_MAX_CHARS, the line
 * holds no character that may not be typed; each key did what it says
 * (checked against a copy of the line before it); the view shows the
 * cursor and never starts on a combining mark; editor_utf8 gives the line.
 */
#include "common.h"

#include <locale.h>

#include "editor.h"
#include "sanitize.h"
#include "utf8.h"
#include "wrap.h"

#include "fuzz.h"

enum key {
	K_INSERT, K_PASTE, K_LEFT, K_RIGHT, K_HOME, K_END, K_WORD_LEFT,
	K_WORD_RIGHT, K_BACKSPACE, K_DELETE, K_KILL_START, K_KILL_END,
	K_KILL_WORD_LEFT, K_KILL_WORD_RIGHT, K_YANK, K_YANK_MANY, K_SET,
	K_CLEAR, K_VIEW, K_UTF8, K_KEYS
};

/* The line before a key. */
struct before {
	uint32_t	text[EDITOR_MAX_CHARS];
	size_t		len, cursor;
	uint32_t	kill[EDITOR_MAX_CHARS];
	size_t		kill_len;
};

static struct before	b;
/* What a paste should insert. */
static uint32_t		pasted[4 * 256 * 4];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		(void)setlocale(LC_CTYPE, "en_US.UTF-8");
	return 0;
}

static int
acceptable(uint32_t cp)
{
	return cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) &&
	    !sanitize_is_unsafe((int32_t)cp);
}

/* Code points worth typing: ASCII, blanks, wide, marks, controls, junk. */
static uint32_t
take_cp(struct input *in)
{
	static const uint32_t	 some[] = {
		' ', ' ', 'a', 'Z', '0', '_', '-', 0x00E9, 0x0301, 0x4E2D,
		0x1F600, 0xFF21, 0x200B, 0x202E, 0x1B, 0x7F, 0x9B, 0x0A,
		0xD800, 0x110000, 0xFFFD, 0x0300, 0x3000, 0x2028,
	};
	unsigned int		 k = take_byte(in);

	if (k < 0xC0)
		return some[k % ARRAY_SIZE(some)];
	return (take_u16(in) | (k & 0x1F) << 16);
}

/* Decode S as a paste is: the characters that may be typed, in PASTED. */
static size_t
decode(const char *s, size_t len)
{
	size_t	off = 0, n = 0;
	int32_t	cp;

	while (off < len) {
		off += utf8_decode((const unsigned char *)s + off, len - off,
		    &cp);
		if (cp != UTF8_INVALID && acceptable((uint32_t)cp))
			pasted[n++] = (uint32_t)cp;
	}
	return n;
}

/* Whether the N characters at A and B are equal (no pointer needed when N
 * is 0: an empty line has no text at all). */
static int
same_cps(const uint32_t *a, size_t ai, const uint32_t *b2, size_t bi,
    size_t n)
{
	return n == 0 || memcmp(a + ai, b2 + bi, n * sizeof *a) == 0;
}

static void
snapshot(const struct editor *ed)
{
	b.len = ed->len;
	b.cursor = ed->cursor;
	if (ed->len > 0)
		memcpy(b.text, ed->text, ed->len * sizeof *b.text);
	b.kill_len = ed->kill_len;
	if (ed->kill_len > 0)
		memcpy(b.kill, ed->kill, ed->kill_len * sizeof *b.kill);
}

static int
same_text(const struct editor *ed)
{
	return ed->len == b.len && same_cps(ed->text, 0, b.text, 0, b.len);
}

static int
same_kill(const struct editor *ed)
{
	return ed->kill_len == b.kill_len &&
	    same_cps(ed->kill, 0, b.kill, 0, b.kill_len);
}

/* The line is the old one with [FROM, TO) taken out. */
static int
removed(const struct editor *ed, size_t from, size_t to)
{
	return ed->len == b.len - (to - from) &&
	    same_cps(ed->text, 0, b.text, 0, from) &&
	    same_cps(ed->text, from, b.text, to, b.len - to);
}

/* The line is the old one with the N characters CPS put in at AT. */
static int
inserted(const struct editor *ed, size_t at, const uint32_t *cps, size_t n)
{
	return ed->len == b.len + n && same_cps(ed->text, 0, b.text, 0, at) &&
	    same_cps(ed->text, at, cps, 0, n) &&
	    same_cps(ed->text, at + n, b.text, at, b.len - at);
}

/* A kill of [FROM, TO): the text gone into the kill buffer, the cursor at
 * FROM; nothing killed leaves everything as it was. */
static void
check_kill(const struct editor *ed, size_t from, size_t to, const char *what)
{
	CHECK(from <= to && to <= b.len, "%s: [%zu, %zu) of %zu", what, from,
	    to, b.len);
	if (from == to) {
		CHECK(same_text(ed) && same_kill(ed) && ed->cursor == b.cursor,
		    "%s: an empty kill changed the line", what);
		return;
	}
	CHECK(removed(ed, from, to) && ed->cursor == from,
	    "%s: [%zu, %zu) not removed", what, from, to);
	CHECK(ed->kill_len == to - from &&
	    same_cps(ed->kill, 0, b.text, from, to - from),
	    "%s: the kill buffer does not hold what was killed", what);
}

/*
 * The bounds, after every key. Whether each character may be typed is
 * checked at the end of the input (every key's own check compares what it
 * inserted with what was expected, so nothing unchecked gets in).
 */
static void
check_state(const struct editor *ed, int chars)
{
	size_t	i;

	CHECK(ed->cursor <= ed->len, "cursor %zu, len %zu", ed->cursor,
	    ed->len);
	CHECK(ed->len <= EDITOR_MAX_CHARS, "len %zu", ed->len);
	CHECK(ed->len <= ed->size || ed->len == 0, "len %zu, size %zu",
	    ed->len, ed->size);
	CHECK(ed->kill_len <= EDITOR_MAX_CHARS, "kill_len %zu", ed->kill_len);
	for (i = 0; chars && i < ed->len; i++)
		CHECK(acceptable(ed->text[i]), "U+%04X at %zu",
		    (unsigned)ed->text[i], i);
}

static int
is_word(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
	    (cp >= 'A' && cp <= 'Z') || cp >= 0x80;
}

static void
check_view(struct editor *ed, int width)
{
	size_t	w, cw, cells = 0, i;
	int	col;

	col = editor_view(ed, width);
	w = width < 1 ? 1 : (size_t)width;
	cw = ed->cursor < ed->len ?
	    MAXIMUM((size_t)wrap_cp_width(ed->text[ed->cursor]), 1) : 1;
	CHECK(ed->scroll <= ed->cursor, "scroll %zu past the cursor %zu",
	    ed->scroll, ed->cursor);
	for (i = ed->scroll; i < ed->cursor; i++)
		cells += (size_t)wrap_cp_width(ed->text[i]);
	CHECK(col >= 0 && (size_t)col == cells,
	    "editor_view says column %d, the cells before the cursor %zu",
	    col, cells);
	CHECK((size_t)col + cw <= w || col == 0,
	    "the cursor (column %d, %zu cells) is outside a field of %zu",
	    col, cw, w);
	CHECK(ed->scroll == ed->cursor ||
	    wrap_cp_width(ed->text[ed->scroll]) > 0,
	    "the view starts on a combining mark, at %zu", ed->scroll);
}

static void
check_utf8(const struct editor *ed)
{
	char	*s;
	size_t	 n, off = 0, i = 0, k;
	int32_t	 cp;

	s = editor_utf8(ed, &n);
	CHECK(s[n] == '\0', "editor_utf8 not terminated");
	while (off < n) {
		k = utf8_decode((const unsigned char *)s + off, n - off, &cp);
		CHECK(cp != UTF8_INVALID, "editor_utf8 gave invalid UTF-8");
		CHECK(i < ed->len && (uint32_t)cp == ed->text[i],
		    "editor_utf8: character %zu differs", i);
		off += k;
		i++;
	}
	CHECK(i == ed->len, "editor_utf8 gave %zu characters of %zu", i,
	    ed->len);
	free(s);
}

static void
key(struct editor *ed, struct input *in)
{
	const char	*s;
	size_t		 n, i, j, k, want;
	uint32_t	 cp;
	int		 rc;

	snapshot(ed);
	switch (take_byte(in) % K_KEYS) {
	case K_INSERT:
		cp = take_cp(in);
		rc = editor_insert(ed, cp);
		if (acceptable(cp) && b.len < EDITOR_MAX_CHARS)
			CHECK(rc == 0 && ed->cursor == b.cursor + 1 &&
			    inserted(ed, b.cursor, &cp, 1), "insert U+%04X",
			    (unsigned)cp);
		else
			CHECK(rc == -1 && same_text(ed) &&
			    ed->cursor == b.cursor, "refused U+%04X changed "
			    "the line", (unsigned)cp);
		break;
	case K_PASTE:
		s = take_bytes(in, take_byte(in), &n);
		editor_insert_utf8(ed, s, n);
		want = MINIMUM(decode(s, n), EDITOR_MAX_CHARS - b.len);
		CHECK(ed->cursor == b.cursor + want &&
		    inserted(ed, b.cursor, pasted, want),
		    "a paste of %zu characters into %zu", want, b.len);
		break;
	case K_LEFT:
		editor_left(ed);
		CHECK(same_text(ed) && ed->cursor == (b.cursor > 0 ?
		    b.cursor - 1 : 0), "left");
		break;
	case K_RIGHT:
		editor_right(ed);
		CHECK(same_text(ed) && ed->cursor == (b.cursor < b.len ?
		    b.cursor + 1 : b.len), "right");
		break;
	case K_HOME:
		editor_home(ed);
		CHECK(same_text(ed) && ed->cursor == 0, "home");
		break;
	case K_END:
		editor_end(ed);
		CHECK(same_text(ed) && ed->cursor == b.len, "end");
		break;
	case K_WORD_LEFT:
		editor_word_left(ed);
		CHECK(same_text(ed) && ed->cursor <= b.cursor, "M-b");
		CHECK(ed->cursor == 0 || !is_word(ed->text[ed->cursor - 1]),
		    "M-b stopped inside a word");
		break;
	case K_WORD_RIGHT:
		editor_word_right(ed);
		CHECK(same_text(ed) && ed->cursor >= b.cursor, "M-f");
		CHECK(ed->cursor == ed->len || !is_word(ed->text[ed->cursor]),
		    "M-f stopped inside a word");
		break;
	case K_BACKSPACE:
		editor_backspace(ed);
		if (b.cursor > 0)
			CHECK(removed(ed, b.cursor - 1, b.cursor) &&
			    ed->cursor == b.cursor - 1, "backspace");
		else
			CHECK(same_text(ed) && ed->cursor == 0, "backspace");
		break;
	case K_DELETE:
		editor_delete(ed);
		if (b.cursor < b.len)
			CHECK(removed(ed, b.cursor, b.cursor + 1) &&
			    ed->cursor == b.cursor, "delete");
		else
			CHECK(same_text(ed) && ed->cursor == b.cursor,
			    "delete");
		break;
	case K_KILL_START:
		editor_kill_to_start(ed);
		check_kill(ed, 0, b.cursor, "C-u");
		break;
	case K_KILL_END:
		editor_kill_to_end(ed);
		check_kill(ed, b.cursor, b.len, "C-k");
		break;
	case K_KILL_WORD_LEFT:
		editor_kill_word_left(ed);
		/* Back over blanks, then over non-blanks. */
		for (i = b.cursor; i > 0 && b.text[i - 1] == ' '; i--)
			;
		for (; i > 0 && b.text[i - 1] != ' '; i--)
			;
		check_kill(ed, i, b.cursor, "C-w");
		break;
	case K_KILL_WORD_RIGHT:
		editor_kill_word_right(ed);
		for (j = b.cursor; j < b.len && !is_word(b.text[j]); j++)
			;
		for (; j < b.len && is_word(b.text[j]); j++)
			;
		check_kill(ed, b.cursor, j, "M-d");
		break;
	case K_YANK:
	case K_YANK_MANY:
		k = take_byte(in) % 8 + 1;
		for (i = 0; i < k; i++) {
			snapshot(ed);
			editor_yank(ed);
			want = MINIMUM(b.kill_len, EDITOR_MAX_CHARS - b.len);
			CHECK(ed->cursor == b.cursor + want && same_kill(ed) &&
			    inserted(ed, b.cursor, b.kill, want),
			    "C-y of %zu characters into %zu", b.kill_len,
			    b.len);
			check_state(ed, 0);
		}
		break;
	case K_SET:
		s = take_bytes(in, take_byte(in) * 4, &n);
		editor_set(ed, s, n);
		want = MINIMUM(decode(s, n), EDITOR_MAX_CHARS);
		CHECK(ed->len == want && ed->cursor == want && ed->scroll == 0 &&
		    same_cps(ed->text, 0, pasted, 0, want),
		    "a line from history of %zu characters", want);
		break;
	case K_CLEAR:
		editor_clear(ed);
		CHECK(ed->len == 0 && ed->cursor == 0 && same_kill(ed),
		    "clear");
		break;
	case K_VIEW:
		check_view(ed, (int)take_byte(in) - 8);
		CHECK(same_text(ed) && ed->cursor == b.cursor,
		    "the view changed the line");
		break;
	case K_UTF8:
		check_utf8(ed);
		i = editor_word_start(ed);
		CHECK(i <= ed->cursor && (i == 0 || ed->text[i - 1] == ' '),
		    "editor_word_start %zu, cursor %zu", i, ed->cursor);
		for (; i < ed->cursor; i++)
			CHECK(ed->text[i] != ' ', "a blank in the word");
		break;
	}
	check_state(ed, 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input	in = { data, size };
	struct editor	ed;

	editor_init(&ed);
	while (in.len > 0)
		key(&ed, &in);
	check_state(&ed, 1);
	check_view(&ed, 40);
	check_utf8(&ed);
	editor_free(&ed);
	return 0;
}
