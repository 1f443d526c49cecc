/*
 * check_relay_entry.c: the reader of the relay's stream entries, which
 * anyone with access to Redis can write: every event type read as the
 * relay writes it, every way an entry or an event is refused, and that the
 * lines and nicks it hands on are safe to show.
 */
#include "common.h"

#include <check.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "relay-entry.h"
#include "sanitize.h"
#include "utf8.h"

#include "check_util.h"

#define NODE		"0123456789abcdef"
/* --max-line of the tests: lines of up to 4 * 10 + 512 bytes are taken. */
#define MAX_LINE	10
#define LINE_MAX	(SANITIZE_MAX(MAX_LINE) + RELAY_LINE_SLACK)
#define MAX_FIELDS	64

/* An entry's fields, each an exact-size copy for valgrind and ASan. */
struct fields {
	struct relay_field	 f[MAX_FIELDS];
	unsigned char		*copy[MAX_FIELDS];
	size_t			 n;
};

static void
add(struct fields *fs, const char *s, size_t len)
{
	ck_assert_msg(fs->n < MAX_FIELDS, "a test entry of over %d fields",
	    MAX_FIELDS);
	fs->copy[fs->n] = dup_exact(s, len);
	fs->f[fs->n].ptr = (const char *)fs->copy[fs->n];
	fs->f[fs->n].len = len;
	fs->n++;
}

/* The fields of the NULL-terminated list of C strings S. */
static void
make(struct fields *fs, const char *const *s)
{
	fs->n = 0;
	for (; *s != NULL; s++)
		add(fs, *s, strlen(*s));
}

static void
fields_free(struct fields *fs)
{
	size_t	i;

	for (i = 0; i < fs->n; i++)
		free(fs->copy[i]);
	fs->n = 0;
}

/* The fields as one string, for failure messages. */
static const char *
show(const struct fields *fs)
{
	static char	buf[1024];
	size_t		i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < fs->n && o + 8 < sizeof buf; i++)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "%s\"%s\"",
		    i > 0 ? " " : "", esc(fs->f[i].ptr, fs->f[i].len));
	return buf;
}

static const char *
status_name(enum relay_status st)
{
	static const char *const	names[] = {
		"RELAY_OK", "RELAY_END", "RELAY_EMPTY", "RELAY_ODD",
		"RELAY_NO_NODE", "RELAY_BAD_NODE", "RELAY_BAD_SEQ",
		"RELAY_NO_EVENT", "RELAY_MISSING", "RELAY_BAD_MEMBER",
		"RELAY_BAD_TYPE", "RELAY_BAD_NICK", "RELAY_BAD_ROOM",
		"RELAY_BAD_LINE",
	};

	return (size_t)st < ARRAY_SIZE(names) ? names[st] : "?";
}

#define ck_assert_status(got, want, fs) do {				\
	enum relay_status	cks_g = (got), cks_w = (want);		\
									\
	ck_assert_msg(cks_g == cks_w, "entry %s: expected %s, got %s",	\
	    show(fs), status_name(cks_w), status_name(cks_g));		\
} while (0)

/* A list of C strings for make(). */
#define E(...)	((const char *const[]){ __VA_ARGS__, NULL })

/* Open the entry S; it must be good. */
static void
open_good(struct relay_entry *e, struct fields *fs, const char *const *s)
{
	make(fs, s);
	ck_assert_status(relay_entry_open(e, fs->f, fs->n), RELAY_OK, fs);
}

/* The entry S must be refused whole, as WANT. */
static void
entry_refused(const char *const *s, enum relay_status want)
{
	struct relay_entry	e;
	struct fields		fs;

	relay_entry_init(&e, MAX_LINE);
	make(&fs, s);
	ck_assert_status(relay_entry_open(&e, fs.f, fs.n), want, &fs);
	fields_free(&fs);
	relay_entry_free(&e);
}

/*
 * The entry S must open, and its one event be refused as WANT; a good
 * event after it is still read.
 */
static void
event_refused(const char *const *s, enum relay_status want)
{
	struct relay_entry	e;
	struct relay_event	ev;
	struct fields		fs;
	const char *const	*p;

	relay_entry_init(&e, MAX_LINE);
	make(&fs, s);
	for (p = E("e", "msg", "m", "9", "l", "after"); *p != NULL; p++)
		add(&fs, *p, strlen(*p));
	ck_assert_status(relay_entry_open(&e, fs.f, fs.n), RELAY_OK, &fs);
	ck_assert_status(relay_entry_next(&e, &ev), want, &fs);
	if (want == RELAY_BAD_LINE)
		ck_assert_msg(ev.line == NULL, "entry %s: a refused line was "
		    "handed on: \"%s\"", show(&fs), esc(ev.line, ev.len));
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK, &fs);
	ck_assert_msg(ev.type == RELAY_EV_MSG && ev.member == 9,
	    "entry %s: expected the good event after the refused one, got "
	    "type %d member %u", show(&fs), (int)ev.type, ev.member);
	ck_assert_bytes_str(ev.line, ev.len, "after");
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_END, &fs);
	fields_free(&fs);
	relay_entry_free(&e);
}

/* LEN bytes at S hold nothing a terminal would act on. */
static void
assert_safe(const char *s, size_t len, const char *what)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, n;
	int32_t			 cp;

	while (i < len) {
		n = utf8_decode(u + i, len - i, &cp);
		ck_assert_msg(cp != UTF8_INVALID, "%s: invalid UTF-8 at byte "
		    "%zu of \"%s\"", what, i, esc(s, len));
		ck_assert_msg(cp == '\t' || !sanitize_is_unsafe(cp),
		    "%s: U+%04X at byte %zu of \"%s\"", what, (unsigned)cp, i,
		    esc(s, len));
		i += n;
	}
}

/* --- good entries, as the relay writes them ------------------------------- */

START_TEST(test_entry_msg)
{
	struct relay_entry	e;
	struct relay_event	ev;
	struct fields		fs;

	relay_entry_init(&e, MAX_LINE);
	open_good(&e, &fs, E("node", NODE, "s", "42", "e", "msg", "m", "7",
	    "n", "alice", "l", "[Wed Aug 14 20:50:19 2013] alice: hi"));
	ck_assert_str_eq(e.node, NODE);
	ck_assert_msg(e.seq == 42, "expected seq 42, got %llu",
	    (unsigned long long)e.seq);
	ck_assert_int_eq(e.junk, 0);
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK, &fs);
	ck_assert_int_eq(ev.type, RELAY_EV_MSG);
	ck_assert_uint_eq(ev.member, 7);
	ck_assert_msg(ev.nick[0] == '\0', "a msg event carries no nick, got "
	    "\"%s\"", esc_str(ev.nick));
	ck_assert_bytes_str(ev.line, ev.len,
	    "[Wed Aug 14 20:50:19 2013] alice: hi");
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_END, &fs);
	/* And again: the end stays the end. */
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_END, &fs);
	fields_free(&fs);
	relay_entry_free(&e);
}
END_TEST

START_TEST(test_entry_join_leave_nick)
{
	struct relay_entry	e;
	struct relay_event	ev;
	struct fields		fs;

	relay_entry_init(&e, MAX_LINE);
	open_good(&e, &fs, E("node", NODE, "s", "1",
	    "e", "join", "m", "3", "n", "bob", "l", "*** bob joined (2 online)",
	    "e", "nick", "m", "3", "n", "r\xc3\xa9mi", "l",
	    "*** bob is now known as r\xc3\xa9mi",
	    "e", "leave", "m", "3", "n", "", "l", "*** r\xc3\xa9mi left"));

	ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK, &fs);
	ck_assert_int_eq(ev.type, RELAY_EV_JOIN);
	ck_assert_uint_eq(ev.member, 3);
	ck_assert_str_eq(ev.nick, "bob");
	ck_assert_bytes_str(ev.line, ev.len, "*** bob joined (2 online)");

	ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK, &fs);
	ck_assert_int_eq(ev.type, RELAY_EV_NICK);
	ck_assert_uint_eq(ev.member, 3);
	ck_assert_str_eq(ev.nick, "r\xc3\xa9mi");
	ck_assert_bytes_str(ev.line, ev.len,
	    "*** bob is now known as r\xc3\xa9mi");

	/* A leave needs no nick, and an empty one is not looked at. */
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK, &fs);
	ck_assert_int_eq(ev.type, RELAY_EV_LEAVE);
	ck_assert_uint_eq(ev.member, 3);
	ck_assert_str_eq(ev.nick, "");
	ck_assert_bytes_str(ev.line, ev.len, "*** r\xc3\xa9mi left");

	ck_assert_status(relay_entry_next(&e, &ev), RELAY_END, &fs);
	fields_free(&fs);
	relay_entry_free(&e);
}
END_TEST

/* The entry a server writes when it is back: no sequence number. */
START_TEST(test_entry_sync)
{
	struct relay_entry	e;
	struct relay_event	ev;
	struct fields		fs;

	relay_entry_init(&e, MAX_LINE);
	open_good(&e, &fs, E("node", NODE, "e", "sync"));
	ck_assert_msg(e.seq == 0, "no s: expected seq 0, got %llu",
	    (unsigned long long)e.seq);
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK, &fs);
	ck_assert_int_eq(ev.type, RELAY_EV_SYNC);
	ck_assert_msg(ev.line == NULL, "a sync event has no line");
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_END, &fs);
	fields_free(&fs);
	relay_entry_free(&e);
}
END_TEST

/* The entry a server writes when it stops: no number, no member. */
START_TEST(test_entry_bye)
{
	struct relay_entry	e;
	struct relay_event	ev;
	struct fields		fs;

	relay_entry_init(&e, MAX_LINE);
	open_good(&e, &fs, E("node", NODE, "e", "bye"));
	ck_assert_msg(e.seq == 0, "no s: expected seq 0, got %llu",
	    (unsigned long long)e.seq);
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK, &fs);
	ck_assert_int_eq(ev.type, RELAY_EV_BYE);
	ck_assert_msg(ev.line == NULL, "a bye event has no line");
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_END, &fs);
	fields_free(&fs);
	/* Fields of its own, if any, are ignored, as a sync's are. */
	open_good(&e, &fs, E("node", NODE, "e", "bye", "m", "1", "l", "x"));
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK, &fs);
	ck_assert_int_eq(ev.type, RELAY_EV_BYE);
	ck_assert_msg(ev.line == NULL, "a bye event has no line");
	fields_free(&fs);
	relay_entry_free(&e);
}
END_TEST

/* Room membership, in the lobby's stream: a member and a room, no line. */
START_TEST(test_entry_enter_exit)
{
	struct relay_entry	e;
	struct relay_event	ev;
	struct fields		fs;

	relay_entry_init(&e, MAX_LINE);
	open_good(&e, &fs, E("node", NODE, "s", "5",
	    "e", "enter", "m", "3", "r", "#Dev",
	    "e", "exit", "m", "3", "r", "#caf\xc3\xa9"));
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK, &fs);
	ck_assert_int_eq(ev.type, RELAY_EV_ENTER);
	ck_assert_uint_eq(ev.member, 3);
	ck_assert_str_eq(ev.room, "#Dev");
	ck_assert_msg(ev.line == NULL, "an enter event has no line");
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK, &fs);
	ck_assert_int_eq(ev.type, RELAY_EV_EXIT);
	ck_assert_str_eq(ev.room, "#caf\xc3\xa9");
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_END, &fs);
	fields_free(&fs);
	relay_entry_free(&e);
}
END_TEST

START_TEST(test_event_bad_room)
{
	event_refused(E("node", NODE, "e", "enter", "m", "1"), RELAY_MISSING);
	event_refused(E("node", NODE, "e", "exit", "r", "#a"), RELAY_MISSING);
	event_refused(E("node", NODE, "e", "enter", "m", "x", "r", "#a"),
	    RELAY_BAD_MEMBER);
	event_refused(E("node", NODE, "e", "enter", "m", "1", "r", "dev"),
	    RELAY_BAD_ROOM);
	event_refused(E("node", NODE, "e", "enter", "m", "1", "r", "#"),
	    RELAY_BAD_ROOM);
	event_refused(E("node", NODE, "e", "enter", "m", "1", "r", "#a b"),
	    RELAY_BAD_ROOM);
	event_refused(E("node", NODE, "e", "enter", "m", "1", "r",
	    "#\x1b[2J"), RELAY_BAD_ROOM);
	event_refused(E("node", NODE, "e", "exit", "m", "1", "r",
	    "#aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), RELAY_BAD_ROOM);
}
END_TEST

/* A private message: addressee, sender, text; the text made safe. */
START_TEST(test_entry_pm)
{
	struct relay_entry	e;
	struct relay_event	ev;
	struct fields		fs;

	relay_entry_init(&e, MAX_LINE);
	open_good(&e, &fs, E("node", NODE, "s", "9", "e", "pm", "m", "12",
	    "n", "bob", "f", "alice", "l", "hi \x1b[31mbob"));
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK, &fs);
	ck_assert_int_eq(ev.type, RELAY_EV_PM);
	ck_assert_uint_eq(ev.member, 12);
	ck_assert_str_eq(ev.nick, "bob");
	ck_assert_str_eq(ev.from, "alice");
	ck_assert_msg(memchr(ev.line, 0x1b, ev.len) == NULL,
	    "an escape in a pm's text was handed on: \"%s\"",
	    esc(ev.line, ev.len));
	assert_safe(ev.line, ev.len, "pm text");
	fields_free(&fs);
	relay_entry_free(&e);

	event_refused(E("node", NODE, "e", "pm", "m", "1", "n", "bob", "l",
	    "x"), RELAY_BAD_NICK);
	event_refused(E("node", NODE, "e", "pm", "m", "1", "f", "bob", "l",
	    "x"), RELAY_BAD_NICK);
	event_refused(E("node", NODE, "e", "pm", "m", "1", "n", "bob", "f",
	    "a b", "l", "x"), RELAY_BAD_NICK);
	event_refused(E("node", NODE, "e", "pm", "m", "1", "n", "bob", "f",
	    "al"), RELAY_MISSING);
	event_refused(E("node", NODE, "e", "pm", "m", "1", "n", "bob", "f",
	    "al", "l", "two\nlines"), RELAY_BAD_LINE);
}
END_TEST

/* A room's history, kept beside the stream, is checked like its lines. */
START_TEST(test_history_line)
{
	struct relay_entry	 e;
	const char		*out;
	size_t			 len, i;
	char			 big[LINE_MAX + 2];

	relay_entry_init(&e, MAX_LINE);
	ck_assert_int_eq(relay_entry_line(&e, "[x] #dev a: hi", 14, &out,
	    &len), RELAY_OK);
	ck_assert_bytes_str(out, len, "[x] #dev a: hi");
	ck_assert_int_eq(relay_entry_line(&e, "a\x1b]0;t\x07" "b", 8, &out,
	    &len), RELAY_OK);
	assert_safe(out, len, "history line");
	ck_assert_int_eq(relay_entry_line(&e, "", 0, &out, &len),
	    RELAY_BAD_LINE);
	ck_assert_int_eq(relay_entry_line(&e, "a\nb", 3, &out, &len),
	    RELAY_BAD_LINE);
	for (i = 0; i < sizeof big; i++)
		big[i] = 'a';
	ck_assert_int_eq(relay_entry_line(&e, big, LINE_MAX, &out, &len),
	    RELAY_OK);
	ck_assert_int_eq(relay_entry_line(&e, big, LINE_MAX + 1, &out, &len),
	    RELAY_BAD_LINE);
	relay_entry_free(&e);
}
END_TEST

/* A member without a nick goes by its address, which has a ':'. */
START_TEST(test_entry_address_nicks)
{
	static const char *const	good[] = {
		"127.0.0.1:53808", "[::1]:53808",
		"[2001:db8:0:0:0:0:0:1]:65535", "[FE80::1]:1",
	};
	struct relay_entry		e;
	struct relay_event		ev;
	struct fields			fs;
	size_t				i;

	relay_entry_init(&e, MAX_LINE);
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		open_good(&e, &fs, E("node", NODE, "e", "join", "m", "1", "n",
		    good[i], "l", "*** joined"));
		ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK, &fs);
		ck_assert_str_eq(ev.nick, good[i]);
		fields_free(&fs);
	}
	relay_entry_free(&e);
}
END_TEST

/* The largest numbers each field holds, and the smallest. */
START_TEST(test_entry_number_ranges)
{
	struct relay_entry	e;
	struct relay_event	ev;
	struct fields		fs;

	relay_entry_init(&e, MAX_LINE);
	open_good(&e, &fs, E("node", NODE, "s", "18446744073709551615",
	    "e", "msg", "m", "4294967295", "l", "x",
	    "e", "msg", "m", "0", "l", "y",
	    "e", "msg", "m", "007", "l", "z"));
	ck_assert_msg(e.seq == UINT64_MAX, "expected seq 2^64 - 1, got %llu",
	    (unsigned long long)e.seq);
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK, &fs);
	ck_assert_uint_eq(ev.member, UINT32_MAX);
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK, &fs);
	ck_assert_uint_eq(ev.member, 0);
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK, &fs);
	ck_assert_uint_eq(ev.member, 7);
	fields_free(&fs);

	open_good(&e, &fs, E("node", NODE, "s", "1", "e", "msg", "m", "1",
	    "l", "x"));
	ck_assert_msg(e.seq == 1, "expected seq 1, got %llu",
	    (unsigned long long)e.seq);
	fields_free(&fs);
	relay_entry_free(&e);
}
END_TEST

/* Fields in any order within an event; the first of a name counts. */
START_TEST(test_entry_field_order)
{
	struct relay_entry	e;
	struct relay_event	ev;
	struct fields		fs;

	relay_entry_init(&e, MAX_LINE);
	open_good(&e, &fs, E("s", "5", "node", NODE, "node",
	    "fedcba9876543210", "s", "6",
	    "e", "join", "l", "*** joined", "n", "amy", "m", "8", "m", "9",
	    "x", "an unknown field in an event is not looked at", "n", "zed"));
	ck_assert_str_eq(e.node, NODE);
	ck_assert_msg(e.seq == 5, "expected the first s, 5, got %llu",
	    (unsigned long long)e.seq);
	ck_assert_int_eq(e.junk, 0);
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK, &fs);
	ck_assert_int_eq(ev.type, RELAY_EV_JOIN);
	ck_assert_uint_eq(ev.member, 8);
	ck_assert_str_eq(ev.nick, "amy");
	ck_assert_bytes_str(ev.line, ev.len, "*** joined");
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_END, &fs);
	fields_free(&fs);
	relay_entry_free(&e);
}
END_TEST

/* Fields before the events other than node and s: noted, not fatal. */
START_TEST(test_entry_junk_in_head)
{
	struct relay_entry	e;
	struct relay_event	ev;
	struct fields		fs;

	relay_entry_init(&e, MAX_LINE);
	make(&fs, E("node", NODE));
	add(&fs, "\0\xff\x1b", 3);
	add(&fs, "junk", 4);
	add(&fs, "e", 1);
	add(&fs, "msg", 3);
	add(&fs, "m", 1);
	add(&fs, "1", 1);
	add(&fs, "l", 1);
	add(&fs, "after a binary field", 20);
	ck_assert_status(relay_entry_open(&e, fs.f, fs.n), RELAY_OK, &fs);
	ck_assert_int_eq(e.junk, 1);
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK, &fs);
	ck_assert_bytes_str(ev.line, ev.len, "after a binary field");
	fields_free(&fs);

	/* A good entry after it starts clean. */
	open_good(&e, &fs, E("node", NODE, "e", "sync"));
	ck_assert_int_eq(e.junk, 0);
	fields_free(&fs);
	relay_entry_free(&e);
}
END_TEST

/* The reader's buffer serves line after line, long ones and short. */
START_TEST(test_entry_reuse)
{
	struct relay_entry	e;
	struct relay_event	ev;
	struct fields		fs;
	char			long_line[LINE_MAX + 1];
	int			round;

	memset(long_line, 'x', LINE_MAX);
	long_line[LINE_MAX] = '\0';
	relay_entry_init(&e, MAX_LINE);
	for (round = 0; round < 3; round++) {
		open_good(&e, &fs, E("node", NODE, "e", "msg", "m", "1", "l",
		    "short", "e", "msg", "m", "1", "l", long_line,
		    "e", "msg", "m", "1", "l", "\x1b"));
		ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK, &fs);
		ck_assert_bytes_str(ev.line, ev.len, "short");
		ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK, &fs);
		ck_assert_bytes_str(ev.line, ev.len, long_line);
		ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK, &fs);
		ck_assert_bytes_str(ev.line, ev.len, "^[");
		fields_free(&fs);
	}
	relay_entry_free(&e);
	/* Freed twice is harmless, as after relay_free(). */
	relay_entry_free(&e);
}
END_TEST

/* --- entries refused whole ------------------------------------------------- */

START_TEST(test_entry_empty_and_odd)
{
	struct relay_entry	e;

	relay_entry_init(&e, MAX_LINE);
	ck_assert_int_eq(relay_entry_open(&e, NULL, 0), RELAY_EMPTY);
	relay_entry_free(&e);
	entry_refused(E("node"), RELAY_ODD);
	entry_refused(E("node", NODE, "e"), RELAY_ODD);
	entry_refused(E("node", NODE, "e", "msg", "m", "1", "l"), RELAY_ODD);
}
END_TEST

START_TEST(test_entry_no_node)
{
	entry_refused(E("e", "msg", "m", "1", "l", "no node"), RELAY_NO_NODE);
	entry_refused(E("s", "1", "e", "msg", "m", "1", "l", "no node"),
	    RELAY_NO_NODE);
	/* A node in an event is not the entry's. */
	entry_refused(E("e", "msg", "node", NODE, "m", "1", "l", "late node"),
	    RELAY_NO_NODE);
	entry_refused(E("Node", NODE, "e", "msg", "m", "1", "l", "x"),
	    RELAY_NO_NODE);
	entry_refused(E("nodes", NODE, "e", "msg", "m", "1", "l", "x"),
	    RELAY_NO_NODE);
}
END_TEST

START_TEST(test_entry_bad_node)
{
	static const char *const	bad[] = {
		"", "abc", "0123456789abcde", "0123456789abcdef0",
		"0123456789ABCDEF", "0123456789abcdeg", "0123456789abcde-",
		" 123456789abcdef", "0123456789abcde\n", "0123456789abcde\x1b",
		"\xc3\xa9" "123456789abcde",
	};
	struct relay_entry		e;
	struct fields			fs;
	size_t				i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		entry_refused(E("node", bad[i], "e", "msg", "m", "1", "l",
		    "x"), RELAY_BAD_NODE);
	/* A NUL in the middle: a C string would see a short id. */
	relay_entry_init(&e, MAX_LINE);
	make(&fs, E("node"));
	add(&fs, "01234567\0abcdef0", 16);
	add(&fs, "e", 1);
	add(&fs, "sync", 4);
	ck_assert_status(relay_entry_open(&e, fs.f, fs.n), RELAY_BAD_NODE,
	    &fs);
	fields_free(&fs);
	relay_entry_free(&e);
}
END_TEST

START_TEST(test_entry_bad_seq)
{
	static const char *const	bad[] = {
		"", "0", "00", "-1", "+1", " 1", "1 ", "1x", "x1", "one",
		"0x10", "1.5", "1e3",
		"18446744073709551616",		/* 2^64 */
		"18446744073709551620",
		"99999999999999999999",
		"184467440737095516150",
		"100000000000000000000000000000000",
	};
	size_t				i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		entry_refused(E("node", NODE, "s", bad[i], "e", "msg", "m",
		    "1", "l", "x"), RELAY_BAD_SEQ);
}
END_TEST

START_TEST(test_entry_no_event)
{
	entry_refused(E("node", NODE), RELAY_NO_EVENT);
	entry_refused(E("node", NODE, "s", "3"), RELAY_NO_EVENT);
	entry_refused(E("node", NODE, "m", "1", "l", "a line, no event"),
	    RELAY_NO_EVENT);
	entry_refused(E("node", NODE, "E", "msg", "m", "1", "l", "x"),
	    RELAY_NO_EVENT);
}
END_TEST

/* --- events refused ------------------------------------------------------- */

START_TEST(test_event_missing_fields)
{
	event_refused(E("node", NODE, "e", "msg"), RELAY_MISSING);
	event_refused(E("node", NODE, "e", "msg", "m", "1"), RELAY_MISSING);
	event_refused(E("node", NODE, "e", "msg", "l", "no member"),
	    RELAY_MISSING);
	/* (And the "m" and "l" of the event after it are not its own.) */
	event_refused(E("node", NODE, "e", "join", "m", "1", "n", "amy"),
	    RELAY_MISSING);
}
END_TEST

START_TEST(test_event_bad_member)
{
	static const char *const	bad[] = {
		"", "one", "-1", "+1", " 1", "1 ", "1x", "0x1", "1.0",
		"4294967296", "4294967300", "99999999999",
		"18446744073709551616",
	};
	size_t				i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		event_refused(E("node", NODE, "e", "msg", "m", bad[i], "l",
		    "x"), RELAY_BAD_MEMBER);
}
END_TEST

START_TEST(test_event_bad_type)
{
	static const char *const	bad[] = {
		"", "frob", "MSG", "Msg", "msgs", "ms", "join ", "part",
		"\x1b[2J",
	};
	struct relay_entry		e;
	struct relay_event		ev;
	struct fields			fs;
	size_t				i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		event_refused(E("node", NODE, "e", bad[i], "m", "1", "n", "amy",
		    "l", "x"), RELAY_BAD_TYPE);
	/* "msg" and a NUL is not "msg". */
	relay_entry_init(&e, MAX_LINE);
	make(&fs, E("node", NODE, "e"));
	add(&fs, "msg\0", 4);
	add(&fs, "m", 1);
	add(&fs, "1", 1);
	add(&fs, "l", 1);
	add(&fs, "x", 1);
	ck_assert_status(relay_entry_open(&e, fs.f, fs.n), RELAY_OK, &fs);
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_BAD_TYPE, &fs);
	fields_free(&fs);
	relay_entry_free(&e);
}
END_TEST

START_TEST(test_event_bad_nick)
{
	static const char *const	bad[] = {
		"",				/* empty */
		"\x1b[2J",			/* an escape */
		"a\x1b]0;PWNED\x07",		/* a title escape */
		"a\x7f",			/* DEL */
		"a\xc2\x9b" "31m",		/* C1 CSI */
		"a\xe2\x80\xae" "evil",		/* U+202E, right-to-left */
		"a\xe2\x81\xa6",		/* U+2066, an isolate */
		"two words",			/* a space */
		"tab\tbed",
		"new\nline",
		"\xff\xfe",			/* invalid UTF-8 */
		"\xc3",				/* cut UTF-8 */
		"\xc0\xaf",			/* overlong */
		/* 33 characters */
		"abcdefghijklmnopqrstuvwxyz0123456",
		/* ':' but no address */
		"x:\xc2\x9b\xc2\x9b", "x:y", "alice:", "::g",
		"1.2.3.4:5 ", "[::1]:6\x1b", "1.2.3.4:56/", "[::1]:7\xc2\xa0",
	};
	struct relay_entry		e;
	struct relay_event		ev;
	struct fields			fs;
	size_t				i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		event_refused(E("node", NODE, "e", "join", "m", "1", "n",
		    bad[i], "l", "*** joined"), RELAY_BAD_NICK);
		event_refused(E("node", NODE, "e", "nick", "m", "1", "n",
		    bad[i], "l", "*** renamed"), RELAY_BAD_NICK);
	}
	/* No nick at all. */
	event_refused(E("node", NODE, "e", "join", "m", "1", "l", "*** j"),
	    RELAY_BAD_NICK);
	event_refused(E("node", NODE, "e", "nick", "m", "1", "l", "*** n"),
	    RELAY_BAD_NICK);
	/* A NUL inside. */
	relay_entry_init(&e, MAX_LINE);
	make(&fs, E("node", NODE, "e", "join", "m", "1", "n"));
	add(&fs, "amy\0evil", 8);
	add(&fs, "l", 1);
	add(&fs, "x", 1);
	ck_assert_status(relay_entry_open(&e, fs.f, fs.n), RELAY_OK, &fs);
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_BAD_NICK, &fs);
	fields_free(&fs);
	relay_entry_free(&e);
}
END_TEST

/* A line refused: the event holds, its line is not said. */
START_TEST(test_event_bad_line)
{
	struct relay_entry	e;
	struct relay_event	ev;
	struct fields		fs;
	char			too_long[LINE_MAX + 2];

	event_refused(E("node", NODE, "e", "msg", "m", "1", "l", ""),
	    RELAY_BAD_LINE);
	event_refused(E("node", NODE, "e", "msg", "m", "1", "l", "two\nlines"),
	    RELAY_BAD_LINE);
	event_refused(E("node", NODE, "e", "msg", "m", "1", "l", "\n"),
	    RELAY_BAD_LINE);
	event_refused(E("node", NODE, "e", "msg", "m", "1", "l", "ends\n"),
	    RELAY_BAD_LINE);
	memset(too_long, 'x', LINE_MAX + 1);
	too_long[LINE_MAX + 1] = '\0';
	event_refused(E("node", NODE, "e", "msg", "m", "1", "l", too_long),
	    RELAY_BAD_LINE);

	/* A leave or a join with a bad line still says who went or came. */
	relay_entry_init(&e, MAX_LINE);
	open_good(&e, &fs, E("node", NODE, "e", "leave", "m", "5", "l",
	    too_long, "e", "join", "m", "6", "n", "[::1]:7", "l", "a\nb"));
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_BAD_LINE, &fs);
	ck_assert_int_eq(ev.type, RELAY_EV_LEAVE);
	ck_assert_uint_eq(ev.member, 5);
	ck_assert_msg(ev.line == NULL, "a refused line was handed on");
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_BAD_LINE, &fs);
	ck_assert_int_eq(ev.type, RELAY_EV_JOIN);
	ck_assert_uint_eq(ev.member, 6);
	ck_assert_str_eq(ev.nick, "[::1]:7");
	ck_assert_msg(ev.line == NULL, "a refused line was handed on");
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_END, &fs);
	fields_free(&fs);
	relay_entry_free(&e);
}
END_TEST

/* Several bad events, each refused alone, between good ones. */
START_TEST(test_event_mixed)
{
	static const enum relay_status	want[] = {
		RELAY_OK, RELAY_MISSING, RELAY_BAD_MEMBER, RELAY_OK,
		RELAY_BAD_TYPE, RELAY_BAD_NICK, RELAY_BAD_LINE, RELAY_OK,
		RELAY_OK, RELAY_END,
	};
	struct relay_entry		e;
	struct relay_event		ev;
	struct fields			fs;
	size_t				i;

	relay_entry_init(&e, MAX_LINE);
	open_good(&e, &fs, E("node", NODE, "s", "9",
	    "e", "msg", "m", "1", "l", "one",
	    "e", "msg", "m", "1",
	    "e", "msg", "m", "x", "l", "bad member",
	    "e", "join", "m", "2", "n", "bo", "l", "two",
	    "e", "frob", "m", "1", "l", "bad type",
	    "e", "nick", "m", "2", "n", "b o", "l", "bad nick",
	    "e", "msg", "m", "1", "l", "bad\nline",
	    "e", "sync",
	    "e", "leave", "m", "2", "l", "three"));
	for (i = 0; i < ARRAY_SIZE(want); i++)
		ck_assert_msg(relay_entry_next(&e, &ev) == want[i],
		    "event %zu of %s: expected %s", i, show(&fs),
		    status_name(want[i]));
	fields_free(&fs);
	relay_entry_free(&e);
}
END_TEST

/* --- what comes out is safe ------------------------------------------------ */

START_TEST(test_entry_lines_neutralised)
{
	static const struct {
		const char	*in;
		const char	*out;
	} cases[] = {
		{ "\x1b]0;PWNED\x07" "evil", "^[]0;PWNED^Gevil" },
		{ "\x1b[2J\x1b[31mred", "^[[2J^[[31mred" },
		{ "a\rb", "a^Mb" },
		{ "del\x7f", "del^?" },
		{ "csi\xc2\x9b" "31m", "csi<U+009B>31m" },
		{ "\xe2\x80\xae" "txt", "<U+202E>txt" },
		{ "\xe2\x81\xa6" "iso", "<U+2066>iso" },
		{ "bad\xff\xfe", "bad\xef\xbf\xbd\xef\xbf\xbd" },
		{ "tab\tkept", "tab\tkept" },
		{ "caf\xc3\xa9 \xe2\x9c\x93", "caf\xc3\xa9 \xe2\x9c\x93" },
	};
	struct relay_entry	e;
	struct relay_event	ev;
	struct fields		fs;
	size_t			i;

	relay_entry_init(&e, MAX_LINE);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		open_good(&e, &fs, E("node", NODE, "e", "msg", "m", "1", "l",
		    cases[i].in));
		ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK, &fs);
		ck_assert_bytes_str(ev.line, ev.len, cases[i].out);
		assert_safe(ev.line, ev.len, cases[i].in);
		fields_free(&fs);
	}
	/* NULs, C0, C1 and broken UTF-8 together. */
	make(&fs, E("node", NODE, "e", "msg", "m", "1", "l"));
	add(&fs, "\0\xff\xfe\x01\r\xc2\x9b[31m\xe2\x80\xaejunk\0", 19);
	ck_assert_status(relay_entry_open(&e, fs.f, fs.n), RELAY_OK, &fs);
	ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK, &fs);
	assert_safe(ev.line, ev.len, "binary junk");
	ck_assert_msg(memchr(ev.line, '\0', ev.len) == NULL, "a NUL was "
	    "handed on: \"%s\"", esc(ev.line, ev.len));
	fields_free(&fs);
	relay_entry_free(&e);
}
END_TEST

/* Every byte value alone, and every pair of bytes, as a line. */
START_TEST(test_entry_all_bytes_safe)
{
	struct relay_entry	e;
	struct relay_event	ev;
	struct fields		fs;
	char			line[2];
	unsigned int		a, b;

	relay_entry_init(&e, MAX_LINE);
	for (a = 0; a < 256; a++) {
		for (b = 0; b < 257; b++) {
			line[0] = (char)a;
			line[1] = (char)b;
			if (a == '\n' || b == '\n')
				continue;
			make(&fs, E("node", NODE, "e", "msg", "m", "1", "l"));
			add(&fs, line, b < 256 ? 2 : 1);
			ck_assert_status(relay_entry_open(&e, fs.f, fs.n),
			    RELAY_OK, &fs);
			ck_assert_status(relay_entry_next(&e, &ev), RELAY_OK,
			    &fs);
			assert_safe(ev.line, ev.len, "a byte pair");
			fields_free(&fs);
		}
	}
	relay_entry_free(&e);
}
END_TEST

/* --- the forms on their own ------------------------------------------------ */

START_TEST(test_node_ids)
{
	static const uint8_t	bytes[8] = {
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	};
	char			id[RELAY_NODE_CHARS + 1];
	uint8_t			rnd[8];
	uint64_t		seed = 13;
	int			round;
	size_t			i;

	memset(id, 'X', sizeof id);
	relay_hex(id, bytes, sizeof bytes);
	ck_assert_str_eq(id, "0123456789abcdef");
	ck_assert_msg(relay_node_ok(id, strlen(id)), "\"%s\": expected a node "
	    "id", id);
	/* Whatever bytes it is made of, a node id is one. */
	for (round = 0; round < 1000; round++) {
		for (i = 0; i < sizeof rnd; i++)
			rnd[i] = (uint8_t)test_random(&seed);
		relay_hex(id, rnd, sizeof rnd);
		ck_assert_msg(strlen(id) == RELAY_NODE_CHARS &&
		    relay_node_ok(id, RELAY_NODE_CHARS), "\"%s\": expected a "
		    "node id", esc_str(id));
	}
	relay_hex(id, bytes, 0);
	ck_assert_str_eq(id, "");
	ck_assert_msg(!relay_node_ok("0123456789abcdef", 15), "15 of 16 "
	    "characters: expected refused");
}
END_TEST

START_TEST(test_nick_forms)
{
	static const char *const	good[] = {
		"a", "alice", "Bob", "r\xc3\xa9mi", "x#", "\xe2\x9c\x93",
		"abcdefghijklmnopqrstuvwxyz012345",	/* 32 characters */
		"127.0.0.1:1", "[::1]:2", "::", "1:",
	};
	char				addr[ADDR_STRLEN];
	size_t				i;
	uint32_t			id;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		ck_assert_msg(relay_nick_ok(good[i], strlen(good[i])),
		    "\"%s\": expected a good remote nick", esc_str(good[i]));
	ck_assert_msg(!relay_nick_ok("amy", 0), "an empty nick: expected "
	    "refused");
	/* '#' begins rooms' names, never a nick. */
	ck_assert_msg(!relay_nick_ok("#x", 2), "\"#x\": expected refused");
	/* An address is shorter than ADDR_STRLEN. */
	memset(addr, '1', sizeof addr);
	addr[0] = ':';
	ck_assert_msg(relay_nick_ok(addr, ADDR_STRLEN - 1), "an address form "
	    "of %d bytes: expected good", ADDR_STRLEN - 1);
	ck_assert_msg(!relay_nick_ok(addr, ADDR_STRLEN), "an address form of "
	    "%d bytes: expected refused", ADDR_STRLEN);
	ck_assert_int_eq(relay_member_parse("12", 2, &id), 0);
	ck_assert_uint_eq(id, 12);
	/* Only the LEN bytes given count. */
	ck_assert_int_eq(relay_member_parse("12x", 2, &id), 0);
	ck_assert_uint_eq(id, 12);
	ck_assert_int_eq(relay_member_parse("12", 0, &id), -1);
}
END_TEST

static Suite *
relay_entry_suite(void)
{
	Suite	*s = suite_create("relay_entry");
	TCase	*tc;

	tc = tcase_create("good");
	tcase_add_test(tc, test_entry_msg);
	tcase_add_test(tc, test_entry_join_leave_nick);
	tcase_add_test(tc, test_entry_sync);
	tcase_add_test(tc, test_entry_bye);
	tcase_add_test(tc, test_entry_enter_exit);
	tcase_add_test(tc, test_entry_pm);
	tcase_add_test(tc, test_history_line);
	tcase_add_test(tc, test_entry_address_nicks);
	tcase_add_test(tc, test_entry_number_ranges);
	tcase_add_test(tc, test_entry_field_order);
	tcase_add_test(tc, test_entry_junk_in_head);
	tcase_add_test(tc, test_entry_reuse);
	suite_add_tcase(s, tc);

	tc = tcase_create("entry refused");
	tcase_add_test(tc, test_entry_empty_and_odd);
	tcase_add_test(tc, test_entry_no_node);
	tcase_add_test(tc, test_entry_bad_node);
	tcase_add_test(tc, test_entry_bad_seq);
	tcase_add_test(tc, test_entry_no_event);
	suite_add_tcase(s, tc);

	tc = tcase_create("event refused");
	tcase_add_test(tc, test_event_missing_fields);
	tcase_add_test(tc, test_event_bad_member);
	tcase_add_test(tc, test_event_bad_type);
	tcase_add_test(tc, test_event_bad_nick);
	tcase_add_test(tc, test_event_bad_line);
	tcase_add_test(tc, test_event_bad_room);
	tcase_add_test(tc, test_event_mixed);
	suite_add_tcase(s, tc);

	tc = tcase_create("safe");
	tcase_add_test(tc, test_entry_lines_neutralised);
	tcase_add_test(tc, test_entry_all_bytes_safe);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("forms");
	tcase_add_test(tc, test_node_ids);
	tcase_add_test(tc, test_nick_forms);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(relay_entry_suite());
}
