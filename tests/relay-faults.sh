#!/bin/sh
# relay-faults.sh: the relay's faults against a real redis-server. A node
# whose connections Redis kills mid-flood (CLIENT KILL) logs it, tells its
# peers, reconnects and catches up from the stream: every message of every
# sender reaches every peer exactly once, in order. Entries written into
# the stream by hand (an escape, missing fields, a huge line, a bad node
# id, binary junk, a bad member id, an unknown event) crash nothing, reach
# no peer raw, and the invalid ones are counted as bad. A node killed with
# SIGKILL: the others see its peers leave within 30 s, and their nicks are
# free again. Redis killed and restarted on its port mid-chat: every peer
# hears "relay lost" then "relay restored", each node goes on as a local
# room meanwhile and logs the gap; then the room is one again.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-relay.sh"

need_redis
need_python

. "$top_srcdir/tests/lib-room.sh"

redis_start
node_start 1
node_start 2
node_start 3

node_join a1 1
node_join a2 1
node_join b1 2
node_join c1 3
node_join c2 3
rename a1 alice
rename a2 amy
rename b1 bob
rename c1 carol
rename c2 dave

# --- CLIENT KILL of n2's connections mid-flood ------------------------------
# A claim of n2's that its live members do not hold (given up while its
# relay was away, say) is freed when n2 is back; theirs are claimed again.
ID2=$(sed -n 's/.*relay: room tschat as n2 (\([0-9a-f]*\)).*/\1/p' "$T/n2.log")
[ -n "$ID2" ] || fail "n2's log does not give its id"
rcli HSET tschat:tschat:nicks stale "$ID2:999" >/dev/null
N=300
flood $N 10 0.02 a1 b1 c1
sleep 0.3
ports=$(node_redis_ports "$NODE_PID_2")
[ "$(echo $ports | wc -w)" -eq 2 ] ||
	fail "expected n2 to hold 2 connections to Redis, found: '$ports'
$(rcli CLIENT LIST)"
running "$FLOOD_PID" ||
	fail "the flood was over before the kill: make it longer"
# Both at once, in a transaction: n2 drops the other itself when one goes.
killed=$({ echo MULTI
	for port in $ports; do echo "CLIENT KILL ADDR 127.0.0.1:$port"; done
	echo EXEC; } | rcli | awk '/^[0-9]+$/ { n += $1 } END { print n + 0 }')
expect_eq "CLIENT KILL of n2's two connections: clients killed" 2 "$killed"
note "killed n2's connections to Redis (local ports $(echo $ports)) mid-flood"
flood_wait
FLOOD_ASIDE='^\*\*\* relay (lost|restored)$'
expect_flood 20 $N a1 b1 c1
FLOOD_ASIDE=
expect_eq "what n2's peer heard of its relay during the flood" \
    "*** relay lost|*** relay restored|" "$(tr '\n' '|' <"$T/aside.b1")"
for p in a1 a2 c1 c2; do
	[ ! -s "$T/aside.$p" ] ||
		fail "peer $p, on n$(eval "echo \$NODE_OF_$p"), heard of a relay it did not lose: $(cat "$T/aside.$p")"
done
sync_nodes
# One loss, one line: the log says it once.
expect_eq "n2's log lines 'relay: lost' after one CLIENT KILL of its connections" \
    1 "$(grep -c 'relay: lost' "$T/n2.log")"
[ "$(relay_connects 2)" -ge 2 ] || fail "n2 did not log its reconnection"
st=$(node_stats 2)
expect_relay_up "$st"
note "n2 after CLIENT KILL: ${st#*"; relay "}"
[ "$(relay_stat reconnects "$st")" -ge 1 ] ||
	fail "n2: expected reconnects >= 1, got '$st'"
expect_eq "n2: gaps after a dropped connection (Redis stayed up)" 0 \
    "$(relay_stat gaps "$st")"
expect_eq "n2's stale claim of 'stale' after its reconnection" 0 \
    "$(rcli HEXISTS tschat:tschat:nicks stale)"
case $(rcli HGET tschat:tschat:nicks bob) in
"$ID2":*) ;;
*) fail "after n2's reconnection, expected bob held by n2 ($ID2:...), got '$(rcli HGET tschat:tschat:nicks bob)'" ;;
esac
for k in 1 3; do
	st=$(node_stats $k)
	expect_eq "n$k: reconnects (its connections were not killed)" 0 \
	    "$(relay_stat reconnects "$st")"
done

# --- garbage in the stream -----------------------------------------------
LOG=tschat:tschat:log
# xadd_ok WHAT: redis-cli printed the new entry's ID.
xadd_ok() {
	grep -Eqx '[0-9]+-[0-9]+' "$T/xadd.out" ||
		fail "redis-cli XADD ($1): $(cat "$T/xadd.out")"
}
xadd() {
	rcli XADD $LOG '*' "$@" >"$T/xadd.out" 2>&1
	xadd_ok "$*"
}
# An escape that sets the terminal's title, from a made-up node.
xadd node 0123456789abcdef e msg m 1 l "$(printf '\033]0;PWNED\007evil')"
# Missing fields; no node; a node id of the wrong length.
xadd node 0123456789abcdef e msg
xadd e msg m 1 l "no node"
xadd node abc e msg m 1 l "short node id"
xadd node 0123456789abcdef0 e msg m 1 l "long node id"
# A huge line, far over --max-line.
head -c 200000 /dev/zero | tr '\0' x |
    rcli -x XADD $LOG '*' node 0123456789abcdef e msg m 1 l >"$T/xadd.out" 2>&1
xadd_ok "a huge line"
# Binary junk: NULs, invalid UTF-8, C0 and C1 controls, in the line and in
# the field names, and a newline inside a line.
printf '\000\377\376\001\r\302\233[31m\342\200\256junk\000' |
    rcli -x XADD $LOG '*' node 0123456789abcdef e msg m 1 l >"$T/xadd.out" 2>&1
xadd_ok "binary junk"
# A field of binary junk before a good event: one bad event, then the
# good one.
printf '%s\n' "XADD $LOG * node 0123456789abcdef \"\\x00\\xff\\x1b\" junk e msg m 1 l \"after a binary field\"" |
    rcli >"$T/xadd.out" 2>&1
xadd_ok "a binary field name"
xadd node 0123456789abcdef e msg m 1 l "$(printf 'two\nlines')"
# A non-numeric and an out-of-range member id; an unknown event; a join
# under a nick that is an escape.
xadd node 0123456789abcdef e msg m one l "m is not a number"
xadd node 0123456789abcdef e msg m 99999999999 l "m is too big"
xadd node 0123456789abcdef e frob m 1 l "unknown event"
xadd node 0123456789abcdef e join m 2 n "$(printf '\033[2J')" l "evil joined"
# A nick with a ':' is taken for an address only if it looks like one.
xadd node 0123456789abcdef e join m 3 n "$(printf 'x:\302\233\302\233')" l "evil joined"
nbad=12
say a2 "after the garbage"
for p in $PEERS; do
	collect_until "$p" "amy: after the garbage"
	cp "$T/collected" "$T/garbage.$p"
done
for k in 1 2 3; do
	node_alive $k
done
# What came of it, on any node: no raw control but the newline, no
# invalid UTF-8, no huge line; the escape neutralised, or dropped.
for p in $PEERS; do
	python3 "$top_srcdir/tests/expect-terminal-safe.py" "$T/p/$p.out" \
	    >"$T/unsafe" 2>&1 ||
		fail "peer $p got something unsafe: $(cat "$T/unsafe")"
	long=$(awk 'length($0) > 40000 { print NR ": " length($0) " bytes" }' \
	    "$T/p/$p.out" | head -n 1)
	[ -z "$long" ] || fail "peer $p got a huge line: $long"
	if grep -qF 'PWNED' "$T/garbage.$p"; then
		grep -qxF '^[]0;PWNED^Gevil' "$T/garbage.$p" ||
			grep -qF ' ^[]0;PWNED^Gevil' "$T/garbage.$p" ||
			fail "peer $p: expected the escape as '^[]0;PWNED^Gevil', got:
$(grep -F PWNED "$T/garbage.$p")"
	fi
	grep -qF 'xxxxxxxxxx' "$T/garbage.$p" &&
		fail "peer $p got (part of) the huge line"
	note "peer $p got of the garbage: $(tr '\n' '|' <"$T/garbage.$p")"
done
for k in 1 2 3; do
	st=$(node_stats $k)
	expect_relay_up "$st"
	b=$(relay_stat bad "$st")
	[ -n "$b" ] && [ "$b" -ge "$nbad" ] ||
		fail "n$k: expected at least $nbad bad entries counted, got '$b': '$st'"
	note "n$k after the garbage: bad $b"
done
sync_nodes
say c1 "still one room"
expect_all "carol: still one room"

# --- SIGKILL of n3 with two peers ------------------------------------------
t0=$(now_ms)
node_stop 3 KILL
for p in c1 c2; do
	wait_for 5 test -s "$T/p/$p.end" ||
		fail "peer $p: its connection did not end when n3 was killed"
	gone "$p"
done
# 30 s for the first to hear of it; the other node checks on its own beat.
secs=30
for p in $PEERS; do
	eval "_n=\$((CUR_$p + 2))"
	wait_for $secs has_lines "$p" "$_n" ||
		fail "peer $p on n$(eval "echo \$NODE_OF_$p"): carol and dave (on n3, killed $(( ($(now_ms) - t0) / 1000 )) s ago) were not seen to leave
$(what_came "$p")"
	[ $(( $(now_ms) - t0 )) -le 30000 ] ||
		fail "peer $p: carol and dave (on n3, killed) were seen to leave only after $(( $(now_ms) - t0 )) ms, expected 30 s at most"
	secs=5
	next_line "$p"
	l1=$GOT_TEXT
	next_line "$p"
	l2=$GOT_TEXT
	case "$l1|$l2" in
	"*** carol left (4 online)|*** dave left (3 online)" | \
	"*** dave left (4 online)|*** carol left (3 online)") ;;
	*) fail "peer $p: expected carol and dave to leave, counted down to 3, got
  '$l1'
  '$l2'" ;;
	esac
done
note "n3 killed: its peers were seen leaving after $(( $(now_ms) - t0 )) ms"
grep -q 'relay: server .* is gone' "$T/n1.log" ||
	note "n1 did not log n3's end"
# Their nicks are free.
rename a2 carol
rename b1 dave
sync_nodes

# --- redis-server killed and restarted on its port --------------------------
lost1=$(grep -c 'relay: lost' "$T/n1.log")
lost2=$(grep -c 'relay: lost' "$T/n2.log")
redis_stop KILL
expect_all "*** relay lost"
# Each node is a room of its own meanwhile.
say a1 "alone on n1"
expect_next a1 "alice: alone on n1"
expect_next a2 "alice: alone on n1"
say b1 "alone on n2"
expect_next b1 "dave: alone on n2"
# Its /who counts and names only its own peers: the others cannot hear it.
say a1 /who
say a1 "after who alone"
collect_until a1 "alice: after who alone"
expect_next a2 "alice: after who alone"
grep -q '\*\*\* 2 online:$' "$T/collected" ||
	fail "/who on n1 while Redis is down: expected '2 online:', got:
$(cat "$T/collected")"
grep -q 'dave' "$T/collected" &&
	fail "/who on n1 while Redis is down lists dave, on n2:
$(cat "$T/collected")"
sleep 1
redis_start
for p in $PEERS; do
	eval "_n=\$((CUR_$p + 1))"
	wait_for 10 has_lines "$p" "$_n" ||
		fail "peer $p on n$(eval "echo \$NODE_OF_$p"): no '*** relay restored' within 10 s of Redis's restart
$(what_came "$p")"
	expect_next "$p" "*** relay restored"
done
for k in 1 2; do
	eval "lost=\$((\$(grep -c 'relay: lost' \"\$T/n$k.log\") - lost$k))"
	expect_eq "n$k's log lines 'relay: lost' while Redis was down and restarted" \
	    1 "$lost"
	grep -v 'stats:' "$T/n$k.log" | grep -Eq 'relay: .*(went back|gap|recover)' ||
		fail "n$k did not log that the gap was not recoverable"
	st=$(node_stats $k)
	expect_relay_up "$st"
	expect_eq "n$k: gaps after Redis restarted" 1 "$(relay_stat gaps "$st")"
	note "n$k after Redis restarted: $(grep -v 'stats:' "$T/n$k.log" |
	    grep -E 'went back|gap|recover' | tail -n 1)"
done
say a1 "together again"
expect_all "alice: together again"
say b1 "from n2 too"
expect_all "dave: from n2 too"
# The room-wide state came back on each node, whichever reconnected
# first: /who and its count, and nick uniqueness.
for p in a1 b1; do
	k=$(eval "echo \$NODE_OF_$p")
	say "$p" /who
	say a2 "after who on n$k"
	collect_until "$p" "carol: after who on n$k"
	for q in $PEERS; do
		[ "$q" = "$p" ] || expect_next "$q" "carol: after who on n$k"
	done
	for n in "3 online:" alice carol dave; do
		grep -qF -- "$n" "$T/collected" ||
			fail "/who on n$k after Redis restarted: expected '$n', got:
$(cat "$T/collected")"
	done
done
refused b1 alice
refused b1 CAROL
refused a1 DAVE
sync_nodes

# A server's name read from Redis is checked like --node-name: one holding
# an escape is not shown, and that server's members are listed under its
# id. (Its presence hash has no expiry: it stays in the room until the end.)
rcli HSET tschat:tschat:node:fedcba9876543210 _node fedcba9876543210 \
    _name "$(printf 'x\033[2Jy')" 7 ghost >/dev/null
xadd node fedcba9876543210 s 1 e sync
tries=0
while :; do
	say a1 /who
	say a2 "after the ghost's who $tries"
	collect_until a1 "carol: after the ghost's who $tries"
	for q in $PEERS; do
		[ "$q" = a1 ] || expect_next "$q" "carol: after the ghost's who $tries"
	done
	grep -qF ghost "$T/collected" && break
	tries=$((tries + 1))
	[ $tries -lt 10 ] ||
		fail "/who on n1 never listed ghost, the member of a server made up in Redis:
$(cat "$T/collected")"
	sleep 0.2
done
grep -q '\*\*\* fedcba9876543210: ghost$' "$T/collected" ||
	fail "/who on n1: expected 'fedcba9876543210: ghost' (a server whose name is not valid), got:
$(cat "$T/collected")"
if tr -d '\n' <"$T/collected" | grep -q "$(printf '\033')"; then
	fail "/who on n1 passed an escape from a server's name in Redis raw"
fi

for k in 1 2; do
	node_stop $k
done
redis_stop
