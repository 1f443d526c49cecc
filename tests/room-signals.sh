#!/bin/sh
# room-signals.sh: signals to a room. SIGTERM (and SIGINT) tell every peer,
# TCP and UDP, "*** server shutting down", close the TCP peers after it,
# and exit 0 within 2.5 s; SIGUSR1's "stats:" line counts the room, UDP
# members included.
. "$top_srcdir/tests/lib.sh"

need_python

. "$top_srcdir/tests/lib-room.sh"
# expect_room N PEERS: SIGUSR1's stats line says "peers PEERS (room N)".
expect_room() {
	STATS=$(server_stats)
	expect_stat room "$1" "$STATS"
	expect_stat peers "$2" "$STATS"
	note "$STATS"
}

start_server -B --history 0 -t -u
expect_room 0 0
connect a
connect b
connect c
udp_join u
# Three TCP peers and a UDP member: four in the room, three connections.
expect_room 4 3
say u "/nick udp"
expect_all "*** $NICK_u is now known as udp"
NICK_u=udp
hub close c
gone c
expect_all "*** $NICK_c left ($ONLINE online)"
expect_room 3 2
# A half-sent line is no message, and no obstacle.
send b 'half a line'
sync_room a

# expect_last_word SIG NAME...: each peer's next line is the shutdown
# notice, and TCP peers are closed then. Whatever comes after the notice is
# kept in LATE, to fail at the end, so that one such fault hides no other.
LATE=
expect_last_word() {
	_sig=$1
	shift
	for _p in "$@"; do
		expect_next "$_p" "*** server shutting down"
		if is_udp "$_p"; then
			sleep 0.2	# no close to wait for
		else
			wait_for 5 test -s "$T/p/$_p.end" ||
				fail "SIG$_sig: peer $_p was not closed within 5 s of the notice"
			expect_eq "how peer $_p's connection ended" eof \
			    "$(cat "$T/p/$_p.end")"
		fi
		if more_after "$_p" >"$T/more"; then
			LATE="$LATE
SIG$_sig: peer $_p ($(nick_of "$_p")) got more after '*** server shutting down':
$(cat "$T/more")"
		fi
	done
}

# SIGTERM: every peer is told, TCP peers are closed, the status is 0.
stop_timed TERM 2500
expect_last_word TERM a b u
grep -q "shutting down" "$SERVER_LOG" ||
	fail "SIGTERM: expected the log to say the room is shutting down"

# SIGINT, the same.
start_server -B --history 0 -t -u
PEERS=
ONLINE=0
connect d
connect e
expect_room 2 2
stop_timed INT 2500
expect_last_word INT d e

[ -z "$LATE" ] ||
	fail "expected the shutdown notice to be the last thing a peer hears:$LATE"
exit 0
