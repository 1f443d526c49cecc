#!/bin/sh
# ipv6.sh: tschatd on ::1 over TCP and UDP, and the default bind, one
# dual-stack socket on [::] per protocol, answering on 127.0.0.1 and ::1,
# with IPv4 peers named as IPv4 (not ::ffff:...).
. "$top_srcdir/tests/lib.sh"

"$TCPEER" free-port ::1 >/dev/null 2>"$T/err" ||
	skip "cannot bind ::1 here (no IPv6 loopback): $(cat "$T/err")"

# check HOST: a TCP line and a UDP datagram to HOST get their replies.
check() {
	printf 'over tcp %s\n' "$1" >"$T/in"
	timeout 10 "$TCPEER" send "$1" "$PORT" <"$T/in" >"$T/out" 2>"$T/err" ||
		fail "TCP to $1 port $PORT: $(cat "$T/err")"
	expect_lines "TCP to $1" 1 "$T/out"
	expect_stamped_line "over tcp $1" "$(cat "$T/out")"
	printf 'over udp %s\n' "$1" >"$T/in"
	timeout 10 "$TCPEER" udp -n 1 "$1" "$PORT" <"$T/in" >"$T/out" \
	    2>"$T/err" || fail "UDP to $1 port $PORT: $(cat "$T/err")"
	expect_stamped_line "over udp $1" "$(cat "$T/out")"
}

start_server_args -b ::1 -p 0 -t -u
grep -q "listening on tcp \[::1\]:$PORT\$" "$SERVER_LOG" ||
	fail "expected 'listening on tcp [::1]:$PORT' in the log"
grep -q "listening on udp \[::1\]:$PORT\$" "$SERVER_LOG" ||
	fail "expected 'listening on udp [::1]:$PORT' in the log"
check ::1
grep -q '\[::1\]:[0-9]*: connected' "$SERVER_LOG" ||
	fail "expected the peer named '[::1]:PORT' in the log"
# Bound to ::1 only: 127.0.0.1 is not served.
! "$TCPEER" probe 127.0.0.1 "$PORT" ||
	fail "a server bound to ::1 accepted a connection on 127.0.0.1"
stop_server

# The default bind: [::] dual-stack, so both families on one socket each.
start_server_args -p 0 -t -u
grep -q "listening on tcp \[::\]:$PORT\$" "$SERVER_LOG" ||
	fail "expected 'listening on tcp [::]:$PORT' in the log (the default, dual-stack)"
grep -q "listening on udp \[::\]:$PORT\$" "$SERVER_LOG" ||
	fail "expected 'listening on udp [::]:$PORT' in the log"
check 127.0.0.1
check ::1
grep -q ' 127\.0\.0\.1:[0-9]*: connected' "$SERVER_LOG" ||
	fail "expected the IPv4 peer named '127.0.0.1:PORT' in the log, not as an IPv4-mapped address"
! grep -q 'ffff' "$SERVER_LOG" ||
	fail "an IPv4 peer was named by its IPv4-mapped IPv6 address"
stop_server
exit 0
