#!/bin/sh
# tls-reload.sh: SIGHUP loads the certificate and key again. A TLS session
# goes on through every reload; files that cannot be loaded (garbage, a
# key that is not the certificate's) leave the old certificate and key in
# use, with one log line, and new handshakes still see the old key; a new
# valid pair is logged with its pin, new handshakes see it, and the old
# session still talks.
. "$top_srcdir/tests/lib.sh"

need_python
. "$top_srcdir/tests/lib-tls.sh"
need_openssl
. "$top_srcdir/tests/lib-room.sh"

C=$T/certs
tls_certs "$C"
pin1=$(tls_pin "$C/localhost.crt") || exit 1
pin2=$(tls_pin "$C/localhost2.crt") || exit 1
[ "$pin1" != "$pin2" ] || fail "localhost and localhost2 have the same key"

# The files the server is given, replaced by the test: a copy, then mv,
# as an operator (or certbot) would.
put_pair() {
	cp "$1" "$T/srv.crt.new" && cp "$2" "$T/srv.key.new" &&
	    mv "$T/srv.crt.new" "$T/srv.crt" && mv "$T/srv.key.new" "$T/srv.key" ||
		fail "cannot replace the server's certificate and key"
}
put_pair "$C/localhost.crt" "$C/localhost.key"

start_server -B --history 0 --tls-cert "$T/srv.crt" --tls-key "$T/srv.key" \
    --tls-port 0
grep -qF "tls: certificate $T/srv.crt, key pin $pin1" "$SERVER_LOG" ||
	fail "expected 'tls: certificate $T/srv.crt, key pin $pin1' in the start log"

connect_tls s
connect a

# probe_pin: a new handshake (openssl s_client, verifying against the
# test's CA) and the pin of the key the server showed it, in PIN. The
# room sees the probe come and go.
probe_pin() {
	openssl s_client -CAfile "$C/ca.crt" -verify_return_error \
	    -servername localhost -connect "127.0.0.1:$TLS_PORT" </dev/null \
	    >"$T/probe.out" 2>"$T/probe.err" &
	_pid=$!
	track $_pid
	wait_exit $_pid 5 || fail "s_client (a new handshake) still runs after 5 s"
	[ "$EXIT_STATUS" -eq 0 ] ||
		fail "s_client (a new handshake) failed, status $EXIT_STATUS: $(grep -v '^depth=\|^verify return' "$T/probe.err" | head -n 3)"
	PIN=sha256:$(openssl x509 -in "$T/probe.out" -pubkey -noout 2>/dev/null |
	    openssl pkey -pubin -outform DER 2>/dev/null |
	    openssl dgst -sha256 -binary | openssl base64 -A)
	[ ${#PIN} -eq 51 ] ||
		fail "no server certificate in what s_client printed: $(head -n 5 "$T/probe.out")"
	for _p in $PEERS; do
		expect_next_ere "$_p" "^\*\*\* 127\.0\.0\.1:[0-9]+ joined \($((ONLINE + 1)) online\)$" \
		    "the probe's join notice"
		expect_next_ere "$_p" "^\*\*\* 127\.0\.0\.1:[0-9]+ left \($ONLINE online\)$" \
		    "the probe's leaving"
	done
}

# hup PATTERN: SIGHUP, then a new log line matching PATTERN (fixed).
hup() {
	_pat=$1
	_before=$(grep -cF -- "$_pat" "$SERVER_LOG")
	kill -HUP "$SERVER_PID"
	wait_for 5 eval '[ "$(grep -cF -- "$_pat" "$SERVER_LOG")" -gt "$_before" ]' ||
		fail "SIGHUP: expected a new log line '$1' within 5 s; the log ends:
$(tail -n 3 "$SERVER_LOG")"
	server_alive
	note "SIGHUP: $(grep -F -- "$1" "$SERVER_LOG" | tail -n 1 | sed 's/^[-0-9]* [:0-9]* //')"
}

# talk WHAT: the TLS session and the plaintext peer still talk, both ways.
talk() {
	say s "s, $1"
	expect_all "$NICK_s: s, $1"
	say a "a, $1"
	expect_all "$NICK_a: a, $1"
}

talk "before any reload"
probe_pin
expect_eq "the pin a new handshake sees at start" "$pin1" "$PIN"

# The same files again.
hup "tls: reloaded $T/srv.crt, key pin $pin1"
talk "after a reload of the same files"

# Garbage in both files: the old stay.
printf 'garbage\n' >"$T/srv.crt"
printf 'garbage\n' >"$T/srv.key"
hup "tls: reload: cannot load $T/srv.crt: "
grep -F "tls: reload: cannot load $T/srv.crt: " "$SERVER_LOG" | tail -n 1 |
    grep -q '; the old certificate and key stay$' ||
	fail "expected the failed reload's line to end '; the old certificate and key stay'"
talk "after a failed reload"
probe_pin
expect_eq "the pin a new handshake sees after a failed reload" "$pin1" "$PIN"

# localhost2's certificate with localhost's key: the old stay.
put_pair "$C/localhost2.crt" "$C/localhost.key"
hup "tls: reload: cannot load $T/srv.key: "
probe_pin
expect_eq "the pin a new handshake sees after a reload of a mismatched pair" \
    "$pin1" "$PIN"

# localhost2's pair: new handshakes see its key; the old session goes on.
put_pair "$C/localhost2.crt" "$C/localhost2.key"
hup "tls: reloaded $T/srv.crt, key pin $pin2"
probe_pin
expect_eq "the pin a new handshake sees after localhost2's pair was loaded" \
    "$pin2" "$PIN"
talk "after the new pair"
connect_tls t
say t "a new session, the new key"
expect_all "$NICK_t: a new session, the new key"
talk "with three"

stats=$(server_stats)
note "$stats"
# s, t and four probes.
expect_stat "tls handshakes" 6 "$stats"
expect_stat failed 0 "$stats"
server_alive
stop_server
exit 0
