/*
 * check_windows.c: the client's windows: lines routed by their tag, their
 * "[PM from/to NICK]" form or as notices; the user's own join opening and
 * confirming a room, its part closing it; history before the own join,
 * and no line twice after a reconnect's replay; switching, activity and
 * the bell; what typed text is sent as; members and rooms; the bounds.
 */
#include "common.h"

#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows.h"

#include "check_util.h"

#define STAMP		"[Wed Aug 14 20:50:19 2013] "
#define ADDR		"127.0.0.1:40000"
#define CAPACITY	100

static struct window_route	route;

/* Route STAMP + TEXT, as the server sends it. */
static struct window_route *
feed(struct windows *ws, const char *text)
{
	char	line[2048];

	snprintf(line, sizeof line, STAMP "%s", text);
	windows_route(ws, line, &route);
	return &route;
}

/*
 * A room server's greeting, the lobby's history (LINES of it) first, then
 * the user's join as its address; then its /nick NICK, if any.
 */
static void
greet(struct windows *ws, const char *const *lines, const char *nick)
{
	char	buf[256];

	for (; lines != NULL && *lines != NULL; lines++)
		feed(ws, *lines);
	feed(ws, "*** " ADDR " joined (3 online)");
	ck_assert_msg(route.joined == windows_get(ws, 1), "the lobby's own "
	    "join notice: expected window 1 joined");
	if (nick != NULL) {
		snprintf(buf, sizeof buf, "*** " ADDR " is now known as %s",
		    nick);
		feed(ws, buf);
	}
}

/* A fresh model, connected as alice. */
static void
setup_alice(struct windows *ws)
{
	windows_init(ws, CAPACITY);
	greet(ws, NULL, "alice");
}

/* alice's own join of ROOM, with HISTORY lines (after their tag) first. */
static struct window *
join(struct windows *ws, const char *room, const char *const *history)
{
	char	buf[256];

	for (; history != NULL && *history != NULL; history++) {
		snprintf(buf, sizeof buf, "%s %s", room, *history);
		feed(ws, buf);
	}
	snprintf(buf, sizeof buf, "%s *** alice joined (2 online)", room);
	feed(ws, buf);
	ck_assert_msg(route.confirmed != NULL &&
	    strcmp(route.confirmed->name, room) == 0, "own join of %s: "
	    "expected it confirmed", room);
	return route.confirmed;
}

/* Window W's line I (from its newest, 0) must be STAMP + TEXT, of KIND. */
static void
expect_back(const struct window *w, size_t i, const char *text,
    enum line_kind kind)
{
	const struct sb_line	*l = NULL;
	char			 want[2048];

	snprintf(want, sizeof want, STAMP "%s", text);
	if (i < w->sb.count)
		l = sb_get(&w->sb, w->sb.count - 1 - i);
	ck_assert_msg(l != NULL && strcmp(l->text, want) == 0 &&
	    l->kind == kind, "window %u (%s), line %zu from the end: expected "
	    "\"%s\" of kind %d, got \"%s\" of kind %d", w->number, w->name, i,
	    esc_str(want), (int)kind, l != NULL ? esc_str(l->text) : "(none)",
	    l != NULL ? (int)l->kind : -1);
}

static void
expect_last(const struct window *w, const char *text, enum line_kind kind)
{
	expect_back(w, 0, text, kind);
}

/* Window N must be NAME, of KIND. */
static void
expect_window(const struct windows *ws, unsigned int n, const char *name,
    enum window_kind kind)
{
	const struct window	*w = windows_get(ws, n);

	ck_assert_msg(w != NULL && strcmp(w->name, name) == 0 &&
	    w->kind == kind && w->number == n, "window %u: expected %s of "
	    "kind %d, got %s of kind %d numbered %u", n, name, (int)kind,
	    w != NULL ? w->name : "(none)", w != NULL ? (int)w->kind : -1,
	    w != NULL ? w->number : 0);
}

/* The members of W, joined by ",". */
static const char *
members(const struct window *w)
{
	static char	buf[1024];
	size_t		i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < window_member_count(w); i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s",
		    i > 0 ? "," : "", window_member(w, i));
	ck_assert_msg(window_member(w, i) == NULL, "expected no member past "
	    "the count");
	return buf;
}

#define expect_members(w, want) do {					\
	const char	*em_got = members(w);				\
									\
	ck_assert_msg(strcmp(em_got, (want)) == 0, "members of %s: "	\
	    "expected \"%s\", got \"%s\"", (w)->name, (want), em_got);	\
} while (0)

/* What typing TEXT in the current window sends: WANT0, WANT1 or fewer. */
static void
expect_out(struct windows *ws, const char *text, const char *want0,
    const char *want1)
{
	char	*out[WINDOWS_OUT_MAX] = { NULL, NULL };
	size_t	 n, want = want0 == NULL ? 0 : want1 == NULL ? 1 : 2, i;

	n = windows_outgoing(ws, text, strlen(text), out);
	ck_assert_msg(n == want, "typed \"%s\" in %s: expected %zu lines "
	    "\"%s\" \"%s\", got %zu: \"%s\" \"%s\"", text,
	    ws->current->name, want, esc_str(want0), esc_str(want1), n,
	    esc_str(out[0]), esc_str(out[1]));
	if (want0 != NULL)
		ck_assert_msg(out[0] != NULL && strcmp(out[0], want0) == 0,
		    "typed \"%s\" in %s: expected \"%s\" first, got \"%s\"",
		    text, ws->current->name, want0, esc_str(out[0]));
	if (want1 != NULL)
		ck_assert_msg(out[1] != NULL && strcmp(out[1], want1) == 0,
		    "typed \"%s\" in %s: expected \"%s\" second, got \"%s\"",
		    text, ws->current->name, want1, esc_str(out[1]));
	for (i = 0; i < n; i++)
		free(out[i]);
}

/* --- routing ------------------------------------------------------------ */

START_TEST(test_route_forms)
{
	struct windows		 ws;
	struct window		*dev, *bob;
	struct window_route	*r;

	setup_alice(&ws);
	r = feed(&ws, "carol: hello");
	ck_assert_msg(r->window == windows_get(&ws, 1), "an untagged line: "
	    "expected window 1");
	expect_last(r->window, "carol: hello", LINE_NORMAL);

	dev = join(&ws, "#dev", NULL);
	expect_window(&ws, 2, "#dev", WINDOW_ROOM);
	r = feed(&ws, "#dev carol: the build is green");
	ck_assert_ptr_eq(r->window, dev);
	expect_last(dev, "#dev carol: the build is green", LINE_NORMAL);
	r = feed(&ws, "#dev * carol waves");
	ck_assert_ptr_eq(r->window, dev);

	r = feed(&ws, "[PM from bob] psst");
	expect_window(&ws, 3, "bob", WINDOW_QUERY);
	bob = windows_get(&ws, 3);
	ck_assert_msg(r->window == bob && r->pm, "a PM from bob: expected "
	    "bob's window, a PM");
	expect_last(bob, "[PM from bob] psst", LINE_NORMAL);
	r = feed(&ws, "[PM to BOB] hi");
	ck_assert_msg(r->window == bob && r->pm && r->kind == LINE_OWN,
	    "a PM to BOB: expected bob's window (case ignored), own");
	ck_assert_uint_eq(ws.count, 3);

	/* A nick may hold "]": the one before the space ends it. */
	r = feed(&ws, "[PM from a]b] x");
	ck_assert_msg(r->window != NULL && strcmp(r->window->name, "a]b") ==
	    0, "a PM from \"a]b\": expected its window, got %s",
	    r->window != NULL ? r->window->name : "(none)");

	/* The lobby's notices go to window 1, whatever is shown. */
	windows_show(&ws, 2);
	r = feed(&ws, "*** dave joined (4 online)");
	ck_assert_ptr_eq(r->window, windows_get(&ws, 1));
	ck_assert_int_eq(r->kind, LINE_NOTICE);
	r = feed(&ws, "*** dave left: bye (3 online)");
	ck_assert_ptr_eq(r->window, windows_get(&ws, 1));
	r = feed(&ws, "*** carol is now known as caz");
	ck_assert_ptr_eq(r->window, windows_get(&ws, 1));
	windows_free(&ws);
}
END_TEST

START_TEST(test_route_answers)
{
	static const char *const answers[] = {
		"*** no such nick zed",
		"*** you are not in #x",
		"*** unknown command /foo (try /help)",
		"*** rooms: #lobby (3), #dev (2)",
		"*** nick bob is taken",
		"*** server shutting down",
	};
	struct windows		 ws;
	struct window_route	*r;
	size_t			 i;

	setup_alice(&ws);
	join(&ws, "#dev", NULL);
	windows_query(&ws, "bob", 3);
	for (i = 0; i < ARRAY_SIZE(answers); i++) {
		r = feed(&ws, answers[i]);
		ck_assert_msg(r->window == ws.current && r->kind ==
		    LINE_NOTICE && r->window->activity == WINDOW_QUIET,
		    "\"%s\": expected a notice in the current window (%s), "
		    "got %s", answers[i], ws.current->name,
		    r->window != NULL ? r->window->name : "(none)");
	}
	windows_free(&ws);
}
END_TEST

/* Text cannot pose as a tag, a PM or a notice: only the server's forms. */
START_TEST(test_route_not_forged)
{
	struct windows		 ws;
	struct window_route	*r;

	setup_alice(&ws);
	r = feed(&ws, "bob: *** carol left (1 online)");
	ck_assert_msg(r->window == windows_get(&ws, 1) && r->kind ==
	    LINE_NORMAL, "a lobby line that quotes a notice: expected a plain "
	    "line in window 1");
	r = feed(&ws, "bob: [PM from carol] hi");
	ck_assert_ptr_eq(r->window, windows_get(&ws, 1));
	r = feed(&ws, "* bob #ops hi");
	ck_assert_ptr_eq(r->window, windows_get(&ws, 1));
	ck_assert_uint_eq(ws.count, 1);
	windows_free(&ws);
}
END_TEST

/* An echo server: no join notice, so everything is window 1's. */
START_TEST(test_route_echo)
{
	struct windows		 ws;
	struct window_route	*r;

	windows_init(&ws, CAPACITY);
	r = feed(&ws, "#dev hello");
	ck_assert_msg(r->window == windows_get(&ws, 1) && r->kind ==
	    LINE_NORMAL, "echo: expected \"#dev hello\" plain in window 1");
	r = feed(&ws, "[PM from bob] hi");
	ck_assert_msg(r->window == windows_get(&ws, 1) && !r->pm && !r->bell,
	    "echo: expected a PM form plain in window 1");
	r = feed(&ws, "/nick alice");
	ck_assert_ptr_eq(r->window, windows_get(&ws, 1));
	ck_assert_uint_eq(ws.count, 1);
	ck_assert_ptr_null(ws.me);
	windows_free(&ws);
}
END_TEST

/* The user's nick: its address from the lobby's join, then its /nick. */
START_TEST(test_route_own_nick)
{
	struct windows		 ws;
	struct window_route	*r;

	windows_init(&ws, CAPACITY);
	r = feed(&ws, "*** " ADDR " joined (1 online)");
	ck_assert_msg(r->nick != NULL && strcmp(r->nick, ADDR) == 0,
	    "expected the join to name the user " ADDR ", got %s",
	    esc_str(r->nick));
	ck_assert_int_eq(windows_get(&ws, 1)->activity, WINDOW_QUIET);
	r = feed(&ws, "*** " ADDR " is now known as alice");
	ck_assert_msg(r->nick != NULL && strcmp(ws.me, "alice") == 0,
	    "expected the nick change to name the user alice, got %s",
	    esc_str(ws.me));
	r = feed(&ws, "*** bob is now known as carol");
	ck_assert_msg(r->nick == NULL && strcmp(ws.me, "alice") == 0,
	    "someone else's nick change: expected alice still");
	r = feed(&ws, "alice: mine");
	ck_assert_int_eq(r->kind, LINE_OWN);
	r = feed(&ws, "* alice waves");
	ck_assert_int_eq(r->kind, LINE_OWN);
	windows_free(&ws);
}
END_TEST

/* --- joins, history, replays -------------------------------------------- */

START_TEST(test_join_confirms)
{
	struct windows		 ws;
	struct window		*dev, *ops;
	struct window_route	*r;

	setup_alice(&ws);
	/* Typed: shown once confirmed, not before. */
	expect_out(&ws, "/join #dev", "/join #dev", NULL);
	r = feed(&ws, "#dev bob: earlier");
	dev = r->window;
	ck_assert_msg(dev != NULL && dev->number == 2 && ws.current ==
	    windows_get(&ws, 1) && !dev->joined, "history: expected #dev "
	    "opened as window 2, not joined, not shown");
	ck_assert_ptr_null(r->confirmed);
	r = feed(&ws, "#dev *** bob joined (1 online)");
	ck_assert_msg(r->confirmed == NULL && !dev->joined, "someone else's "
	    "join: expected no confirmation");
	r = feed(&ws, "#dev *** alice joined (2 online)");
	ck_assert_msg(r->confirmed == dev && r->joined == dev && dev->joined,
	    "own join: expected #dev confirmed and joined");
	ck_assert_msg(ws.current == dev && ws.server_room == dev,
	    "expected #dev shown and the server's current room");
	ck_assert_int_eq(dev->activity, WINDOW_QUIET);

	/* Not typed (a rejoin): confirmed, current on the server, not shown. */
	r = feed(&ws, "#ops *** alice joined (1 online)");
	ops = r->confirmed;
	ck_assert_msg(ops != NULL && strcmp(ops->name, "#ops") == 0 &&
	    ws.current == dev && ws.server_room == ops, "a join not typed: "
	    "expected #ops confirmed and current on the server, #dev shown");

	/* A room the user is in already. */
	expect_out(&ws, "/join #DEV", "/join #DEV", NULL);
	r = feed(&ws, "*** #dev is your current room");
	ck_assert_msg(r->confirmed == dev && r->window == dev &&
	    ws.server_room == dev && ws.current == dev, "\"#dev is your "
	    "current room\": expected #dev confirmed, current, shown");

	/* A /join that fails is answered: a later join shows nothing. */
	windows_show(&ws, 1);
	expect_out(&ws, "/join #new", "/join #new", NULL);
	feed(&ws, "*** you are in too many rooms");
	feed(&ws, "#new *** alice joined (1 online)");
	ck_assert_ptr_eq(ws.current, windows_get(&ws, 1));
	windows_free(&ws);
}
END_TEST

START_TEST(test_join_history)
{
	static const char *const lobby_history[] = {
		"bob: old one",
		"* bob stretches",
		NULL
	};
	static const char *const history[] = {
		"bob: alice, before you came",
		"* carol left for lunch",
		NULL
	};
	struct windows		 ws;
	struct window		*lobby, *dev;
	struct window_route	*r;

	windows_init(&ws, CAPACITY);
	greet(&ws, lobby_history, "alice");
	lobby = windows_get(&ws, 1);
	expect_back(lobby, 3, "bob: old one", LINE_HISTORY);
	expect_back(lobby, 2, "* bob stretches", LINE_HISTORY);
	expect_back(lobby, 1, "*** " ADDR " joined (3 online)", LINE_NOTICE);

	dev = join(&ws, "#dev", history);
	expect_back(dev, 2, "#dev bob: alice, before you came", LINE_HISTORY);
	expect_back(dev, 1, "#dev * carol left for lunch", LINE_HISTORY);
	expect_back(dev, 0, "#dev *** alice joined (2 online)", LINE_NOTICE);
	r = feed(&ws, "#dev bob: now");
	ck_assert_int_eq(r->kind, LINE_NORMAL);
	r = feed(&ws, "#dev bob: hi alice");
	ck_assert_msg(r->kind == LINE_MENTION && r->mention, "after the "
	    "join a mention is a mention");
	r = feed(&ws, "#dev alice: me");
	ck_assert_int_eq(r->kind, LINE_OWN);
	windows_free(&ws);
}
END_TEST

START_TEST(test_join_replay)
{
	static const char *const lobby_history[] = {
		"bob: lobby one",
		NULL
	};
	static const char *const history[] = {
		"bob: one",
		NULL
	};
	struct windows		 ws;
	struct window		*lobby, *dev;
	struct window_route	*r;
	size_t			 before;

	windows_init(&ws, CAPACITY);
	greet(&ws, lobby_history, "alice");
	lobby = windows_get(&ws, 1);
	dev = join(&ws, "#dev", history);
	feed(&ws, "#dev bob: two");

	windows_disconnected(&ws);
	ck_assert_msg(!dev->joined && !lobby->joined && ws.server_room ==
	    lobby, "disconnected: expected nothing joined, the lobby "
	    "current on the server");
	before = lobby->sb.count;
	r = feed(&ws, "bob: lobby one");
	ck_assert_msg(r->window == NULL && lobby->sb.count == before,
	    "the lobby's replay: expected a line it holds dropped");
	r = feed(&ws, "bob: lobby two");
	ck_assert_msg(r->window == lobby && r->kind == LINE_HISTORY,
	    "the lobby's replay: expected a new line kept, as history");
	/* The relay settles the /nick after the rejoin is done. */
	greet(&ws, NULL, NULL);
	ck_assert_uint_eq(lobby->sb.count, before + 2);

	before = dev->sb.count;
	r = feed(&ws, "#dev bob: one");
	ck_assert_msg(r->window == NULL, "#dev's replay: expected \"one\" "
	    "dropped");
	r = feed(&ws, "#dev bob: two");
	ck_assert_msg(r->window == NULL, "#dev's replay: expected \"two\" "
	    "dropped");
	r = feed(&ws, "#dev bob: three");
	ck_assert_msg(r->window == dev && r->kind == LINE_HISTORY, "#dev's "
	    "replay: expected \"three\", said during the outage, kept");
	feed(&ws, "#dev *** " ADDR " joined (2 online)");
	ck_assert_msg(dev->joined && route.confirmed == dev, "the rejoin "
	    "under the address: expected it the user's own");
	ck_assert_msg(dev->activity == WINDOW_UNREAD, "a line said during "
	    "the outage: expected #dev unread");
	windows_show(&ws, 2);
	windows_show(&ws, 1);
	r = feed(&ws, "*** " ADDR " is now known as alice");
	ck_assert_msg(r->nick != NULL && strcmp(ws.me, "alice") == 0,
	    "expected the user alice again");
	r = feed(&ws, "#dev *** " ADDR " is now known as alice");
	ck_assert_msg(r->window == dev && r->nick == NULL && dev->activity ==
	    WINDOW_QUIET, "the room's notice of the user's /nick: expected no "
	    "activity");
	expect_members(dev, "alice");
	ck_assert_uint_eq(dev->sb.count, before + 3);
	/* After the join, the same text again is a new line. */
	r = feed(&ws, "#dev bob: two");
	ck_assert_msg(r->window == dev && r->kind == LINE_NORMAL, "after the "
	    "join: expected a line like a held one kept");
	expect_last(dev, "#dev bob: two", LINE_NORMAL);
	windows_free(&ws);
}
END_TEST

/* A held line answers one replayed line, not two. */
START_TEST(test_join_replay_once)
{
	static const char *const history[] = {
		"bob: ok",
		NULL
	};
	struct windows		 ws;
	struct window		*dev;
	struct window_route	*r;

	setup_alice(&ws);
	dev = join(&ws, "#dev", history);
	windows_disconnected(&ws);
	greet(&ws, NULL, "alice");
	r = feed(&ws, "#dev bob: ok");
	ck_assert_ptr_null(r->window);
	r = feed(&ws, "#dev bob: ok");
	ck_assert_msg(r->window == dev, "a second \"ok\" when one was held: "
	    "expected it kept");
	/* A pane that was cleared holds nothing to match. */
	windows_disconnected(&ws);
	sb_clear(&dev->sb);
	greet(&ws, NULL, "alice");
	r = feed(&ws, "#dev bob: ok");
	ck_assert_msg(r->window == dev, "after /clear: expected the replay "
	    "kept");
	windows_free(&ws);
}
END_TEST

/* Only what the pane holds still: lines it dropped when full come again. */
START_TEST(test_join_replay_evicted)
{
	struct windows		 ws;
	struct window		*dev;
	struct window_route	*r;
	char			 buf[64];
	int			 i;

	windows_init(&ws, 4);
	greet(&ws, NULL, "alice");
	dev = join(&ws, "#dev", NULL);
	for (i = 0; i < 6; i++) {
		snprintf(buf, sizeof buf, "#dev bob: %d", i);
		feed(&ws, buf);
	}
	windows_disconnected(&ws);
	greet(&ws, NULL, "alice");
	r = feed(&ws, "#dev bob: 0");
	ck_assert_msg(r->window == dev, "a line gone from the full pane: "
	    "expected it shown again");
	r = feed(&ws, "#dev bob: 5");
	ck_assert_msg(r->window == NULL, "a line the pane holds: expected it "
	    "dropped");
	windows_free(&ws);
}
END_TEST

START_TEST(test_part_closes)
{
	struct windows		 ws;
	struct window		*dev, *ops;
	struct window_route	*r;

	setup_alice(&ws);
	dev = join(&ws, "#dev", NULL);
	windows_query(&ws, "bob", 3);
	ops = join(&ws, "#ops", NULL);
	windows_show(&ws, 2);
	ck_assert_ptr_eq(ws.server_room, ops);

	r = feed(&ws, "#dev *** bob left (1 online)");
	ck_assert_msg(r->closed == 0 && r->window == dev, "someone else "
	    "left: expected nothing closed");
	r = feed(&ws, "#dev *** alice left: done (1 online)");
	ck_assert_msg(r->closed == 2, "own part: expected window 2 closed, "
	    "got %u", r->closed);
	ck_assert_ptr_null(windows_find(&ws, "#dev", 4));
	expect_window(&ws, 2, "bob", WINDOW_QUERY);
	expect_window(&ws, 3, "#ops", WINDOW_ROOM);
	ck_assert_uint_eq(ws.count, 3);
	ck_assert_msg(r->window == ws.current && ws.current ==
	    windows_get(&ws, 2), "the part's notice: expected it in the "
	    "window shown before, bob's");

	/* Leaving the server's current room makes the lobby current. */
	r = feed(&ws, "#ops *** alice left (0 online)");
	ck_assert_uint_eq(r->closed, 3);
	ck_assert_ptr_eq(ws.server_room, windows_get(&ws, 1));
	ck_assert_uint_eq(ws.count, 2);
	windows_free(&ws);
}
END_TEST

/* --- /query, /close, switching ------------------------------------------ */

START_TEST(test_query_close)
{
	struct windows	 ws;
	struct window	*bob, *dev;

	setup_alice(&ws);
	dev = join(&ws, "#dev", NULL);
	bob = windows_query(&ws, "bob", 3);
	ck_assert_msg(bob != NULL && bob->number == 3 && ws.current == bob &&
	    bob->sb.count == 0, "/query bob: expected window 3 shown, empty");
	ck_assert_ptr_eq(windows_query(&ws, "BOB", 3), bob);
	ck_assert_uint_eq(ws.count, 3);
	ck_assert_ptr_null(windows_query(&ws, "#dev", 4));
	ck_assert_ptr_null(windows_query(&ws, "a b", 3));
	ck_assert_ptr_null(windows_query(&ws, "", 0));
	windows_query(&ws, "carol", 5);

	ck_assert_int_eq(windows_close(&ws, 1), -1);
	ck_assert_int_eq(windows_close(&ws, 9), -1);
	ck_assert_msg(windows_close(&ws, 2) == -1 && windows_get(&ws, 2) ==
	    dev, "/close of a room the user is in: expected it refused");
	ck_assert_int_eq(windows_close(&ws, 3), 0);
	expect_window(&ws, 3, "carol", WINDOW_QUERY);
	ck_assert_ptr_null(windows_find(&ws, "bob", 3));
	/* Not in it any more (the connection went): it may close. */
	windows_disconnected(&ws);
	ck_assert_int_eq(windows_close(&ws, 2), 0);
	expect_window(&ws, 2, "carol", WINDOW_QUERY);
	ck_assert_uint_eq(ws.count, 2);
	windows_free(&ws);
}
END_TEST

START_TEST(test_switching)
{
	struct windows	ws;

	setup_alice(&ws);
	join(&ws, "#dev", NULL);
	windows_query(&ws, "bob", 3);
	windows_query(&ws, "carol", 5);
	ck_assert_uint_eq(ws.current->number, 4);

	ck_assert_int_eq(windows_show(&ws, 2), 0);
	ck_assert_uint_eq(ws.current->number, 2);
	ck_assert_int_eq(windows_show(&ws, 5), -1);
	ck_assert_int_eq(windows_show(&ws, 0), -1);
	ck_assert_uint_eq(ws.current->number, 2);

	windows_next(&ws);
	ck_assert_uint_eq(ws.current->number, 3);
	windows_next(&ws);
	windows_next(&ws);
	ck_assert_msg(ws.current->number == 1, "next from the last: expected "
	    "window 1, got %u", ws.current->number);
	windows_prev(&ws);
	ck_assert_msg(ws.current->number == 4, "previous from window 1: "
	    "expected the last, got %u", ws.current->number);
	windows_prev(&ws);
	ck_assert_uint_eq(ws.current->number, 3);

	/* Closing the window shown shows the one shown before it. */
	windows_show(&ws, 1);
	windows_show(&ws, 4);
	windows_close(&ws, 4);
	ck_assert_uint_eq(ws.current->number, 1);
	windows_show(&ws, 3);
	windows_close(&ws, 3);
	ck_assert_uint_eq(ws.current->number, 1);
	windows_free(&ws);
}
END_TEST

/* --- activity and the bell ---------------------------------------------- */

START_TEST(test_activity)
{
	struct windows		 ws;
	struct window_route	*r;

	setup_alice(&ws);
	join(&ws, "#dev", NULL);
	join(&ws, "#ops", NULL);
	join(&ws, "#qa", NULL);
	windows_show(&ws, 1);
	ck_assert_str_eq(windows_activity(&ws), "");
	ck_assert_int_eq(windows_next_active(&ws), -1);

	feed(&ws, "#qa bob: x");
	feed(&ws, "#dev bob: y");
	r = feed(&ws, "#ops bob: alice: look");
	ck_assert_msg(r->mention && r->bell && r->kind == LINE_MENTION,
	    "a mention elsewhere: expected it hot, ringing");
	feed(&ws, "bob: in the lobby, shown");
	ck_assert_str_eq(windows_activity(&ws), "[Act: 2,3!,4]");
	ck_assert_int_eq(windows_get(&ws, 1)->activity, WINDOW_QUIET);

	/* Alt-a: the hot one first, then by number. */
	ck_assert_int_eq(windows_next_active(&ws), 0);
	ck_assert_uint_eq(ws.current->number, 3);
	ck_assert_str_eq(windows_activity(&ws), "[Act: 2,4]");
	ck_assert_int_eq(windows_next_active(&ws), 0);
	ck_assert_uint_eq(ws.current->number, 2);
	ck_assert_int_eq(windows_next_active(&ws), 0);
	ck_assert_uint_eq(ws.current->number, 4);
	ck_assert_str_eq(windows_activity(&ws), "");
	ck_assert_int_eq(windows_next_active(&ws), -1);
	ck_assert_uint_eq(ws.current->number, 4);

	/* A PM opens a hot window; showing it clears it. */
	r = feed(&ws, "[PM from bob] psst");
	ck_assert_msg(r->bell && r->window->activity == WINDOW_HOT,
	    "a PM elsewhere: expected it hot, ringing");
	ck_assert_str_eq(windows_activity(&ws), "[Act: 5!]");
	windows_show(&ws, 5);
	ck_assert_str_eq(windows_activity(&ws), "");
	/* The user's own lines are no activity. */
	r = feed(&ws, "#dev alice: mine");
	ck_assert_str_eq(windows_activity(&ws), "");
	/* Renumbering shows in the list. */
	feed(&ws, "#qa bob: z");
	feed(&ws, "#dev *** alice left (1 online)");
	ck_assert_str_eq(windows_activity(&ws), "[Act: 3]");
	windows_free(&ws);
}
END_TEST

START_TEST(test_bell)
{
	struct windows		 ws;
	struct window_route	*r;

	setup_alice(&ws);
	join(&ws, "#dev", NULL);
	windows_show(&ws, 2);
	/* On screen: no bell, no activity. */
	r = feed(&ws, "#dev bob: alice?");
	ck_assert_msg(r->mention && !r->bell, "a mention on screen: expected "
	    "no bell");
	r = feed(&ws, "[PM from bob] hi");
	ck_assert_msg(r->bell, "a PM while its window opens elsewhere: "
	    "expected the bell");
	windows_show(&ws, 3);
	r = feed(&ws, "[PM from bob] again");
	ck_assert_msg(!r->bell, "a PM on screen: expected no bell");
	r = feed(&ws, "[PM to bob] back");
	ck_assert_msg(!r->bell, "the user's own PM: expected no bell");

	r = feed(&ws, "#dev bob: nothing for you");
	ck_assert_msg(!r->bell && !r->mention, "a plain line: expected no "
	    "bell");
	r = feed(&ws, "#dev bob: alicetown is far");
	ck_assert_msg(!r->mention, "\"alicetown\": expected no mention");
	r = feed(&ws, "#dev bob: malice");
	ck_assert_msg(!r->mention, "\"malice\": expected no mention");
	r = feed(&ws, "#dev bob: ALICE!");
	ck_assert_msg(r->mention && r->bell, "\"ALICE!\": expected a mention, "
	    "the bell");
	r = feed(&ws, "#dev *** alice2 joined (3 online)");
	ck_assert_msg(!r->bell, "a notice: expected no bell");
	r = feed(&ws, "#dev alice: alice talks to herself");
	ck_assert_msg(!r->bell, "the user's own line: expected no bell");
	/* Old news: history never rings. */
	r = feed(&ws, "#ops bob: alice, see this");
	ck_assert_msg(!r->bell && r->kind == LINE_HISTORY, "a mention in "
	    "history: expected no bell");
	windows_free(&ws);
}
END_TEST

/* --- typed text --------------------------------------------------------- */

START_TEST(test_outgoing)
{
	struct windows	ws;

	setup_alice(&ws);
	expect_out(&ws, "", NULL, NULL);
	expect_out(&ws, "hello", "hello", NULL);
	expect_out(&ws, "//x", "//x", NULL);
	expect_out(&ws, "/who", "/who #lobby", NULL);
	expect_out(&ws, "/part", "/part #lobby", NULL);

	join(&ws, "#dev", NULL);
	join(&ws, "#ops", NULL);
	windows_show(&ws, 2);
	/* #ops is the server's current room, #dev on screen. */
	expect_out(&ws, "hi", "/msg #dev hi", NULL);
	expect_out(&ws, "//x y", "/msg #dev /x y", NULL);
	expect_out(&ws, "/part", "/part #dev", NULL);
	expect_out(&ws, "/PART see you", "/part #dev see you", NULL);
	expect_out(&ws, "/part #ops", "/part #ops", NULL);
	expect_out(&ws, "/who", "/who #dev", NULL);
	expect_out(&ws, "/who #x", "/who #x", NULL);
	expect_out(&ws, "/nick zed", "/nick zed", NULL);
	expect_out(&ws, "/msg bob hi", "/msg bob hi", NULL);
	expect_out(&ws, "/me waves", "/join #dev", "/me waves");

	windows_show(&ws, 3);
	expect_out(&ws, "hi", "hi", NULL);
	expect_out(&ws, "/me waves", "/me waves", NULL);

	windows_show(&ws, 1);
	expect_out(&ws, "hi", "/msg #lobby hi", NULL);

	windows_query(&ws, "bob", 3);
	expect_out(&ws, "hi there", "/msg bob hi there", NULL);
	expect_out(&ws, "//etc", "/msg bob /etc", NULL);
	expect_out(&ws, "/me waves", "/msg bob * alice waves", NULL);
	expect_out(&ws, "/part", "/part", NULL);
	expect_out(&ws, "/who", "/who", NULL);
	windows_free(&ws);
}
END_TEST

/* --- members and rooms -------------------------------------------------- */

START_TEST(test_members_notices)
{
	struct windows	 ws;
	struct window	*lobby, *dev, *bob;

	setup_alice(&ws);
	lobby = windows_get(&ws, 1);
	expect_members(lobby, "alice");
	dev = join(&ws, "#dev", NULL);
	expect_members(dev, "alice");
	feed(&ws, "#dev *** bob joined (2 online)");
	feed(&ws, "#dev *** Carol joined (3 online)");
	feed(&ws, "#dev *** 10.0.0.1:5 joined (4 online)");
	feed(&ws, "#dev *** bob joined (4 online)");
	expect_members(dev, "10.0.0.1:5,alice,bob,Carol");
	feed(&ws, "#dev *** 10.0.0.1:5 left: gone (3 online)");
	expect_members(dev, "alice,bob,Carol");
	feed(&ws, "*** bob joined (2 online)");
	expect_members(lobby, "alice,bob");

	/* A nick change renames in every room, and bob's conversation. */
	bob = windows_query(&ws, "bob", 3);
	feed(&ws, "*** bob is now known as zed");
	expect_members(lobby, "alice,zed");
	expect_members(dev, "alice,Carol,zed");
	ck_assert_msg(strcmp(bob->name, "zed") == 0 &&
	    windows_find(&ws, "zed", 3) == bob && windows_find(&ws, "bob", 3)
	    == NULL, "bob's conversation: expected it named zed");
	feed(&ws, "#dev *** bob is now known as zed");
	expect_members(dev, "alice,Carol,zed");
	/* The user's own. */
	feed(&ws, "*** alice is now known as al");
	feed(&ws, "#dev *** alice is now known as al");
	expect_members(dev, "al,Carol,zed");
	ck_assert_str_eq(ws.me, "al");
	windows_free(&ws);
}
END_TEST

START_TEST(test_members_who)
{
	struct windows		 ws;
	struct window		*lobby, *dev;
	struct window_route	*r;
	char			*ask;

	setup_alice(&ws);
	lobby = windows_get(&ws, 1);
	dev = join(&ws, "#dev", NULL);
	windows_show(&ws, 1);

	/* The user's /who: shown in the current window, kept. */
	r = feed(&ws, "*** 4 online in #dev:");
	ck_assert_msg(r->window == lobby && r->kind == LINE_NOTICE, "a /who "
	    "head: expected it in the current window");
	r = feed(&ws, "*** zed, amy");
	ck_assert_ptr_eq(r->window, lobby);
	r = feed(&ws, "*** node-2:8080: Bo, alice");
	ck_assert_ptr_eq(r->window, lobby);
	expect_members(dev, "alice,amy,Bo,zed");
	/* The answer is over: a notice after it is not a nick. */
	r = feed(&ws, "*** ghost");
	ck_assert_ptr_eq(r->window, lobby);
	expect_members(dev, "alice,amy,Bo,zed");

	/* Fewer nicks than counted: the next line ends the answer. */
	feed(&ws, "*** 3 online:");
	feed(&ws, "*** carol, alice");
	r = feed(&ws, "*** rooms: #lobby (3), #dev (4)");
	ck_assert_msg(r->window == lobby && r->kind == LINE_NOTICE, "the "
	    "line after a short /who: expected it routed as itself");
	expect_members(lobby, "alice,carol");
	feed(&ws, "*** 3 online:");
	feed(&ws, "*** dave");
	r = feed(&ws, "#dev bob: hi");
	ck_assert_ptr_eq(r->window, dev);
	expect_members(lobby, "dave");

	/* A room without a window: shown, not kept. */
	feed(&ws, "*** 1 online in #elsewhere:");
	feed(&ws, "*** x");
	ck_assert_ptr_null(windows_find(&ws, "#elsewhere", 10));
	feed(&ws, "*** 0 online in #empty:");
	r = feed(&ws, "*** not, a list");
	ck_assert_msg(r->window == lobby, "after an empty /who: expected the "
	    "next notice routed as itself");

	/* The client's own /who: kept, shown nowhere. */
	ask = windows_ask_members(&ws, dev);
	ck_assert_str_eq(ask, "/who #dev");
	free(ask);
	r = feed(&ws, "*** 2 online in #dev:");
	ck_assert_ptr_null(r->window);
	r = feed(&ws, "*** alice, eve");
	ck_assert_ptr_null(r->window);
	expect_members(dev, "alice,eve");
	r = feed(&ws, "*** 2 online in #dev:");
	ck_assert_msg(r->window == lobby, "a /who after the asked one: "
	    "expected it shown");
	feed(&ws, "*** alice, eve");
	ck_assert_ptr_null(windows_ask_members(&ws, windows_query(&ws, "bob",
	    3)));
	windows_free(&ws);
}
END_TEST

static void
collect_room(const char *name, void *arg)
{
	char	*buf = arg;
	size_t	 n = strlen(buf);

	snprintf(buf + n, 512 - n, "%s%s", n > 0 ? "," : "", name);
}

START_TEST(test_rooms)
{
	struct windows	ws;
	char		buf[512] = "";

	setup_alice(&ws);
	join(&ws, "#zoo", NULL);
	windows_query(&ws, "bob", 3);
	join(&ws, "#dev", NULL);
	feed(&ws, "*** rooms: #lobby (5), #abc (1), #Dev (2)");
	feed(&ws, "*** rooms: #yak (1), #zoo (3), #Bee (7)");
	windows_each_room(&ws, collect_room, buf);
	ck_assert_str_eq(buf, "#lobby,#zoo,#dev,#abc,#Bee,#yak");

	/* A new answer starts again. */
	feed(&ws, "*** rooms: #lobby (5), #new (1)");
	buf[0] = '\0';
	windows_each_room(&ws, collect_room, buf);
	ck_assert_str_eq(buf, "#lobby,#zoo,#dev,#new");
	windows_free(&ws);
}
END_TEST

/* --- bounds ------------------------------------------------------------- */

START_TEST(test_bounds_windows)
{
	struct windows		 ws;
	struct window_route	*r;
	char			 buf[64];
	unsigned int		 i;

	setup_alice(&ws);
	for (i = 2; i <= WINDOWS_MAX; i++) {
		snprintf(buf, sizeof buf, "[PM from n%u] hi", i);
		r = feed(&ws, buf);
		ck_assert_uint_eq(r->window->number, i);
	}
	r = feed(&ws, "[PM from late] hi");
	ck_assert_msg(r->window == windows_get(&ws, 1) && r->pm,
	    "past WINDOWS_MAX: expected a PM in window 1");
	r = feed(&ws, "#late bob: hi");
	ck_assert_ptr_eq(r->window, windows_get(&ws, 1));
	ck_assert_ptr_null(windows_query(&ws, "late", 4));
	ck_assert_uint_eq(ws.count, WINDOWS_MAX);
	ck_assert_msg(strncmp(windows_activity(&ws), "[Act: 2!,3!,", 12) == 0,
	    "expected the hot windows listed, got \"%s\"",
	    windows_activity(&ws));
	windows_free(&ws);
}
END_TEST

START_TEST(test_bounds_members)
{
	struct windows		 ws;
	struct window		*lobby;
	char			 buf[64];
	unsigned long		 i;

	windows_init(&ws, 4);
	greet(&ws, NULL, "alice");
	lobby = windows_get(&ws, 1);
	/* In order, so that each goes last. */
	for (i = 0; i < WINDOW_MEMBERS_MAX + 10UL; i++) {
		snprintf(buf, sizeof buf, "*** m%06lu joined (1 online)", i);
		feed(&ws, buf);
	}
	ck_assert_uint_eq(window_member_count(lobby), WINDOW_MEMBERS_MAX);
	windows_free(&ws);
}
END_TEST

START_TEST(test_bounds_rooms)
{
	struct windows	 ws;
	char		*line, *p;
	size_t		 i;

	setup_alice(&ws);
	line = malloc(32 * (WINDOWS_ROOMS_MAX + 20));
	ck_assert_ptr_nonnull(line);
	p = line + sprintf(line, STAMP "*** rooms: #lobby (1)");
	for (i = 0; i < WINDOWS_ROOMS_MAX + 10; i++)
		p += sprintf(p, ", #r%06zu (1)", i);
	windows_route(&ws, line, &route);
	free(line);
	ck_assert_uint_eq(ws.rooms.n, WINDOWS_ROOMS_MAX);

	for (i = 0; i < WINDOWS_ASKED_MAX; i++) {
		p = windows_ask_members(&ws, windows_get(&ws, 1));
		ck_assert_ptr_nonnull(p);
		free(p);
	}
	ck_assert_ptr_null(windows_ask_members(&ws, windows_get(&ws, 1)));
	windows_free(&ws);
}
END_TEST

static Suite *
windows_suite(void)
{
	Suite	*s = suite_create("windows");
	TCase	*tc;

	tc = tcase_create("route");
	tcase_add_test(tc, test_route_forms);
	tcase_add_test(tc, test_route_answers);
	tcase_add_test(tc, test_route_not_forged);
	tcase_add_test(tc, test_route_echo);
	tcase_add_test(tc, test_route_own_nick);
	suite_add_tcase(s, tc);

	tc = tcase_create("join");
	tcase_add_test(tc, test_join_confirms);
	tcase_add_test(tc, test_join_history);
	tcase_add_test(tc, test_join_replay);
	tcase_add_test(tc, test_join_replay_once);
	tcase_add_test(tc, test_join_replay_evicted);
	tcase_add_test(tc, test_part_closes);
	suite_add_tcase(s, tc);

	tc = tcase_create("switch");
	tcase_add_test(tc, test_query_close);
	tcase_add_test(tc, test_switching);
	tcase_add_test(tc, test_activity);
	tcase_add_test(tc, test_bell);
	suite_add_tcase(s, tc);

	tc = tcase_create("typed");
	tcase_add_test(tc, test_outgoing);
	suite_add_tcase(s, tc);

	tc = tcase_create("members");
	tcase_add_test(tc, test_members_notices);
	tcase_add_test(tc, test_members_who);
	tcase_add_test(tc, test_rooms);
	suite_add_tcase(s, tc);

	tc = tcase_create("bounds");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_bounds_windows);
	tcase_add_test(tc, test_bounds_members);
	tcase_add_test(tc, test_bounds_rooms);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(windows_suite());
}
