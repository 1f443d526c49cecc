#!/bin/sh
# admission.sh: who may connect. --max-clients: the peer over it gets
# "*** server full" and is closed, the others go on, and a place that frees
# up is taken again. --max-per-ip: the peer over it gets "*** too many
# connections from your address", while another address is still taken.
# --allow: others are closed with nothing sent (TCP) or ignored (UDP); a
# bad prefix is a usage error.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-limits.sh"

nl='
'

# refused_with TEXT [HOST]: a new connection gets exactly "[STAMP] TEXT",
# or nothing at all when TEXT is empty, and is closed.
refused_with() {
	"$TCPEER" recv -w 3 "${2:-127.0.0.1}" "$PORT" >"$T/refused" \
	    2>"$T/refused.err" ||
		fail "a connection over the limit was not closed within 3 s (expected '${1:-nothing}' and the close): $(cat "$T/refused.err"), after: '$(cat "$T/refused")'"
	if [ -z "$1" ]; then
		[ ! -s "$T/refused" ] ||
			fail "expected the connection closed with nothing sent, got $(wc -c <"$T/refused" | tr -d ' ') bytes: '$(cat "$T/refused")'"
		note "closed with nothing sent"
		return
	fi
	expect_lines "the refusal" 1 "$T/refused"
	expect_stamped_line "$1" "$(cat "$T/refused")"
	note "refused: $(cat "$T/refused")"
}

# echo_ok HOST: a new connection from HOST is served (its line comes back).
echo_ok() {
	"$TCPEER" chat -w 3 "$1" "$PORT" "hello from $1$nl" >"$T/chat" \
	    2>"$T/chat.err" ||
		fail "expected a connection from $1 to be served: $(cat "$T/chat.err")"
	expect_stamped_line "hello from $1" "$(sed -n 1p "$T/chat")"
}

# udp_replies N [HOST]: a datagram from HOST gets exactly N replies.
udp_replies() {
	printf 'udp\n' | "$TCPEER" udp -n "$1" -w 1 "${2:-127.0.0.1}" "$PORT" \
	    >"$T/udp" 2>"$T/udp.err" ||
		fail "a datagram from ${2:-127.0.0.1}: $(cat "$T/udp.err"): '$(cat "$T/udp")'"
}

### --max-clients 3
start_server --max-clients 3
hold_start
expect_hold "open 3" "open: 3 served, 0 refused, 0 closed, 0 silent, 0 not connected; 3 held"
refused_with "*** server full"
expect_hold ping "ping: 3 served, 0 failed"
# One leaves: its place is taken again.
closed=$(log_count ': closed')
expect_hold "close 1" "close: 1 closed, 2 held"
wait_closed $((closed + 1))
expect_hold "open 1" "open: 1 served, 0 refused, 0 closed, 0 silent, 0 not connected; 3 held"
refused_with "*** server full"
expect_hold ping "ping: 3 served, 0 failed"
hold_stop
stats=$(server_stats)
note "$stats"
expect_stat "full" 2 "$stats"
expect_stat "accepted" 4 "$stats"
stop_server

### --max-per-ip 2, on 127.0.0.1 and ::1
if have_ipv6; then
	start_server --max-per-ip 2 -b ::1
else
	note "no ::1 here: the other address is not tried"
	start_server --max-per-ip 2
fi
hold_start
expect_hold "open 2" "open: 2 served, *; 2 held"
refused_with "*** too many connections from your address"
have_ipv6 && echo_ok ::1
expect_hold ping "ping: 2 served, 0 failed"
closed=$(log_count ': closed')
expect_hold "close 1" "close: 1 closed, 1 held"
wait_closed $((closed + 1))
expect_hold "open 1" "open: 1 served, 0 refused, *; 2 held"
refused_with "*** too many connections from your address"
hold_stop
stats=$(server_stats)
note "$stats"
expect_stat "per-ip" 2 "$stats"
stop_server

### --allow 10.0.0.0/8: 127.0.0.1 is closed with nothing sent, and ignored
start_server -t -u --allow 10.0.0.0/8
refused_with ""
udp_replies 0
stats=$(server_stats)
note "$stats"
expect_stat "accepted" 0 "$stats"
# Two counters are named "allow": refused (TCP) and dropped (UDP).
tcp_allow=$(printf '%s\n' "$stats" | sed -n 's/.*refused:[^;]* allow \([0-9]*\).*/\1/p')
udp_allow=$(printf '%s\n' "$stats" | sed -n 's/.*dropped:.* allow \([0-9]*\).*/\1/p')
[ "$tcp_allow" = 1 ] && [ "$udp_allow" = 1 ] ||
	fail "expected the counters 'refused: ... allow' and 'dropped: ... allow' at 1, got '$tcp_allow' and '$udp_allow' in '$stats'"
grep -q '127.0.0.1:[0-9]*: refused: not in --allow' "$SERVER_LOG" ||
	fail "expected the log to say '127.0.0.1:PORT: refused: not in --allow'"
stop_server

### --allow 127.0.0.0/8: served
start_server -t -u --allow 127.0.0.0/8
echo_ok 127.0.0.1
udp_replies 1
expect_stamped_line udp "$(cat "$T/udp")"
stop_server

### --allow ::1/128 on ::1: served
if have_ipv6; then
	start_server_args -b ::1 -p 0 -t -u --allow ::1/128
	echo_ok ::1
	udp_replies 1 ::1
	expect_stamped_line udp "$(cat "$T/udp")"
	stop_server
else
	note "no ::1 here: --allow ::1/128 is not tried"
fi

### A bad prefix is a usage error.
rc=0
"$TSCHATD" -b 127.0.0.1 -p 0 --allow 10.0.0.0/33 >"$T/out" 2>"$T/err" </dev/null || rc=$?
[ "$rc" -eq 2 ] ||
	fail "tschatd --allow 10.0.0.0/33: expected status 2 (a usage error), got $rc: $(cat "$T/err")"
[ ! -s "$T/out" ] || fail "tschatd --allow 10.0.0.0/33 wrote to stdout: $(cat "$T/out")"
first=$(sed -n 1p "$T/err")
case $first in
"tschatd: "*10.0.0.0/33*) note "$first" ;;
*) fail "tschatd --allow 10.0.0.0/33: expected a first line 'tschatd: ...' naming 10.0.0.0/33, got '$first'" ;;
esac
expect_eq "tschatd --allow 10.0.0.0/33: the second line" \
    "Try 'tschatd --help'." "$(sed -n 2p "$T/err")"
exit 0
