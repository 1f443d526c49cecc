/*
 * fuzz_relay_entry.c: the reader of the relay's stream entries
 * (relay-entry.c), which anyone with access to Redis can write. The input
 * is an option byte, --max-line (two bytes), then fields, each a length
 * byte (255: two more bytes of length follow) and its bytes. Invariants:
 * the reader refuses an entry or opens it with a node id of 16 hex digits;
 * it hands back at most one event per two fields and then only RELAY_END;
 * every line it hands on is non-empty, within the bound, valid UTF-8 with
 * nothing a terminal acts on, and already what sanitize() would make of
 * it; every nick it hands on is one a remote member may have, every room
 * name a good one; membership events carry no line; and the same
 * entry read twice reads the same.
 */
#include "common.h"

#include "nick.h"
#include "relay-entry.h"
#include "sanitize.h"
#include "utf8.h"

#include "fuzz.h"

#define MAX_FIELDS	1024

static struct relay_field	 fields[MAX_FIELDS];
static char			*copies[MAX_FIELDS];

/* What reading an entry came to, to compare two readings. */
struct reading {
	enum relay_status	open;
	char			node[RELAY_NODE_CHARS + 1];
	uint64_t		seq;
	int			junk;
	size_t			nevents;
	uint64_t		hash;	/* of the events' statuses and bytes */
};

static uint64_t
mix(uint64_t h, const void *p, size_t len)
{
	const unsigned char	*s = p;
	size_t			 i;

	for (i = 0; i < len; i++)
		h = (h ^ s[i]) * 0x100000001b3ULL;
	return h;
}

/* LEN bytes of S hold nothing a terminal acts on, and no newline. */
static void
check_safe(const char *s, size_t len, const char *what)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, n;
	int32_t			 cp;

	while (i < len) {
		n = utf8_decode(u + i, len - i, &cp);
		CHECK(n >= 1 && n <= len - i, "%s: utf8_decode took %zu", what,
		    n);
		CHECK(cp != UTF8_INVALID, "%s: invalid UTF-8 at byte %zu",
		    what, i);
		CHECK(cp == '\t' || !sanitize_is_unsafe(cp),
		    "%s: U+%04X at byte %zu", what, (unsigned)cp, i);
		i += n;
	}
}

static void
check_event(const struct relay_entry *e, enum relay_status st,
    const struct relay_event *ev)
{
	char	*again;
	size_t	 len;

	int	 lineless;

	CHECK(st == RELAY_OK || st == RELAY_MISSING ||
	    st == RELAY_BAD_MEMBER || st == RELAY_BAD_TYPE ||
	    st == RELAY_BAD_NICK || st == RELAY_BAD_ROOM ||
	    st == RELAY_BAD_LINE, "an event read as %d", (int)st);
	if (st != RELAY_OK && st != RELAY_BAD_LINE)
		return;
	CHECK(ev->type >= RELAY_EV_MSG && ev->type <= RELAY_EV_PM,
	    "an event of type %d", (int)ev->type);
	lineless = ev->type == RELAY_EV_SYNC || ev->type == RELAY_EV_BYE ||
	    ev->type == RELAY_EV_ENTER || ev->type == RELAY_EV_EXIT;
	CHECK(st == RELAY_OK || !lineless,
	    "an event without a line refused for its line");
	if (ev->type == RELAY_EV_JOIN || ev->type == RELAY_EV_NICK ||
	    ev->type == RELAY_EV_PM) {
		len = strlen(ev->nick);
		CHECK(len > 0 && len < NICK_MAX_BYTES &&
		    relay_nick_ok(ev->nick, len),
		    "a join, nick change or pm under a bad nick");
		check_safe(ev->nick, len, "the nick");
	} else
		CHECK(ev->nick[0] == '\0', "a nick on an event of type %d",
		    (int)ev->type);
	if (ev->type == RELAY_EV_PM) {
		len = strlen(ev->from);
		CHECK(len > 0 && relay_nick_ok(ev->from, len),
		    "a pm from a bad nick");
		check_safe(ev->from, len, "the sender");
	} else
		CHECK(ev->from[0] == '\0', "a sender on an event of type %d",
		    (int)ev->type);
	if (ev->type == RELAY_EV_ENTER || ev->type == RELAY_EV_EXIT) {
		len = strlen(ev->room);
		CHECK(room_name_check(ev->room, len), "a bad room name");
		check_safe(ev->room, len, "the room");
	} else
		CHECK(ev->room[0] == '\0', "a room on an event of type %d",
		    (int)ev->type);
	if (st == RELAY_BAD_LINE || lineless) {
		CHECK(ev->line == NULL && ev->len == 0,
		    "a line handed on with status %d, type %d", (int)st,
		    (int)ev->type);
		return;
	}
	CHECK(ev->line != NULL && ev->len > 0 &&
	    ev->len <= SANITIZE_MAX(e->line_max),
	    "a line of %zu bytes, at most %zu", ev->len,
	    SANITIZE_MAX(e->line_max));
	check_safe(ev->line, ev->len, "the line");
	/* Neutralised already: neutralising it again changes nothing. */
	again = malloc(SANITIZE_MAX(ev->len));
	if (again == NULL)
		abort();
	len = sanitize(again, ev->line, ev->len, 1);
	CHECK(len == ev->len && memcmp(again, ev->line, len) == 0,
	    "a line that sanitize() still changes");
	free(again);
}

static void
read_entry(struct relay_entry *e, size_t n, struct reading *r)
{
	struct relay_event	ev;
	enum relay_status	st;
	uint64_t		h = 0xcbf29ce484222325ULL;

	memset(r, 0, sizeof *r);
	r->open = relay_entry_open(e, fields, n);
	CHECK(r->open == RELAY_OK || r->open == RELAY_EMPTY ||
	    r->open == RELAY_ODD || r->open == RELAY_NO_NODE ||
	    r->open == RELAY_BAD_NODE || r->open == RELAY_BAD_SEQ ||
	    r->open == RELAY_NO_EVENT, "an entry opened as %d", (int)r->open);
	CHECK((n == 0) == (r->open == RELAY_EMPTY), "%zu fields, opened as %d",
	    n, (int)r->open);
	CHECK(n == 0 || (n % 2 == 1) == (r->open == RELAY_ODD),
	    "%zu fields, opened as %d", n, (int)r->open);
	if (r->open != RELAY_OK) {
		/* A refused entry has no event. */
		CHECK(relay_entry_next(e, &ev) == RELAY_END,
		    "an event in a refused entry");
		return;
	}
	CHECK(strlen(e->node) == RELAY_NODE_CHARS &&
	    relay_node_ok(e->node, RELAY_NODE_CHARS),
	    "an entry from node \"%.*s\"", RELAY_NODE_CHARS, e->node);
	memcpy(r->node, e->node, sizeof r->node);
	r->seq = e->seq;
	r->junk = e->junk;
	while ((st = relay_entry_next(e, &ev)) != RELAY_END) {
		CHECK(++r->nevents <= n / 2, "%zu events from %zu fields",
		    r->nevents, n);
		check_event(e, st, &ev);
		h = mix(h, &st, sizeof st);
		if (st == RELAY_OK || st == RELAY_BAD_LINE) {
			h = mix(h, &ev.type, sizeof ev.type);
			h = mix(h, &ev.member, sizeof ev.member);
			h = mix(h, ev.nick, strlen(ev.nick));
			if (ev.line != NULL)
				h = mix(h, ev.line, ev.len);
		}
	}
	CHECK(r->nevents >= 1, "an open entry without an event");
	CHECK(relay_entry_next(e, &ev) == RELAY_END, "an event after the end");
	r->hash = h;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input		 in = { data, size };
	struct relay_entry	 e;
	struct reading		 first, second;
	const char		*s;
	size_t			 n = 0, i, len, max_line;
	unsigned int		 opts;

	opts = take_byte(&in);
	max_line = 1 + take_u16(&in) % (opts & 1 ? 65536 : 64);
	while (in.len > 0 && n < MAX_FIELDS) {
		len = take_byte(&in);
		if (len == 255)
			len = take_u16(&in);
		s = take_bytes(&in, len, &len);
		copies[n] = exact_copy(s, len);
		fields[n].ptr = copies[n];
		fields[n].len = len;
		n++;
	}

	relay_entry_init(&e, max_line);
	read_entry(&e, n, &first);
	/* Again, with the buffer of the first reading: the same. */
	read_entry(&e, n, &second);
	CHECK(first.open == second.open &&
	    strcmp(first.node, second.node) == 0 &&
	    first.seq == second.seq && first.junk == second.junk &&
	    first.nevents == second.nevents && first.hash == second.hash,
	    "the same entry read twice reads differently");
	relay_entry_free(&e);

	for (i = 0; i < n; i++)
		free(copies[i]);
	return 0;
}
