#!/bin/sh
# backpressure.sh: a peer that sends megabytes and never reads cannot make
# the server grow: the server stops reading it (so the flood stalls), its
# memory stays bounded, and another client is served at once meanwhile.
# When the flooding peer goes, the server is as before.
. "$top_srcdir/tests/lib.sh"

[ -r /proc/self/status ] || skip "no /proc/PID/status to read VmRSS from"

FLOOD=$((256 * 1024 * 1024))	# far more than any socket buffers hold
LIMIT_KIB=$((16 * 1024))

# served WHAT: a new client gets its reply within 2 s.
served() {
	printf 'ping\n' >"$T/in"
	t0=$(now_ms)
	timeout 2 "$TCPEER" send -w 2 127.0.0.1 "$PORT" <"$T/in" \
	    >"$T/out" 2>"$T/err" ||
		fail "$1: another client was not served within 2 s: $(cat "$T/err")"
	expect_stamped_line ping "$(cat "$T/out")"
	note "$1: another client served in $(( $(now_ms) - t0 )) ms"
}

start_server
served "before the flood"
rss0=$(vmrss_kib "$SERVER_PID")

# flood LEN: a peer sends LEN-byte lines and never reads; 1 is the worst
# case, an empty line, each one owed a whole stamp.
flood() {
	what="a flood of $1-byte lines"
	# Not the last flood's result: the new one may not have started yet.
	rm -f "$T/flood"
	"$TCPEER" flood-noread -h 30 -l "$1" 127.0.0.1 "$PORT" $FLOOD \
	    >"$T/flood" 2>"$T/flood.err" &
	FLOODER=$!
	track "$FLOODER"
	wait_for 20 grep -q . "$T/flood" ||
		fail "$what neither stalled nor ended within 20 s: $(cat "$T/flood.err")"
	note "$what: $(cat "$T/flood")"
	grep -q '^stalled after' "$T/flood" ||
		fail "$what: expected the server to stop reading a peer that does not read (the flood to stall), got: $(cat "$T/flood")"
	served "$what, stalled"
	rss1=$(vmrss_kib "$SERVER_PID")

	# The server stays stalled on it: still no more memory a second later.
	sleep 1
	served "$what, a second later"
	rss2=$(vmrss_kib "$SERVER_PID")
	note "$what: VmRSS $rss0 KiB before, $rss1 KiB during, $rss2 KiB a second later"
	for rss in "$rss1" "$rss2"; do
		[ $((rss - rss0)) -le $LIMIT_KIB ] ||
			fail "$what: the server grew from $rss0 KiB to $rss KiB under a peer that does not read (limit: +$LIMIT_KIB KiB)"
	done

	# The flooding peer goes away (its unread data makes it a reset).
	closed=$(grep -c ': closed' "$SERVER_LOG")
	kill "$FLOODER"
	wait_exit "$FLOODER" 5 || fail "tcpeer flood-noread did not stop"
	wait_for 5 eval '[ "$(grep -c ": closed" "$SERVER_LOG")" -gt "$closed" ]' ||
		fail "$what: the server did not notice that the flooding peer went"
	served "after $what"
	stats=$(server_stats)
	note "$stats"
	expect_stat peers 0 "$stats"
}

flood 64
flood 1
rss3=$(vmrss_kib "$SERVER_PID")
note "VmRSS after the flooding peer went: $rss3 KiB"
stop_server

# What one read may queue is bounded too: with --max-queue 64 KiB, empty
# lines (a whole stamp each) pause reading with the queue near its quarter,
# not at what a 64 KiB read of them comes to (1.8 MB).
start_server -v --max-queue 65536
"$TCPEER" flood-noread -h 30 -l 1 127.0.0.1 "$PORT" 4000000 \
    >"$T/flood" 2>"$T/flood.err" &
FLOODER=$!
track "$FLOODER"
wait_for 20 grep -q 'reading paused' "$SERVER_LOG" ||
	fail "an empty-line flood with --max-queue 64 KiB: reading never paused"
queued=$(sed -n 's/.*output queue at \([0-9]*\) bytes, reading paused.*/\1/p' \
    "$SERVER_LOG" | sort -n | tail -n 1)
note "--max-queue 64 KiB, empty lines: reading paused at $queued bytes queued"
# A quarter (16 KiB) and one read's worth: at most 1 KiB of empty lines.
[ "$queued" -le $((16384 + 1024 * 28)) ] ||
	fail "--max-queue 64 KiB: $queued bytes were queued before reading paused, over 16 KiB and one bounded read"
stop_server
exit 0
