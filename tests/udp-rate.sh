#!/bin/sh
# udp-rate.sh: --udp-rate 10 (bursts of 20). Of 200 datagrams sent at once
# from one address, at most the burst and what the rate refills while they
# come are answered; the rest are dropped and counted, and another address
# is served all the same. With --udp-rate 0 every datagram is answered.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-limits.sh"

COUNT=200

# burst ARGS...: tcpeer udp-burst to 127.0.0.1; its result in $RESULT.
burst() {
	RESULT=$("$TCPEER" udp-burst "$@" 127.0.0.1 "$PORT" 2>"$T/burst.err") ||
		fail "tcpeer udp-burst $*: $(cat "$T/burst.err") $RESULT"
	note "$RESULT"
}

### --udp-rate 10, on 127.0.0.1 and, for another address, ::1
if have_ipv6; then
	start_server -u --udp-rate 10 -b ::1
else
	note "no ::1 here: another address is not tried"
	start_server -u --udp-rate 10
fi
burst -n $COUNT -w 1
replies=$(kv replies "$RESULT")
secs=$(kv send_secs "$RESULT")
# The burst, what 10/s refills while they are sent and for the 1 s after
# (none come then), and one for rounding.
most=$(awk -v s="$secs" 'BEGIN { printf "%d\n", 20 + (s + 1) * 10 + 1 }')
[ "$replies" -ge 20 ] && [ "$replies" -le "$most" ] ||
	fail "expected 20 to $most replies to $COUNT datagrams sent in $secs s at --udp-rate 10 (burst 20), got $replies"
[ "$(kv distinct "$RESULT")" = "$replies" ] ||
	fail "expected each reply to answer a different datagram: $RESULT"
if have_ipv6; then
	printf 'other\n' | "$TCPEER" udp -n 1 -w 1 ::1 "$PORT" >"$T/other" \
	    2>"$T/other.err" ||
		fail "expected a datagram from another address (::1) answered while 127.0.0.1 is over its rate: $(cat "$T/other.err")"
	expect_stamped_line other "$(cat "$T/other")"
fi
stats=$(server_stats)
note "$stats"
dropped=$(stat_value rate "$stats")
# The kernel may drop some of the burst before the server reads it.
[ "${dropped:-0}" -ge $((COUNT / 2)) ] &&
    [ "$dropped" -le $((COUNT - replies)) ] ||
	fail "expected the counter 'dropped: ... rate' between $((COUNT / 2)) and $((COUNT - replies)), got '$dropped' in '$stats'"
stop_server

### --udp-rate 0: all answered (sent 2 ms apart, so that no buffer fills).
start_server -u --udp-rate 0
burst -n $COUNT -i 2000 -w 1
[ "$(kv replies "$RESULT")" = $COUNT ] && [ "$(kv distinct "$RESULT")" = $COUNT ] ||
	fail "expected all $COUNT datagrams answered, each once, with --udp-rate 0: $RESULT"
stats=$(server_stats)
note "$stats"
expect_stat rate 0 "$stats"
stop_server
exit 0
