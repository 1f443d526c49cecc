#!/bin/sh
# tls-handshake.sh: a handshake has 10 s. A connection to the TLS port
# that sends nothing is closed after 10 s (not before 9, by 13), logged
# and counted as timed out; meanwhile a TLS peer that came after it joins
# and talks as usual, and the stalled one is never a member. SIGTERM with
# a handshake pending exits 0 at once (the handshake is not waited for),
# and the members are told and get close_notify.
. "$top_srcdir/tests/lib.sh"

need_python
. "$top_srcdir/tests/lib-tls.sh"
need_openssl
. "$top_srcdir/tests/lib-room.sh"

C=$T/certs
tls_certs "$C"
start_server -B --history 0 --tls-cert "$C/localhost.crt" \
    --tls-key "$C/localhost.key" --tls-port 0

# The stalled one: a TCP connection to the TLS port, and not a byte.
hub tcp z 127.0.0.1 "$TLS_PORT"
wait_for 5 test -s "$T/p/z.port" ||
	fail "cannot connect to the TLS port: $(cat "$T/p/z.end" "$T/hub.err" 2>/dev/null)"
t0=$(now_ms)
ZNAME=127.0.0.1:$(cat "$T/p/z.port")
wait_for 5 grep -q "$ZNAME: connected over tls" "$SERVER_LOG" ||
	fail "the server did not log the connection $ZNAME"

# Others come and go about their business meanwhile.
connect_tls s
connect a
say s "while one stalls"
expect_all "$NICK_s: while one stalls"
say a "/who"
say a "after who"
collect_until a "$NICK_a: after who"
expect_next s "$NICK_a: after who"
grep -qF "$ZNAME" "$T/collected" &&
	fail "/who lists the connection $ZNAME, whose handshake is not done:
$(cat "$T/collected")"

# Not closed before 9 s...
left=$(( t0 + 9000 - $(now_ms) ))
[ "$left" -gt 0 ] || fail "the test itself took over 9 s to get here"
sleep "$(awk -v ms="$left" 'BEGIN { printf "%.3f\n", ms / 1000 }')"
if [ -s "$T/p/z.end" ]; then
	fail "the stalled handshake was closed before 9 s ($(cat "$T/p/z.end")); the log says:
$(grep -F "$ZNAME" "$SERVER_LOG")"
fi
# ... closed by 13 s.
wait_for $((4 + TSCHAT_TIME_SLACK_MS / 1000)) test -s "$T/p/z.end" ||
	fail "the stalled handshake was not closed within 13 s; the log says:
$(grep -F "$ZNAME" "$SERVER_LOG")"
took=$(( $(now_ms) - t0 ))
note "the stalled handshake was closed after $took ms"
expect_eq "how the stalled connection ended" eof "$(cat "$T/p/z.end")"
[ ! -s "$T/p/z.out" ] ||
	fail "the stalled connection got bytes: $(od -An -c "$T/p/z.out" | head -n 3)"
grep -q "$ZNAME: closed: tls handshake timed out" "$SERVER_LOG" ||
	fail "expected '$ZNAME: closed: tls handshake timed out' in the log"
# The room saw nothing of it.
say s "after the timeout"
expect_all "$NICK_s: after the timeout"
stats=$(server_stats)
note "$stats"
expect_stat "timed out" 1 "$stats"
expect_stat failed 0 "$stats"
expect_stat "tls handshakes" 1 "$stats"

# SIGTERM with a handshake pending: the members are told and closed (the
# TLS one with close_notify), the pending one is closed at once and not
# waited for: exit 0 well before the 2 s that flushing may take.
hub tcp y 127.0.0.1 "$TLS_PORT"
wait_for 5 test -s "$T/p/y.port" ||
	fail "cannot connect to the TLS port: $(cat "$T/p/y.end" 2>/dev/null)"
wait_for 5 grep -q "127.0.0.1:$(cat "$T/p/y.port"): connected over tls" \
    "$SERVER_LOG" || fail "the server did not log the second stalled connection"
stop_timed TERM 1000
expect_all "*** server shutting down"
expect_closed s
expect_closed a
expect_eq "how the server ended s's TLS session at SIGTERM" close_notify \
    "$(cat "$T/p/s.close" 2>/dev/null)"
wait_for 5 test -s "$T/p/y.end" ||
	fail "SIGTERM: the pending handshake's connection was not closed"
expect_eq "how the pending handshake's connection ended" eof \
    "$(cat "$T/p/y.end")"
exit 0
