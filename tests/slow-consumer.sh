#!/bin/sh
# slow-consumer.sh: in a room, one peer that never reads costs the others
# nothing. 1000 peers (divided by TSCHAT_LOAD_DIVISOR) and one that never reads;
# two senders say megabytes.
# The one that does not read is cut as a slow consumer once its queue
# passes --max-queue; every other peer gets every line of every sender, in
# order; the senders are never held back; the server's memory stays
# bounded. Then the soft limit: a queue kept over a quarter of --max-queue
# (but under it) is cut after 10 s.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-limits.sh"

need_proc
N=$((1000 / TSCHAT_LOAD_DIVISOR))
MAXQ=262144
SENDERS=2
LEN=2048
RATE=500		# lines a second per sender

# (ulimit -H and -S are not POSIX, but dash and bash have them.)
hard=$(ulimit -Hn 2>/dev/null) || hard=unknown
case $hard in
unlimited|unknown|*[!0-9]*) ;;
*) [ "$hard" -ge $((N + 64)) ] ||
	skip "the hard limit on open files is $hard, under the $((N + 64)) needed" ;;
esac
[ "$hard" = unknown ] || ulimit -Sn "$hard" 2>/dev/null || true

# The kernel holds up to tcp_wmem's maximum of a peer's unread output (the
# send buffer grows even for a peer that does not read): the flood must be
# larger than that, or the server's own queue never fills.
wmem_max=$(awk '{ print $3 }' /proc/sys/net/ipv4/tcp_wmem 2>/dev/null)
case $wmem_max in
''|*[!0-9]*) wmem_max=4194304 ;;
esac
[ "$wmem_max" -le $((24 * 1024 * 1024)) ] ||
	skip "tcp_wmem allows $wmem_max bytes of send buffer per socket: the flood needed to pass it would take too long"

# run_room PEERS ONLINE ARGS...: tcpeer room in the background, its result
# in $T/room; wait for "room: ready" and take the server's VmRSS then.
run_room() {
	_peers=$1 _online=$2
	shift 2
	rm -f "$T/room"
	"$TCPEER" room -w 60 -d 0.3 -o "$_online" "$@" 127.0.0.1 "$PORT" \
	    "$_peers" >"$T/room" 2>"$T/room.err" &
	ROOM=$!
	track "$ROOM"
	wait_for 30 grep -qs '^room: ready' "$T/room" ||
		fail "the $_peers peers of tcpeer room did not all join within 30 s:
$(cat "$T/room" "$T/room.err")"
	RSS_READY=$(vmrss_kib "$SERVER_PID")
	# The senders begin 0.3 s after "ready" (-d).
	ROOM_T0=$(( $(now_ms) + 300 ))
}

# room_result PEERS: wait for tcpeer room, which must have seen all PEERS
# get every line; its result line in $RESULT.
room_result() {
	wait_exit "$ROOM" 70 || fail "tcpeer room did not end within 70 s"
	RESULT=$(grep '^room: peers=' "$T/room")
	note "$RESULT"
	[ "$EXIT_STATUS" -eq 0 ] && [ "$(kv complete "$RESULT")" = "$1" ] ||
		fail "expected every one of the $1 other peers to get every line of every sender, in order; tcpeer room says (status $EXIT_STATUS):
$(cat "$T/room" "$T/room.err")
slow consumers in the log: $(log_count 'slow consumer')"
}

# start_noread: the peer that never reads; its address in NOREAD.
start_noread() {
	rm -f "$T/noread"
	"$TCPEER" noread -b 4096 -h 60 127.0.0.1 "$PORT" >"$T/noread" \
	    2>"$T/noread.err" &
	NOREAD_PID=$!
	track "$NOREAD_PID"
	wait_for 5 grep -qs . "$T/noread" ||
		fail "tcpeer noread did not connect: $(cat "$T/noread.err")"
	NOREAD=$(cat "$T/noread")
	wait_log 5 "$NOREAD: connected" ||
		fail "the server did not log the connection of $NOREAD"
}

### Part 1: the hard limit, with N peers.
lines=$(( (wmem_max + 4 * 1024 * 1024) / (SENDERS * LEN) ))
total=$((lines * SENDERS * LEN))
start_server --broadcast --history 0 --line-rate 0 --max-queue $MAXQ
rss_start=$(vmrss_kib "$SERVER_PID")
start_noread
note "the peer that never reads: $NOREAD; $SENDERS senders of $lines lines of $LEN bytes, $RATE lines/s each ($total bytes in all)"
run_room $N $((N + 1)) -s $SENDERS -m "$lines" -l $LEN -r $RATE
room_result $N
flood_secs=$(elapsed_since "$ROOM_T0")

# The senders were never held back: no write of theirs waited long for the
# server to take it (a server that waited for the slowest peer would stop
# reading them), and they kept about their pace.
send_secs=$(kv send_secs "$RESULT")
stall=$(kv max_stall_ms "$RESULT")
due=$(awk -v l="$lines" -v r=$RATE 'BEGIN { printf "%.2f\n", l / r }')
note "the senders wrote their lines in $send_secs s (due: $due s); the longest a write waited: $stall ms"
is_true "$stall <= 1000 && $send_secs <= 2 * $due + 2" ||
	problem "expected the senders never to be held back (no write waiting over 1 s, all sent within 2 x $due s + 2 s); a write waited up to $stall ms, they took $send_secs s"

# Memory: what the server holds for the room is bounded by --max-queue.
# The peer that never reads holds at most MAXQ plus one loop's reading
# (64 KiB a sender); 2 KiB lines fill 4 KiB chunks by half, so twice that
# in chunks; the others lag less and share the same chunks. Add the chunk
# pool kept for reuse (256 x 4 KiB) and 2 KiB of slice ring a peer.
bound=$(( (2 * (MAXQ + SENDERS * 65536)) / 1024 + 1024 + N * 2 +
    TSCHAT_MEMORY_SLACK_KIB ))

# The peer that never reads is cut, at once, by the hard limit.
if wait_log 2 "$NOREAD: slow consumer"; then
	cutline=$(grep -- "$NOREAD: slow consumer" "$SERVER_LOG" | head -n 1)
	note "$cutline"
	case $cutline in
	*"bytes queued (limit $MAXQ)") ;;
	*) problem "expected the hard limit's log line '... slow consumer: N bytes queued (limit $MAXQ)', got '$cutline'" ;;
	esac
else
	# Say what does happen: is it cut later, by the soft limit only?
	peak=$(vmhwm_kib "$SERVER_PID")
	wait_log 12 "$NOREAD: slow consumer"
	problem "expected the peer that never reads ($NOREAD) to be cut as a slow consumer once its queue passed --max-queue $MAXQ, during the flood of $total bytes; it was not cut within 2 s of the flood's end ($flood_secs s after it began; VmHWM by then $peak KiB). 12 s later the log says:
$(grep -- "$NOREAD" "$SERVER_LOG" | tail -n 3)"
fi
grep -q -- "$NOREAD: closed: slow consumer" "$SERVER_LOG" ||
	problem "expected '$NOREAD: closed: slow consumer' in the log"

peak=$(vmhwm_kib "$SERVER_PID")
rss_after=$(vmrss_kib "$SERVER_PID")
note "VmRSS: $rss_start KiB at start, $RSS_READY KiB with $((N + 1)) peers in the room; peak (VmHWM) $peak KiB; $rss_after KiB after; allowed: $RSS_READY + $bound KiB"
[ $((peak - RSS_READY)) -le "$bound" ] ||
	problem "expected the server's peak memory to stay within $bound KiB of the $RSS_READY KiB it had with everyone in the room; VmHWM is $peak KiB (+$((peak - RSS_READY)) KiB) for a flood of $total bytes"

stats=$(server_stats)
note "$stats"
expect_stat "slow consumers" 1 "$stats"
expect_stat "reading paused" 0 "$stats"
expect_stat "rate waits" 0 "$stats"
stop_server

### Part 2: the soft limit. A queue just over a quarter of --max-queue,
### for 10 s, is cut; the room goes on. The kernel takes at most wmem_max
### of the flood, so the server keeps at least the rest: a quarter and
### half a MiB. Lines over 4 KiB have chunks of their own size.
MAXQ=$((16 * 1024 * 1024))
quarter=$((MAXQ / 4))
LEN=8000
lines=$(( (wmem_max + quarter + 512 * 1024) / LEN ))
start_server --broadcast --history 0 --line-rate 0 --max-queue $MAXQ
start_noread
run_room 2 3 -s 1 -m "$lines" -l $LEN -r 0
room_result 2
note "the peer that never reads is owed $((lines * LEN)) bytes; waiting for the soft limit"
wait_log 15 "$NOREAD: slow consumer" ||
	fail "expected the peer that never reads ($NOREAD), owed over a quarter of --max-queue $MAXQ, to be cut within 15 s; it was not"
took=$(elapsed_since "$ROOM_T0")
cutline=$(grep -- "$NOREAD: slow consumer" "$SERVER_LOG" | head -n 1)
note "$cutline, $took s after the flood began"
is_true "$took >= 9.5 && $took <= 12.5" ||
	fail "expected the cut 10 to 11 s after the queue passed a quarter of --max-queue (the flood began $took s before the cut; it took $(kv send_secs "$RESULT") s)"
queued=$(printf '%s\n' "$cutline" | sed -n 's/.*slow consumer: \([0-9]*\) bytes queued for [0-9]* s (limit \([0-9]*\))$/\1 \2/p')
[ -n "$queued" ] && [ "${queued#* }" -eq "$quarter" ] &&
    [ "${queued% *}" -gt "$quarter" ] && [ "${queued% *}" -lt "$MAXQ" ] ||
	fail "expected '... slow consumer: N bytes queued for 10 s (limit $quarter)' with N between $quarter and $MAXQ, got '$cutline'"
stats=$(server_stats)
note "$stats"
expect_stat "slow consumers" 1 "$stats"
stop_server
check_problems
exit 0
