#!/bin/sh
# tls-client.sh: tschat --tls in line mode against a real tschatd, along
# every path of trust. A certificate from the CA given with --tls-ca for
# the name (or the address) connected to is trusted; one for another name,
# an expired one, a self-signed one are refused with exit status 1, the
# key's pin and the --tls-pin option that would trust it. --tls-pin trusts
# its key whatever the certificate, and no other key even behind a
# certificate that verifies. Line mode never asks and never writes
# known_hosts, but honours it: a remembered key connects, another key is
# refused naming the file and the line to remove. Thousands of lines go
# and come back whole and in order. A client certificate
# gets a nick that --nick-owners gives its key, and nobody else does.
# Files that cannot be loaded, and a server that does not speak TLS, are
# one clear line and status 1, never a hang. At the end of its input line
# mode waits --wait for replies, then says close_notify.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-tls.sh"

need_openssl
C=$T/certs
tls_certs "$C"
# Line mode reads known_hosts from here, and must never write it.
XDG_DATA_HOME=$T/data
export XDG_DATA_HOME
KH=$XDG_DATA_HOME/tschat/known_hosts

PIN_LOCALHOST=$(tls_pin "$C/localhost.crt") || exit 1
PIN_LOCALHOST2=$(tls_pin "$C/localhost2.crt") || exit 1
PIN_OTHER=$(tls_pin "$C/other.crt") || exit 1
PIN_EXPIRED=$(tls_pin "$C/expired.crt") || exit 1
PIN_SELFSIGNED=$(tls_pin "$C/selfsigned.crt") || exit 1
PIN_ALICE=$(tls_pin "$C/alice.crt") || exit 1

# tls_server NAME ARGS...: tschatd on 127.0.0.1 with NAME.crt and NAME.key,
# plaintext on PORT and TLS on TPORT (both of the system's choosing).
tls_server() {
	_name=$1
	shift
	# Both listeners, plaintext and TLS, before the test goes on.
	SERVER_WANT=2
	start_server --tls-port 0 --tls-cert "$C/$_name.crt" \
	    --tls-key "$C/$_name.key" "$@"
	TPORT=$(sed -n 's/.*listening on tls .*:\([0-9][0-9]*\)$/\1/p' \
	    "$SERVER_LOG" | head -n 1)
	PORT=$(sed -n 's/.*listening on tcp .*:\([0-9][0-9]*\)$/\1/p' \
	    "$SERVER_LOG" | head -n 1)
	[ -n "$TPORT" ] && [ -n "$PORT" ] ||
		fail "tschatd with $_name.crt logged no 'listening on tls' and 'listening on tcp' lines"
	grep -q "key pin $(tls_pin "$C/$_name.crt")\$" "$SERVER_LOG" ||
		fail "tschatd with $_name.crt did not log its key's pin"
}

# client HOST PORT OPTIONS...: $T/in into tschat -L --tls OPTIONS HOST PORT,
# bounded; output in $T/out and $T/err, status in RC, time taken in MS.
# WHAT names the run in failures.
client() {
	_host=$1 _port=$2
	shift 2
	WHAT="tschat -L --tls $* $_host"
	RC=0
	_t0=$(now_ms)
	timeout 20 "$TSCHAT" -L --tls "$@" "$_host" "$_port" <"$T/in" \
	    >"$T/out" 2>"$T/err" || RC=$?
	MS=$(( $(now_ms) - _t0 ))
	[ "$RC" -ne 124 ] || fail "$WHAT: still running after 20 s"
}

# expect_echo TEXT: status 0, nothing on stderr, one line: TEXT stamped.
expect_echo() {
	[ "$RC" -eq 0 ] ||
		fail "$WHAT: expected status 0, got $RC: $(cat "$T/err")"
	[ ! -s "$T/err" ] ||
		fail "$WHAT: expected nothing on stderr, got: $(cat "$T/err")"
	expect_lines "$WHAT" 1 "$T/out"
	expect_stamped_line "$1" "$(line 1 "$T/out")"
}

# expect_refused WORDS...: status 1, nothing printed on stdout, and
# stderr holds each of WORDS (fixed strings).
expect_refused() {
	[ "$RC" -eq 1 ] ||
		fail "$WHAT: expected status 1, got $RC: $(cat "$T/err")"
	[ ! -s "$T/out" ] ||
		fail "$WHAT: expected nothing from an untrusted server, got: $(cat "$T/out")"
	for _w; do
		grep -qF -- "$_w" "$T/err" ||
			fail "$WHAT: expected stderr to say '$_w', got: $(cat "$T/err")"
	done
}

# expect_no_known_hosts: line mode wrote nothing under XDG_DATA_HOME.
expect_no_known_hosts() {
	[ ! -e "$KH" ] && [ ! -e "$XDG_DATA_HOME/tschat" ] ||
		fail "$WHAT: line mode must never write known_hosts, it made: $(ls -lR "$XDG_DATA_HOME")"
}

printf 'hello over tls\n' >"$T/in"

# --- a certificate that verifies ---------------------------------------------
tls_server localhost
client localhost "$TPORT" --tls-ca "$C/ca.crt" -w 1
expect_echo 'hello over tls'
# The address is in the certificate (IP SAN) too.
client 127.0.0.1 "$TPORT" --tls-ca "$C/ca.crt" -w 1
expect_echo 'hello over tls'
# Without --tls-ca the private CA is nobody's: refused, with the pin.
client localhost "$TPORT" -w 1
expect_refused "localhost:$TPORT" "--tls-pin $PIN_LOCALHOST"
# --tls-pin names the one key trusted, even behind a verified certificate.
client localhost "$TPORT" --tls-ca "$C/ca.crt" --tls-pin "$PIN_LOCALHOST2" \
    -w 1
expect_refused "localhost:$TPORT" "$PIN_LOCALHOST" "--tls-pin"
client localhost "$TPORT" --tls-ca "$C/ca.crt" --tls-pin "$PIN_LOCALHOST" \
    -w 1
expect_echo 'hello over tls'
expect_no_known_hosts
# A certificate that verifies needs no known_hosts, whatever it says.
mkdir -p "$XDG_DATA_HOME/tschat" || fail "cannot make $XDG_DATA_HOME/tschat"
printf 'localhost:%s %s\n' "$TPORT" "$PIN_LOCALHOST2" >"$KH"
client localhost "$TPORT" --tls-ca "$C/ca.crt" -w 1
expect_echo 'hello over tls'
rm -rf "${XDG_DATA_HOME:?}/tschat"
# Many lines, and lines longer than a read: all of them, in order, through
# records written in part and records read ahead.
seq 1 5000 >"$T/many"
awk 'BEGIN { for (i = 0; i < 3; i++) { s = sprintf("%07d", i);
    while (length(s) < 7000) s = s "x"; print s } }' >>"$T/many"
cp "$T/many" "$T/in"
client localhost "$TPORT" --tls-ca "$C/ca.crt" -w 2
[ "$RC" -eq 0 ] || fail "$WHAT: expected status 0, got $RC: $(cat "$T/err")"
expect_lines "$WHAT with 5003 lines" 5003 "$T/out"
cut -c 28- "$T/out" >"$T/texts"
expect_file_eq "$WHAT with 5003 lines, in order" "$T/many" "$T/texts"
printf 'hello over tls\n' >"$T/in"
stop_server

# --- a certificate for another name ------------------------------------------
tls_server other
client localhost "$TPORT" --tls-ca "$C/ca.crt" -w 1
expect_refused "localhost:$TPORT" "hostname mismatch" "$PIN_OTHER" \
    "--tls-pin $PIN_OTHER"
client 127.0.0.1 "$TPORT" --tls-ca "$C/ca.crt" -w 1
expect_refused "127.0.0.1:$TPORT" "IP address mismatch" \
    "--tls-pin $PIN_OTHER"
client localhost "$TPORT" --tls-ca "$C/ca.crt" --tls-pin "$PIN_OTHER" -w 1
expect_echo 'hello over tls'
expect_no_known_hosts
stop_server

# --- an expired certificate --------------------------------------------------
tls_server expired
client localhost "$TPORT" --tls-ca "$C/ca.crt" -w 1
expect_refused "localhost:$TPORT" "expired" "--tls-pin $PIN_EXPIRED"
client localhost "$TPORT" --tls-ca "$C/ca.crt" --tls-pin "$PIN_EXPIRED" -w 1
expect_echo 'hello over tls'
stop_server

# --- a self-signed certificate, and known_hosts -------------------------------
tls_server selfsigned
client localhost "$TPORT" -w 1
expect_refused "localhost:$TPORT" "$PIN_SELFSIGNED" \
    "--tls-pin $PIN_SELFSIGNED"
expect_no_known_hosts
client localhost "$TPORT" --tls-pin "$PIN_SELFSIGNED" -w 1
expect_echo 'hello over tls'
client localhost "$TPORT" --tls-pin "$PIN_LOCALHOST" -w 1
expect_refused "localhost:$TPORT" "$PIN_SELFSIGNED" "--tls-pin"

# The key remembered, by hand, as the full-screen client would.
mkdir -p "$XDG_DATA_HOME/tschat" || fail "cannot make $XDG_DATA_HOME/tschat"
printf '# trusted on first use\nlocalhost:%s %s\n' "$TPORT" \
    "$PIN_SELFSIGNED" >"$KH"
cp "$KH" "$T/kh.before"
client localhost "$TPORT" -w 1
expect_echo 'hello over tls'
# Remembered for that name and port only.
client 127.0.0.1 "$TPORT" -w 1
expect_refused "127.0.0.1:$TPORT" "$PIN_SELFSIGNED" "--tls-pin"
expect_file_eq "known_hosts after line mode" "$T/kh.before" "$KH"
# --tls-pin still names the one key trusted.
client localhost "$TPORT" --tls-pin "$PIN_LOCALHOST2" -w 1
expect_refused "localhost:$TPORT" "$PIN_SELFSIGNED" "--tls-pin"

# Another key remembered: refused, naming the file and the line to remove.
printf '# trusted on first use\nother.example:8443 %s\nlocalhost:%s %s\n' \
    "$PIN_OTHER" "$TPORT" "$PIN_LOCALHOST2" >"$KH"
cp "$KH" "$T/kh.before"
client localhost "$TPORT" -w 1
expect_refused "localhost:$TPORT" "$PIN_SELFSIGNED" "CHANGED" \
    "remove line 3 of $KH"
expect_file_eq "known_hosts after a changed key" "$T/kh.before" "$KH"
# --tls-pin wins over the key remembered.
client localhost "$TPORT" --tls-pin "$PIN_SELFSIGNED" -w 1
expect_echo 'hello over tls'
rm -rf "${XDG_DATA_HOME:?}/tschat"
stop_server

# --- client certificates and nicks that belong to a key -----------------------
printf 'alice %s\n' "$PIN_ALICE" >"$T/owners"
tls_server localhost -B --history 0 --line-rate 0 --nick-owners "$T/owners"
printf 'signed by alice\n' >"$T/in"
client localhost "$TPORT" --tls-ca "$C/ca.crt" --tls-cert "$C/alice.crt" \
    --tls-key "$C/alice.key" -n alice -w 1
[ "$RC" -eq 0 ] || fail "$WHAT: expected status 0, got $RC: $(cat "$T/err")"
grep -Eq '\*\*\* 127\.0\.0\.1:[0-9]+ is now known as alice$' "$T/out" ||
	fail "$WHAT: expected to become alice, got: $(cat "$T/out")"
grep -q '] alice: signed by alice$' "$T/out" ||
	fail "$WHAT: expected 'alice: signed by alice', got: $(cat "$T/out")"
grep -q "client key $PIN_ALICE\$" "$SERVER_LOG" ||
	fail "$WHAT: the server did not see alice's key"
# Bob's certificate, and none at all: the nick is not theirs.
for who in bob none; do
	printf 'not alice\n' >"$T/in"
	if [ $who = bob ]; then
		client localhost "$TPORT" --tls-ca "$C/ca.crt" \
		    --tls-cert "$C/bob.crt" --tls-key "$C/bob.key" -n alice -w 1
	else
		client localhost "$TPORT" --tls-ca "$C/ca.crt" -n alice -w 1
	fi
	[ "$RC" -eq 0 ] ||
		fail "$WHAT: expected status 0, got $RC: $(cat "$T/err")"
	grep -q '] \*\*\* nick alice is reserved$' "$T/out" ||
		fail "$WHAT: expected '*** nick alice is reserved', got: $(cat "$T/out")"
	! grep -q 'alice: not alice$' "$T/out" ||
		fail "$WHAT: spoke as alice: $(cat "$T/out")"
	grep -Eq '] 127\.0\.0\.1:[0-9]+: not alice$' "$T/out" ||
		fail "$WHAT: expected its line under its address, got: $(cat "$T/out")"
done

# At the end of its input line mode waits -w for replies (TLS has no
# half-close to end it sooner): a line said 1 s later still comes.
printf 'early\n' >"$T/in"
"$TSCHAT" -L --tls --tls-ca "$C/ca.crt" -w 4 localhost "$TPORT" \
    <"$T/in" >"$T/out" 2>"$T/err" &
waiter=$!
track $waiter
_joined() {
	[ "$(grep -c 'connected over tls' "$SERVER_LOG")" -ge 4 ]
}
wait_for 5 _joined || fail "the waiting client did not connect within 5 s"
sleep 1
printf 'late\n' | timeout 10 "$TSCHAT" -L -w 1 127.0.0.1 "$PORT" \
    >/dev/null 2>"$T/late.err" || fail "the plaintext peer failed: $(cat "$T/late.err")"
wait_exit $waiter 10 || fail "tschat -L --tls -w 4 still runs 10 s later"
[ "$EXIT_STATUS" -eq 0 ] ||
	fail "tschat -L --tls -w 4: expected status 0, got $EXIT_STATUS: $(cat "$T/err")"
grep -Eq '] 127\.0\.0\.1:[0-9]+: late$' "$T/out" ||
	fail "tschat -L --tls -w 4 ended before a reply 1 s after its input: $(cat "$T/out")"
# It ended with close_notify: the server saw a close, not an error.
_closed() {
	[ "$(grep -c ': closed' "$SERVER_LOG")" -ge 5 ]
}
wait_for 5 _closed || fail "the server did not log every close"
if grep -q ': closed: ' "$SERVER_LOG"; then
	fail "a TLS client's end was an error for the server: $(grep ': closed: ' "$SERVER_LOG")"
fi
# --tls to a room's plaintext port, where the server speaks first: what
# comes back is no TLS record, and tschat says so in one line.
client localhost "$PORT" --tls-ca "$C/ca.crt" -w 1
expect_refused "cannot connect to localhost:$PORT" "TLS"
[ "$(wc -l <"$T/err")" -eq 1 ] ||
	fail "$WHAT: expected one line on stderr, got: $(cat "$T/err")"
stop_server

# openssl s_server tells a close_notify ("DONE") from a bare end of the
# stream ("ERROR ... unexpected eof"): line mode says close_notify, after
# waiting -w for a server that says nothing.
mkfifo "$T/ss.in" || fail "mkfifo failed"
openssl s_server -accept 127.0.0.1:0 -naccept 1 -cert "$C/localhost.crt" \
    -key "$C/localhost.key" <"$T/ss.in" >"$T/ss.out" 2>"$T/ss.err" &
ss=$!
track $ss
exec 3>"$T/ss.in"
wait_for 10 grep -q '^ACCEPT ' "$T/ss.out" ||
	fail "openssl s_server did not start: $(cat "$T/ss.err")"
ssport=$(sed -n 's/^ACCEPT .*:\([0-9][0-9]*\)$/\1/p' "$T/ss.out")
printf 'to s_server\n' >"$T/in"
client localhost "$ssport" --tls-ca "$C/ca.crt" -w 1
[ "$RC" -eq 0 ] || fail "$WHAT: expected status 0, got $RC: $(cat "$T/err")"
[ "$MS" -ge 900 ] || fail "$WHAT: expected it to wait -w 1, it ended after $MS ms"
wait_exit $ss 5 || fail "openssl s_server did not end with its one connection"
exec 3>&-
grep -q '^to s_server$' "$T/ss.out" ||
	fail "openssl s_server did not get the line: $(cat "$T/ss.out")"
grep -q '^DONE$' "$T/ss.out" && ! grep -q '^ERROR$' "$T/ss.out" ||
	fail "$WHAT did not end with close_notify; s_server says: $(grep -v '^ ' "$T/ss.out" | tail -n 5) $(cat "$T/ss.err")"

# --- files that cannot be loaded, and servers that do not speak TLS ------------
tls_server localhost
printf 'hello over tls\n' >"$T/in"
client localhost "$TPORT" --tls-ca "$C/ca.crt" --tls-cert "$C/alice.crt" \
    --tls-key "$T/no-such.key" -w 1
expect_refused "$T/no-such.key" "No such file"
[ "$(wc -l <"$T/err")" -eq 1 ] ||
	fail "$WHAT: expected one line on stderr, got: $(cat "$T/err")"
client localhost "$TPORT" --tls-ca "$T/no-such-ca.crt" -w 1
expect_refused "$T/no-such-ca.crt"
[ "$(wc -l <"$T/err")" -eq 1 ] ||
	fail "$WHAT: expected one line on stderr, got: $(cat "$T/err")"
client localhost "$TPORT" --tls-ca "$C/ca.crt" --tls-cert "$C/alice.crt" \
    --tls-key "$C/bob.key" -w 1
expect_refused "$C/bob.key"
[ "$(wc -l <"$T/err")" -eq 1 ] ||
	fail "$WHAT: expected one line on stderr, got: $(cat "$T/err")"

# --tls to the plaintext port: the server closes at once; one clear line.
client localhost "$PORT" --tls-ca "$C/ca.crt" -w 1
expect_refused "cannot connect to localhost:$PORT" "TLS"
[ "$(wc -l <"$T/err")" -eq 1 ] ||
	fail "$WHAT: expected one line on stderr, got: $(cat "$T/err")"
[ "$MS" -lt $((3000 + TSCHAT_TIME_SLACK_MS)) ] ||
	fail "$WHAT: took $MS ms to give up on a plaintext port"
grep -q 'closed: tls on the plaintext port' "$SERVER_LOG" ||
	fail "the server did not see a ClientHello on its plaintext port"
stop_server

# A server that never answers the ClientHello: the connect timeout (10 s)
# covers the handshake.
rm -f "$T/sink.port"
"$TCPEER" sink -h 30 127.0.0.1 >"$T/sink.port" &
sink=$!
track $sink
wait_for 5 grep -q '^[0-9][0-9]*$' "$T/sink.port" ||
	fail "tcpeer sink did not start"
client 127.0.0.1 "$(cat "$T/sink.port")" --tls-ca "$C/ca.crt" -w 1
expect_refused "cannot connect to 127.0.0.1:" "timed out"
[ "$MS" -lt $((15000 + TSCHAT_TIME_SLACK_MS)) ] ||
	fail "$WHAT: took $MS ms to give up on a silent server"
note "a silent server: given up after $MS ms"
kill "$sink"
wait_exit "$sink" 5
exit 0
