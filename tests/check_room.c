/*
 * check_room.c: the room as an object, without sockets: members that
 * record what they are handed, a fixed stamp and hooks that record what
 * the relay would be told. Join, leave and nick notices, messages to all,
 * the gathering of batched members' lines and the order it keeps, /who,
 * /quit, the hooks, and the end of the room.
 */
#include "common.h"

#include <check.h>

#include <sys/socket.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
static struct room	*room;

static const char *
fixed_stamp(size_t *lenp)
{
	*lenp = sizeof STAMP - 1;
	return STAMP;
}

static void
fake_deliver(struct member *m, const struct slice *s)
{
	struct fake	*f = container_of(m, struct fake, m);

	ck_assert_msg(f->len + s->len <= GOT_MAX, "member got too much");
	memcpy(f->got + f->len, slice_data(s), s->len);
	f->len += s->len;
	f->pushes++;
}

static const struct member_ops batched_ops = { fake_deliver, 1 };
static const struct member_ops single_ops = { fake_deliver, 0 };

static void
fake_init(struct fake *f, const struct member_ops *ops, uint16_t port)
{
	static const uint8_t	loopback[4] = { 127, 0, 0, 1 };

	memset(f, 0, sizeof *f);
	f->m.ops = ops;
	f->m.addr.family = AF_INET;
	memcpy(f->m.addr.bytes, loopback, sizeof loopback);
	f->m.addr.port = port;
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
	ck_assert_int_eq(room_input(room, &f->m, text, strlen(text), 0),
	    FRAME_GO);
}

static void
setup(void)
{
	struct room_env	env;

	memset(&env, 0, sizeof env);
	env.framing = FRAME_LINE;
	env.stamp = fixed_stamp;
	env.msgs_out = &msgs_out;
	msgs_out = 0;
	room = room_create(&env);
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
	room_join(room, &a.m);
	expect(&a, STAMP "*** 127.0.0.1:5000 joined (1 online)\n");
	room_join(room, &b.m);
	expect(&a, STAMP "*** 127.0.0.1:5001 joined (2 online)\n");
	expect(&b, STAMP "*** 127.0.0.1:5001 joined (2 online)\n");
	ck_assert_uint_eq(room_count(room), 2);
	say(&a, "hi \x1b[31m");
	expect(&a, STAMP "127.0.0.1:5000: hi ^[[31m\n");
	expect(&b, STAMP "127.0.0.1:5000: hi ^[[31m\n");
	say(&b, "/me waves");
	expect(&a, STAMP "* 127.0.0.1:5001 waves\n");
	expect(&b, STAMP "* 127.0.0.1:5001 waves\n");
	ck_assert_int_eq(room_input(room, &b.m, "/quit bye", 9, 0),
	    FRAME_STOP);
	expect(&a, STAMP "*** 127.0.0.1:5001 left: bye (1 online)\n");
	expect(&b, "");
	ck_assert_uint_eq(room_count(room), 1);
	room_leave(room, &a.m, NULL, 0);
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
	room_join(room, &a.m);
	room_join(room, &b.m);
	room_join(room, &u.m);
	room_flush(room);
	a.len = b.len = u.len = 0;
	a.pushes = b.pushes = u.pushes = 0;

	say(&a, "one");
	say(&a, "two");
	ck_assert_uint_eq(a.len, 0);
	ck_assert_uint_eq(u.pushes, 2);
	expect(&u, STAMP "127.0.0.1:5000: one\n" STAMP "127.0.0.1:5000: two\n");
	say(&b, "/who");	/* a notice to b alone */
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
	/* A newcomer gets nothing said before it came. */
	say(&a, "before");
	room_leave(room, &b.m, NULL, 0);
	expect(&b, STAMP "127.0.0.1:5000: before\n");
	room_flush(room);
	expect(&a, STAMP "127.0.0.1:5000: before\n"
	    STAMP "*** 127.0.0.1:5001 left (2 online)\n");
	room_leave(room, &a.m, NULL, 0);
	room_leave(room, &u.m, NULL, 0);
}
END_TEST

START_TEST(test_nicks)
{
	struct fake	a, b;

	fake_init(&a, &single_ops, 5000);
	fake_init(&b, &single_ops, 5001);
	room_join(room, &a.m);
	room_join(room, &b.m);
	a.len = b.len = 0;
	say(&a, "/nick alice");
	expect(&b, STAMP "*** 127.0.0.1:5000 is now known as alice\n");
	expect(&a, STAMP "*** 127.0.0.1:5000 is now known as alice\n");
	say(&b, "/nick ALICE");
	expect(&b, STAMP "*** the nick ALICE is taken\n");
	expect(&a, "");
	say(&b, "/nick 127.0.0.1:5000");
	expect(&b, STAMP "*** a nick may not hold spaces, controls, format "
	    "characters or ':'\n");
	say(&a, "/nick alice");		/* the same: nothing said */
	expect(&a, "");
	say(&a, "/nick bad nick");
	ck_assert_msg(a.len > 0 && memcmp(a.got, STAMP "*** ", 8) == 0,
	    "expected a notice, got \"%s\"", esc(a.got, a.len));
	a.len = 0;
	expect(&b, "");
	say(&a, "hello");
	expect(&b, STAMP "alice: hello\n");
	room_leave(room, &a.m, NULL, 0);
	expect(&b, STAMP "*** alice left (1 online)\n");
	ck_assert_ptr_null(a.m.nick);
	room_leave(room, &b.m, NULL, 0);
}
END_TEST

START_TEST(test_commands_to_sender)
{
	struct fake	a, b;

	fake_init(&a, &single_ops, 5000);
	fake_init(&b, &single_ops, 5001);
	room_join(room, &a.m);
	room_join(room, &b.m);
	a.len = b.len = 0;
	say(&a, "/frob");
	expect(&a, STAMP "*** unknown command /frob (try /help)\n");
	say(&a, "//frob");
	expect(&a, STAMP "127.0.0.1:5000: /frob\n");
	expect(&b, STAMP "127.0.0.1:5000: /frob\n");
	say(&a, "");
	expect(&a, "");
	ck_assert_int_eq(room_input(room, &a.m, "cut", 3, FRAME_CUT),
	    FRAME_GO);
	expect(&b, STAMP "127.0.0.1:5000: cut\n");
	expect(&a, STAMP "127.0.0.1:5000: cut\n" STAMP "*** line too long\n");
	room_leave(room, &a.m, NULL, 0);
	room_leave(room, &b.m, NULL, 0);
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
hook_publish(void *arg, enum room_event ev, uint32_t id, const char *nick,
    const char *line, size_t len)
{
	tell("publish %d %u %s %.*s", (int)ev, id, nick, (int)len, line);
}

static void
hook_claim(void *arg, uint32_t id, const char *nick, const char *old)
{
	tell("claim %u %s %s\n", id, nick, old != NULL ? old : "-");
}

static void
hook_release(void *arg, uint32_t id, const char *nick)
{
	tell("release %u %s\n", id, nick);
}

static unsigned int
hook_count(void *arg)
{
	return 10;
}

static void
hook_each(void *arg, room_remote_fn *fn, void *fnarg)
{
	fn("east", "zed", fnarg);
	fn("east", "yan", fnarg);
	fn("west", "xi", fnarg);
}

static int
hook_in_use(void *arg, const char *nick, size_t len)
{
	return len == 3 && memcmp(nick, "zed", 3) == 0;
}

static const char *
hook_name(void *arg)
{
	return "here";
}

START_TEST(test_hooks)
{
	struct room_hooks	h = {
		NULL, hook_publish, hook_claim, hook_release, hook_count,
		hook_each, hook_in_use, hook_name
	};
	struct fake		a;

	ntold = 0;
	room_set_hooks(room, &h);
	fake_init(&a, &single_ops, 5000);
	room_join(room, &a.m);
	expect(&a, STAMP "*** 127.0.0.1:5000 joined (11 online)\n");
	say(&a, "/nick zed");
	expect(&a, STAMP "*** the nick zed is taken\n");
	say(&a, "/nick al");
	a.len = 0;
	say(&a, "/nick bo");
	a.len = 0;
	say(&a, "/who");
	expect(&a, STAMP "*** 11 online:\n" STAMP "*** here: bo\n"
	    STAMP "*** east: zed, yan\n" STAMP "*** west: xi\n");
	/* Another server holds "bo": back to "al", claimed again. */
	room_nick_refused(room, a.m.id, "bo", "al");
	expect(&a, STAMP "*** the nick bo is taken on another server\n"
	    STAMP "*** bo is now known as al\n");
	room_remote_line(room, STAMP "zed: hi", sizeof STAMP + 6);
	expect(&a, STAMP "zed: hi\n");
	room_remote_left(room, "yan");
	expect(&a, STAMP "*** yan left (11 online)\n");
	say(&a, "text");
	a.len = 0;
	room_leave(room, &a.m, NULL, 0);
	ck_assert_str_eq(told,
	    "publish 1 1 127.0.0.1:5000 " STAMP "*** 127.0.0.1:5000 joined "
	    "(11 online)\n"
	    "publish 3 1 al " STAMP "*** 127.0.0.1:5000 is now known as al\n"
	    "claim 1 al -\n"
	    "publish 3 1 bo " STAMP "*** al is now known as bo\n"
	    "claim 1 bo al\n"
	    "publish 3 1 al " STAMP "*** bo is now known as al\n"
	    "claim 1 al -\n"
	    "publish 0 1 al " STAMP "al: text\n"
	    "publish 2 1 al " STAMP "*** al left (10 online)\n"
	    "release 1 al\n");
	room_set_hooks(room, NULL);
}
END_TEST

/* After its last notice the room tells nobody of anyone's leaving. */
START_TEST(test_close)
{
	struct fake	a, b;

	fake_init(&a, &batched_ops, 5000);
	fake_init(&b, &batched_ops, 5001);
	room_join(room, &a.m);
	room_join(room, &b.m);
	room_flush(room);
	a.len = b.len = 0;
	room_close(room, "server shutting down", 20);
	room_leave(room, &a.m, NULL, 0);
	room_flush(room);
	expect(&a, STAMP "*** server shutting down\n");
	expect(&b, STAMP "*** server shutting down\n");
	room_leave(room, &b.m, NULL, 0);
	ck_assert_uint_eq(room_count(room), 0);
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
	tcase_add_test(tc, test_nicks);
	tcase_add_test(tc, test_commands_to_sender);
	tcase_add_test(tc, test_hooks);
	tcase_add_test(tc, test_close);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(room_suite());
}
