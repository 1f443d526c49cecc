#!/bin/sh
# linemode.sh: tschat -L, the tutorial's client made scriptable: each line
# of stdin sent, each message received printed on a line, over TCP and UDP,
# line and raw framing; --wait bounds the wait on a silent server; exit 1
# when it cannot connect or cannot write its output.
. "$top_srcdir/tests/lib.sh"

# client OPTIONS...: $T/in into tschat -L OPTIONS 127.0.0.1 $PORT; output
# in $T/out and $T/err, status in $RC, time taken in $MS.
client() {
	RC=0
	_t0=$(now_ms)
	timeout 20 "$TSCHAT" -L "$@" 127.0.0.1 "$PORT" <"$T/in" >"$T/out" \
	    2>"$T/err" || RC=$?
	MS=$(( $(now_ms) - _t0 ))
}

# expect_ok WHAT: status 0, nothing on stderr.
expect_ok() {
	[ "$RC" -eq 0 ] || fail "$1: expected status 0, got $RC: $(cat "$T/err")"
	[ ! -s "$T/err" ] || fail "$1: expected nothing on stderr, got: $(cat "$T/err")"
}

printf 'one\n\ntwo words\r\nPython编程\nlast, unfinished' >"$T/in"
for mode in "" "--framing raw"; do
	for proto in tcp udp; do
		popt='' copt=''
		[ $proto = udp ] && popt=-u copt=--udp
		start_server $popt $mode
		# The server closes after a TCP half-close, so -w 10 costs
		# nothing; UDP has no close and ends once every line had
		# its reply.
		client $copt $mode -w 10
		what="tschat -L $copt $mode"
		expect_ok "$what"
		if [ -z "$mode" ]; then
			expect_lines "$what" 5 "$T/out"
			expect_stamped_line "" "$(line 2 "$T/out")"
			n=3 m=4 k=5
		else
			# Raw: an empty line is no message.
			expect_lines "$what" 4 "$T/out"
			n=2 m=3 k=4
		fi
		expect_stamped_line one "$(line 1 "$T/out")"
		expect_stamped_line "two words" "$(line $n "$T/out")"
		expect_stamped_line "Python编程" "$(line $m "$T/out")"
		expect_stamped_line "last, unfinished" "$(line $k "$T/out")"
		[ "$MS" -lt 3000 ] ||
			fail "$what took $MS ms with every reply in: it should not wait out -w 10"
		note "$what: $MS ms"
		stop_server
	done
done

# Many lines over TCP: all of them, in order.
start_server
seq 1 5000 >"$T/in"
client -w 10
expect_ok "tschat -L with 5000 lines"
expect_lines "tschat -L with 5000 lines" 5000 "$T/out"
cut -c 28- "$T/out" >"$T/texts"
expect_file_eq "5000 lines, in order" "$T/in" "$T/texts"

# No input: nothing sent, nothing printed, status 0.
: >"$T/in"
client
expect_ok "tschat -L with no input"
[ ! -s "$T/out" ] || fail "tschat -L with no input printed: $(cat "$T/out")"

# Output that cannot be written: status 1 and a message.
printf 'hi\n' >"$T/in"
RC=0
timeout 10 "$TSCHAT" -L 127.0.0.1 "$PORT" <"$T/in" >/dev/full 2>"$T/err" ||
	RC=$?
[ "$RC" -eq 1 ] || fail "tschat -L >/dev/full: expected status 1, got $RC"
grep -qi 'write error' "$T/err" ||
	fail "tschat -L >/dev/full: expected 'write error' on stderr, got: $(cat "$T/err")"
stop_server

# Nothing listens: status 1, one line.
PORT=$(free_port)
printf 'hi\n' >"$T/in"
client
[ "$RC" -eq 1 ] || fail "tschat -L to closed port $PORT: expected status 1, got $RC"
[ "$(wc -l <"$T/err")" -eq 1 ] ||
	fail "tschat -L to closed port $PORT: expected one line on stderr, got: $(cat "$T/err")"

# A server that takes everything and never answers nor closes: --wait
# bounds the wait, and that is a normal end (status 0).
slow=
for copt in "" "--framing raw" --udp "--udp --framing raw"; do
	sopt=
	case $copt in --udp*) sopt=-u ;; esac
	rm -f "$T/sink.port"
	"$TCPEER" sink $sopt -h 30 127.0.0.1 >"$T/sink.port" &
	SINK=$!
	track "$SINK"
	wait_for 5 grep -q '^[0-9][0-9]*$' "$T/sink.port" ||
		fail "tcpeer sink did not start"
	PORT=$(cat "$T/sink.port")
	printf 'one\ntwo\n' >"$T/in"
	client $copt -w 1
	what="tschat -L $copt -w 1 to a server that never answers"
	expect_ok "$what"
	[ ! -s "$T/out" ] || fail "$what printed: $(cat "$T/out")"
	[ "$MS" -ge 900 ] || fail "$what: it waited only $MS ms"
	# Each case is checked, so that one report shows them all.
	[ "$MS" -le $((1800 + TSCHAT_TIME_SLACK_MS)) ] ||
		slow="$slow
  $what: expected an exit within 1 s + 0.8 s, took $MS ms"
	note "$what: exit after $MS ms"
	kill "$SINK"
	wait_exit "$SINK" 5
done
[ -z "$slow" ] || fail "--wait does not bound the wait:$slow"
exit 0
