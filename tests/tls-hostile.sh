#!/bin/sh
# tls-hostile.sh: what is not TLS where TLS is due, and TLS where it is not.
# A ClientHello on the plaintext port is closed and counted, never taken
# as text (nothing comes back, nothing reaches the room); garbage and a
# truncated record on the TLS port are closed and counted as failed
# handshakes; the room's healthy peers, plaintext and TLS, notice nothing.
# A certificate or key that cannot be loaded stops the start: status 1 and
# one line naming the file. TLS options without their partners are usage
# errors.
. "$top_srcdir/tests/lib.sh"

need_python
. "$top_srcdir/tests/lib-tls.sh"
need_openssl
. "$top_srcdir/tests/lib-room.sh"

C=$T/certs
tls_certs "$C"
TLS_ARGS="--tls-cert $C/localhost.crt --tls-key $C/localhost.key --tls-port 0"

# tschatd_exits ARGS...: tschatd ARGS must end by itself within 5 s; its
# status in EXIT_STATUS, its output in $T/exit.out and $T/exit.err.
tschatd_exits() {
	"$TSCHATD" "$@" >"$T/exit.out" 2>"$T/exit.err" &
	_pid=$!
	track $_pid
	wait_exit $_pid 5 ||
		fail "tschatd $*: expected it to refuse to start; it still runs after 5 s"
}

# --- openssl s_client on the plaintext port (an echo server) ---------------
# Echo sends nothing before a line: whatever s_client gets would be the
# server's answer to its ClientHello. It must get nothing but the close.
start_server $TLS_ARGS
openssl s_client -CAfile "$C/ca.crt" -servername localhost \
    -connect "127.0.0.1:$PORT" </dev/null >"$T/sc.out" 2>"$T/sc.err" &
sc=$!
track $sc
wait_exit $sc 5 ||
	fail "s_client to the plaintext port: expected the server to close the connection at once; s_client still runs after 5 s
$(cat "$T/sc.err")"
wait_for 5 grep -q 'closed: tls on the plaintext port' "$SERVER_LOG" ||
	fail "expected '...: closed: tls on the plaintext port' in the log"
# s_client says how many bytes it read: none.
grep -q 'SSL handshake has read 0 bytes' "$T/sc.out" ||
	fail "s_client to the plaintext port: expected it to read 0 bytes, it says:
$(grep -i 'read\|error' "$T/sc.out" "$T/sc.err" | head -n 5)"
stats=$(server_stats)
note "$stats"
expect_stat "on the plaintext port" 1 "$stats"
expect_stat "tls handshakes" 0 "$stats"
expect_stat "messages in" 0 "$stats"
stop_server

# --- a room, and the hostile ones -----------------------------------------
start_server -B --history 0 $TLS_ARGS
connect a
connect_tls s
marker a

# A ClientHello's first bytes on the plaintext port, a newline after them:
# taken as text, they would be a line to the room. The peer is closed;
# the room sees it come and go, and nothing in between.
connect h
send h '\026\003\001\000\055\001\000\000\051\003\003hello, this is no text\n'
gone h
expect_all "*** $NICK_h left ($ONLINE online)"
expect_closed h
grep -q "$NICK_h: closed: tls on the plaintext port" "$SERVER_LOG" ||
	fail "expected '$NICK_h: closed: tls on the plaintext port' in the log"
marker s

# tls_cut NAME WHAT: NAME, a TCP connection to the TLS port that sent
# WHAT, was closed: the server logs a failed handshake, and NAME got no
# text (an alert record, at most).
tls_cut() {
	_port=$(cat "$T/p/$1.port")
	wait_for 5 grep -q "127.0.0.1:$_port: closed: tls handshake failed" \
	    "$SERVER_LOG" ||
		fail "$2 on the TLS port: expected '127.0.0.1:$_port: closed: tls handshake failed: ...' in the log"
	note "$2: $(grep "127.0.0.1:$_port: closed" "$SERVER_LOG" | sed 's/^[-0-9]* [:0-9]* //')"
	if [ -s "$T/p/$1.out" ] &&
	    [ "$(head -c 1 "$T/p/$1.out" | od -An -tx1 | tr -d ' ')" != 15 ]; then
		fail "$2 on the TLS port: expected nothing back but a TLS alert, got:
$(od -An -c "$T/p/$1.out" | head -n 4)"
	fi
}

# Garbage: an HTTP request on the TLS port.
hub tcp g 127.0.0.1 "$TLS_PORT"
send g 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n'
wait_for 5 test -s "$T/p/g.end" ||
	fail "an HTTP request on the TLS port: expected the server to close the connection within 5 s"
case $(cat "$T/p/g.end") in
eof|*'Connection reset'*) ;;
*) fail "an HTTP request on the TLS port: expected the server to close the connection, got: $(cat "$T/p/g.end")" ;;
esac
tls_cut g "an HTTP request"
marker a

# A truncated record: a handshake record's header announcing 300 bytes,
# 10 of them, and the end.
hub tcp r 127.0.0.1 "$TLS_PORT"
send r '\026\003\001\001\0540123456789'
wait_for 5 grep -q "127.0.0.1:$(cat "$T/p/r.port"): connected over tls" \
    "$SERVER_LOG" || fail "the server did not log the truncated record's connection"
hub close r
tls_cut r "a truncated record"
marker s

stats=$(server_stats)
note "$stats"
expect_stat "tls handshakes" 1 "$stats"
expect_stat failed 2 "$stats"
expect_stat "timed out" 0 "$stats"
expect_stat "on the plaintext port" 1 "$stats"
expect_stat peers 2 "$stats"
server_alive
stop_server

# --- what cannot be loaded at start -----------------------------------------
# load_fails CERT KEY BLAME: tschatd with CERT and KEY exits 1 before it
# listens, with exactly one line on stderr, naming BLAME.
load_fails() {
	tschatd_exits -b 127.0.0.1 -p 0 --tls-port 0 --tls-cert "$1" \
	    --tls-key "$2"
	expect_eq "tschatd --tls-cert $1 --tls-key $2: the exit status" 1 \
	    "$EXIT_STATUS"
	expect_lines "tschatd --tls-cert $1 --tls-key $2: stderr" 1 \
	    "$T/exit.err"
	_l=$(cat "$T/exit.err")
	case $_l in
	"tschatd: "*"$3"*) ;;
	*) fail "tschatd --tls-cert $1 --tls-key $2: expected 'tschatd: ...' naming $3, got '$_l'" ;;
	esac
	[ ! -s "$T/exit.out" ] ||
		fail "tschatd --tls-cert $1 --tls-key $2: expected nothing on stdout, got: $(cat "$T/exit.out")"
	note "$_l"
}
printf 'no certificate here\n' >"$T/text.pem"
load_fails "$C/localhost.crt" "$C/missing.key" "$C/missing.key"
load_fails "$C/missing.crt" "$C/localhost.key" "$C/missing.crt"
load_fails "$C/localhost.crt" "$C/other.key" "$C/other.key"
case $_l in
*"not the key of"*|*mismatch*) ;;
*) fail "a key that is not the certificate's: expected the line to say so, got '$_l'" ;;
esac
load_fails "$T/text.pem" "$C/localhost.key" "$T/text.pem"
load_fails "$C/localhost.crt" "$T/text.pem" "$T/text.pem"

# --- TLS options without their partners --------------------------------------
# usage_fails WORD ARGS...: a usage error naming WORD: status 2, its line
# and "Try 'tschatd --help'.", nothing on stdout.
usage_fails() {
	_word=$1
	shift
	tschatd_exits -b 127.0.0.1 -p 0 "$@"
	expect_eq "tschatd $*: the exit status" 2 "$EXIT_STATUS"
	expect_lines "tschatd $*: stderr" 2 "$T/exit.err"
	case $(line 1 "$T/exit.err") in
	"tschatd: "*"$_word"*) ;;
	*) fail "tschatd $*: expected 'tschatd: ...' naming $_word, got '$(line 1 "$T/exit.err")'" ;;
	esac
	expect_eq "tschatd $*: the second line" "Try 'tschatd --help'." \
	    "$(line 2 "$T/exit.err")"
	[ ! -s "$T/exit.out" ] ||
		fail "tschatd $*: expected nothing on stdout, got: $(cat "$T/exit.out")"
}
usage_fails --tls-key --tls-cert "$C/localhost.crt"
usage_fails --tls-cert --tls-key "$C/localhost.key"
usage_fails --tls-port --tls-port 0
usage_fails --tls-only --tls-only
usage_fails --tls-port --tls-port 70000 $TLS_ARGS
exit 0
