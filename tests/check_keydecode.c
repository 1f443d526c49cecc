/*
 * check_keydecode.c: the key decoder: characters (ASCII, controls, UTF-8,
 * ill-formed bytes), Meta, the cursor and editing keys in their CSI and
 * SS3 forms with modifiers, bracketed pastes (inside which only the end
 * marker is not text), unknown and overlong sequences, what the timeout
 * makes of a sequence cut short, and the same keys whatever the reads
 * the bytes come in.
 */
#include "common.h"

#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keydecode.h"

#include "check_util.h"

#define MAX_KEYS	256

/* The keys a decoder gave, in order. */
struct got {
	struct key	keys[MAX_KEYS];
	size_t		n;
};

static void
record(void *arg, const struct key *k)
{
	struct got	*g = arg;

	ck_assert_msg(g->n < MAX_KEYS, "expected at most %d keys", MAX_KEYS);
	g->keys[g->n++] = *k;
}

static const char *
code_name(enum keyc c)
{
	static const char *const names[] = {
		"CHAR", "UP", "DOWN", "RIGHT", "LEFT", "HOME", "END", "INSERT",
		"DELETE", "PAGE_UP", "PAGE_DOWN", "KP_ENTER", "BACKTAB", "F",
		"PASTE_START", "PASTE_END", "UNKNOWN",
	};

	return (size_t)c < ARRAY_SIZE(names) ? names[c] : "(bad code)";
}

/* A key as text for messages: "CHAR U+0061 M-", "F 5 C-". */
static const char *
show(const struct key *k)
{
	static char	buf[4][64];
	static int	next;
	char		*b = buf[next++ % 4];

	snprintf(b, sizeof buf[0], "%s U+%04X%s%s%s", code_name(k->code),
	    (unsigned)k->ch, k->mods & KEYM_SHIFT ? " S-" : "",
	    k->mods & KEYM_META ? " M-" : "", k->mods & KEYM_CTRL ? " C-" : "");
	return b;
}

static struct key
K(enum keyc code, uint32_t ch, unsigned int mods)
{
	struct key	k;

	k.code = code;
	k.ch = ch;
	k.mods = mods;
	return k;
}

#define CH(c)		K(KEYC_CHAR, (c), 0)
#define META(c)		K(KEYC_CHAR, (c), KEYM_META)
#define KEY(code)	K((code), 0, 0)

/* Feed LEN bytes of S into a fresh decoder (in one read), flush if FLUSH. */
static void
decode(struct got *g, const char *s, size_t len, int flush)
{
	struct keydecode	 kd;
	unsigned char		*copy = dup_exact(s, len);

	memset(g, 0, sizeof *g);
	keydecode_init(&kd);
	keydecode_feed(&kd, (const char *)copy, len, record, g);
	if (flush)
		keydecode_flush(&kd, record, g);
	free(copy);
}

static void
expect_keys(const char *what, const char *s, size_t len,
    const struct got *g, const struct key *want, size_t nwant)
{
	size_t	i;

	ck_assert_msg(g->n == nwant, "%s \"%s\": expected %zu keys, got %zu "
	    "(the first: %s)", what, esc(s, len), nwant, g->n,
	    g->n > 0 ? show(&g->keys[0]) : "none");
	for (i = 0; i < nwant; i++)
		ck_assert_msg(g->keys[i].code == want[i].code &&
		    g->keys[i].ch == want[i].ch &&
		    g->keys[i].mods == want[i].mods,
		    "%s \"%s\": key %zu: expected %s, got %s", what,
		    esc(s, len), i, show(&want[i]), show(&g->keys[i]));
}

/* S decodes to the keys given, with no flush needed. */
#define KEYS(s, ...) do {						\
	const struct key	ks_w[] = { __VA_ARGS__ };		\
	struct got		ks_g;					\
									\
	decode(&ks_g, (s), sizeof (s) - 1, 0);				\
	expect_keys("decoding", (s), sizeof (s) - 1, &ks_g, ks_w,	\
	    ARRAY_SIZE(ks_w));						\
} while (0)

/* S decodes to no key until the flush, and then to those given. */
#define FLUSHED(s, ...) do {						\
	const struct key	fl_w[] = { __VA_ARGS__ };		\
	struct got		fl_g;					\
									\
	decode(&fl_g, (s), sizeof (s) - 1, 0);				\
	ck_assert_msg(fl_g.n == 0, "\"%s\": expected it to wait, got "	\
	    "%s", esc((s), sizeof (s) - 1), show(&fl_g.keys[0]));	\
	decode(&fl_g, (s), sizeof (s) - 1, 1);				\
	expect_keys("flushing", (s), sizeof (s) - 1, &fl_g, fl_w,	\
	    ARRAY_SIZE(fl_w));						\
} while (0)

/* --- characters ---------------------------------------------------------- */

START_TEST(test_keydecode_ascii)
{
	KEYS("a", CH('a'));
	KEYS("hi there", CH('h'), CH('i'), CH(' '), CH('t'), CH('h'), CH('e'),
	    CH('r'), CH('e'));
	/* Controls are characters: what they do is keybind's. */
	KEYS("\x01\t\r\n\x7f\x08\x00", CH(1), CH('\t'), CH('\r'), CH('\n'),
	    CH(0x7F), CH(8), CH(0));
}
END_TEST

START_TEST(test_keydecode_utf8)
{
	KEYS("\xC3\xA9", CH(0xE9));
	KEYS("\xE7\xBC\x96\xE7\xA8\x8B", CH(0x7F16), CH(0x7A0B));
	KEYS("\xF0\x9F\x98\x80!", CH(0x1F600), CH('!'));
	/* Ill-formed: one U+FFFD for each maximal ill-formed part. */
	KEYS("\x80", CH(0xFFFD));
	KEYS("\xC0\xAF", CH(0xFFFD), CH(0xFFFD));
	KEYS("\xED\xA0\x80", CH(0xFFFD), CH(0xFFFD), CH(0xFFFD));
	KEYS("\xE7\xBCx", CH(0xFFFD), CH('x'));
	KEYS("\xF4\x90\x80\x80", CH(0xFFFD), CH(0xFFFD), CH(0xFFFD),
	    CH(0xFFFD));
	KEYS("\xFF", CH(0xFFFD));
	/* Cut short: it waits; the timeout makes it U+FFFD. */
	FLUSHED("\xE7\xBC", CH(0xFFFD));
	FLUSHED("\xF0", CH(0xFFFD));
}
END_TEST

/* --- Meta ---------------------------------------------------------------- */

START_TEST(test_keydecode_meta)
{
	KEYS("\033b", META('b'));
	KEYS("\033d\033f", META('d'), META('f'));
	KEYS("\033\x7f", META(0x7F));
	KEYS("\033\xC3\xA9", META(0xE9));
	KEYS("\033\033x", K(KEYC_CHAR, 0x1B, KEYM_META), CH('x'));
	/* A lone ESC is the Escape key, once no more came in time. */
	FLUSHED("\033", CH(0x1B));
	FLUSHED("\033\033", K(KEYC_CHAR, 0x1B, KEYM_META));
	FLUSHED("\033\xE7\xBC", META(0xFFFD));
	/* ESC [ and ESC O alone are Meta-[ and Meta-O. */
	FLUSHED("\033[", META('['));
	FLUSHED("\033O", META('O'));
	/* A sequence cut short is no key at all. */
	FLUSHED("\033[1;5", KEY(KEYC_UNKNOWN));
	FLUSHED("\033\033[1", KEY(KEYC_UNKNOWN));
}
END_TEST

/* --- the cursor and editing keys ----------------------------------------- */

START_TEST(test_keydecode_cursor)
{
	KEYS("\033[A\033[B\033[C\033[D", KEY(KEYC_UP), KEY(KEYC_DOWN),
	    KEY(KEYC_RIGHT), KEY(KEYC_LEFT));
	/* The application keypad form, as tmux sends it after smkx. */
	KEYS("\033OA\033OB\033OC\033OD", KEY(KEYC_UP), KEY(KEYC_DOWN),
	    KEY(KEYC_RIGHT), KEY(KEYC_LEFT));
	KEYS("\033[H\033OH\033[1~\033[7~", KEY(KEYC_HOME), KEY(KEYC_HOME),
	    KEY(KEYC_HOME), KEY(KEYC_HOME));
	KEYS("\033[F\033OF\033[4~\033[8~", KEY(KEYC_END), KEY(KEYC_END),
	    KEY(KEYC_END), KEY(KEYC_END));
	KEYS("\033[2~\033[3~\033[5~\033[6~", KEY(KEYC_INSERT),
	    KEY(KEYC_DELETE), KEY(KEYC_PAGE_UP), KEY(KEYC_PAGE_DOWN));
	KEYS("\033OM\033[Z", KEY(KEYC_KP_ENTER), KEY(KEYC_BACKTAB));
}
END_TEST

START_TEST(test_keydecode_function_keys)
{
	KEYS("\033OP\033OQ\033OR\033OS", K(KEYC_F, 1, 0), K(KEYC_F, 2, 0),
	    K(KEYC_F, 3, 0), K(KEYC_F, 4, 0));
	KEYS("\033[11~\033[15~\033[17~\033[21~\033[23~\033[24~",
	    K(KEYC_F, 1, 0), K(KEYC_F, 5, 0), K(KEYC_F, 6, 0),
	    K(KEYC_F, 10, 0), K(KEYC_F, 11, 0), K(KEYC_F, 12, 0));
	KEYS("\033[1;2P", K(KEYC_F, 1, KEYM_SHIFT));
	/* 16 and 22 are gaps in the numbering: no key. */
	KEYS("\033[16~\033[22~", KEY(KEYC_UNKNOWN), KEY(KEYC_UNKNOWN));
}
END_TEST

START_TEST(test_keydecode_modifiers)
{
	KEYS("\033[1;5C", K(KEYC_RIGHT, 0, KEYM_CTRL));
	KEYS("\033[1;3D", K(KEYC_LEFT, 0, KEYM_META));
	KEYS("\033[1;2A", K(KEYC_UP, 0, KEYM_SHIFT));
	KEYS("\033[1;8B", K(KEYC_DOWN, 0, KEYM_SHIFT | KEYM_META | KEYM_CTRL));
	KEYS("\033[1;9H", K(KEYC_HOME, 0, KEYM_META));
	KEYS("\033[3;5~", K(KEYC_DELETE, 0, KEYM_CTRL));
	KEYS("\033[5;1~", KEY(KEYC_PAGE_UP));
	/* ESC before a sequence: Alt to some terminals. */
	KEYS("\033\033[C", K(KEYC_RIGHT, 0, KEYM_META));
	KEYS("\033\033OD", K(KEYC_LEFT, 0, KEYM_META));
}
END_TEST

START_TEST(test_keydecode_unknown)
{
	/* Unknown, but whole: consumed, and what follows is itself. */
	KEYS("\033[99~x", KEY(KEYC_UNKNOWN), CH('x'));
	KEYS("\033[?1;2cx", KEY(KEYC_UNKNOWN), CH('x'));
	KEYS("\033[1;2;3Ax", KEY(KEYC_UNKNOWN), CH('x'));
	KEYS("\033[99999999999999999999~x", KEY(KEYC_UNKNOWN), CH('x'));
	KEYS("\033[ qx", KEY(KEYC_UNKNOWN), CH('x'));
	KEYS("\033[~", KEY(KEYC_UNKNOWN));
	KEYS("\033Oxy", KEY(KEYC_UNKNOWN), CH('y'));
	/* Broken by a byte no sequence holds: that byte is a key again. */
	KEYS("\033[1\x01", KEY(KEYC_UNKNOWN), CH(1));
	KEYS("\033[12\033[A", KEY(KEYC_UNKNOWN), KEY(KEYC_UP));
	KEYS("\033O\x01", META('O'), CH(1));
	/* The end of a paste that never began is nothing. */
	KEYS("\033[201~a", KEY(KEYC_UNKNOWN), CH('a'));
}
END_TEST

/* More parameters than a key has room for: one unknown key, then text. */
START_TEST(test_keydecode_overlong)
{
	char		s[3 * KEYDECODE_MAX];
	struct got	g;
	size_t		n;

	memcpy(s, "\033[", 2);
	memset(s + 2, '1', sizeof s - 3);
	s[sizeof s - 1] = 'z';
	decode(&g, s, sizeof s, 0);
	ck_assert_msg(g.n >= 2, "expected an unknown key, then text; got %zu "
	    "keys", g.n);
	ck_assert_msg(g.keys[0].code == KEYC_UNKNOWN, "expected UNKNOWN "
	    "first, got %s", show(&g.keys[0]));
	for (n = 1; n + 1 < g.n; n++)
		ck_assert_msg(g.keys[n].code == KEYC_CHAR &&
		    g.keys[n].ch == '1', "key %zu: expected CHAR '1', got %s",
		    n, show(&g.keys[n]));
	ck_assert_msg(g.keys[g.n - 1].code == KEYC_CHAR &&
	    g.keys[g.n - 1].ch == 'z', "expected CHAR 'z' last, got %s",
	    show(&g.keys[g.n - 1]));
}
END_TEST

/* --- bracketed paste ------------------------------------------------------- */

START_TEST(test_keydecode_paste)
{
	KEYS("\033[200~hi\r\n\033[201~x", KEY(KEYC_PASTE_START), CH('h'),
	    CH('i'), CH('\r'), CH('\n'), KEY(KEYC_PASTE_END), CH('x'));
	/* Inside, sequences are text: they must not edit the line. */
	KEYS("\033[200~\033[A\033b\033[200~\033[201~", KEY(KEYC_PASTE_START),
	    CH(0x1B), CH('['), CH('A'), CH(0x1B), CH('b'), CH(0x1B), CH('['),
	    CH('2'), CH('0'), CH('0'), CH('~'), KEY(KEYC_PASTE_END));
	/* An almost end marker is text. */
	KEYS("\033[200~\033[201x\033[201~", KEY(KEYC_PASTE_START), CH(0x1B),
	    CH('['), CH('2'), CH('0'), CH('1'), CH('x'),
	    KEY(KEYC_PASTE_END));
	KEYS("\033[200~\xE7\xBC\x96\033[201~", KEY(KEYC_PASTE_START),
	    CH(0x7F16), KEY(KEYC_PASTE_END));
	/* A marker after ESC is a marker still, and takes no Meta. */
	KEYS("\033\033[200~a\033[201~", KEY(KEYC_PASTE_START), CH('a'),
	    KEY(KEYC_PASTE_END));
}
END_TEST

/* Inside a paste, time settles nothing: the end marker is waited for. */
START_TEST(test_keydecode_paste_waits)
{
	struct keydecode	kd;
	struct got		g;

	memset(&g, 0, sizeof g);
	keydecode_init(&kd);
	keydecode_feed(&kd, "\033[200~ab\033[20", 12, record, &g);
	ck_assert_msg(!keydecode_pending(&kd), "expected nothing for the "
	    "timeout to settle inside a paste");
	keydecode_flush(&kd, record, &g);
	ck_assert_msg(g.n == 3, "expected 3 keys before the end marker, got "
	    "%zu", g.n);
	keydecode_feed(&kd, "1~", 2, record, &g);
	ck_assert_msg(g.n == 4 && g.keys[3].code == KEYC_PASTE_END,
	    "expected the end of the paste, got %zu keys", g.n);
	keydecode_feed(&kd, "\033", 1, record, &g);
	ck_assert_msg(keydecode_pending(&kd), "expected a lone ESC after the "
	    "paste to wait for the timeout");
}
END_TEST

/* --- reads ---------------------------------------------------------------- */

/*
 * However the bytes are cut into reads, the keys are the same: every cut
 * in two, and every byte alone.
 */
START_TEST(test_keydecode_any_reads)
{
	static const char	s[] = "a\033[A\033OD\xE7\xBC\x96\033b\033[1;5C"
	    "\033[200~p\033[Aq\033[201~\033[3~\033\033[D\xF0\x9F\x98\x80"
	    "\033[99~z";
	const size_t		len = sizeof s - 1;
	struct keydecode	kd;
	struct got		whole, cut;
	size_t			at, i;

	decode(&whole, s, len, 0);
	ck_assert_msg(whole.n == 18, "expected 18 keys, got %zu", whole.n);
	for (at = 0; at <= len; at++) {
		memset(&cut, 0, sizeof cut);
		keydecode_init(&kd);
		keydecode_feed(&kd, s, at, record, &cut);
		keydecode_feed(&kd, s + at, len - at, record, &cut);
		expect_keys("cut in two", s, len, &cut, whole.keys, whole.n);
	}
	memset(&cut, 0, sizeof cut);
	keydecode_init(&kd);
	for (i = 0; i < len; i++)
		keydecode_feed(&kd, s + i, 1, record, &cut);
	expect_keys("byte by byte", s, len, &cut, whole.keys, whole.n);
	ck_assert_msg(!keydecode_pending(&kd), "expected nothing to wait");
}
END_TEST

static Suite *
keydecode_suite(void)
{
	Suite	*s = suite_create("keydecode");
	TCase	*tc;

	tc = tcase_create("characters");
	tcase_add_test(tc, test_keydecode_ascii);
	tcase_add_test(tc, test_keydecode_utf8);
	tcase_add_test(tc, test_keydecode_meta);
	suite_add_tcase(s, tc);

	tc = tcase_create("sequences");
	tcase_add_test(tc, test_keydecode_cursor);
	tcase_add_test(tc, test_keydecode_function_keys);
	tcase_add_test(tc, test_keydecode_modifiers);
	tcase_add_test(tc, test_keydecode_unknown);
	tcase_add_test(tc, test_keydecode_overlong);
	suite_add_tcase(s, tc);

	tc = tcase_create("paste");
	tcase_add_test(tc, test_keydecode_paste);
	tcase_add_test(tc, test_keydecode_paste_waits);
	suite_add_tcase(s, tc);

	tc = tcase_create("reads");
	tcase_add_test(tc, test_keydecode_any_reads);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(keydecode_suite());
}
