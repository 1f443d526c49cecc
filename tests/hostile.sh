#!/bin/sh
# hostile.sh: what no input may do (DESIGN.md): NUL bytes, invalid UTF-8, a
# 100 kB line and 1 MB of random bytes from one peer, a reset in mid-line,
# a peer that says and reads nothing, 200 connections opened and closed at
# once, in a room and in echo mode. Through all of it the server lives, a
# healthy sender's 300 lines reach every healthy peer in order and once,
# SIGUSR1 still reports, and the server's memory stays bounded.
. "$top_srcdir/tests/lib.sh"

need_python

. "$top_srcdir/tests/lib-room.sh"
# The hostile inputs, made once.
# 1 MB of random bytes from a seed in the log, to replay a failure with
# TSCHAT_SEED.
seed=${TSCHAT_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d " ")}
note "random bytes from seed $seed"
python3 -c 'import random, sys
sys.stdout.buffer.write(random.Random(int(sys.argv[1])).randbytes(1 << 20))' \
    "$seed" >"$T/random" || fail "cannot make random bytes"
printf 'nul\000in\000the\000middle\n\000\000\000\n' >"$T/nul"
printf 'bad \377\376 \300\257 \355\240\200 \200 \344\270\n\370\210\200\200\200 \364\220\200\200\n' \
    >"$T/badutf8"
{ head -c 100000 /dev/zero | tr '\0' x; printf '\n'; } >"$T/long"

peak_kib() {
	sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$SERVER_PID/status"
}

# rss WHAT: note the server's resident set now and at its peak.
rss() {
	note "$1: the server's RSS $(vmrss_kib "$SERVER_PID") KiB, peak $(peak_kib) KiB"
}

# expect_bounded WHAT START_KIB: the peak RSS grew by at most 32 MiB from
# START_KIB (the queues are bounded at 1 MiB a peer).
expect_bounded() {
	rss "$1"
	[ "$(peak_kib)" -le $(($2 + 32 * 1024)) ] ||
		fail "$1: the server's peak RSS grew from $2 KiB to $(peak_kib) KiB, more than 32 MiB"
}

# hostile_run H N Q Z: the healthy sender H says 300 numbered lines, in
# three parts, while N sends NUL bytes, invalid UTF-8, a 100 kB line and
# 1 MB of random bytes, Q resets its connection in mid-line, Z connects and
# says and reads nothing, and 200 connections come and go at once.
hostile_run() {
	hub tcp "$4" 127.0.0.1 "$PORT" 4096
	hub deaf "$4"
	hub tcp "$3" 127.0.0.1 "$PORT"
	i=1
	while [ $i -le 100 ]; do printf 'hs-%d\n' $i; i=$((i + 1)); done >"$T/h1"
	while [ $i -le 200 ]; do printf 'hs-%d\n' $i; i=$((i + 1)); done >"$T/h2"
	while [ $i -le 300 ]; do printf 'hs-%d\n' $i; i=$((i + 1)); done >"$T/h3"
	hub file "$1" "$T/h1"
	hub file "$2" "$T/nul"
	hub file "$2" "$T/badutf8"
	hub file "$2" "$T/long"
	send "$3" 'half a li'
	hub file "$1" "$T/h2"
	hub file "$2" "$T/random"
	send "$2" '\nflood over\n'
	python3 "$top_srcdir/tests/burst.py" 127.0.0.1 "$PORT" 200 \
	    >"$T/burst.out" 2>&1 &
	burst=$!
	track $burst
	hub reset "$3"
	hub file "$1" "$T/h3"
	wait_exit $burst 15 || fail "200 connections at once: not done within 15 s"
	[ "$EXIT_STATUS" -eq 0 ] ||
		fail "200 connections at once: the script failed: $(cat "$T/burst.out")"
	note "$(cat "$T/burst.out")"
	server_alive
}

# flood_over NAME PREFIX: NAME got "[STAMP] PREFIXflood over": all of the
# flood went through.
flood_over() {
	_over() { grep -q "^.\{27\}$2flood over\$" "$T/p/$1.out"; }
	wait_for 10 _over "$1" "$2" ||
		fail "peer $1 did not get '[STAMP] $2flood over' within 10 s, the end of the flood"
}

# hs_lines FILE PREFIX: the lines of FILE that are "[STAMP] PREFIXhs-N",
# as "hs-N".
hs_lines() {
	cut -c 28- "$1" | sed -n "s/^$2\\(hs-[0-9]*\\)\$/\\1/p"
}
seq 1 300 | sed 's/^/hs-/' >"$T/want"

# expect_healthy NAME PREFIX SENDER: NAME got SENDER's 300 lines, in
# order, once each. A line SENDER says after them comes after any of them
# still on its way: once NAME has it, nothing more of them can come.
MARK=0
expect_healthy() {
	_have() { [ "$(hs_lines "$T/p/$1.out" "$2" | wc -l)" -ge 300 ]; }
	wait_for 10 _have "$1" "$2" ||
		fail "peer $1 expected the healthy sender's 300 lines within 10 s, got $(hs_lines "$T/p/$1.out" "$2" | wc -l)"
	MARK=$((MARK + 1))
	say "$3" "healthy mark $MARK"
	_marked() { grep -q "^.\{27\}$2healthy mark $MARK\$" "$T/p/$1.out"; }
	wait_for 10 _marked "$1" "$2" ||
		fail "peer $1 did not get '[STAMP] $2healthy mark $MARK', said by $3 after its 300 lines, within 10 s"
	hs_lines "$T/p/$1.out" "$2" >"$T/got"
	cmp -s "$T/want" "$T/got" ||
		fail "peer $1 expected the healthy sender's 300 lines in order, once each; got $(wc -l <"$T/got"), first differences:
$(diff "$T/want" "$T/got" | head -n 8)"
	note "peer $1 got the healthy sender's 300 lines in order, once each"
}

# --- the room ---------------------------------------------------------------
# No --line-rate, so that all of the flood is read and relayed at once.
start_server -B --history 0 --line-rate 0
connect h
connect r
connect n
start=$(peak_kib)
rss "the room at start"
hostile_run h n q z
flood_over r "$NICK_n: "
expect_healthy h "$NICK_h: " h
expect_healthy r "$NICK_h: " h
# The room neutralised what n sent: no ESC, no NUL, no invalid UTF-8 reached
# r.
python3 "$top_srcdir/tests/expect-neutralised.py" "$T/p/r.out" \
    >"$T/py.err" 2>&1 ||
	fail "peer r got bytes a room must neutralise: $(cat "$T/py.err")"
grep -q "\] \*\*\* line too long\$" "$T/p/n.out" ||
	fail "the room: expected n to be told '*** line too long' for its 100 kB line"
expect_bounded "the room after the hostile peers" "$start"
# The peers left are h, r, n and, unless it was cut as a slow consumer, z.
want=3
grep -q "$(cat "$T/p/z.port"): slow consumer" "$SERVER_LOG" ||
	want=4
stats_settled() {
	STATS=$(server_stats)
	[ "$(stat_value peers "$STATS")" = "$want" ] &&
	    [ "$(stat_value room "$STATS")" = "$want" ]
}
wait_for 5 stats_settled ||
	fail "the room: expected $want peers, all in the room, got '$STATS'"
note "the room: $STATS"
stop_server

# --- echo mode ---------------------------------------------------------------
start_server
connect_echo() {
	hub tcp "$1" 127.0.0.1 "$PORT"
	wait_for 5 test -s "$T/p/$1.port" || fail "peer $1 could not connect"
}
connect_echo eh
connect_echo en
start=$(peak_kib)
rss "echo at start"
hostile_run eh en eq ez
flood_over en ""
expect_healthy eh "" eh
# Echo returns n's own bytes, NUL and invalid UTF-8 included.
head -c 27 "$T/p/en.out" >"$T/stamp"
expect_stamped_line "" "$(cat "$T/stamp")"
python3 "$top_srcdir/tests/expect-echoed.py" "$T/p/en.out" "$T/nul" \
    "$T/badutf8" >"$T/py.err" 2>&1 ||
	fail "echo mode: NUL bytes and invalid UTF-8 did not come back unchanged: $(cat "$T/py.err")"
expect_bounded "echo after the hostile peers" "$start"
want=3
stats_settled() {
	STATS=$(server_stats)
	[ "$(stat_value peers "$STATS")" = "$want" ]
}
wait_for 5 stats_settled || fail "echo: expected $want peers, got '$STATS'"
note "echo: $STATS"
stop_server
exit 0
