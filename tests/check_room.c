/*
 * check_room.c: the room as an object, without sockets: members that
 * record what they are handed, a fixed stamp and hooks that record what
 * the relay would be told. Join, leave and nick notices, messages to all,
 * tags, history on join, the gathering of batched members' lines and the
 * order it keeps across rooms, /who, the hooks, the end of the room, and
 * the rate of join and leave notices, under a clock the tests move.
 */
#include "common.h"

#include <check.h>

#include <sys/socket.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backlog.h"
#include "defaults.h"
#include "outq.h"
#include "room.h"

#include "check_util.h"

#define STAMP	"[T] "
#define GOT_MAX	8192

struct fake {
	struct member	m;
	char		got[GOT_MAX];
	size_t		len;
	unsigned int	pushes;
};

static uint64_t		 msgs_out;
static struct room	*gathering;
static struct room_hooks hooks;
static struct room_env	 env;
static struct room	*room;		/* the lobby */
static struct room	*counted;	/* rooms with notices held back */
static double		 clock_now;

static double
fake_now(void)
{
	return clock_now;
}

static const char *
fixed_stamp(size_t *lenp)
{
	*lenp = sizeof STAMP - 1;
	return STAMP;
}

static void
fake_deliver(struct member *m, const struct slice *s, unsigned int n)
{
	struct fake	*f = container_of(m, struct fake, m);
	unsigned int	 i;

	ck_assert_uint_ge(n, 1);
	ck_assert_uint_le(n, ROOM_GATHER_SLICES);
	for (i = 0; i < n; i++) {
		ck_assert_msg(f->len + s[i].len <= GOT_MAX,
		    "member got too much");
		memcpy(f->got + f->len, slice_data(&s[i]), s[i].len);
		f->len += s[i].len;
	}
	f->pushes++;
}

static const struct member_ops batched_ops = { fake_deliver, 1, NULL, NULL };
static const struct member_ops single_ops = { fake_deliver, 0, NULL, NULL };

static void
fake_init(struct fake *f, const struct member_ops *ops, uint16_t port)
{
	static const uint8_t	loopback[4] = { 127, 0, 0, 1 };

	memset(f, 0, sizeof *f);
	f->m.ops = ops;
	f->m.addr.family = AF_INET;
	memcpy(f->m.addr.bytes, loopback, sizeof loopback);
	f->m.addr.port = port;
	f->m.lobby.member = &f->m;
	f->m.id = port;
}

static void
join(struct fake *f)
{
	room_join(room, &f->m.lobby);
}

static void
leave(struct fake *f)
{
	room_leave(room, &f->m.lobby, NULL, 0, 0);
}

/* F must have been handed exactly WANT since the last call. */
static void
expect(struct fake *f, const char *want)
{
	ck_assert_bytes_str(f->got, f->len, want);
	f->len = 0;
	f->pushes = 0;
}

static void
say(struct fake *f, const char *text)
{
	room_say(room, &f->m, text, strlen(text), 0);
}

static void
setup(void)
{
	memset(&env, 0, sizeof env);
	memset(&hooks, 0, sizeof hooks);
	env.framing = FRAME_LINE;
	env.stamp = fixed_stamp;
	env.msgs_out = &msgs_out;
	env.gathering = &gathering;
	env.hooks = &hooks;
	env.now = fake_now;
	env.counted = &counted;
	clock_now = 1000.0;
	msgs_out = 0;
	counted = NULL;
	room = room_create(&env, ROOM_LOBBY, sizeof ROOM_LOBBY - 1, NULL);
}

static void
teardown(void)
{
	room_free(room);
	room = NULL;
	outq_shutdown();
}

START_TEST(test_join_say_leave)
{
	struct fake	a, b;

	fake_init(&a, &single_ops, 5000);
	fake_init(&b, &single_ops, 5001);
	join(&a);
	expect(&a, STAMP "*** 127.0.0.1:5000 joined (1 online)\n");
	join(&b);
	expect(&a, STAMP "*** 127.0.0.1:5001 joined (2 online)\n");
	expect(&b, STAMP "*** 127.0.0.1:5001 joined (2 online)\n");
	ck_assert_uint_eq(room_count(room), 2);
	say(&a, "hi \x1b[31m");
	expect(&a, STAMP "127.0.0.1:5000: hi ^[[31m\n");
	expect(&b, STAMP "127.0.0.1:5000: hi ^[[31m\n");
	room_say(room, &b.m, "waves", 5, 1);
	expect(&a, STAMP "* 127.0.0.1:5001 waves\n");
	expect(&b, STAMP "* 127.0.0.1:5001 waves\n");
	room_leave(room, &b.m.lobby, "bye", 3, 0);
	expect(&a, STAMP "*** 127.0.0.1:5001 left: bye (1 online)\n");
	expect(&b, "");
	ck_assert_uint_eq(room_count(room), 1);
	leave(&a);
	expect(&a, "");
	ck_assert_uint_eq(room_count(room), 0);
}
END_TEST

/*
 * Batched members get the lines of one loop iteration in one push, at
 * room_flush(); a notice to one of them flushes first, so that it comes
 * after the lines said before it; unbatched members get each line at once.
 */
START_TEST(test_gathering_keeps_order)
{
	struct fake	a, b, u;

	fake_init(&a, &batched_ops, 5000);
	fake_init(&b, &batched_ops, 5001);
	fake_init(&u, &single_ops, 5002);
	join(&a);
	join(&b);
	join(&u);
	room_flush(room);
	a.len = b.len = u.len = 0;
	a.pushes = b.pushes = u.pushes = 0;

	say(&a, "one");
	say(&a, "two");
	ck_assert_uint_eq(a.len, 0);
	ck_assert_uint_eq(u.pushes, 2);
	expect(&u, STAMP "127.0.0.1:5000: one\n" STAMP "127.0.0.1:5000: two\n");
	room_who(room, &b.m);	/* notices to b alone */
	ck_assert_uint_eq(b.pushes, 3);
	expect(&b, STAMP "127.0.0.1:5000: one\n" STAMP "127.0.0.1:5000: two\n"
	    STAMP "*** 3 online:\n"
	    STAMP "*** 127.0.0.1:5002, 127.0.0.1:5001, 127.0.0.1:5000\n");
	ck_assert_uint_eq(a.pushes, 1);
	expect(&a, STAMP "127.0.0.1:5000: one\n" STAMP "127.0.0.1:5000: two\n");
	say(&a, "three");
	room_flush(room);
	ck_assert_uint_eq(a.pushes, 1);
	expect(&a, STAMP "127.0.0.1:5000: three\n");
	expect(&b, STAMP "127.0.0.1:5000: three\n");
	expect(&u, STAMP "127.0.0.1:5000: three\n");
	/* A leaver still gets what was said before it left. */
	say(&a, "before");
	leave(&b);
	expect(&b, STAMP "127.0.0.1:5000: before\n");
	room_flush(room);
	expect(&a, STAMP "127.0.0.1:5000: before\n"
	    STAMP "*** 127.0.0.1:5001 left (2 online)\n");
	leave(&a);
	leave(&u);
}
END_TEST

/* A batched member with room for many chunks of lines. */
struct big {
	struct member	 m;
	char		*got;
	size_t		 len, cap;
	unsigned int	 pushes;
	unsigned int	 most;		/* slices in one delivery, at most */
};

static void
big_deliver(struct member *m, const struct slice *s, unsigned int n)
{
	struct big	*b = container_of(m, struct big, m);
	unsigned int	 i;

	ck_assert_uint_le(n, ROOM_GATHER_SLICES);
	for (i = 0; i < n; i++) {
		if (b->len + s[i].len > b->cap) {
			b->cap = (b->len + s[i].len) * 2;
			b->got = realloc(b->got, b->cap);
			ck_assert_ptr_nonnull(b->got);
		}
		memcpy(b->got + b->len, slice_data(&s[i]), s[i].len);
		b->len += s[i].len;
	}
	b->pushes++;
	b->most = MAXIMUM(b->most, n);
}

static const struct member_ops big_ops = { big_deliver, 1, NULL, NULL };

/* Say LINES lines of LEN bytes as B, each numbered; what B must get. */
static char *
say_long(struct big *b, unsigned int lines, size_t len, size_t *wlen)
{
	char		*line, *want;
	size_t		 per = sizeof STAMP - 1 + strlen("127.0.0.1:5000: ") +
			    len + 1;
	unsigned int	 i;

	line = malloc(len + 1);
	want = malloc(per * lines + 1);
	ck_assert_ptr_nonnull(line);
	ck_assert_ptr_nonnull(want);
	*wlen = 0;
	for (i = 0; i < lines; i++) {
		memset(line, 'a' + i % 26, len);
		memcpy(line, &"0123456789"[i % 10], 1);
		line[len] = '\0';
		room_say(room, &b->m, line, len, 0);
		*wlen += (size_t)snprintf(want + *wlen, per + 1,
		    STAMP "127.0.0.1:5000: %s\n", line);
	}
	free(line);
	return want;
}

/*
 * The lines of one loop iteration reach a batched member in one delivery
 * even when they fill more than one chunk, up to ROOM_GATHER_SLICES
 * chunks; past them in several, each of ROOM_GATHER_SLICES at most; and
 * always in the order said.
 */
START_TEST(test_gathering_across_chunks)
{
	static const uint8_t	loopback[4] = { 127, 0, 0, 1 };
	struct big		b;
	char			*want;
	size_t			 wlen;

	memset(&b, 0, sizeof b);
	b.m.ops = &big_ops;
	b.m.addr.family = AF_INET;
	memcpy(b.m.addr.bytes, loopback, sizeof loopback);
	b.m.addr.port = 5000;
	b.m.lobby.member = &b.m;
	b.m.id = 5000;
	room_join(room, &b.m.lobby);
	room_flush(room);
	b.len = 0;
	b.pushes = b.most = 0;

	/* 12 lines of 1500 bytes: some 18 KiB, two chunks. */
	want = say_long(&b, 12, 1500, &wlen);
	ck_assert_uint_eq(b.len, 0);
	room_flush(room);
	ck_assert_uint_eq(b.pushes, 1);
	ck_assert_uint_ge(b.most, 2);
	ck_assert_bytes_str(b.got, b.len, want);
	free(want);

	/* 120 lines: some 180 KiB, more chunks than one delivery takes. */
	b.len = 0;
	b.pushes = b.most = 0;
	want = say_long(&b, 120, 1500, &wlen);
	room_flush(room);
	ck_assert_uint_ge(b.pushes, 2);
	ck_assert_uint_eq(b.most, ROOM_GATHER_SLICES);
	ck_assert_uint_eq(b.len, wlen);
	ck_assert_bytes_str(b.got, b.len, want);
	free(want);

	room_leave(room, &b.m.lobby, NULL, 0, 0);
	free(b.got);
}
END_TEST

/*
 * A room other than the lobby tags its lines; notices to one member carry
 * no tag; the leaver of /part sees its own leaving; one member in two
 * rooms gets their lines in the order they were said.
 */
START_TEST(test_tags_and_two_rooms)
{
	struct room		*dev;
	struct membership	 ams, bms;
	struct fake		 a, b;

	dev = room_create(&env, "#dev", 4, NULL);
	ck_assert_str_eq(room_name(dev), "#dev");
	ck_assert(!room_is_lobby(dev) && room_is_lobby(room));
	fake_init(&a, &batched_ops, 5000);
	fake_init(&b, &batched_ops, 5001);
	join(&a);
	join(&b);
	memset(&ams, 0, sizeof ams);
	memset(&bms, 0, sizeof bms);
	ams.member = &a.m;
	bms.member = &b.m;
	room_join(dev, &ams);
	room_join(dev, &bms);
	room_flush(dev);
	room_flush(room);
	a.len = b.len = 0;

	say(&a, "l1");
	room_say(dev, &b.m, "d1", 2, 0);
	say(&a, "l2");
	room_say(dev, &a.m, "d2", 2, 1);
	room_flush(dev);
	room_flush(room);
	expect(&a, STAMP "127.0.0.1:5000: l1\n"
	    STAMP "#dev 127.0.0.1:5001: d1\n"
	    STAMP "127.0.0.1:5000: l2\n"
	    STAMP "#dev * 127.0.0.1:5000 d2\n");
	b.len = 0;
	room_notice(dev, &a.m, "no tag", 6);
	expect(&a, STAMP "*** no tag\n");
	room_who(dev, &a.m);
	expect(&a, STAMP "*** 2 online in #dev:\n"
	    STAMP "*** 127.0.0.1:5001, 127.0.0.1:5000\n");
	room_leave(dev, &bms, "later", 5, 1);
	room_flush(dev);
	expect(&a, STAMP "#dev *** 127.0.0.1:5001 left: later (1 online)\n");
	expect(&b, STAMP "#dev *** 127.0.0.1:5001 left: later (1 online)\n");
	ck_assert_uint_eq(room_members_here(dev), 1);
	room_renamed(dev, &a.m, "old");
	room_flush(dev);
	expect(&a, STAMP "#dev *** old is now known as 127.0.0.1:5000\n");
	room_leave(dev, &ams, NULL, 0, 0);
	expect(&a, "");
	room_free(dev);
	leave(&a);
	leave(&b);
}
END_TEST

/* History: the last N room lines, byte for byte, before the join notice. */
START_TEST(test_history)
{
	struct backlog	*bl;
	struct room	*dev;
	struct membership ams, bms, ums;
	struct fake	 a, b, u;

	bl = backlog_create(2, 1 << 20);
	env.backlog = bl;
	dev = room_create(&env, "#dev", 4, backlog_pin(bl, "#dev", 4));
	fake_init(&a, &batched_ops, 5000);
	fake_init(&b, &batched_ops, 5001);
	fake_init(&u, &single_ops, 5002);
	memset(&ams, 0, sizeof ams);
	memset(&bms, 0, sizeof bms);
	memset(&ums, 0, sizeof ums);
	ams.member = &a.m;
	bms.member = &b.m;
	ums.member = &u.m;
	room_join(dev, &ams);
	room_say(dev, &a.m, "one", 3, 0);
	room_say(dev, &a.m, "two", 3, 1);
	room_notice_all(dev, "not kept", 8);
	room_say(dev, &a.m, "three", 5, 0);
	room_flush(dev);
	a.len = 0;
	room_join(dev, &bms);
	room_flush(dev);
	ck_assert_uint_eq(b.pushes, 2);
	expect(&b, STAMP "#dev * 127.0.0.1:5000 two\n"
	    STAMP "#dev 127.0.0.1:5000: three\n"
	    STAMP "#dev *** 127.0.0.1:5001 joined (2 online)\n");
	room_join(dev, &ums);
	ck_assert_uint_eq(u.pushes, 3);
	expect(&u, STAMP "#dev * 127.0.0.1:5000 two\n"
	    STAMP "#dev 127.0.0.1:5000: three\n"
	    STAMP "#dev *** 127.0.0.1:5002 joined (3 online)\n");
	room_leave(dev, &ams, NULL, 0, 0);
	room_leave(dev, &bms, NULL, 0, 0);
	room_leave(dev, &ums, NULL, 0, 0);
	backlog_unpin(bl, room_history(dev));
	room_free(dev);
	backlog_free(bl);
	env.backlog = NULL;
}
END_TEST

/* What the hooks were told, in order, one line each. */
static char	told[4096];
static size_t	ntold;

static void PRINTFLIKE(1, 2)
tell(const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(told + ntold, sizeof told - ntold, fmt, ap);
	va_end(ap);
	ck_assert(n > 0 && (size_t)n < sizeof told - ntold);
	ntold += (size_t)n;
}

static void
hook_publish(void *arg, const struct room *r, enum room_event ev,
    uint32_t id, const char *nick, const char *line, size_t len)
{
	tell("publish %s %d %u %s %.*s", room_name(r), (int)ev, id, nick,
	    (int)len, line);
}

/* Ten members elsewhere in the lobby, two in #dev, none in other rooms. */
static unsigned int
hook_count(void *arg, const char *name)
{
	if (name == NULL)
		return 10;
	return strcmp(name, "#dev") == 0 ? 2 : 0;
}

static void
hook_each(void *arg, const char *name, room_remote_fn *fn, void *fnarg)
{
	if (name != NULL && strcmp(name, "#dev") != 0)
		return;
	fn("east", "zed", fnarg);
	if (name == NULL)
		fn("east", "yan", fnarg);
	fn("west", "xi", fnarg);
}

static const char *
hook_name(void *arg)
{
	return "here";
}

START_TEST(test_hooks)
{
	struct room_hooks	h;
	struct fake		a;

	memset(&h, 0, sizeof h);
	h.publish = hook_publish;
	h.remote_count = hook_count;
	h.remote_each = hook_each;
	h.node_name = hook_name;
	ntold = 0;
	told[0] = '\0';
	room_set_hooks(room, &h);
	fake_init(&a, &single_ops, 5000);
	join(&a);
	expect(&a, STAMP "*** 127.0.0.1:5000 joined (11 online)\n");
	room_who(room, &a.m);
	expect(&a, STAMP "*** 11 online:\n" STAMP "*** here: 127.0.0.1:5000\n"
	    STAMP "*** east: zed, yan\n" STAMP "*** west: xi\n");
	room_remote_line(room, STAMP "zed: hi", sizeof STAMP + 6, ROOM_MSG);
	expect(&a, STAMP "zed: hi\n");
	room_remote_left(room, "yan");
	expect(&a, STAMP "*** yan left (11 online)\n");
	say(&a, "text");
	a.len = 0;
	leave(&a);
	ck_assert_str_eq(told,
	    "publish #lobby 1 5000 127.0.0.1:5000 " STAMP "*** 127.0.0.1:5000 "
	    "joined (11 online)\n"
	    "publish #lobby 0 5000 127.0.0.1:5000 " STAMP "127.0.0.1:5000: "
	    "text\n"
	    "publish #lobby 2 5000 127.0.0.1:5000 " STAMP "*** 127.0.0.1:5000 "
	    "left (10 online)\n");
	room_set_hooks(room, NULL);
}
END_TEST

/*
 * A relayed room besides the lobby counts and lists its members on the
 * other servers; /who of a room with members elsewhere only lists them.
 */
START_TEST(test_hooks_room)
{
	struct room_hooks	h;
	struct membership	ams;
	struct room		*dev;
	struct fake		a;

	memset(&h, 0, sizeof h);
	h.remote_count = hook_count;
	h.remote_each = hook_each;
	h.node_name = hook_name;
	room_set_hooks(room, &h);
	dev = room_create(&env, "#dev", 4, NULL);
	fake_init(&a, &single_ops, 5000);
	memset(&ams, 0, sizeof ams);
	ams.member = &a.m;
	room_join(dev, &ams);
	expect(&a, STAMP "#dev *** 127.0.0.1:5000 joined (3 online)\n");
	room_who(dev, &a.m);
	expect(&a, STAMP "*** 3 online in #dev:\n"
	    STAMP "*** here: 127.0.0.1:5000\n"
	    STAMP "*** east: zed\n" STAMP "*** west: xi\n");
	room_who_remote(room, &a.m, "#dev");
	expect(&a, STAMP "*** 2 online in #dev:\n"
	    STAMP "*** east: zed\n" STAMP "*** west: xi\n");
	room_leave(dev, &ams, NULL, 0, 0);
	room_free(dev);
	room_set_hooks(room, NULL);
}
END_TEST

/*
 * Lines from other servers: room lines are kept as history, notices are
 * not; the history can be replaced whole by the one the servers kept.
 */
START_TEST(test_remote_history)
{
	struct backlog		*bl;
	struct room		*dev;
	struct membership	 ams, bms;
	struct fake		 a, b;

	bl = backlog_create(3, 1 << 20);
	env.backlog = bl;
	dev = room_create(&env, "#dev", 4, backlog_pin(bl, "#dev", 4));
	fake_init(&a, &single_ops, 5000);
	fake_init(&b, &single_ops, 5001);
	memset(&ams, 0, sizeof ams);
	memset(&bms, 0, sizeof bms);
	ams.member = &a.m;
	bms.member = &b.m;
	room_join(dev, &ams);
	a.len = 0;
	room_remote_line(dev, STAMP "#dev zed: kept",
	    strlen(STAMP "#dev zed: kept"), ROOM_MSG);
	room_remote_line(dev, STAMP "#dev *** yan joined (3 online)",
	    strlen(STAMP "#dev *** yan joined (3 online)"), ROOM_JOIN);
	room_remote_line(dev, STAMP "#dev *** yan is now known as y",
	    strlen(STAMP "#dev *** yan is now known as y"), ROOM_NICK);
	expect(&a, STAMP "#dev zed: kept\n"
	    STAMP "#dev *** yan joined (3 online)\n"
	    STAMP "#dev *** yan is now known as y\n");
	room_join(dev, &bms);
	expect(&b, STAMP "#dev zed: kept\n"
	    STAMP "#dev *** 127.0.0.1:5001 joined (2 online)\n");
	room_leave(dev, &bms, NULL, 0, 0);
	/* The servers' history replaces this one's, and is not sent now. */
	a.len = 0;
	room_history_clear(dev);
	room_history_line(dev, "[old] #dev x: one", 17);
	room_history_line(dev, "[old] #dev x: two", 17);
	ck_assert_uint_eq(a.len, 0);
	b.len = 0;
	room_join(dev, &bms);
	expect(&b, "[old] #dev x: one\n[old] #dev x: two\n"
	    STAMP "#dev *** 127.0.0.1:5001 joined (2 online)\n");
	room_leave(dev, &ams, NULL, 0, 0);
	room_leave(dev, &bms, NULL, 0, 0);
	backlog_unpin(bl, room_history(dev));
	room_free(dev);
	backlog_free(bl);
	env.backlog = NULL;
}
END_TEST

/* After its last notice the room tells nobody of anyone's leaving. */
START_TEST(test_close)
{
	struct fake	a, b;

	fake_init(&a, &batched_ops, 5000);
	fake_init(&b, &batched_ops, 5001);
	join(&a);
	join(&b);
	room_flush(room);
	a.len = b.len = 0;
	room_close(room, "server shutting down", 20);
	leave(&a);
	room_flush(room);
	expect(&a, STAMP "*** server shutting down\n");
	expect(&b, STAMP "*** server shutting down\n");
	leave(&b);
	ck_assert_uint_eq(room_count(room), 0);
}
END_TEST

/* What a member should have been handed, built a line at a time. */
static char	want[GOT_MAX];
static size_t	nwant;

static void PRINTFLIKE(1, 2)
wadd(const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(want + nwant, sizeof want - nwant, fmt, ap);
	va_end(ap);
	ck_assert(n > 0 && (size_t)n < sizeof want - nwant);
	nwant += (size_t)n;
}

static void
wreset(void)
{
	nwant = 0;
	want[0] = '\0';
}

#define CROWD	40
static struct fake	crowd[CROWD];	/* 127.0.0.1:6000 and on */

/*
 * A storm of joins: the first NOTICE_BURST are told to everyone; past
 * them the others are told nothing, but each joiner gets its own notice
 * (its history ends there). Once a tick, one summary with the counts;
 * the bucket fills again at NOTICE_RATE a second.
 */
START_TEST(test_notice_burst)
{
	unsigned int	i, k;

	ck_assert_uint_eq(NOTICE_BURST, 20);
	ck_assert_uint_eq(NOTICE_RATE, 5);
	for (i = 0; i < CROWD; i++) {
		fake_init(&crowd[i], &single_ops, (uint16_t)(6000 + i));
		join(&crowd[i]);
	}
	for (i = 0; i < CROWD; i++) {
		wreset();
		for (k = i; k < NOTICE_BURST; k++)
			wadd(STAMP "*** 127.0.0.1:%u joined (%u online)\n",
			    6000 + k, k + 1);
		if (i >= NOTICE_BURST)
			wadd(STAMP "*** 127.0.0.1:%u joined (%u online)\n",
			    6000 + i, i + 1);
		expect(&crowd[i], want);
	}
	ck_assert_ptr_eq(counted, room);
	room_tick(&counted);
	ck_assert_ptr_null(counted);
	for (i = 0; i < CROWD; i++)
		expect(&crowd[i], STAMP "*** 20 more joined (40 online)\n");
	/* Nothing held back: the next tick says nothing. */
	room_tick(&counted);
	for (i = 0; i < CROWD; i++)
		expect(&crowd[i], "");

	/* A second later, five tokens: five leaves told, the sixth held. */
	clock_now += 1.0;
	for (i = CROWD - 1; i >= CROWD - 6; i--)
		leave(&crowd[i]);
	wreset();
	for (i = CROWD - 1; i > CROWD - 6; i--)
		wadd(STAMP "*** 127.0.0.1:%u left (%u online)\n", 6000 + i, i);
	for (i = 0; i < CROWD - 6; i++)
		expect(&crowd[i], want);
	/* Each leaver saw the leaves told before its own. */
	for (i = CROWD - 6; i < CROWD; i++) {
		wreset();
		for (k = CROWD - 1; k > i && k > CROWD - 6; k--)
			wadd(STAMP "*** 127.0.0.1:%u left (%u online)\n",
			    6000 + k, k);
		expect(&crowd[i], want);
	}
	room_tick(&counted);
	for (i = 0; i < CROWD - 6; i++)
		expect(&crowd[i], STAMP "*** 1 more left (34 online)\n");

	/* No time since: a join and a leave, both held back. */
	join(&crowd[CROWD - 6]);
	expect(&crowd[CROWD - 6], STAMP "*** 127.0.0.1:6034 joined "
	    "(35 online)\n");
	leave(&crowd[CROWD - 7]);
	for (i = 0; i < CROWD - 7; i++)
		expect(&crowd[i], "");
	room_tick(&counted);
	for (i = 0; i < CROWD - 7; i++)
		expect(&crowd[i], STAMP "*** 1 more joined, 1 more left "
		    "(34 online)\n");
	expect(&crowd[CROWD - 6], STAMP "*** 1 more joined, 1 more left "
	    "(34 online)\n");

	/* A quarter of a second: one token, so one told and one held. */
	clock_now += 0.25;
	leave(&crowd[CROWD - 8]);
	leave(&crowd[CROWD - 9]);
	for (i = 0; i < CROWD - 9; i++)
		expect(&crowd[i], STAMP "*** 127.0.0.1:6032 left "
		    "(33 online)\n");
	room_tick(&counted);
	for (i = 0; i < CROWD - 9; i++)
		expect(&crowd[i], STAMP "*** 1 more left (32 online)\n");
	expect(&crowd[CROWD - 6], STAMP "*** 127.0.0.1:6032 left (33 online)\n"
	    STAMP "*** 1 more left (32 online)\n");

	/* However long the quiet, the bucket holds NOTICE_BURST at most. */
	clock_now += 3600.0;
	for (i = 0; i < NOTICE_BURST + 1; i++)
		leave(&crowd[i]);
	ck_assert_ptr_eq(counted, room);
	room_tick(&counted);
	for (i = NOTICE_BURST + 1; i <= CROWD - 6; i++) {
		if (i >= CROWD - 9 && i < CROWD - 6)
			continue;	/* gone */
		wreset();
		for (k = 0; k < NOTICE_BURST; k++)
			wadd(STAMP "*** 127.0.0.1:%u left (%u online)\n",
			    6000 + k, 31 - k);
		wadd(STAMP "*** 1 more left (11 online)\n");
		expect(&crowd[i], want);
	}
	for (i = NOTICE_BURST + 1; i < CROWD - 9; i++)
		leave(&crowd[i]);
	leave(&crowd[CROWD - 6]);
	ck_assert_uint_eq(room_count(room), 0);
}
END_TEST

/* Joins and leaves of each kind, told to the other servers. */
/* A member that only counts what it gets: a crowd of thousands. */
struct counter {
	struct member	m;
	unsigned int	lines;
};

static void
count_deliver(struct member *m, const struct slice *s, unsigned int n)
{
	struct counter	*c = container_of(m, struct counter, m);
	const char	*d;
	uint32_t	 i;
	unsigned int	 k;

	for (k = 0; k < n; k++) {
		d = slice_data(&s[k]);
		for (i = 0; i < s[k].len; i++)
			c->lines += d[i] == '\n';
	}
}

static const struct member_ops count_ops = { count_deliver, 0, NULL, NULL };

#define LARGE	12000

/*
 * A room of more than NOTICE_LARGE: its rate and burst are cut in
 * proportion, and its summary comes every N / (NOTICE_RATE *
 * NOTICE_LARGE) seconds, rounded up: three for 12000.
 */
START_TEST(test_notice_large)
{
	struct counter	*c;
	struct fake	 obs;
	unsigned int	 i, lines;

	ck_assert_uint_eq(NOTICE_LARGE, 1000);
	c = calloc(LARGE, sizeof *c);
	ck_assert_ptr_nonnull(c);
	fake_init(&obs, &single_ops, 5999);
	join(&obs);
	for (i = 0; i < LARGE - 1; i++) {
		c[i].m.ops = &count_ops;
		c[i].m.addr.family = AF_INET;
		c[i].m.addr.port = (uint16_t)(10000 + i);
		c[i].m.lobby.member = &c[i].m;
		c[i].m.id = 10000 + i;
		room_join(room, &c[i].m.lobby);
	}
	/* The burst went while the room was small; then nothing. */
	wreset();
	wadd(STAMP "*** 127.0.0.1:5999 joined (1 online)\n");
	for (i = 0; i < NOTICE_BURST - 1; i++)
		wadd(STAMP "*** 0.0.0.0:%u joined (%u online)\n", 10000 + i,
		    i + 2);
	expect(&obs, want);
	/* The last joiner got its own notice, and the burst's after it. */
	ck_assert_uint_eq(c[LARGE - 2].lines, 1);
	room_tick(&counted);
	expect(&obs, STAMP "*** 11980 more joined (12000 online)\n");

	/* Ten seconds: the bucket holds 20 / 12 tokens: one leave told. */
	clock_now += 10.0;
	lines = c[0].lines;
	room_leave(room, &c[LARGE - 2].m.lobby, NULL, 0, 0);
	room_leave(room, &c[LARGE - 3].m.lobby, NULL, 0, 0);
	expect(&obs, STAMP "*** 0.0.0.0:21998 left (11999 online)\n");
	ck_assert_uint_eq(c[0].lines, lines + 1);
	/* The summary is due: the last was ten seconds ago. */
	room_tick(&counted);
	expect(&obs, STAMP "*** 1 more left (11998 online)\n");

	/* The next: held back for three seconds, not one. */
	room_leave(room, &c[LARGE - 4].m.lobby, NULL, 0, 0);
	expect(&obs, "");
	clock_now += 1.0;
	room_tick(&counted);
	clock_now += 1.0;
	room_tick(&counted);
	expect(&obs, "");
	ck_assert_ptr_eq(counted, room);
	clock_now += 1.0;
	room_tick(&counted);
	expect(&obs, STAMP "*** 1 more left (11997 online)\n");
	ck_assert_ptr_null(counted);

	for (i = 0; i < LARGE - 4; i++)
		room_leave(room, &c[i].m.lobby, NULL, 0, 0);
	leave(&obs);
	free(c);
}
END_TEST

static unsigned int	published[4];

static void
hook_published(void *arg, const struct room *r, enum room_event ev,
    uint32_t id, const char *nick, const char *line, size_t len)
{
	published[ev]++;
}

/*
 * In a room besides the lobby, with members taking a push: the notices
 * past the rate are held back from the others, but the leaver of /part
 * sees its own, and the other servers are told of every one. The summary
 * carries the room's tag; a room that ends forgets its counts.
 */
START_TEST(test_notice_part)
{
	struct room_hooks	 h;
	struct membership	 ms[NOTICE_BURST + 1];
	struct room		*dev;
	unsigned int		 i;

	memset(&h, 0, sizeof h);
	h.publish = hook_published;
	memset(published, 0, sizeof published);
	room_set_hooks(room, &h);
	dev = room_create(&env, "#dev", 4, NULL);
	for (i = 0; i < NOTICE_BURST + 1; i++) {
		fake_init(&crowd[i], &batched_ops, (uint16_t)(6000 + i));
		memset(&ms[i], 0, sizeof ms[i]);
		ms[i].member = &crowd[i].m;
		room_join(dev, &ms[i]);
	}
	room_flush(dev);
	/* The last joiner: its own notice only, in one push. */
	ck_assert_uint_eq(crowd[NOTICE_BURST].pushes, 1);
	expect(&crowd[NOTICE_BURST], STAMP "#dev *** 127.0.0.1:6020 joined "
	    "(21 online)\n");
	for (i = 0; i < NOTICE_BURST; i++)
		crowd[i].len = 0;
	room_say(dev, &crowd[0].m, "hi", 2, 0);
	room_leave(dev, &ms[5], "bye", 3, 1);
	room_flush(dev);
	expect(&crowd[5], STAMP "#dev 127.0.0.1:6000: hi\n"
	    STAMP "#dev *** 127.0.0.1:6005 left: bye (20 online)\n");
	expect(&crowd[0], STAMP "#dev 127.0.0.1:6000: hi\n");
	ck_assert_uint_eq(published[ROOM_JOIN], NOTICE_BURST + 1);
	ck_assert_uint_eq(published[ROOM_LEAVE], 1);
	room_tick(&counted);
	room_flush(dev);
	expect(&crowd[0], STAMP "#dev *** 1 more joined, 1 more left "
	    "(20 online)\n");
	expect(&crowd[5], "");
	/* Held back, then the room ends: its counts go with it. */
	room_leave(dev, &ms[6], NULL, 0, 0);
	ck_assert_ptr_eq(counted, dev);
	for (i = 0; i < NOTICE_BURST + 1; i++) {
		if (i != 5 && i != 6)
			room_leave(dev, &ms[i], NULL, 0, 0);
	}
	room_free(dev);
	ck_assert_ptr_null(counted);
	room_tick(&counted);
	room_set_hooks(room, NULL);
}
END_TEST

/*
 * The other servers' join and leave lines, and the leaving of a dead
 * server's members, share the room's rate; their lines and nick changes
 * do not.
 */
START_TEST(test_notice_remote)
{
	static const char	jl[] = STAMP "*** zed joined (2 online)";
	static const char	ll[] = STAMP "*** zed left (1 online)";
	static const char	ml[] = STAMP "zed: hi";
	static const char	nl[] = STAMP "*** zed is now known as z";
	struct fake		a;
	unsigned int		i;

	fake_init(&a, &single_ops, 5000);
	join(&a);
	a.len = 0;
	for (i = 1; i < NOTICE_BURST; i++)
		room_remote_line(room, jl, sizeof jl - 1, ROOM_JOIN);
	wreset();
	for (i = 1; i < NOTICE_BURST; i++)
		wadd("%s\n", jl);
	expect(&a, want);
	room_remote_line(room, jl, sizeof jl - 1, ROOM_JOIN);
	room_remote_line(room, jl, sizeof jl - 1, ROOM_JOIN);
	room_remote_line(room, ll, sizeof ll - 1, ROOM_LEAVE);
	room_remote_left(room, "yan");
	room_remote_line(room, ml, sizeof ml - 1, ROOM_MSG);
	room_remote_line(room, nl, sizeof nl - 1, ROOM_NICK);
	expect(&a, STAMP "zed: hi\n" STAMP "*** zed is now known as z\n");
	room_tick(&counted);
	expect(&a, STAMP "*** 2 more joined, 2 more left (1 online)\n");
	/* A second: five tokens, the dead server's members' leaving too. */
	clock_now += 1.0;
	room_remote_left(room, "yan");
	expect(&a, STAMP "*** yan left (1 online)\n");
	leave(&a);
}
END_TEST

/* Counted, then the room's last notice: no summary after it. */
START_TEST(test_notice_close)
{
	unsigned int	i;

	for (i = 0; i < NOTICE_BURST + 2; i++) {
		fake_init(&crowd[i], &single_ops, (uint16_t)(6000 + i));
		join(&crowd[i]);
	}
	ck_assert_ptr_eq(counted, room);
	for (i = 0; i < NOTICE_BURST + 2; i++)
		crowd[i].len = 0;
	room_close(room, "server shutting down", 20);
	ck_assert_ptr_null(counted);
	leave(&crowd[0]);
	room_tick(&counted);
	room_remote_line(room, STAMP "*** zed joined (9 online)",
	    strlen(STAMP "*** zed joined (9 online)"), ROOM_JOIN);
	room_tick(&counted);
	for (i = 0; i < NOTICE_BURST + 2; i++)
		expect(&crowd[i], STAMP "*** server shutting down\n");
	for (i = 1; i < NOTICE_BURST + 2; i++)
		leave(&crowd[i]);
	ck_assert_ptr_null(counted);
}
END_TEST

static Suite *
room_suite(void)
{
	Suite	*s = suite_create("room");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_join_say_leave);
	tcase_add_test(tc, test_gathering_keeps_order);
	tcase_add_test(tc, test_gathering_across_chunks);
	tcase_add_test(tc, test_tags_and_two_rooms);
	tcase_add_test(tc, test_history);
	tcase_add_test(tc, test_remote_history);
	tcase_add_test(tc, test_hooks);
	tcase_add_test(tc, test_hooks_room);
	tcase_add_test(tc, test_close);
	tcase_add_test(tc, test_notice_burst);
	tcase_add_test(tc, test_notice_large);
	tcase_add_test(tc, test_notice_part);
	tcase_add_test(tc, test_notice_remote);
	tcase_add_test(tc, test_notice_close);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(room_suite());
}
