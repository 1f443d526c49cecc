#!/bin/sh
# large-room.sh: a room of 10,000 TCP peers works. The peers come from the
# source addresses 127.0.0.2 to 127.0.0.9 in turn, and each gets its own
# join notice (the others' may be summed up, so they are not counted);
# then one says 5 lines, and every peer, the sender included, gets each of
# them once, in order, and none is closed. The server still answers after
# the crowd has gone, has let everyone go, and stops cleanly.
# TSCHAT_CROWD_PEERS (default 10000) makes the crowd smaller, to debug.
. "$top_srcdir/tests/lib.sh"

N=${TSCHAT_CROWD_PEERS:-10000}
LINES=5
case $N in
''|0|*[!0-9]*) fail "TSCHAT_CROWD_PEERS must be a number of peers, not '$N'" ;;
esac
NEED=$((N + 100))

# The server and tcpeer each hold a descriptor per peer. They raise their
# own soft limits to the hard one; so does the test, for the others.
# (ulimit -H and -S are not POSIX, but dash and bash have them.)
hard=$(ulimit -Hn 2>/dev/null) || hard=unknown
case $hard in
unlimited) hard=$NEED ;;
unknown|*[!0-9]*) skip "cannot tell the hard limit on open files ('$hard'): $NEED are needed" ;;
esac
[ "$hard" -ge "$NEED" ] ||
	skip "the hard limit on open files is $hard, under the $NEED needed for $N peers (TSCHAT_CROWD_PEERS makes the crowd smaller)"
ulimit -Sn "$hard" 2>/dev/null || true

# 127.0.0.2 and on are loopback on Linux, not everywhere.
"$TCPEER" free-port 127.0.0.2 >/dev/null 2>"$T/err" ||
	skip "cannot bind the source address 127.0.0.2: $(cat "$T/err")"

start_server -B --max-clients $((N + 10)) --line-rate 0 --history 0

# tcpeer bounds each of its waits (the joins, the lines) to 120 s: here
# the joins take seconds, under valgrind on a busy machine half a minute.
rc=0
timeout 300 "$TCPEER" crowd -w 120 -k "$LINES" 127.0.0.1 "$PORT" "$N" \
    >"$T/out" 2>"$T/err" || rc=$?
cat "$T/out"
# The server's log, but for each peer's comings and goings.
server_news() {
	grep -v ' 127\.0\.0\.[0-9]*:[0-9]*: ' "$SERVER_LOG" | tail -n 10
}
[ "$rc" -eq 0 ] || fail "tcpeer crowd, $N peers: status $rc (124: it did not end within 300 s):
$(cat "$T/out" "$T/err")
the server's log, but for the peers' comings and goings:
$(server_news)"
grep -q "^crowd: $N peers, $LINES lines: all delivered once" "$T/out" ||
	fail "tcpeer crowd said nothing of every line delivered once:
$(cat "$T/out" "$T/err")"
server_alive

# The server still answers: a new peer's line comes back to it.
printf 'after the crowd\n' >"$T/in"
rc=0
timeout 30 "$TCPEER" send -w 25 127.0.0.1 "$PORT" <"$T/in" >"$T/after" \
    2>"$T/err" || rc=$?
[ "$rc" -eq 0 ] || fail "a peer after the crowd: status $rc: $(cat "$T/err")
it got:
$(tail -n 5 "$T/after")"
grep -q '^\[.*\] 127\.0\.0\.1:[0-9]*: after the crowd$' "$T/after" ||
	fail "a peer after the crowd did not get its line back; it got:
$(tail -n 5 "$T/after")"

# Everyone is let go, in a bounded time; no one was cut or refused.
tries=60
while :; do
	stats=$(server_stats)
	[ "$(stat_value peers "$stats")" != 0 ] || break
	tries=$((tries - 1))
	[ "$tries" -gt 0 ] ||
		fail "the server still held peers 30 s after the crowd left: $stats"
	sleep 0.5
done
note "$stats"
expect_stat accepted $((N + 1)) "$stats"
expect_stat "slow consumers" 0 "$stats"
expect_stat full 0 "$stats"
stop_server
exit 0
