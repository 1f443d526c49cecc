#!/bin/sh
# room-udp.sh: tschatd --tcp --udp --broadcast, one room on one port. A
# UDP source is no member until it sends back the token sent to it: until
# then each datagram gets only "*** send /join TOKEN", within the request
# plus 64 bytes, and nothing of the room reaches it or comes from it; a
# token from another source port is refused. A member's lines reach the
# TCP peers and theirs reach it; tschat -L -u joins by itself; /nick works
# over UDP; a silent member leaves after --udp-peer-ttl; datagrams from
# ports below 1024 get nothing back; raw framing joins too.
. "$top_srcdir/tests/lib.sh"

need_python

. "$top_srcdir/tests/lib-room.sh"
start_server -B --history 0 -t -u
grep -q "listening on udp 127.0.0.1:$PORT\$" "$SERVER_LOG" ||
	fail "expected TCP and UDP on one port, $PORT: $(grep listening "$SERVER_LOG")"
connect a
connect b

# bounded NAME REQUEST_BYTES: every datagram NAME got is at most
# REQUEST_BYTES + 64 bytes.
bounded() {
	while read -r size; do
		[ "$size" -le $(($2 + 64)) ] ||
			fail "$1: a reply of $size bytes to a request of $2 bytes, over $(($2 + 64))"
	done <"$T/p/$1.sizes"
}

# A stranger's datagram is answered with a token notice only, within the
# bound even for a one-byte request.
udp_open x || fail "cannot open a UDP socket: $(cat "$T/p/x.end")"
send x 'x'
expect_token x "the answer to a 1-byte datagram"
TOKEN_x=$TOKEN
bounded x 1
note "a 1-byte datagram drew $(cat "$T/p/x.sizes") bytes: '$GOT_TEXT'"
# An empty datagram draws nothing; several lines draw one notice, not
# one each.
send x ''
send x 'one\ntwo\nthree\n'
expect_token x "the answer to a datagram of three lines"
udp_settle
expect_eq "datagrams a stranger got for 2 datagrams" 2 "$(datagrams x)"
bounded x 1
# Nothing it said reached the room, and nothing of the room reaches it.
sync_room a
say b "not for strangers"
expect_all "$NICK_b: not for strangers"
udp_settle
expect_eq "datagrams a stranger got while the room talked" 2 "$(datagrams x)"

# A /join with x's token from another source port (one that never got the
# token) is refused: it gets a token of its own, and is no member.
udp_open y || fail "cannot open a UDP socket: $(cat "$T/p/y.end")"
say y "/join $TOKEN_x"
expect_token y "the answer to a /join with another source's token"
[ "$TOKEN" != "$TOKEN_x" ] ||
	fail "the source $NICK_y was answered with the token of $NICK_x ($TOKEN)"
# A made-up token is refused too.
say x "/join 0000000000000000"
expect_token x "the answer to a /join with a made-up token"
sync_room a
say b "still private"
expect_all "$NICK_b: still private"
udp_settle
expect_eq "datagrams the forger got" 1 "$(datagrams y)"
expect_eq "datagrams the stranger got" 3 "$(datagrams x)"

# The token, from the source it was sent to, makes a member: the room sees
# it join, its lines reach the room, the room's reach it.
say x "/join $TOKEN_x"
PEERS="$PEERS x"
ONLINE=3
expect_all "*** $NICK_x joined (3 online)"
say x "hello over udp"
expect_all "$NICK_x: hello over udp"
say a "hello over tcp"
expect_all "$NICK_a: hello over tcp"
# Several lines in a datagram are several messages, in order.
send x 'first\nsecond\n'
expect_all "$NICK_x: first"
expect_all "$NICK_x: second"
# A /join again (tschat may send it twice) is nothing.
say x "/join $TOKEN_x"
sync_room a
# /nick over UDP.
say x "/nick udpx"
expect_all "*** $NICK_x is now known as udpx"
NICK_x=udpx
say x "renamed"
expect_all "udpx: renamed"
# Replies to a member's commands come to it alone.
say x /foo
expect_next x "*** unknown command /foo (try /help)"
sync_room a

# /quit over UDP: the room sees the member leave, and it is a stranger
# again.
say x "/quit done here"
gone x
expect_all "*** udpx left: done here ($ONLINE online)"
say x "still there?"
expect_token x "the answer to a datagram after /quit"
sync_room a

# tschat joins by itself: its message reaches a TCP peer.
timeout 10 "$TSCHAT" -L -u -w 1 127.0.0.1 "$PORT" >"$T/tschat.out" \
    2>"$T/tschat.err" <<EOF || fail "tschat -L -u exited with status $?: $(cat "$T/tschat.err")"
from tschat
EOF
ONLINE=$((ONLINE + 1))
next_line a
ts=$(printf '%s\n' "$GOT_TEXT" |
    sed -n "s/^\\*\\*\\* \\(127\\.0\\.0\\.1:[0-9][0-9]*\\) joined ($ONLINE online)\$/\\1/p")
[ -n "$ts" ] ||
	fail "tschat -L -u: expected peer a to see '*** 127.0.0.1:PORT joined ($ONLINE online)', got '$GOT'"
expect_next b "*** $ts joined ($ONLINE online)"
expect_all "$ts: from tschat"
grep -q "] $ts: from tschat\$" "$T/tschat.out" ||
	fail "tschat -L -u: expected its own message back, '[STAMP] $ts: from tschat', got:
$(cat "$T/tschat.out")"

# --line-rate holds UDP members too (10 a second, bursts of 20): one
# datagram of 100 lines says its first 20; the rest are dropped, counted,
# and nobody is cut for it.
before=$(stat_value "rate" "$(server_stats)")
udp_join f
send f "$(i=1; while [ $i -le 100 ]; do printf 'burst %d\\n' $i; i=$((i + 1)); done)"
i=1
while [ $i -le 20 ]; do
	expect_all "$(nick_of f): burst $i"
	i=$((i + 1))
done
sync_room a
expect_stat "rate" $((before + 80)) "$(server_stats)"
say f "/quit"
gone f
expect_all "*** $(nick_of f) left ($ONLINE online)"

# Datagrams from the ports of echo (7) and below 1024 get nothing back, not
# even a token, and the room hears nothing.
before=$(stat_value "source port" "$(server_stats)")
for low in 7 1000; do
	if ! udp_open low$low $low; then
		case $(cat "$T/p/low$low.end") in
		*"ermission"*|*EACCES*)
			note "skipped the source ports below 1024: binding $low needs root ($(cat "$T/p/low$low.end"))"
			break ;;
		*"in use"*|*EADDRINUSE*)
			note "port $low is in use here: not checked"
			continue ;;
		*) fail "cannot bind UDP port $low: $(cat "$T/p/low$low.end")" ;;
		esac
	fi
	say low$low "from port $low"
	say low$low "/join $TOKEN_x"
	udp_settle
	expect_eq "datagrams sent back to source port $low" 0 \
	    "$(datagrams low$low)"
	expect_stat "source port" $((before + 2)) "$(server_stats)"
	before=$((before + 2))
	note "source port $low: two datagrams, nothing back"
done
stop_server

# --- --udp-peer-ttl: a member stays while it speaks, and leaves when
# silent for longer ------------------------------------------------------
start_server -B --history 0 -t -u --udp-peer-ttl 2
PEERS=
ONLINE=0
connect e
udp_join m
# 3 s in all, more than the TTL, but never near 2 s silent.
for i in 1 2 3; do
	sleep 1
	say m "alive $i"
	expect_all "$NICK_m: alive $i"
done
t0=$(now_ms)
next_line e
ms=$(( $(now_ms) - t0 ))
printf '%s\n' "$GOT_TEXT" |
    grep -Eq "^\*\*\* $NICK_m left(: [^()]*)? \(1 online\)\$" ||
	fail "--udp-peer-ttl 2: expected '*** $NICK_m left (1 online)', got '$GOT'"
note "--udp-peer-ttl 2: the silent member left after $ms ms: $GOT_TEXT"
[ "$ms" -le $((3500 + ${TSCHAT_TIME_SLACK_MS:-0})) ] ||
	fail "--udp-peer-ttl 2: the silent member left after $ms ms, expected within 3.5 s (2 s and the sweep once a second)"
[ "$ms" -ge 1500 ] ||
	fail "--udp-peer-ttl 2: the member left after $ms ms of silence, before its 2 s"
stop_server

# --- raw framing: the token and the /join carry no newline -----------------
start_server -B --history 0 -t -u --framing raw
hub tcp r 127.0.0.1 "$PORT"
wait_for 5 test -s "$T/p/r.port" || fail "peer r could not connect"
udp_open w || fail "cannot open a UDP socket: $(cat "$T/p/w.end")"
send w 'knock'
wait_for 5 test -s "$T/p/w.sizes" || fail "a raw room: no answer to a stranger's datagram"
got=$(cat "$T/p/w.out")
stamp=$(stamp_of "$got")
printf '%s\n' "${got#"$stamp"}" | grep -Eq "$TOKEN_ERE" ||
	fail "a raw room: expected '[STAMP] *** send /join TOKEN' with no newline, got '$got'"
[ "$(tail -c 1 "$T/p/w.out" | od -An -c | tr -d ' ')" != '\n' ] ||
	fail "a raw room: the token notice ends in a newline"
send w '/join %s' "${got#"$stamp*** send /join "}"
raw_joined() {
	grep -q "\] \*\*\* $NICK_w joined (2 online)" "$T/p/r.out"
}
wait_for 5 raw_joined ||
	fail "a raw room: expected '*** $NICK_w joined (2 online)' after its /join, peer r got '$(cat "$T/p/r.out")'"
stop_server
exit 0
