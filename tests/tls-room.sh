#!/bin/sh
# tls-room.sh: TLS peers and plaintext peers in one room. Lines cross both
# ways byte for byte (long ones and bursts that span several records too);
# openssl s_client and ncat --ssl, verifying the server's certificate
# against the test's CA, are peers like any other; the start log's key pin
# is the certificate's; a close by the server (/quit) ends the session with
# close_notify; echo mode works over TLS; --tls-only leaves no plaintext
# listener, and --udp --tls-only is a usage error.
. "$top_srcdir/tests/lib.sh"

need_python
. "$top_srcdir/tests/lib-tls.sh"
need_openssl
. "$top_srcdir/tests/lib-room.sh"

C=$T/certs
tls_certs "$C"
TLS_ARGS="--tls-cert $C/localhost.crt --tls-key $C/localhost.key --tls-port 0"

# --- the start log names the key's pin -------------------------------------
start_server -B --history 0 --line-rate 0 $TLS_ARGS
[ -n "$TLS_PORT" ] || fail "no 'listening on tls' line in the log"
[ -n "$PORT" ] || fail "no 'listening on tcp' line in the log beside the TLS one"
pin=$(tls_pin "$C/localhost.crt") || exit 1
logged=$(sed -n "s|.* tls: certificate $C/localhost.crt, key pin \(.*\)$|\1|p" \
    "$SERVER_LOG")
expect_eq "the pin in the start log ('tls: certificate FILE, key pin ...')" \
    "$pin" "$logged"

# --- plaintext and TLS peers in one room -----------------------------------
connect a
connect_tls s
connect_tls t
note "plaintext peer $NICK_a, TLS peers $NICK_s $NICK_t"
say a "plain to all"
expect_all "$NICK_a: plain to all"
say s "tls to all: Python编程 ✓ 😀"
expect_all "$NICK_s: tls to all: Python编程 ✓ 😀"
say t "/nick tee"
expect_all "*** $NICK_t is now known as tee"
NICK_t=tee

# expect_burst NAME FILE: NAME's next lines are stamped, and without their
# stamps they are FILE's, byte for byte.
expect_burst() {
	eval "_from=\$((CUR_$1 + 1))"
	_n=$(wc -l <"$2")
	_to=$((_from + _n - 1))
	wait_for 10 has_lines "$1" "$_to" ||
		fail "peer $1 ($(nick_of "$1")): expected $_n lines of a burst within 10 s, got $(( $(wc -l <"$T/p/$1.out") - _from + 1))"
	sed -n "${_from},${_to}p" "$T/p/$1.out" |
	    sed -n 's/^\[[A-Z][a-z][a-z] [A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]\{8\} [0-9]\{4\}\] //p' \
	    >"$T/burst.$1"
	expect_file_eq "peer $1 ($(nick_of "$1")): the burst's lines" "$2" \
	    "$T/burst.$1"
	eval "CUR_$1=\$_to"
}

# burst NAME: NAME sends 300 lines in one go (over 16 KiB: several
# records each way); every peer gets them all, in order.
burst() {
	awk -v who="$1" 'BEGIN { for (i = 1; i <= 300; i++)
	    printf "burst from %s, line %03d: %s\n", who, i,
	    substr("abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789", 1, 20 + i % 50) }' \
	    >"$T/burst.in"
	[ "$(wc -c <"$T/burst.in")" -gt 16384 ] ||
		fail "the burst is no more than a record"
	sed "s/^/$(nick_of "$1"): /" "$T/burst.in" >"$T/burst.want"
	hub file "$1" "$T/burst.in"
	for _p in $PEERS; do
		expect_burst "$_p" "$T/burst.want"
	done
}
# A line of 8000 bytes, each way: one message on every side, byte for
# byte.
long=$(awk 'BEGIN { for (i = 0; i < 8000; i++) printf "%c", 33 + i % 94 }')
# expect_long NAME TEXT: every peer's next line is NAME's TEXT.
expect_long() {
	printf '%s: %s\n' "$(nick_of "$1")" "$2" >"$T/long.want"
	for _p in $PEERS; do
		expect_burst "$_p" "$T/long.want"
	done
}
say s "$long"
expect_long s "$long"
say a "$long"
expect_long a "$long"

burst s
burst a
sync_room t

# --- a close by the server: close_notify -----------------------------------
# /quit from the hub's TLS peer: the server flushes, says close_notify and
# closes; the hub's recv() returns the clean end (not SSLEOFError).
say t "/quit bye"
gone t
expect_all "*** tee left: bye ($ONLINE online)"
expect_closed t
expect_eq "how the server ended t's TLS session" close_notify \
    "$(cat "$T/p/t.close" 2>/dev/null)"

# --- openssl s_client and ncat --ssl as peers ------------------------------
# outside NAME CMD...: CMD, a TLS client of the room, reads a fifo the test
# holds open (written with "printf ... >&FD" by the caller) and writes
# what it gets to p/NAME.out, where the room's expectations look; it joins
# under an address the others see.
outside() {
	_name=$1
	shift
	: >"$T/p/$_name.out"
	"$@" <"$T/$_name.in" >"$T/p/$_name.out" 2>"$T/$_name.err" &
	eval "PID_$_name=\$!"
	track $!
	_first=$(set -- $PEERS; echo "$1")
	ONLINE=$((ONLINE + 1))
	expect_next_ere "$_first" "^\*\*\* 127\.0\.0\.1:[0-9]+ joined \($ONLINE online\)$" \
	    "the join notice of $_name ($*)"
	_nick=${GOT_TEXT#'*** '}
	_nick=${_nick%% *}
	eval "NICK_$_name=\$_nick; CUR_$_name=0"
	PEERS="$PEERS $_name"
	for _p in $PEERS; do
		[ "$_p" = "$_first" ] || expect_next "$_p" "*** $_nick joined ($ONLINE online)"
	done
}

mkfifo "$T/sc.in" "$T/nc.in" || fail "cannot make the fifos"
exec 4<>"$T/sc.in" 5<>"$T/nc.in"
outside sc openssl s_client -quiet -CAfile "$C/ca.crt" -verify_return_error \
    -servername localhost -connect "127.0.0.1:$TLS_PORT"
say a "to s_client, from plaintext"
expect_all "$NICK_a: to s_client, from plaintext"
printf '%s\n' "$long" >&4
expect_long sc "$long"
# /quit: s_client sees the end of the session and exits 0 (OpenSSL 3
# reports an end without close_notify as "unexpected eof while reading",
# status 1).
printf '/quit\n' >&4
gone sc
expect_all "*** $NICK_sc left ($ONLINE online)"
wait_exit "$PID_sc" 5 ||
	fail "s_client did not exit within 5 s of its /quit: $(cat "$T/sc.err")"
if [ "$EXIT_STATUS" -ne 0 ] || grep -qi 'unexpected eof' "$T/sc.err"; then
	fail "s_client: expected a clean end of the session (close_notify, status 0) after /quit; status $EXIT_STATUS, it said:
$(grep -v '^depth=\|^verify return' "$T/sc.err" | head -n 5)"
fi
expect_nothing_more sc

# This ncat's options: --ssl-verify checks the certificate's chain and its
# name (localhost) against --ssl-trustfile; -4 as the server listens on
# 127.0.0.1 alone.
ncat --help 2>&1 | grep -q -- --ssl-trustfile ||
	fail "this ncat has no --ssl-trustfile: $(ncat --version 2>&1)"
outside nc ncat -4 --ssl --ssl-verify --ssl-trustfile "$C/ca.crt" \
    localhost "$TLS_PORT"
say s "to ncat, from TLS"
expect_all "$NICK_s: to ncat, from TLS"
printf 'from ncat over tls\n' >&5
expect_all "$NICK_nc: from ncat over tls"
printf '/quit\n' >&5
gone nc
expect_all "*** $NICK_nc left ($ONLINE online)"
expect_nothing_more nc
# (ncat waits for the end of its input before it exits, over TLS as over
# plain TCP: it is stopped here.)
kill "$PID_nc" 2>/dev/null
wait_exit "$PID_nc" 5 || fail "ncat did not exit within 5 s of SIGTERM"
exec 4>&- 5>&-

stats=$(server_stats)
note "$stats"
# s, t and the outside two: every handshake done, none failed.
expect_stat "tls handshakes" 4 "$stats"
expect_stat failed 0 "$stats"
stop_server

# --- echo mode over TLS ----------------------------------------------------
start_server $TLS_ARGS
hub tls e 127.0.0.1 "$TLS_PORT" "$C/ca.crt"
wait_for 10 eval "[ -s '$T/p/e.port' ] || [ -s '$T/p/e.end' ]"
[ -s "$T/p/e.port" ] || fail "no TLS connection to the echo server: $(cat "$T/p/e.end")"
NICK_e=echo CUR_e=0
say e "stamp me, over tls"
expect_next e "stamp me, over tls"
say e "/nick is text here"
expect_next e "/nick is text here"
hub close e
stop_server

# --- --tls-only --------------------------------------------------------------
plain=$(free_port)
start_server_args -b 127.0.0.1 -p "$plain" --tls-only $TLS_ARGS
[ -z "$PORT" ] ||
	fail "--tls-only: expected no plaintext listener, the log says:
$(grep 'listening on' "$SERVER_LOG")"
hub tcp x 127.0.0.1 "$plain"
wait_for 5 eval "[ -s '$T/p/x.end' ] || [ -s '$T/p/x.port' ]"
case $(cat "$T/p/x.end" 2>/dev/null) in
*ConnectionRefused*) ;;
*) fail "--tls-only -p $plain: expected a TCP connection to port $plain to be refused, got: $(cat "$T/p/x.port" "$T/p/x.end" 2>/dev/null)" ;;
esac
hub tls y 127.0.0.1 "$TLS_PORT" "$C/ca.crt"
wait_for 10 eval "[ -s '$T/p/y.port' ] || [ -s '$T/p/y.end' ]"
[ -s "$T/p/y.port" ] || fail "--tls-only: no TLS connection: $(cat "$T/p/y.end")"
NICK_y=y CUR_y=0
say y "only tls here"
expect_next y "only tls here"
stop_server

# --udp --tls-only: a usage error, naming both; two lines (the error and
# "Try 'tschatd --help'."), nothing on stdout, status 2.
"$TSCHATD" -b 127.0.0.1 -p 0 -u --tls-only $TLS_ARGS >"$T/usage.out" \
    2>"$T/usage.err" &
pid=$!
track $pid
wait_exit $pid 5 ||
	fail "tschatd -u --tls-only: expected a usage error, it still runs after 5 s"
expect_eq "tschatd -u --tls-only: the exit status" 2 "$EXIT_STATUS"
[ ! -s "$T/usage.out" ] || fail "tschatd -u --tls-only: expected nothing on stdout, got: $(cat "$T/usage.out")"
expect_lines "tschatd -u --tls-only: stderr" 2 "$T/usage.err"
case $(line 1 "$T/usage.err") in
tschatd:*--tls-only*--udp*|tschatd:*--udp*--tls-only*) ;;
*) fail "tschatd -u --tls-only: expected 'tschatd: ...' naming --tls-only and --udp, got: $(line 1 "$T/usage.err")" ;;
esac
expect_eq "tschatd -u --tls-only: the second line" "Try 'tschatd --help'." \
    "$(line 2 "$T/usage.err")"
exit 0
