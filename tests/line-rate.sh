#!/bin/sh
# line-rate.sh: in a room, --line-rate slows a flooding peer and drops
# nothing. With --line-rate 100 (bursts of 200) peer A says 500 lines at
# once: every peer gets all of them, in order, A stays, and the last comes
# no sooner than (500 - 200) / 100 = 3 s after the first was sent;
# meanwhile B, with a bucket of its own, is heard at once. In echo mode
# --line-rate slows no one.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-limits.sh"

RATE=100
LINES=500
MIN_SECS=$(awk -v l=$LINES -v r=$RATE 'BEGIN { print (l - 2 * r) / r }')

### In a room: A floods, B says one line 1 s later, C listens.
start_server --broadcast --history 0 --line-rate $RATE
"$TCPEER" room -w 30 -s 1 -m $LINES -l 64 -r 0 -b 1 127.0.0.1 "$PORT" 3 \
    >"$T/room" 2>"$T/room.err"
rc=$?
result=$(grep '^room: peers=' "$T/room")
note "$result"
[ "$rc" -eq 0 ] && [ "$(kv complete "$result")" = 3 ] ||
	fail "expected A, B and C each to get all $LINES of A's lines, in order, and B's line; tcpeer room says (status $rc):
$(cat "$T/room" "$T/room.err")"
first=$(kv first_done "$result")
last=$(kv last_done "$result")
marker=$(kv marker_ms "$result")
note "A's $LINES lines: the first peer had them all after $first s, the last after $last s (expected at least $MIN_SECS s); B's line took $marker ms"
is_true "$first >= $MIN_SECS - 0.3" ||
	fail "expected A's $LINES lines at $RATE lines/s after a burst of $((2 * RATE)) to take at least $MIN_SECS s to deliver; a peer had them all after $first s"
is_true "$last <= $MIN_SECS + 2" ||
	fail "expected A's $LINES lines delivered within $MIN_SECS s + 2 s; the last peer had them after $last s"
is_true "$marker <= 500" ||
	fail "expected B's line, sent while A was being slowed, at every peer within 500 ms; it took $marker ms"
stats=$(server_stats)
note "$stats"
waits=$(stat_value "rate waits" "$stats")
[ "${waits:-0}" -gt 0 ] ||
	fail "expected the counter 'rate waits' above 0 after A's flood, got '$waits' in '$stats'"
expect_stat "slow consumers" 0 "$stats"
stop_server

### In echo mode the same flood comes back at once.
start_server --line-rate $RATE
i=0
while [ $i -lt $LINES ]; do
	echo "echo-$i"
	i=$((i + 1))
done >"$T/lines"
t0=$(now_ms)
"$TCPEER" send -w 10 127.0.0.1 "$PORT" <"$T/lines" >"$T/echo" 2>"$T/echo.err" ||
	fail "tcpeer send of $LINES lines in echo mode failed: $(cat "$T/echo.err")"
took=$(elapsed_since "$t0")
note "echo mode: $LINES lines back in $took s"
sed "s/^$STAMP_GLOB//" "$T/echo" >"$T/echo.text"
expect_file_eq "the $LINES lines echoed, their stamps taken off" "$T/lines" "$T/echo.text"
is_true "$took < $MIN_SECS - 1" ||
	fail "expected --line-rate $RATE to slow no one in echo mode: $LINES lines came back in $took s (slowed, they would take $MIN_SECS s)"
stop_server
exit 0
