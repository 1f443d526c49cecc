#!/bin/sh
# relay-forged.sh: entries written into the stream by someone else under a
# real server's id. One that bears the largest sequence number, or any
# number far above the server's own, silences nothing: the server's later
# lines still reach the peers of the other server. An exact copy of a real
# entry, which is what a server sends again after a reconnection whose
# reply was lost, is still taken for a double and dropped.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-relay.sh"

need_redis
need_python

. "$top_srcdir/tests/lib-room.sh"

LOG=tschat:tschat:log

redis_start
node_start 1
node_start 2
node_join a1 1
node_join b1 2
rename a1 alice
rename b1 bob

ID1=$(sed -n 's/.*relay: room tschat as n1 (\([0-9a-f]*\)).*/\1/p' "$T/n1.log")
[ -n "$ID1" ] || fail "n1's log does not give its id"

# The largest number an entry may bear, then one far above n1's own but
# below the first: each is read on n2 (its line reaches b1), and n1's next
# line still comes after it. n1 takes the entries for its own and says
# nothing of them.
for seq in 18446744073709551615 4000000000; do
	rcli XADD $LOG '*' node "$ID1" s "$seq" e msg m 1 \
	    l "forged $seq" >"$T/xadd.out" 2>&1
	grep -Eqx '[0-9]+-[0-9]+' "$T/xadd.out" ||
		fail "redis-cli XADD of a forged entry: $(cat "$T/xadd.out")"
	next_line b1
	[ "$GOT" = "forged $seq" ] ||
		fail "peer b1 on n2: expected the forged line 'forged $seq', got '$GOT'"
	say a1 "after forged $seq"
	expect_all "alice: after forged $seq"
	note "n1 is heard on n2 after an entry forged under its id with number $seq"
done

# An exact copy of n1's last entry (the one above): a double on n2.
doubles0=$(relay_stat doubles "$(node_stats 2)")
rcli XREVRANGE $LOG + - COUNT 1 >"$T/last" 2>&1
[ "$(sed -n 2p "$T/last")" = node ] && [ "$(sed -n 3p "$T/last")" = "$ID1" ] ||
	fail "expected the stream's last entry to be n1's, got:
$(cat "$T/last")"
grep -qxF -- 'alice: after forged 4000000000' "$T/last" ||
	grep -qF -- '] alice: after forged 4000000000' "$T/last" ||
	fail "expected the stream's last entry to hold alice's last line, got:
$(cat "$T/last")"
set --
while IFS= read -r f; do
	set -- "$@" "$f"
done <<EOF
$(tail -n +2 "$T/last")
EOF
rcli XADD $LOG '*' "$@" >"$T/xadd.out" 2>&1
grep -Eqx '[0-9]+-[0-9]+' "$T/xadd.out" ||
	fail "redis-cli XADD of a copy of n1's entry: $(cat "$T/xadd.out")"
say a1 "after the copy"
expect_all "alice: after the copy"
st=$(node_stats 2)
expect_eq "n2: doubles after a copy of one of n1's entries" \
    $((doubles0 + 1)) "$(relay_stat doubles "$st")"
expect_relay_up "$st"
note "n2: ${st#*"; relay "}"
say b1 "and back"
expect_all "bob: and back"

node_stop 1
node_stop 2
redis_stop
