#!/bin/sh
# signals.sh: SIGTERM and SIGINT stop the server cleanly: each peer gets
# "*** server shutting down" and the close, output is flushed for at most
# 2 s, the status is 0. SIGUSR1 logs one "stats:" line, even under -q, and
# the server goes on.
. "$top_srcdir/tests/lib.sh"

# connect_peer NAME: a TCP peer that sends nothing and prints what comes,
# connected once the server says so.
connect_peer() {
	_n=$(grep -c ': connected' "$SERVER_LOG")
	"$TCPEER" recv -w 15 127.0.0.1 "$PORT" >"$T/$1.out" 2>"$T/$1.err" &
	eval "PEER_$1=\$!"
	track "$!"
	wait_for 5 eval '[ "$(grep -c ": connected" "$SERVER_LOG")" -gt "$_n" ]' ||
		fail "peer $1 did not get connected"
}

# expect_notice NAME: the peer got the notice alone, then the close.
expect_notice() {
	eval "_pid=\$PEER_$1"
	wait_exit "$_pid" 5 ||
		fail "peer $1: the connection was not closed after the shutdown"
	[ "$EXIT_STATUS" -eq 0 ] ||
		fail "peer $1: expected an orderly close, got status $EXIT_STATUS: $(cat "$T/$1.err")"
	expect_lines "what peer $1 got" 1 "$T/$1.out"
	expect_stamped_line "*** server shutting down" "$(cat "$T/$1.out")"
}

for sig in TERM INT; do
	start_server
	connect_peer a
	connect_peer b
	stop_timed $sig 2500
	expect_notice a
	expect_notice b
	grep -q "shutting down" "$SERVER_LOG" ||
		fail "SIG$sig: expected the log to say the server is shutting down"
done

# No peers: at once.
start_server
stop_timed TERM 1000

# A peer that reads nothing cannot hold the server: the flush ends after
# 2 s. A peer that does read still gets its notice. A client that comes
# during the flush is not served.
start_server
connect_peer a
"$TCPEER" flood-noread -h 30 127.0.0.1 "$PORT" $((256 * 1024 * 1024)) \
    >"$T/flood" 2>&1 &
FLOODER=$!
track $FLOODER
wait_for 20 grep -q stalled "$T/flood" ||
	fail "the flood did not stall: $(cat "$T/flood")"
t0=$(now_ms)
kill -TERM "$SERVER_PID"
expect_notice a
printf 'late\n' | timeout 5 "$TCPEER" send -w 4 127.0.0.1 "$PORT" \
    >"$T/late" 2>&1
grep -q '] late' "$T/late" &&
	fail "a client that connected after SIGTERM was served: $(cat "$T/late")"
wait_exit "$SERVER_PID" 10 || fail "the server still runs 10 s after SIGTERM"
ms=$(( $(now_ms) - t0 ))
SERVER_PID=
[ "$EXIT_STATUS" -eq 0 ] ||
	fail "with a stalled peer, the server exited with status $EXIT_STATUS after SIGTERM, expected 0"
[ "$ms" -ge 1500 ] ||
	note "with a stalled peer the server exited after $ms ms: it gave up before the 2 s flush"
[ "$ms" -le $((3000 + TSCHAT_TIME_SLACK_MS)) ] ||
	fail "with a stalled peer, the server took $ms ms to exit after SIGTERM, expected 2 s of flushing at most"
note "SIGTERM with a stalled peer: the server exited 0 after $ms ms"
kill "$FLOODER"
wait_exit "$FLOODER" 5

# SIGUSR1: one "stats:" line, and the server goes on serving.
start_server
before=$(wc -l <"$SERVER_LOG")
kill -USR1 "$SERVER_PID"
wait_for 5 grep -q 'stats:' "$SERVER_LOG" ||
	fail "no 'stats:' line in the log within 5 s of SIGUSR1"
sleep 0.2
expect_eq "lines added to the log by SIGUSR1" 1 \
    $(( $(wc -l <"$SERVER_LOG") - before ))
printf 'still\n' >"$T/in"
timeout 10 "$TCPEER" send 127.0.0.1 "$PORT" <"$T/in" >"$T/out" ||
	fail "the server did not serve a client after SIGUSR1"
expect_stamped_line still "$(cat "$T/out")"
stop_server

# Under -q nothing is logged but warnings, and the stats line. The server
# says nothing at start, so the port is chosen here and probed.
for try in 1 2 3; do
	qport=$(free_port)
	SERVER_WANT=0 start_server_args -b 127.0.0.1 -p "$qport" -q
	PORT=$qport
	wait_for 10 "$TCPEER" probe 127.0.0.1 "$PORT" && break
	running "$SERVER_PID" || {
		wait "$SERVER_PID"
		SERVER_PID=
		continue
	}
	fail "tschatd -q on port $PORT does not accept connections"
done
[ -n "$SERVER_PID" ] || fail "tschatd -q would not start: $(cat "$SERVER_LOG")"
kill -USR1 "$SERVER_PID"
wait_for 5 grep -q 'stats:' "$SERVER_LOG" ||
	fail "tschatd -q: no 'stats:' line in the log within 5 s of SIGUSR1"
sleep 0.2
expect_eq "the log of tschatd -q after a connection and SIGUSR1" 1 \
    "$(wc -l <"$SERVER_LOG" | tr -d ' ')"
stop_server
exit 0
