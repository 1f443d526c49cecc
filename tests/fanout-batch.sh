#!/bin/sh
# fanout-batch.sh: what a room reads in one go reaches each member in one
# write. 40 peers join (once the last is in, nothing more is owed them);
# then the first says 16 lines in one write, and every peer gets each of
# them once, in order. Between the SIGUSR1 lines before and after, the
# server counted 16 messages out for each peer and one write for each
# peer, not one for each line (two at most, should the lines come in two
# reads), and its loop turned.
. "$top_srcdir/tests/lib.sh"

N=40
LINES=16

start_server -B --line-rate 0 --history 0
"$TCPEER" room -w 30 -d 3 -h 30 -s 1 -m "$LINES" -l 40 -r 0 127.0.0.1 \
    "$PORT" "$N" >"$T/room" 2>"$T/room.err" &
ROOM=$!
track "$ROOM"
# "room: ready": every peer has seen the room at N, so the joins' notices
# (and their summary) are out; the lines come 3 s later (-d).
wait_for 20 grep -qs '^room: ready' "$T/room" ||
	fail "the $N peers of tcpeer room did not all join within 20 s:
$(cat "$T/room" "$T/room.err")"
before=$(server_stats)
# "room: done": every peer has every line, and all are still in (-h).
wait_for 30 grep -qs '^room: done' "$T/room" ||
	fail "expected every peer to get each of the $LINES lines once, in order, within 30 s; tcpeer room says:
$(cat "$T/room" "$T/room.err")"
after=$(server_stats)
kill "$ROOM" 2>/dev/null
note "before: $before"
note "after: $after"

# delta NAME: how much the counter NAME grew ("messages out": the
# number after "out" in "messages in N out M").
delta() {
	case $1 in
	"messages out")
		_a=$(printf '%s\n' "$before" |
		    sed -n 's/.*messages in [0-9]* out \([0-9]*\).*/\1/p')
		_b=$(printf '%s\n' "$after" |
		    sed -n 's/.*messages in [0-9]* out \([0-9]*\).*/\1/p') ;;
	*)	_a=$(stat_value "$1" "$before")
		_b=$(stat_value "$1" "$after") ;;
	esac
	[ -n "$_a" ] && [ -n "$_b" ] ||
		fail "no counter '$1' in the stats lines:
$before
$after"
	echo $((_b - _a))
}
out=$(delta "messages out")
writes=$(delta writes)
iterations=$(delta "loop iterations")
[ "$out" -eq $((N * LINES)) ] ||
	fail "expected $((N * LINES)) messages out for $LINES lines to $N peers, counted $out"
[ "$writes" -ge "$N" ] && [ "$writes" -le $((2 * N)) ] ||
	fail "expected the $LINES lines to reach each of the $N peers in one write (two at most), counted $writes writes for $out messages"
[ "$iterations" -gt 0 ] ||
	fail "expected the loop iterations to grow while the lines went out, counted $iterations"
stop_server
exit 0
