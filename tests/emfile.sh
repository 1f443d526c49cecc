#!/bin/sh
# emfile.sh: out of file descriptors. tschatd under a file limit of 36
# (soft and hard, so that it cannot raise it), with ten descriptors it did
# not count on (inherited here, as a careless parent would leave them),
# takes peers until accept fails with EMFILE; then it closes each newcomer at once (its reserve
# descriptor trick) instead of spinning on the connection it cannot take,
# goes on serving the peers it has, says so in its log at most once a
# second, and takes peers again when some leave. --max-clients is lowered
# to the limit, with a warning; under a limit that leaves room, the peer
# over it gets "*** server full".
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-limits.sh"

need_proc
NOFILE=36

use_nofile $NOFILE
# Descriptors 20 to 29, open in the server though it did not open them: it
# sizes --max-clients from the lowest free one, so accept meets EMFILE.
exec 20</dev/null 21</dev/null 22</dev/null 23</dev/null 24</dev/null \
    25</dev/null 26</dev/null 27</dev/null 28</dev/null 29</dev/null
start_server
exec 20<&- 21<&- 22<&- 23<&- 24<&- 25<&- 26<&- 27<&- 28<&- 29<&-
t_start=$(now_ms)
limit=$(nofile_of "$SERVER_PID")
[ "$limit" = "$NOFILE" ] ||
	fail "expected tschatd to run with an open file limit of $NOFILE, /proc says '$limit'"
warning=$(grep "open file limit $NOFILE: at most [0-9]* clients" "$SERVER_LOG")
[ -n "$warning" ] ||
	fail "expected a warning 'open file limit $NOFILE: at most N clients' in the log"
note "${warning#* * }"

# check_hold CMD ANSWER: like expect_hold, but a wrong answer is a problem
# to report at the end, not the end of the test.
check_hold() {
	_answer=$(hold_cmd "$1")
	note "$1: $_answer"
	case $_answer in
	$2) ;;
	*) problem "'$1': expected '$2', got '$_answer'" ;;
	esac
}

# More peers than descriptors: some are served, the ones accept cannot take
# closed at once, and past --max-clients the rest told the server is full.
hold_start
answer=$(hold_cmd "open 40")
note "open 40: $answer"
served=$(printf '%s\n' "$answer" | sed -n 's/^open: \([0-9]*\) served.*/\1/p')
refused=$(printf '%s\n' "$answer" | sed -n 's/.* \([0-9]*\) refused,.*/\1/p')
closed=$(printf '%s\n' "$answer" | sed -n 's/.* \([0-9]*\) closed,.*/\1/p')
case $answer in
"open: $served served, $refused refused, $closed closed, 0 silent, 0 not connected;"*)
	[ "$served" -gt 0 ] && [ "$closed" -gt 0 ] ||
		problem "expected some of 40 peers served and the others closed with nothing sent (out of descriptors), got '$answer'" ;;
*)
	problem "expected some of 40 peers served and the others closed at once with nothing sent (out of descriptors), got '$answer'" ;;
esac
wait_log 2 'out of file descriptors' ||
	problem "expected the log to say 'out of file descriptors'"

# A storm of connections it cannot take: it must not spin on them.
cpu0=$(cpu_ms "$SERVER_PID")
check_hold "connect 100" "connect: 100 connected"
sleep 1
check_hold "connect 100" "connect: 100 connected"
sleep 1
cpu=$(( $(cpu_ms "$SERVER_PID") - cpu0 ))
note "CPU time over the 2 s of 200 connections it could not take: $cpu ms"
[ "$cpu" -lt 500 ] ||
	problem "expected the server not to spin while out of descriptors: it used $cpu ms of CPU in 2 s (limit 500 ms)"
server_alive
check_hold pending "pending: 200 connected, 200 closed by the server"

# The peers it has are still served.
check_hold ping "ping: $served served, 0 failed"

# Some leave: new peers are taken again.
before=$(log_count ': closed')
check_hold "close 5" "close: 5 closed, $((served - 5)) held"
wait_closed $((before + 5))
check_hold "open 3" "open: 3 served, 0 refused, 0 closed, 0 silent, 0 not connected; $((served - 2)) held"
check_hold ping "ping: $((served - 2)) served, 0 failed"
hold_stop

# The log said it at most about once a second.
secs=$(elapsed_since "$t_start")
lines=$(log_count 'out of file descriptors')
stats=$(server_stats)
note "$stats"
refusals=$(stat_value "out of files" "$stats")
note "'out of file descriptors' logged $lines times in $secs s, for $refusals connections refused"
[ "${refusals:-0}" -ge $((${closed:-0} + 200)) ] ||
	problem "expected at least $((closed + 200)) connections counted in 'out of files', got $refusals"
is_true "$lines >= 1 && $lines <= $secs + 1" ||
	problem "expected 'out of file descriptors' logged at most once a second ($secs s), got $lines lines"
stop_server
check_problems

# Under a limit that leaves room, --max-clients is lowered to fit it: the
# peer over the limit gets "*** server full".
use_nofile 100
start_server
warning=$(sed -n 's/.*open file limit 100: at most \([0-9]*\) clients$/\1/p' "$SERVER_LOG")
[ -n "$warning" ] && [ "$warning" -lt 100 ] ||
	fail "expected a warning 'open file limit 100: at most N clients', N under 100, in the log"
note "open file limit 100: at most $warning clients"
hold_start
expect_hold "open $warning" "open: $warning served, 0 refused, 0 closed, *"
"$TCPEER" recv -w 3 127.0.0.1 "$PORT" >"$T/full" 2>"$T/full.err" ||
	fail "the peer over the lowered --max-clients was not closed: $(cat "$T/full.err")"
expect_stamped_line "*** server full" "$(cat "$T/full")"
expect_hold ping "ping: $warning served, 0 failed"
hold_stop
stats=$(server_stats)
expect_stat "out of files" 0 "$stats"
expect_stat "full" 1 "$stats"
stop_server
exit 0
