#!/bin/sh
# idle.sh: --idle-timeout 1. A peer that sends nothing gets "*** idle
# timeout" and is closed within about 2 s (the check runs once a second);
# a peer that sends a line every 0.4 s stays; in a room the others see the
# silent one leave. A peer whose lines --line-rate is still taking is not
# idle.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-limits.sh"

nl='
'
TICKS=8		# lines 0.4 s apart: 2.8 s and more of activity

# silent: a peer that sends nothing must be closed 1 to 2.5 s after it
# connects; what it got in $T/silent.
silent() {
	t0=$(now_ms)
	"$TCPEER" recv -w 6 127.0.0.1 "$PORT" >"$T/silent" 2>"$T/silent.err" ||
		fail "expected the silent peer closed by the server within 2.5 s; tcpeer recv says (after $(elapsed_since "$t0") s): $(cat "$T/silent.err")"
	took=$(elapsed_since "$t0")
	note "the silent peer was closed after $took s"
	is_true "$took >= 0.9 && $took <= 2.5" ||
		fail "expected the silent peer closed 1 to 2.5 s after it connected, it was after $took s"
}

# active_start: in the background, a peer that sends a line every 0.4 s
# and must get every reply; active_end waits for it.
active_start() {
	set --
	i=1
	while [ $i -le $TICKS ]; do
		set -- "$@" "tick-$i$nl"
		i=$((i + 1))
	done
	ACTIVE_T0=$(now_ms)
	"$TCPEER" chat -i 0.4 -w 1 127.0.0.1 "$PORT" "$@" >"$T/active" \
	    2>"$T/active.err" &
	ACTIVE=$!
	track "$ACTIVE"
}
active_end() {
	wait_exit "$ACTIVE" 10 || fail "tcpeer chat did not end"
	[ "$EXIT_STATUS" -eq 0 ] ||
		fail "expected the peer that sends a line every 0.4 s to stay and get every reply: $(cat "$T/active.err"); it got:
$(cat "$T/active")"
	note "the active peer sent $TICKS lines over $(elapsed_since "$ACTIVE_T0") s and got every reply"
}

### Echo mode
start_server --idle-timeout 1
active_start
silent
active_end
expect_lines "what the silent peer got" 1 "$T/silent"
expect_stamped_line "*** idle timeout" "$(cat "$T/silent")"
# Each reply, then the empty line chat adds; nothing else.
grep -v '^$' "$T/active" | sed "s/^$STAMP_GLOB//" >"$T/active.text"
i=1
while [ $i -le $TICKS ]; do
	echo "tick-$i"
	i=$((i + 1))
done >"$T/ticks"
expect_file_eq "the active peer's replies, their stamps taken off" \
    "$T/ticks" "$T/active.text"
stats=$(server_stats)
note "$stats"
expect_stat idle 1 "$stats"
stop_server

### In a room: the others see the silent one leave.
start_server --broadcast --history 0 --idle-timeout 1 --line-rate 0
active_start
wait_log 2 ': connected (1 online)' || fail "the active peer did not connect"
silent
active_end
grep -q '\*\*\* idle timeout$' "$T/silent" ||
	fail "expected the silent peer in the room to get '*** idle timeout', it got:
$(cat "$T/silent")"
who=$(sed -n 's/.* \(127\.0\.0\.1:[0-9]*\): idle for 1 s$/\1/p' "$SERVER_LOG")
[ -n "$who" ] || fail "expected the log to say 'ADDRESS: idle for 1 s'"
grep -q "\*\*\* $who left (1 online)\$" "$T/active" ||
	fail "expected the active peer to see '*** $who left (1 online)', it got:
$(cat "$T/active")"
note "the active peer saw: $(grep -- "$who left" "$T/active")"
grep -q "tick-$TICKS\$" "$T/active" ||
	fail "expected the active peer's last line in the room, it got:
$(cat "$T/active")"
stats=$(server_stats)
note "$stats"
expect_stat idle 1 "$stats"
stop_server

### A peer slowed by --line-rate is not idle: alone in the room, it says
### 50 lines at once, which the server takes at 10 a second after a burst
### of 20, over 3 s. It sends nothing more, but its lines are still being
### said: it must not be cut meanwhile, nor any of its lines dropped.
start_server --broadcast --history 0 --idle-timeout 1 --line-rate 10
rc=0
"$TCPEER" room -w 8 -s 1 -m 50 -l 64 -r 0 127.0.0.1 "$PORT" 1 \
    >"$T/room" 2>"$T/room.err" || rc=$?
result=$(grep '^room: peers=' "$T/room")
note "$result"
if [ "$rc" -ne 0 ] || [ "$(kv complete "$result")" != 1 ]; then
	problem "expected a peer whose 50 lines are taken at --line-rate 10 (3 s) not to be cut by --idle-timeout 1 meanwhile, and to hear all 50 said; tcpeer room says (status $rc):
$(cat "$T/room" "$T/room.err")
the log says:
$(grep -e 'idle for' -e 'closed' "$SERVER_LOG")"
fi
stop_server
check_problems
exit 0
