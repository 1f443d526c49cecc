#!/bin/sh
# relay-config.sh: how tschatd --relay finds and enters Redis. A bad URL,
# --relay-prefix or --node-name, or --relay without --broadcast, is a usage error
# (two lines, status 2). An unreachable Redis at start is not fatal: the
# server serves its local room, logs the loss once, and joins Redis when
# it appears. AUTH works with the password in the URL, in
# TSCHAT_RELAY_PASSWORD, and with a user (ACL); a wrong password is logged
# and relays nothing. unix:PATH works; /DB puts the keys in that database;
# --relay-prefix keeps two groups of servers apart on one Redis.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-relay.sh"

need_redis
need_python

# run ARGS...: tschatd ARGS; stdout, stderr and status into $T/out,
# $T/err and $RC. A tschatd that takes its arguments runs: it is stopped
# after 3 s (status 124).
run() {
	RC=0
	timeout 3 "$TSCHATD" "$@" >"$T/out" 2>"$T/err" </dev/null || RC=$?
}

# usage_error WORD ARGS...: "tschatd: ..." naming WORD, then "Try
# 'tschatd --help'.", on stderr; nothing on stdout; status 2.
usage_error() {
	word=$1
	shift
	run "$@"
	[ "$RC" -eq 2 ] ||
		fail "tschatd $*: expected status 2 (a usage error), got $RC (stderr: $(cat "$T/err"))"
	[ ! -s "$T/out" ] || fail "tschatd $*: expected nothing on stdout, got: $(cat "$T/out")"
	n=$(wc -l <"$T/err")
	[ "$n" -eq 2 ] || fail "tschatd $*: expected 2 lines on stderr, got $n:
$(cat "$T/err")"
	first=$(line 1 "$T/err")
	case $first in
	"tschatd: "*"$word"*) ;;
	*) fail "tschatd $*: expected a first line 'tschatd: ...' naming '$word', got '$first'" ;;
	esac
	expect_eq "tschatd $*: the second line" "Try 'tschatd --help'." \
	    "$(line 2 "$T/err")"
	note "tschatd $*: $first"
}

# --- usage errors ----------------------------------------------------------
for url in http://x redis:// redis://h:99999 unix:relative redis://h:0 \
    redis://h:x redis://:pw@ redis://h/x redis://h/-1 'redis://[::1' \
    redis://h:6379:1 unix: '' localhost:6379; do
	usage_error "$url" -B -b 127.0.0.1 -p 0 --relay "$url"
done
usage_error --broadcast -b 127.0.0.1 -p 0 --relay redis://127.0.0.1:1
for name in '' 'two words' "$(printf 'x\033y')" 'a/b' \
    xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; do
	usage_error --relay-prefix -B -b 127.0.0.1 -p 0 --relay redis://127.0.0.1:1 \
	    --relay-prefix "$name"
	usage_error --node-name -B -b 127.0.0.1 -p 0 \
	    --relay redis://127.0.0.1:1 --node-name "$name"
done

. "$top_srcdir/tests/lib-room.sh"

# reset_room: the peers are gone with their nodes.
reset_room() {
	PEERS=
	ONLINE=0
}

# skip_restored NAME: NAME's next line may be "*** relay restored" (it may
# have joined while the relay was down): take it if so.
skip_restored() {
	eval "_n=\$((CUR_$1 + 1))"
	if has_lines "$1" "$_n" && [ "$(sed -n "${_n}p" "$T/p/$1.out" |
	    sed 's/^\[[^]]*\] //')" = "*** relay restored" ]; then
		eval "CUR_$1=\$_n"
	fi
}

# --- an unreachable Redis at start ------------------------------------------
REDIS_PORT=$(free_port)
NODE_NOWAIT=1 node_start 1
NODE_NOWAIT=0
node_join x1 1
say x1 "alone here"
expect_all "$(nick_of x1): alone here"
sleep 1
node_alive 1
expect_eq "n1's log lines 'relay: lost' after 1 s without Redis" 1 \
    "$(grep -c 'relay: lost' "$T/n1.log")"
[ "$(relay_connects 1)" -eq 0 ] ||
	fail "n1 says its relay connected, with no Redis on port $REDIS_PORT"
t0=$(now_ms)
redis_start
wait_for 7 _node_connected_after 1 0 ||
	fail "n1 did not connect to Redis within 7 s of its start"
note "n1 connected $(( $(now_ms) - t0 )) ms after Redis started, 1 s after n1"
expect_eq "n1's log lines 'relay: lost' once connected" 1 \
    "$(grep -c 'relay: lost' "$T/n1.log")"
# It relays now: a second node's peer joins the same room.
node_start 2
skip_restored x1
node_join y1 2
say x1 "through Redis"
expect_all "$(nick_of x1): through Redis"
node_stop 1
node_stop 2
reset_room

# --- a database number -------------------------------------------------------
expect_eq "FLUSHALL" OK "$(rcli FLUSHALL)"
RELAY_URL="redis://127.0.0.1:$REDIS_PORT/3"
node_start 3
node_start 4
RELAY_URL=
node_join x3 3
node_join y4 4
say x3 "in db 3"
expect_all "$(nick_of x3): in db 3"
expect_eq "EXISTS tschat:tschat:log in DB 3 (--relay .../3)" 1 \
    "$(rcli -n 3 EXISTS tschat:tschat:log)"
expect_eq "EXISTS tschat:tschat:log in DB 0 (--relay .../3)" 0 \
    "$(rcli -n 0 EXISTS tschat:tschat:log)"
node_stop 3
node_stop 4
reset_room

# --- --relay-prefix: two groups of servers on one Redis --------------------
node_start 5
node_start 6 --relay-prefix other
node_start 7 --relay-prefix other
node_join x5 5
# x5 is alone in its room; y6 and z7 share theirs, and count only
# themselves.
PEERS=
ONLINE=0
node_join y6 6
node_join z7 7
say y6 "in the other room"
expect_all "$(nick_of y6): in the other room"
say x5 "in the tschat room"
expect_next x5 "$(nick_of x5): in the tschat room"
sync_room z7
expect_nothing_more x5
for k in 5 6 7; do
	st=$(node_stats $k)
	case $k in
	5) want=0 ;;
	6) want=1 ;;
	7) want=1 ;;
	esac
	expect_eq "n$k: remote members" "$want" "$(relay_stat "remote members" "$st")"
done
expect_eq "EXISTS tschat:other:log" 1 "$(rcli EXISTS tschat:other:log)"
node_stop 5
node_stop 6
node_stop 7
reset_room
redis_stop

# --- AUTH ----------------------------------------------------------------------
REDIS_PORT=
REDIS_PASS=secret
redis_start --requirepass secret
rcli ACL SETUSER relay on '>relaypw' '~tschat:*' '+@all' >/dev/null
RELAY_URL="redis://:secret@127.0.0.1:$REDIS_PORT"
node_start 8
RELAY_URL="redis://relay:relaypw@127.0.0.1:$REDIS_PORT"
node_start 9
RELAY_URL=
TSCHAT_RELAY_PASSWORD=secret
export TSCHAT_RELAY_PASSWORD
node_start 10
unset TSCHAT_RELAY_PASSWORD
tr '\0' ' ' <"/proc/$NODE_PID_10/cmdline" | grep -q secret &&
	fail "the password in TSCHAT_RELAY_PASSWORD shows in ps: $(tr '\0' ' ' <"/proc/$NODE_PID_10/cmdline")"
node_join x8 8
node_join y9 9
node_join z10 10
say x8 "password in the URL"
expect_all "$(nick_of x8): password in the URL"
say y9 "user and password"
expect_all "$(nick_of y9): user and password"
say z10 "password from the environment"
expect_all "$(nick_of z10): password from the environment"
# A wrong password: logged, and nothing relayed.
RELAY_URL="redis://:wrong@127.0.0.1:$REDIS_PORT"
NODE_NOWAIT=1 node_start 11
NODE_NOWAIT=0
RELAY_URL=
wait_for 5 grep -Eqi 'WRONGPASS|invalid (username-)?password|NOAUTH|auth' \
    "$T/n11.log" ||
	fail "n11 (a wrong password) did not log the failure within 5 s"
note "n11, a wrong password: $(grep -Ei 'WRONGPASS|password|NOAUTH|auth' "$T/n11.log" | head -n 1)"
saved_peers=$PEERS saved_online=$ONLINE
PEERS=
ONLINE=0
node_connect w11 11
say w11 "not relayed"
expect_next w11 "$(nick_of w11): not relayed"
PEERS=$saved_peers ONLINE=$saved_online
sync_nodes
for p in x8 y9 z10; do
	grep -qF 'not relayed' "$T/p/$p.out" &&
		fail "peer $p got what w11 said on n11, whose password is wrong"
done
[ "$(relay_connects 11)" -eq 0 ] ||
	fail "n11 says its relay connected with a wrong password"
node_alive 11
st=$(node_stats 11)
case $st in
*"; relay up"*) fail "n11, with a wrong password: expected its relay down, got '$st'" ;;
esac
for k in 8 9 10 11; do
	node_stop $k
done
reset_room
redis_stop

# --- unix:PATH ------------------------------------------------------------------
REDIS_PASS=
REDIS_PORT=0
REDIS_SOCK=$T/redis.sock
redis_start --unixsocket "$REDIS_SOCK" --unixsocketperm 700
node_start 12
node_start 13
node_join x12 12
node_join y13 13
say x12 "through a unix socket"
expect_all "$(nick_of x12): through a unix socket"
say y13 "and back"
expect_all "$(nick_of y13): and back"
expect_eq "EXISTS tschat:tschat:log (unix:$REDIS_SOCK)" 1 \
    "$(rcli EXISTS tschat:tschat:log)"
node_stop 12

# Without --node-name a server is HOSTNAME:PORT, the port it got for -p 0.
NODE_UNNAMED=1 node_start 14
grep -qF "relay: room tschat as $(uname -n):$NODE_PORT_14 (" "$T/n14.log" ||
	fail "n14, unnamed, on port $NODE_PORT_14: expected 'as $(uname -n):$NODE_PORT_14' in its log, got:
$(grep 'relay: room' "$T/n14.log")"
node_stop 13
node_stop 14
redis_stop
