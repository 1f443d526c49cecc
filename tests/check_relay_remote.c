/*
 * check_relay_remote.c: the other servers' members as relay-remote.c keeps
 * them, without Redis: found by id and by nick, ASCII case ignored and no
 * other; a nick changed, longer or shorter, leaves the member where it was
 * in /who's list (newest first); two servers' members may share a nick;
 * the rooms' counts follow comings and goings; a server forgotten or
 * cleared takes its members along; and all of it agrees with a plain model
 * under a long random run.
 */
#include "common.h"

#include <check.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relay-int.h"

#include "check_util.h"

/* What relay-remote.c needs of the rest of the relay. */
struct relay	*relay;

void
relay_command(redisCallbackFn *cb, void *priv, int argc, ...)
{
	ck_abort_msg("a command sent to Redis");
}

char *
relay_node_key(const char *id)
{
	char	*key;

	xasprintf(&key, "tschat:test:node:%s", id);
	return key;
}

static struct relay	the_relay;

static void
setup(void)
{
	memset(&the_relay, 0, sizeof the_relay);
	the_relay.loop = ev_default_loop(0);
	the_relay.up = 1;
	namemap_init(&the_relay.rcounts);
	relay = &the_relay;
}

static void
teardown(void)
{
	relay_nodes_clear();
	ck_assert_uint_eq(namemap_count(&relay->rcounts), 0);
	namemap_free(&relay->rcounts);
	relay = NULL;
}

static int
in_use(const char *nick)
{
	return relay_nick_in_use(NULL, nick, strlen(nick));
}

/* What /who lists of the other servers, "node:nick,..." in order. */
struct who {
	char	buf[8192];
	size_t	len;
};

static void
who_one(const char *node, const char *nick, void *arg)
{
	struct who	*w = arg;

	w->len += (size_t)snprintf(w->buf + w->len, sizeof w->buf - w->len,
	    "%s%s:%s", w->len > 0 ? "," : "", node, nick);
	ck_assert_uint_lt(w->len, sizeof w->buf);
}

static const char *
who(const char *room)
{
	static struct who	w;

	w.len = 0;
	w.buf[0] = '\0';
	relay_remote_each(NULL, room, who_one, &w);
	return w.buf;
}

START_TEST(test_remote_nick_case)
{
	struct rnode	*n = relay_node_find("aaaa"), *np = NULL;
	struct rmember	*m;

	relay_member_set(n, 1, "Alice");
	relay_member_set(n, 2, "\xc3\x89lan");		/* "Élan" */
	ck_assert(in_use("Alice"));
	ck_assert(in_use("alice"));
	ck_assert(in_use("ALICE"));
	ck_assert(!in_use("Alic"));
	ck_assert(!in_use("Alicee"));
	ck_assert(relay_nick_in_use(NULL, "Alicee", 5));
	/* ASCII letters only: "É" is not "é", but "LAN" is "lan". */
	ck_assert(in_use("\xc3\x89LAN"));
	ck_assert(!in_use("\xc3\xa9lan"));
	m = relay_member_named("aLiCe", 5, &np);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->id, 1);
	ck_assert_str_eq(m->nick, "Alice");
	ck_assert_ptr_eq(np, n);
	/* Without the relay up, no one else is known. */
	relay->up = 0;
	ck_assert(!in_use("Alice"));
	ck_assert_ptr_null(relay_member_named("Alice", 5, NULL));
	ck_assert_uint_eq(relay_remote_count(NULL, NULL), 0);
	relay->up = 1;
	ck_assert_uint_eq(relay_remote_count(NULL, NULL), 2);
}
END_TEST

START_TEST(test_remote_rename)
{
	struct rnode	*n = relay_node_find("aaaa");

	snprintf(n->name, sizeof n->name, "paris");
	relay_member_set(n, 1, "a");
	relay_member_set(n, 2, "bb");
	relay_member_set(n, 3, "ccc");
	relay_member_enter(n, 2, "#dev");
	ck_assert_str_eq(who(NULL), "paris:ccc,paris:bb,paris:a");
	/* Longer, shorter, the same length, only the case: in place. */
	relay_member_set(n, 2, "a-much-longer-nick-than-before");
	ck_assert_str_eq(who(NULL),
	    "paris:ccc,paris:a-much-longer-nick-than-before,paris:a");
	ck_assert(!in_use("bb"));
	ck_assert(in_use("A-MUCH-LONGER-NICK-THAN-BEFORE"));
	relay_member_set(n, 3, "x");
	relay_member_set(n, 1, "a-long-one-at-the-end-of-the-list");
	relay_member_set(n, 2, "yy");
	relay_member_set(n, 2, "zz");
	relay_member_set(n, 2, "ZZ");
	ck_assert_str_eq(who(NULL),
	    "paris:x,paris:ZZ,paris:a-long-one-at-the-end-of-the-list");
	ck_assert(!in_use("ccc"));
	ck_assert(!in_use("a"));
	ck_assert(!in_use("yy"));
	ck_assert(in_use("zz"));
	ck_assert(in_use("X"));
	ck_assert_uint_eq(n->count, 3);
	ck_assert_uint_eq(relay_remote_count(NULL, NULL), 3);
	/* Its rooms went along. */
	ck_assert_str_eq(who("#dev"), "paris:ZZ");
	ck_assert_uint_eq(relay_remote_count(NULL, "#DEV"), 1);
	/* Out of the middle, then the ends. */
	relay_member_remove(n, 2);
	ck_assert_str_eq(who(NULL),
	    "paris:x,paris:a-long-one-at-the-end-of-the-list");
	ck_assert_uint_eq(relay_remote_count(NULL, "#dev"), 0);
	relay_member_set(n, 4, "d");
	relay_member_remove(n, 1);
	ck_assert_str_eq(who(NULL), "paris:d,paris:x");
	relay_member_remove(n, 4);
	relay_member_remove(n, 4);
	relay_member_remove(n, 99);
	ck_assert_str_eq(who(NULL), "paris:x");
	ck_assert_uint_eq(n->count, 1);
}
END_TEST

START_TEST(test_remote_clash)
{
	struct rnode	*n1 = relay_node_find("aaaa");
	struct rnode	*n2 = relay_node_find("bbbb"), *np;
	struct rmember	*m;

	ck_assert_ptr_eq(relay_node_find("aaaa"), n1);
	/* One id on two servers: two members, one nick between them. */
	relay_member_set(n1, 7, "bob");
	relay_member_set(n2, 7, "BOB");
	ck_assert_uint_eq(relay_remote_count(NULL, NULL), 2);
	ck_assert_str_eq(who(NULL), "bbbb:BOB,aaaa:bob");
	relay_member_remove(n1, 7);
	ck_assert(in_use("bob"));
	np = NULL;
	m = relay_member_named("Bob", 3, &np);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(m->nick, "BOB");
	ck_assert_ptr_eq(np, n2);
	relay_member_set(n1, 7, "bob");
	relay_member_set(n2, 7, "robert");
	m = relay_member_named("BOB", 3, &np);
	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_eq(np, n1);
	relay_member_remove(n1, 7);
	ck_assert(!in_use("bob"));
	ck_assert(in_use("Robert"));
	ck_assert_ptr_null(relay_member_named("bob", 3, &np));
}
END_TEST

START_TEST(test_remote_rooms)
{
	struct rnode	*n = relay_node_find("aaaa");

	relay_member_set(n, 1, "a");
	relay_member_set(n, 2, "b");
	/* No one: a member not in the lobby enters nothing. */
	relay_member_enter(n, 3, "#dev");
	ck_assert_uint_eq(namemap_count(&relay->rcounts), 0);
	relay_member_enter(n, 1, "#dev");
	relay_member_enter(n, 1, "#DEV");
	relay_member_enter(n, 2, "#dev");
	relay_member_enter(n, 2, "#ops");
	ck_assert_uint_eq(relay_remote_count(NULL, "#dev"), 2);
	ck_assert_uint_eq(relay_remote_count(NULL, "#ops"), 1);
	ck_assert_uint_eq(relay_remote_count(NULL, "#none"), 0);
	ck_assert_str_eq(who("#ops"), "aaaa:b");
	ck_assert_str_eq(who("#none"), "");
	/* Leaving a room one is not in changes nothing. */
	relay_member_exit(n, 1, "#ops");
	relay_member_exit(n, 1, "#none");
	relay_member_exit(n, 9, "#dev");
	ck_assert_uint_eq(relay_remote_count(NULL, "#ops"), 1);
	relay_member_exit(n, 1, "#Dev");
	ck_assert_uint_eq(relay_remote_count(NULL, "#dev"), 1);
	relay_member_exit(n, 1, "#dev");
	ck_assert_uint_eq(relay_remote_count(NULL, "#dev"), 1);
	/* The last one out ends the room. */
	relay_member_remove(n, 2);
	ck_assert_uint_eq(namemap_count(&relay->rcounts), 0);
}
END_TEST

START_TEST(test_remote_forget)
{
	struct rnode	*n1 = relay_node_find("aaaa");
	struct rnode	*n2 = relay_node_find("bbbb");
	uint32_t	 i;
	char		 nick[16];

	for (i = 0; i < 1000; i++) {
		snprintf(nick, sizeof nick, "n%u", i);
		relay_member_set(i % 2 ? n1 : n2, i, nick);
		relay_member_enter(i % 2 ? n1 : n2, i, "#dev");
	}
	ck_assert_uint_eq(relay_remote_count(NULL, "#dev"), 1000);
	relay_node_forget(n1);
	ck_assert_uint_eq(n1->count, 0);
	ck_assert_ptr_null(n1->members);
	ck_assert_uint_eq(relay_remote_count(NULL, NULL), 500);
	ck_assert_uint_eq(relay_remote_count(NULL, "#dev"), 500);
	ck_assert(!in_use("n1"));
	ck_assert(in_use("n2"));
	/* Read again, as after a sync. */
	relay_member_set(n1, 1, "N1");
	ck_assert(in_use("n1"));
	relay_node_forget(n2);
	relay_node_forget(n1);
	ck_assert_uint_eq(relay->remote_count, 0);
	ck_assert_uint_eq(relay->rnicks.count, 0);
	ck_assert_uint_eq(namemap_count(&relay->rcounts), 0);
	/* Cleared, and known again: the nicks' table starts anew. */
	relay_member_set(n2, 5, "e");
	relay_nodes_clear();
	ck_assert_ptr_null(relay->nodes);
	ck_assert(!in_use("e"));
	n1 = relay_node_find("cccc");
	relay_member_set(n1, 5, "e");
	ck_assert(in_use("E"));
}
END_TEST

/* The model: what each server's members are, and in which order. */
#define M_NODES	3
#define M_IDS	48
#define M_ROOMS	3
#define M_NICKS	24

struct m_member {
	int		 here;
	uint64_t	 joined;	/* order of coming: newest is largest */
	char		 nick[64];
	unsigned int	 rooms;		/* bits */
};

static const char *const m_rooms[M_ROOMS] = { "#a", "#bb", "#Ccc" };

static int
fold_eq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		unsigned char	ca = (unsigned char)*a, cb = (unsigned char)*b;

		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return 0;
	}
	return *a == *b;
}

/* A nick of the pool, in a random case; K picks it. */
static void
pool_nick(uint64_t *rs, unsigned int k, char *out, size_t size)
{
	size_t	i, len;

	/* Lengths from 1 to 40, so that a change often moves the member. */
	len = 1 + (k * 7) % 40;
	for (i = 0; i < len && i + 1 < size; i++)
		out[i] = (char)('a' + (k + i) % 26);
	out[i] = '\0';
	for (i = 0; out[i] != '\0'; i++) {
		if (test_random(rs) % 2)
			out[i] = (char)(out[i] - 'a' + 'A');
	}
}

/* Which of NODES N is (a server the model does not know fails). */
static size_t
node_slot(struct rnode **nodes, const struct rnode *n)
{
	size_t	a;

	for (a = 0; a < M_NODES; a++) {
		if (nodes[a] == n)
			return a;
	}
	ck_abort_msg("a server the model does not know");
	return 0;
}

static void
model_check(struct rnode **nodes, struct m_member m[M_NODES][M_IDS],
    uint64_t *rs, size_t step)
{
	struct who	 want;
	unsigned int	 total = 0, in_room[M_ROOMS] = { 0 }, k;
	struct rnode	*n;
	char		 nick[64];
	size_t		 a, i, j, r, cnt, idx[M_IDS];

	for (a = 0; a < M_NODES; a++) {
		unsigned int	count = 0;

		for (i = 0; i < M_IDS; i++) {
			if (!m[a][i].here)
				continue;
			count++;
			for (r = 0; r < M_ROOMS; r++)
				in_room[r] += (m[a][i].rooms >> r) & 1;
		}
		ck_assert_msg(nodes[a]->count == count, "step %zu: server %zu "
		    "counts %u members, expected %u", step, a,
		    nodes[a]->count, count);
		total += count;
	}
	ck_assert_uint_eq(relay_remote_count(NULL, NULL), total);
	for (r = 0; r < M_ROOMS; r++)
		ck_assert_msg(relay_remote_count(NULL, m_rooms[r]) ==
		    in_room[r], "step %zu: %s counts %u, expected %u", step,
		    m_rooms[r], relay_remote_count(NULL, m_rooms[r]),
		    in_room[r]);
	/* Each nick of the pool, in a case of its own. */
	for (k = 0; k < M_NICKS; k++) {
		struct rmember	*got;
		int		 want_in = 0;

		pool_nick(rs, k, nick, sizeof nick);
		for (a = 0; a < M_NODES; a++) {
			for (i = 0; i < M_IDS; i++)
				want_in |= m[a][i].here &&
				    fold_eq(m[a][i].nick, nick);
		}
		n = NULL;
		got = relay_member_named(nick, strlen(nick), &n);
		ck_assert_msg((got != NULL) == want_in, "step %zu: %s is %s",
		    step, nick, want_in ? "not found" : "found");
		if (got == NULL)
			continue;
		a = node_slot(nodes, n);
		ck_assert_uint_lt(got->id, M_IDS);
		ck_assert(m[a][got->id].here);
		ck_assert_str_eq(got->nick, m[a][got->id].nick);
		ck_assert(fold_eq(got->nick, nick));
	}
	/* /who: the servers newest first, each one's members too. */
	want.len = 0;
	want.buf[0] = '\0';
	for (n = relay->nodes; n != NULL; n = n->next) {
		a = node_slot(nodes, n);
		/* Its members, newest first (insertion into IDX). */
		cnt = 0;
		for (i = 0; i < M_IDS; i++) {
			if (!m[a][i].here)
				continue;
			for (j = cnt; j > 0 && m[a][idx[j - 1]].joined <
			    m[a][i].joined; j--)
				idx[j] = idx[j - 1];
			idx[j] = i;
			cnt++;
		}
		for (j = 0; j < cnt; j++)
			who_one(n->id, m[a][idx[j]].nick, &want);
	}
	ck_assert_msg(strcmp(who(NULL), want.buf) == 0, "step %zu: /who "
	    "lists %s, expected %s", step, who(NULL), want.buf);
}

START_TEST(test_remote_model)
{
	static struct m_member	 m[M_NODES][M_IDS];
	struct rnode		*nodes[M_NODES];
	uint64_t		 rs = 20261207, joined = 0;
	size_t			 step, a, i, r;
	char			 id[8];

	memset(m, 0, sizeof m);
	for (a = 0; a < M_NODES; a++) {
		snprintf(id, sizeof id, "n%zu", a);
		nodes[a] = relay_node_find(id);
	}
	for (step = 0; step < 20000; step++) {
		unsigned int	op = test_random(&rs) % 100;

		a = test_random(&rs) % M_NODES;
		i = test_random(&rs) % M_IDS;
		r = test_random(&rs) % M_ROOMS;
		if (op < 40) {
			char	nick[64];

			pool_nick(&rs, test_random(&rs) % M_NICKS, nick,
			    sizeof nick);
			relay_member_set(nodes[a], (uint32_t)i, nick);
			if (!m[a][i].here) {
				m[a][i].here = 1;
				m[a][i].joined = ++joined;
				m[a][i].rooms = 0;
			}
			snprintf(m[a][i].nick, sizeof m[a][i].nick, "%s", nick);
		} else if (op < 60) {
			relay_member_remove(nodes[a], (uint32_t)i);
			m[a][i].here = 0;
		} else if (op < 79) {
			relay_member_enter(nodes[a], (uint32_t)i, m_rooms[r]);
			if (m[a][i].here)
				m[a][i].rooms |= 1u << r;
		} else if (op < 98) {
			relay_member_exit(nodes[a], (uint32_t)i, m_rooms[r]);
			m[a][i].rooms &= ~(1u << r);
		} else if (op < 99) {
			relay_node_forget(nodes[a]);
			for (i = 0; i < M_IDS; i++)
				m[a][i].here = 0;
		}
		if (step % 7 == 0)
			model_check(nodes, m, &rs, step);
	}
}
END_TEST

static Suite *
relay_remote_suite(void)
{
	Suite	*s = suite_create("relay_remote");
	TCase	*tc;

	tc = tcase_create("remote");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_remote_nick_case);
	tcase_add_test(tc, test_remote_rename);
	tcase_add_test(tc, test_remote_clash);
	tcase_add_test(tc, test_remote_rooms);
	tcase_add_test(tc, test_remote_forget);
	tcase_add_test(tc, test_remote_model);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(relay_remote_suite());
}
