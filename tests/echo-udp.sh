#!/bin/sh
# echo-udp.sh: the echo server over UDP is no amplifier: one reply datagram
# per request at most, never longer than the request plus 64 bytes, nothing
# for an empty datagram or one from a port below 1024; several lines in a
# datagram; raw framing.
. "$top_srcdir/tests/lib.sh"

# udp N [tcpeer udp options]: $T/in as one datagram; expect N replies,
# their bytes in $T/out.
udp() {
	_n=$1
	shift
	timeout 10 "$TCPEER" udp -n "$_n" -w "${UDP_WAIT:-2}" "$@" 127.0.0.1 \
	    "$PORT" <"$T/in" >"$T/out" 2>"$T/err" ||
		fail "a datagram of $(wc -c <"$T/in") bytes: $(cat "$T/err")"
}

# bound: the reply is no longer than the request plus 64 bytes.
bound() {
	_in=$(wc -c <"$T/in")
	_out=$(wc -c <"$T/out")
	[ "$_out" -le $((_in + 64)) ] ||
		fail "$1: a reply of $_out bytes to a request of $_in, over $((_in + 64))"
	note "$1: request $_in bytes, reply $_out bytes"
}

start_server -u

# One request, one reply.
printf 'hi\n' >"$T/in"
udp 1
expect_lines "the reply to 'hi\\n'" 1 "$T/out"
expect_stamped_line hi "$(line 1 "$T/out")"

# The datagram's end ends its last line too.
printf 'Python编程' >"$T/in"
udp 1
expect_lines "the reply to a datagram with no newline" 1 "$T/out"
expect_stamped_line "Python编程" "$(line 1 "$T/out")"

# Several lines in one datagram: one reply, in order, a CR before a
# newline dropped. With the default stamp (27 bytes) only two lines' worth
# fits in 64 bytes more than the request, so the third is dropped, and
# counted.
printf 'a\r\nb\nc\n' >"$T/in"
udp 1
bound "three short lines"
expect_lines "the reply to 'a\\r\\nb\\nc\\n'" 2 "$T/out"
expect_stamped_line a "$(line 1 "$T/out")"
expect_stamped_line b "$(line 2 "$T/out")"
expect_stat "reply bound" 1 "$(server_stats)"

# An empty datagram gets nothing.
: >"$T/in"
UDP_WAIT=0.5 udp 0

# Many one-byte lines: as many stamped lines as fit, within the bound.
i=0
while [ $i -lt 500 ]; do
	printf 'a\n'
	i=$((i + 1))
done >"$T/in"
udp 1
bound "500 lines of 'a'"
n=$(wc -l <"$T/out")
[ "$n" -ge 2 ] || fail "500 lines of 'a': expected the lines that fit, got $n"
while IFS= read -r l; do
	expect_stamped_line a "$l"
done <"$T/out"

# A line over --max-line (8192) is cut there.
head -c 60000 /dev/zero | tr '\0' y >"$T/in"
udp 1
bound "a 60000-byte line"
expect_lines "the reply to a 60000-byte line" 1 "$T/out"
expect_eq "a 60000-byte line cut at 8192 bytes" 8192 \
    "$(line 1 "$T/out" | cut -c 28- | tr -d '\n' | wc -c)"

# Nothing for a datagram from a source port below 1024 (reflection): 1023
# is dropped, 1024 served. Binding them takes root.
lowport=
for p in 1023 1000 999 998; do
	if printf 'low\n' | timeout 10 "$TCPEER" udp -s "$p" -n 0 -w 0.5 \
	    127.0.0.1 "$PORT" >"$T/out" 2>"$T/err"; then
		lowport=$p
		break
	fi
	case $(cat "$T/err") in
	*"Permission denied"*) break ;;
	*"in use"*) continue ;;
	*) fail "a datagram from port $p: $(cat "$T/err") $(od -An -c "$T/out" | head -n 2)" ;;
	esac
done
if [ -n "$lowport" ]; then
	note "a datagram from port $lowport got no reply"
	expect_stat "source port" 1 "$(server_stats)"
	# Port 1024 is the first one served.
	if printf 'high\n' | timeout 10 "$TCPEER" udp -s 1024 -n 1 \
	    127.0.0.1 "$PORT" >"$T/out" 2>"$T/err"; then
		expect_stamped_line high "$(cat "$T/out")"
	else
		case $(cat "$T/err") in
		*"in use"*) note "port 1024 is in use here: not checked" ;;
		*) fail "a datagram from port 1024: $(cat "$T/err")" ;;
		esac
	fi
else
	note "skipped the source port checks: cannot bind a port below 1024 here ($(cat "$T/err"))"
fi
# And the server still serves everyone else.
printf 'still here\n' >"$T/in"
udp 1
expect_stamped_line "still here" "$(cat "$T/out")"
stop_server

# With a short stamp ("[HH] ", 5 bytes) several lines fit.
start_server -u --time-format '%H'
printf '1\n2\r\n3\n4\n5' >"$T/in"
udp 1
bound "five lines under a short stamp"
expect_lines "five lines under --time-format %H" 5 "$T/out"
h=$(head -c 5 "$T/out")
case $h in
"["[0-2][0-9]"] ") ;;
*) fail "--time-format %H: expected '[HH] ', got '$h'" ;;
esac
printf '%s1\n%s2\n%s3\n%s4\n%s5\n' "$h" "$h" "$h" "$h" "$h" >"$T/want"
expect_file_eq "five lines in one reply" "$T/want" "$T/out"
stop_server

# Raw framing: the datagram is the message, newlines and all; no
# terminator is added.
start_server -u --framing raw
printf 'hello' >"$T/in"
udp 1
expect_eq "raw reply length" 32 "$(wc -c <"$T/out" | tr -d ' ')"
expect_stamped_line hello "$(cat "$T/out")"
printf 'a\nb\n' >"$T/in"
udp 1
bound "raw 'a\\nb\\n'"
expect_eq "raw reply length to 'a\\nb\\n'" 31 "$(wc -c <"$T/out" | tr -d ' ')"
expect_stamped_line a "$(line 1 "$T/out")"
expect_eq "raw reply, second line" b "$(line 2 "$T/out")"
: >"$T/in"
UDP_WAIT=0.5 udp 0
stop_server
exit 0
