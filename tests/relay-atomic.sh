#!/bin/sh
# relay-atomic.sh: a server's presence changes go in one transaction with
# the stream entry they belong to, as Redis's MONITOR shows: a join, a nick
# change and a leave each write their entry (XADD) and the presence hash
# (HSET, HDEL) between one MULTI and its EXEC; after a reconnection, the
# hash written again whole (DEL, HSET) and the "sync" entry that tells the
# others to read it, too.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-relay.sh"

need_redis
need_python

. "$top_srcdir/tests/lib-room.sh"

redis_start
node_start 1
node_start 2
ID1=$(sed -n 's/.*relay: room tschat as n1 (\([0-9a-f]*\)).*/\1/p' "$T/n1.log")
[ -n "$ID1" ] || fail "n1's log does not give its id"

# MONITOR from now on, until the end of the test.
timeout 60 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" MONITOR >"$T/monitor" 2>&1 &
MONITOR_PID=$!
track "$MONITOR_PID"
wait_for 5 grep -q OK "$T/monitor" ||
	fail "redis-cli MONITOR did not start: $(cat "$T/monitor")"

node_join b1 2
node_join a1 1
rename a1 alice
say a1 "hello"
expect_all "alice: hello"
hub close a1
gone a1
expect_all "*** alice left ($ONLINE online)"
node_join a2 1

# A reconnection of n1: its hash written again, and the sync entry.
ports=$(node_redis_ports "$NODE_PID_1")
[ "$(echo $ports | wc -w)" -eq 2 ] ||
	fail "expected n1 to hold 2 connections to Redis, found: '$ports'"
for port in $ports; do
	rcli CLIENT KILL ADDR "127.0.0.1:$port" >/dev/null
done
wait_for 10 _node_connected_after 1 1 ||
	fail "n1 did not reconnect within 10 s of CLIENT KILL"
expect_next a2 "*** relay lost"
expect_next a2 "*** relay restored"
sync_nodes
kill "$MONITOR_PID"
wait "$MONITOR_PID" 2>/dev/null
untrack "$MONITOR_PID"

# Each of n1's writes of its hash or its entries, with the transaction it
# is in on its connection (0: none): "BLOCK WHAT".
awk -v node="\"tschat:tschat:node:$ID1\"" -v id="\"$ID1\"" '
	$4 == "\"MULTI\"" { block[$3] = ++blocks; next }
	$4 == "\"EXEC\"" { block[$3] = 0; next }
	$4 == "\"XADD\"" && $5 == "\"tschat:tschat:log\"" && index($0, "\"node\" " id) {
		what = "xadd"
		if (index($0, "\"e\" \"sync\"")) what = "xadd-sync"
		if (index($0, "\"e\" \"join\"")) what = "xadd-join"
		if (index($0, "\"e\" \"nick\"")) what = "xadd-nick"
		if (index($0, "\"e\" \"leave\"")) what = "xadd-leave"
		print block[$3] + 0, what
		next
	}
	($4 == "\"HSET\"" || $4 == "\"HDEL\"" || $4 == "\"DEL\"") && $5 == node {
		what = tolower(substr($4, 2, length($4) - 2))
		if ($4 == "\"HSET\"" && $6 == "\"_node\"") what = "hset-node"
		print block[$3] + 0, what
	}' "$T/monitor" >"$T/writes"
note "n1's writes, by transaction: $(tr '\n' ',' <"$T/writes")"

# in_one_block A B: some transaction holds both A and B.
in_one_block() {
	awk -v a="$1" -v b="$2" '
		$1 > 0 && $2 == a { ha[$1] = 1 }
		$1 > 0 && $2 == b { hb[$1] = 1 }
		END { for (k in ha) if (k in hb) exit 0; exit 1 }' "$T/writes"
}
for pair in "xadd-join hset" "xadd-nick hset" "xadd-leave hdel" \
    "xadd-sync del" "xadd-sync hset-node"; do
	set -- $pair
	in_one_block "$1" "$2" ||
		fail "no MULTI/EXEC of n1's holds both its $1 and its $2 (BLOCK WHAT, 0: outside any):
$(cat "$T/writes")"
done
# And none of it outside a transaction.
outside=$(awk '$1 == 0' "$T/writes" | grep -v hset-node | head -n 3)
[ -z "$outside" ] ||
	fail "n1 wrote its entries or its hash outside a transaction: $outside"

node_stop 1
node_stop 2
redis_stop
