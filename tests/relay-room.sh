#!/bin/sh
# relay-room.sh: three tschatd nodes (--relay) form one room through a real
# redis-server. Joins and leaves reach every peer on every node, counted
# room-wide; every message reaches every peer on every node exactly once,
# each sender's in order, under a flood from one sender per node, which
# Redis sees as far fewer XADDs than messages; /who on one node lists the
# nicks of all; a nick is unique across the nodes, whatever its case, and
# free again when its holder leaves; two nodes claiming one nick at once
# leave exactly one holder; SIGUSR1 says "relay up" with its counters.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-relay.sh"

need_redis
need_python

. "$top_srcdir/tests/lib-room.sh"

redis_start
node_start 1
node_start 2
node_start 3

# Joins: two peers on each node; every peer, wherever it is, sees each one
# join with the count of the whole room.
node_join a1 1
node_join b1 2
node_join c1 3
node_join a2 1
node_join b2 2
node_join c2 3
note "peers: a1 a2 on n1, b1 b2 on n2, c1 c2 on n3"

# A message from each node reaches every peer on every node.
for p in a1 b1 c1; do
	say "$p" "hello from $p"
	expect_all "$(nick_of "$p"): hello from $p"
done
say c2 "/me waves from n3"
expect_all "* $(nick_of c2) waves from n3"

# Renames are seen everywhere.
rename a1 alice
rename b1 bob
rename c1 carol
rename a2 dave

# A nick is unique across the nodes, whatever its case: alice holds it on
# n1, so b2 on n2 is refused with a notice to itself only.
refused b2 alice
refused b2 ALICE
refused c2 Alice
refused c2 Bob
refused a2 CAROL
sync_nodes
say b2 "still me"
expect_all "$(nick_of b2): still me"

# /who on n1: the count and the nicks of every node, to the asker only.
say a1 /who
say a1 "after who"
collect_until a1 "alice: after who"
for p in $PEERS; do
	[ "$p" = a1 ] || expect_next "$p" "alice: after who"
done
grep -q "6 online:" "$T/collected" ||
	fail "/who on n1: expected '6 online:', got:
$(cat "$T/collected")"
# A line for each server, this one first, each peer under its own.
first=$(grep -v ' online:$' "$T/collected" | head -n 1 | sed 's/^.*\*\*\* //')
case $first in
"n1: "*) ;;
*) fail "/who on n1: expected the first line of nicks to start with 'n1: ', got '$first'" ;;
esac
for p in $PEERS; do
	k=$(eval "echo \$NODE_OF_$p")
	grep "\*\*\* n$k: " "$T/collected" | grep -qF -- "$(nick_of "$p")" ||
		fail "/who on n1: expected $(nick_of "$p") on a line 'n$k: ...', got:
$(cat "$T/collected")"
done
# And on n3, whose own peers are the fewest of the names listed.
say c2 /who
say c2 "after who"
collect_until c2 "$(nick_of c2): after who"
for p in $PEERS; do
	[ "$p" = c2 ] || expect_next "$p" "$(nick_of c2): after who"
done
for n in alice bob carol dave "$(nick_of b2)"; do
	grep -qF -- "$n" "$T/collected" ||
		fail "/who on n3: expected $n among the nicks, got:
$(cat "$T/collected")"
done

# The flood: one sender on each node, 300 lines each, 20 at a time. Every
# peer gets all 900 exactly once, each sender's in order.
N=300
xadd0=$(redis_calls xadd)
all0=$(redis_all_calls)
t0=$(now_ms)
flood $N 20 0.01 a1 b1 c1
flood_wait
expect_flood 20 $N a1 b1 c1
t1=$(now_ms)
sync_nodes
msgs=$((3 * N))
xadds=$(( $(redis_calls xadd) - xadd0 ))
all=$(( $(redis_all_calls) - all0 ))
note "flood: $msgs messages from 3 nodes to 6 peers in $((t1 - t0)) ms; Redis ran $xadds XADD and $all commands in all (syncs included): $(awk "BEGIN { printf \"%.3f XADD and %.3f commands per message\", $xadds / $msgs, $all / $msgs }")"
[ "$xadds" -gt 0 ] || fail "Redis saw no XADD during the flood"
[ "$xadds" -lt "$msgs" ] ||
	fail "batching: Redis saw $xadds XADD for $msgs messages, expected fewer than messages"
[ $((xadds * 4)) -le "$msgs" ] ||
	fail "batching: Redis saw $xadds XADD for $msgs messages sent 20 lines at a time, expected at most one per 4"

# SIGUSR1: each node's relay is up and counts what went through it.
for k in 1 2 3; do
	st=$(node_stats $k)
	expect_relay_up "$st"
	note "n$k: ${st#*"; relay "}"
	eo=$(relay_stat "events out" "$st")
	ei=$(relay_stat "events in" "$st")
	eno=$(relay_stat out "$st")
	[ -n "$eo" ] && [ -n "$ei" ] && [ -n "$eno" ] ||
		fail "n$k: expected 'entries out N (events N), in N (events N)' in '$st'"
	[ "$eo" -ge "$N" ] ||
		fail "n$k: expected at least $N events out, got $eo: '$st'"
	[ "$ei" -ge $((2 * N)) ] ||
		fail "n$k: expected at least $((2 * N)) events in, got $ei: '$st'"
	[ "$eno" -lt "$eo" ] ||
		fail "n$k: expected fewer entries out than events out (batching), got $eno and $eo: '$st'"
	expect_eq "n$k: bad entries" 0 "$(relay_stat bad "$st")"
	expect_eq "n$k: remote members" 4 "$(relay_stat "remote members" "$st")"
done

# Leaving: alice closes her connection on n1; everyone everywhere sees it,
# counted room-wide, and her nick is free on the other nodes.
hub close a1
gone a1
expect_all "*** alice left ($ONLINE online)"
rename b2 alice
say b2 "alice on n2 now"
expect_all "alice: alice on n2 now"
refused a2 alice

# /quit with a reason on n3.
say c1 "/quit off to lunch"
expect_closed c1
gone c1
expect_all "*** carol left: off to lunch ($ONLINE online)"

# The claim in Redis decides, before anyone hears of the change: a nick
# held there (by a node that this test makes up) is refused to its asker,
# who keeps its nick, and nobody else sees anything.
rcli HSET tschat:tschat:nicks yves 0123456789abcdef:7 >/dev/null
say a2 "/nick yves"
expect_next a2 "*** nick yves is taken"
sync_nodes
holder=$(rcli HGET tschat:tschat:nicks dave)
case $holder in
"" | 0123456789abcdef:7)
	fail "after yves was refused, expected dave still held by a2's node in Redis, got '$holder'" ;;
esac
say a2 "dave still"
expect_all "dave: dave still"
refused c2 dave
say c2 "/nick yves"
expect_next c2 "*** nick yves is taken"
sync_nodes

# Two nodes claim one nick at the same moment (one write to the hub sends
# both): exactly one peer gets it, the room hears of it once, and the other
# is told and keeps the nick it had; nobody hears of the loser's try.
printf 'send a2 %s\nsend b1 %s\n' "$(printf '/nick zed\n' | hexof)" \
    "$(printf '/nick zed\n' | hexof)" >&3
sleep 1
for p in $PEERS; do
	n=$(grep -c ' is now known as zed$' "$T/p/$p.out")
	[ "$n" -eq 1 ] ||
		fail "n1 and n2 claimed zed at once: peer $p heard of it $n times, expected once:
$(grep zed "$T/p/$p.out")"
done
lost=$(grep -l '\*\*\* nick zed is taken$' "$T/p/a2.out" "$T/p/b1.out" | wc -l)
[ "$lost" -eq 1 ] ||
	fail "n1 and n2 claimed zed at once: expected one of a2 and b1 told '*** nick zed is taken', got $lost
what a2 got: $(grep zed "$T/p/a2.out")
what b1 got: $(grep zed "$T/p/b1.out")"
for p in $PEERS; do
	eval "CUR_$p=\$(wc -l <\"\$T/p/$p.out\")"
done
for p in a2 b1 c2; do
	k=$(eval "echo \$NODE_OF_$p")
	say "$p" /who
	say c2 "after who on n$k"
	collect_until "$p" "$(nick_of c2): after who on n$k"
	for q in $PEERS; do
		[ "$q" = "$p" ] || expect_next "$q" "$(nick_of c2): after who on n$k"
	done
	z=$(grep -v ' online:$' "$T/collected" | sed 's/^.*\*\*\* n[0-9]: //' |
	    tr ',' '\n' | tr -d ' ' | grep -cx zed)
	[ "$z" -eq 1 ] ||
		fail "n1 and n2 claimed zed at once: /who on n$k lists $z zed, expected 1:
$(cat "$T/collected")"
done
note "the race for zed, as c2 saw it: $(grep -F zed "$T/p/c2.out" | sed 's/^.*\] //' | tr '\n' '|')"

for k in 1 2 3; do
	node_stop $k
done
redis_stop
