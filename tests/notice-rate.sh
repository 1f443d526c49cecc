#!/bin/sh
# notice-rate.sh: a room's join and leave notices have a rate (5 a second,
# burst 20). A storm of 60 connections: an observer gets its first notices
# one by one, the rest as "N more joined (K online)" once a second, and the
# two add up to 60; each newcomer gets its own join notice however many
# came with it. Then the 60 close at once: the same with "N more left".
. "$top_srcdir/tests/lib.sh"

need_python

N=60
BURST=20
RATE=5

start_server -B
timeout 90 python3 "$top_srcdir/tests/notice-storm.py" 127.0.0.1 "$PORT" \
    $N >"$T/out" 2>"$T/err"
rc=$?
cat "$T/out"
[ "$rc" -eq 0 ] || fail "the storm of $N: status $rc: $(cat "$T/err")"

value() {
	sed -n "s/^$1 //p" "$T/out"
}

# The most notices one by one in SECS seconds: the burst, then the rate
# (the wait is the test's, longer than the server's: the bound is loose).
most_in() {
	_s=${1%.*}
	echo $((BURST + RATE * (_s + 2)))
}

expect_eq "newcomers that got their own join notice" $N "$(value own_joins)"
one=$(value joins_one_by_one)
sum=$(value joins_summarised)
expect_eq "joins told to the observer, one by one ($one) and summarised" \
    $N $((one + sum))
most=$(most_in "$(value join_secs)")
[ "$one" -le "$most" ] ||
	fail "the observer got $one join notices one by one in $(value join_secs) s, expected at most $most"
note "joins: $one one by one, $sum summarised, in $(value join_secs) s"
expect_eq "the room's count after the storm (/who)" $((N + 1)) "$(value who)"

one=$(value leaves_one_by_one)
sum=$(value leaves_summarised)
expect_eq "leaves told to the observer, one by one ($one) and summarised" \
    $N $((one + sum))
most=$(most_in "$(value leave_secs)")
[ "$one" -le "$most" ] ||
	fail "the observer got $one leave notices one by one in $(value leave_secs) s, expected at most $most"
note "leaves: $one one by one, $sum summarised, in $(value leave_secs) s"
expect_eq "the room's count after they left" 1 "$(value last_online)"
bad=$(value bad)
[ -z "$bad" ] || fail "notices that are neither one member's nor a summary: $bad"

# The server is still well, and holds the observer no more.
printf 'after\n' >"$T/in"
timeout 10 "$TCPEER" send 127.0.0.1 "$PORT" <"$T/in" >"$T/after" ||
	fail "a client after the storm was not served"
grep -q ': after$' "$T/after" || fail "a client after the storm: $(cat "$T/after")"
stop_server
exit 0
