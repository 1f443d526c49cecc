#!/bin/sh
# tls-owners.sh: --nick-owners. A listed nick is taken only by a TLS peer
# whose client certificate has the listed key; anyone else (another key,
# no certificate, plaintext) is told "*** nick NAME is reserved", in any
# case of the nick, and before whether it is in use. Unlisted nicks are
# anyone's. SIGHUP reads the file again: a new owner counts at once; a
# file that cannot be read leaves the old list, with a log line. A bad
# file at start is status 1 and one line naming the file and the line.
. "$top_srcdir/tests/lib.sh"

need_python
. "$top_srcdir/tests/lib-tls.sh"
need_openssl
. "$top_srcdir/tests/lib-room.sh"

C=$T/certs
tls_certs "$C"
alice=$(tls_pin "$C/alice.crt") || exit 1
bob=$(tls_pin "$C/bob.crt") || exit 1
OWNERS=$T/owners
printf '# who owns which nick\nalice %s\n\n' "$alice" >"$OWNERS"

start_server -B --history 0 --tls-cert "$C/localhost.crt" \
    --tls-key "$C/localhost.key" --tls-port 0 --nick-owners "$OWNERS"
grep -qF "nick owners: 1 listed in $OWNERS" "$SERVER_LOG" ||
	fail "expected 'nick owners: 1 listed in $OWNERS' in the start log"

connect_tls al "$C/alice.crt" "$C/alice.key"
connect_tls bo "$C/bob.crt" "$C/bob.key"
connect_tls an
connect p

# reserved NAME NICK: NAME's /nick NICK is refused as reserved, to NAME
# alone (the next sync_room shows the others got nothing).
reserved() {
	send "$1" '/nick %s\n' "$2"
	expect_next "$1" "*** nick $2 is reserved"
}

# took NAME NICK: NAME's /nick NICK is announced to everyone.
took() {
	send "$1" '/nick %s\n' "$2"
	expect_all "*** $(nick_of "$1") is now known as $2"
	eval "NICK_$1=\$2"
}

# Before anyone has it: only alice's key takes alice.
reserved bo alice
reserved an alice
reserved p alice
sync_room al
took al alice
# In use now, still "reserved" to the others, never "taken": that would
# tell them who is online under it.
reserved p alice
reserved bo alice
reserved an alice
# Nicks are the same in any case.
reserved bo ALICE
reserved p Alice
took al ALICE
sync_room p

# An unlisted nick is anyone's, plaintext or not, and taken is taken.
took an carol
took p dave
send bo '/nick carol\n'
expect_next bo "*** nick carol is taken"
sync_room bo

# SIGHUP: bobby is bob's now.
# hup PATTERN: SIGHUP, then a new log line matching PATTERN (fixed).
hup() {
	_pat=$1
	_before=$(grep -cF -- "$_pat" "$SERVER_LOG")
	kill -HUP "$SERVER_PID"
	wait_for 5 eval '[ "$(grep -cF -- "$_pat" "$SERVER_LOG")" -gt "$_before" ]' ||
		fail "SIGHUP: expected a new log line '$_pat' within 5 s; the log ends:
$(tail -n 3 "$SERVER_LOG")"
	server_alive
	note "SIGHUP: $(grep -F -- "$_pat" "$SERVER_LOG" | tail -n 1 | sed 's/^[-0-9]* [:0-9]* //')"
}
printf 'alice %s\nbobby %s\n' "$alice" "$bob" >"$OWNERS.new" &&
    mv "$OWNERS.new" "$OWNERS" || fail "cannot write $OWNERS"
hup "nick owners: 2 listed in $OWNERS"
reserved an bobby
reserved p bobby
reserved al BOBBY
took bo bobby
reserved p alice
sync_room an

# A bad line: the old list stays (bobby is still bob's, alice alice's).
printf 'alice %s\nbobby sha256:not-a-pin\n' "$alice" >"$OWNERS"
hup "nick owners: reload: $OWNERS:2: "
grep -F "nick owners: reload: $OWNERS:2: " "$SERVER_LOG" | tail -n 1 |
    grep -q '; the old list stays$' ||
	fail "expected the failed reload's line to end '; the old list stays'"
reserved p bobby
reserved an alice
# No file at all: the same.
rm -f "$OWNERS"
hup "nick owners: reload: $OWNERS: "
reserved an bobby
reserved p alice
# An unlisted nick is still anyone's.
took p erin
sync_room al
stats=$(server_stats)
expect_stat "tls handshakes" 3 "$stats"
stop_server

# --- a bad --nick-owners file at start ---------------------------------------
# owners_fail WHAT ERE: with the owners file as it is, tschatd exits 1
# before it listens, with one line on stderr matching ERE.
owners_fail() {
	"$TSCHATD" -b 127.0.0.1 -p 0 --nick-owners "$OWNERS" >"$T/exit.out" \
	    2>"$T/exit.err" &
	_pid=$!
	track $_pid
	wait_exit $_pid 5 ||
		fail "$1: expected tschatd to refuse to start; it still runs after 5 s"
	expect_eq "$1: the exit status" 1 "$EXIT_STATUS"
	expect_lines "$1: stderr" 1 "$T/exit.err"
	grep -Eq -- "$2" "$T/exit.err" ||
		fail "$1: expected one line matching /$2/, got '$(cat "$T/exit.err")'"
	[ ! -s "$T/exit.out" ] ||
		fail "$1: expected nothing on stdout, got: $(cat "$T/exit.out")"
	note "$1: $(cat "$T/exit.err")"
}
printf '# fine\nalice %s\nbob sha256:AAAA\n' "$alice" >"$OWNERS"
owners_fail "a bad pin on line 3" "^tschatd: $OWNERS:3: "
printf 'alice %s extra\n' "$alice" >"$OWNERS"
owners_fail "a third field on line 1" "^tschatd: $OWNERS:1: "
printf '\nali:ce %s\n' "$alice" >"$OWNERS"
owners_fail "a bad nick on line 2" "^tschatd: $OWNERS:2: "
rm -f "$OWNERS"
owners_fail "no owners file" "^tschatd: $OWNERS: "
exit 0
