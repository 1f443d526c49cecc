#!/bin/sh
# relay-trim.sh: a server whose connection to Redis dropped while the
# stream was trimmed past the last entry it read (what XADD's MAXLEN does
# after a long outage) finds it out when it is back: it logs the gap once,
# counts it in SIGUSR1's "gaps", and goes on from what is left; the same
# for the stream of a room it reads. A server that only lost its
# connection (Redis kept its streams) counts no gap.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-relay.sh"

need_redis
need_python

. "$top_srcdir/tests/lib-room.sh"

LOG=tschat:tschat:log
ROOM='tschat:tschat:room:#t'

redis_start
node_start 1
node_start 2
node_join a1 1
node_join b1 2
say a1 "before"
expect_all "$(nick_of a1): before"
# Both in #t, which n2 reads from its own stream; its lines came through.
say a1 "/join #t"
expect_next a1 "#t *** $(nick_of a1) joined (1 online)"
say b1 "/join #t"
expect_each "#t *** $(nick_of b1) joined (2 online)" a1 b1
say a1 "in t"
expect_each "#t $(nick_of a1): in t" a1 b1
say a1 "/join #lobby"
expect_next a1 "*** #lobby is your current room"
say b1 "/join #lobby"
expect_next b1 "*** #lobby is your current room"

# In one transaction: n2's connections killed, two entries appended, and
# the stream trimmed to the last one, so that n2 comes back to a stream
# that starts after the last entry it read.
ports=$(node_redis_ports "$NODE_PID_2")
[ "$(echo $ports | wc -w)" -eq 2 ] ||
	fail "expected n2 to hold 2 connections to Redis, found: '$ports'"
{
	echo MULTI
	for port in $ports; do
		echo "CLIENT KILL ADDR 127.0.0.1:$port"
	done
	echo "XADD $LOG * node 0123456789abcdef e msg m 1 l trimmed"
	echo "XADD $LOG * node 0123456789abcdef e msg m 1 l kept"
	echo "XTRIM $LOG MAXLEN 1"
	echo "XADD $ROOM * node 0123456789abcdef e msg m 1 l room-trimmed"
	echo "XADD $ROOM * node 0123456789abcdef e msg m 1 l room-kept"
	echo "XTRIM $ROOM MAXLEN 1"
	echo EXEC
} | rcli >"$T/multi.out" 2>&1
tail -n 1 "$T/multi.out" | grep -qx '[1-9][0-9]*' ||
	fail "expected the transaction to end with XTRIM's count of entries trimmed, got:
$(cat "$T/multi.out")"
note "n2's connections killed, the stream trimmed: $(tr '\n' ' ' <"$T/multi.out")"
expect_next b1 "*** relay lost"
expect_next b1 "*** relay restored"
# The entries left in the two streams, in either order.
for p in a1 b1; do
	next_line "$p"
	got=$GOT
	next_line "$p"
	expect_eq "peer $p's next two lines: the entries left in the streams" \
	    "kept
room-kept" "$(printf '%s\n%s\n' "$got" "$GOT" | sort)"
done
say a1 "after the trim"
expect_all "$(nick_of a1): after the trim"
say b1 "from n2"
expect_all "$(nick_of b1): from n2"

expect_eq "n2's log lines about the trimmed stream" 1 \
    "$(grep -c 'relay: the stream was trimmed past the last entry read' "$T/n2.log")"
expect_eq "n2's log lines about #t's trimmed stream" 1 \
    "$(grep -c 'relay: the stream of #t was trimmed past the last entry read' "$T/n2.log")"
note "n2: $(grep 'relay: the stream .*trimmed' "$T/n2.log")"
st=$(node_stats 2)
expect_relay_up "$st"
expect_eq "n2: gaps after the lobby's and #t's streams were trimmed past it" 2 \
    "$(relay_stat gaps "$st")"
st=$(node_stats 1)
expect_eq "n1: gaps (it stayed connected)" 0 "$(relay_stat gaps "$st")"

# A dropped connection alone, the stream intact: no gap.
ports=$(node_redis_ports "$NODE_PID_2")
for port in $ports; do
	rcli CLIENT KILL ADDR "127.0.0.1:$port" >/dev/null
done
expect_next b1 "*** relay lost"
expect_next b1 "*** relay restored"
say a1 "after the second kill"
expect_all "$(nick_of a1): after the second kill"
st=$(node_stats 2)
expect_eq "n2: gaps after a dropped connection (the streams intact)" 2 \
    "$(relay_stat gaps "$st")"

node_stop 1
node_stop 2
redis_stop
