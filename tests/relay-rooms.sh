#!/bin/sh
# relay-rooms.sh: rooms besides the lobby, their history and private
# messages across four tschatd nodes (--relay) and a real redis-server.
# A room's lines reach its members on every node and nobody else; its
# join and leave notices count its members on every node; a newcomer on
# another node, and on a node that just started, gets the same history
# before its own join notice; /who #room and /rooms count every node; a
# private message reaches a member of another node and nobody else; lines
# sent right after a /join that waits for the room's history go to that
# room; a node reads a room's stream only while it has members in it; a UDP
# member on another node gets a room's history as datagrams; when a node
# dies, its members leave every room they were in, on the other nodes;
# Redis lets a room's keys expire; a /join that is a peer's last,
# unfinished line before a half-close is done before the peer is closed.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-relay.sh"

need_redis
need_python

. "$top_srcdir/tests/lib-room.sh"

redis_start
node_start 1 --history 3
node_start 2 --history 3 -t -u
node_start 3 --history 3

node_join a 1
node_join b 2
node_join c 3
rename a alice
rename b bob
rename c carol
A=alice B=bob C=carol

# A lobby line before anyone joins a room: history of the lobby later.
say a "lobby line"
expect_all "$A: lobby line"

# --- a room across two nodes ----------------------------------------------
say a "/join #dev"
expect_each "#dev *** $A joined (1 online)" a
say b "/join #dev"
expect_each "#dev *** $B joined (2 online)" a b
say a "hi dev"
expect_each "#dev $A: hi dev" a b
say b "/me builds"
expect_each "#dev * $B builds" a b
say b "/msg #dev l3"
expect_each "#dev $B: l3" a b
# c, on the third node, saw none of it: its next line is the lobby's.
marker c

# --- a node reads a room's stream only while it has members in it ----------
in3=$(relay_stat in "$(node_stats 3)")
in2=$(relay_stat in "$(node_stats 2)")
for i in 1 2 3 4 5; do
	say a "busy $i"
	expect_each "#dev $A: busy $i" a b
done
in3b=$(relay_stat in "$(node_stats 3)")
in2b=$(relay_stat in "$(node_stats 2)")
expect_eq "entries n3 read while #dev, which it has no member in, was busy" \
    "$in3" "$in3b"
[ "$in2b" -gt "$in2" ] ||
	fail "n2 (b is in #dev) read no entry of #dev's 5 lines: in $in2 -> $in2b"
note "entries read during 5 lines in #dev: n2 $in2 -> $in2b, n3 $in3 -> $in3b"

# --- /rooms and /who #room count every node -------------------------------
say c "/rooms"
expect_next c "*** rooms: #lobby (3), #dev (2)"
say c "/who #dev"
expect_next c "*** 2 online in #dev:"
next_line c
second=$GOT_TEXT
next_line c
third=$GOT_TEXT
case "$second
$third" in
*"*** n1: $A"*"*** n2: $B"* | *"*** n2: $B"*"*** n1: $A"*) ;;
*) fail "/who #dev on n3: expected 'n1: $A' and 'n2: $B', got:
$second
$third" ;;
esac
marker c

# --- history across nodes, and a join that waits for it ---------------------
# c joins #dev from n3, which does not read it yet: its history (the last 3
# room lines, as the other nodes sent them) comes from Redis, then its own
# join notice; the line it sent right after the /join is said in #dev.
send c '/join #dev\nright after\n'
expect_each "#dev $A: busy 3" c
expect_each "#dev $A: busy 4" c
expect_each "#dev $A: busy 5" c
expect_each "#dev *** $C joined (3 online)" a b c
expect_each "#dev $C: right after" a b c
say a "/who"
collect_until a "*** 3 online in #dev:"
[ ! -s "$T/collected" ] || fail "a: lines before /who's answer: $(cat "$T/collected")"
for k in 1 2 3; do
	next_line a
	case $GOT_TEXT in
	"*** n1: $A" | "*** n2: $B" | "*** n3: $C") ;;
	*) fail "/who in #dev on n1: expected one nick a node, got '$GOT_TEXT'" ;;
	esac
done
marker a

# --- private messages across nodes ----------------------------------------
send a '/msg %s psst \033[2J\n' "$C"
expect_next a "[PM to $C] psst ^[[2J"
expect_next c "[PM from $A] psst ^[[2J"
say c "/msg $A back"
expect_next c "[PM to $A] back"
expect_next a "[PM from $C] back"
say b "/msg nobody x"
expect_next b "*** no such nick nobody"
# b got neither: its next line is the marker.
marker b
# Private messages are not history, anywhere: the lobby's is its last 3
# lines.
rcli LRANGE 'tschat:tschat:hist:#lobby' 0 -1 >"$T/lobby-history"
expect_eq "the history Redis keeps of the lobby" \
    "$C: mark 2
$A: mark 3
$B: mark 4" "$(sed 's/^\[[^]]*\] //' "$T/lobby-history")"
# Rooms come and go: Redis lets a room's stream go a day after its last
# entry, a history 30 days after its last line.
# ttl_within KEY MIN MAX: the seconds KEY has left are in [MIN, MAX].
ttl_within() {
	_ttl=$(rcli TTL "$1")
	case $_ttl in
	''|*[!0-9]*) false ;;
	*) [ "$_ttl" -ge "$2" ] && [ "$_ttl" -le "$3" ] ;;
	esac ||
		fail "the time to live of $1: expected $2 to $3 s, got '$_ttl'"
}
ttl_within 'tschat:tschat:room:#dev' 86000 86400
ttl_within 'tschat:tschat:hist:#dev' 2591000 2592000
ttl_within 'tschat:tschat:hist:#lobby' 2591000 2592000

# --- a node that just started has the same history ---------------------------
# The lobby's history too, which the new node had no part in.
node_start 4 --history 3
wait_view 4 3
PORT=$NODE_PORT_4
hub tcp d 127.0.0.1 "$PORT"
wait_for 5 test -s "$T/p/d.port" || fail "peer d could not connect to n4"
D=127.0.0.1:$(cat "$T/p/d.port")
NICK_d=$D CUR_d=0 NODE_OF_d=4
for i in 2 3 4; do
	next_line d
done
expect_eq "the lobby's history d got on n4, which just started" \
    "$(cat "$T/lobby-history")" "$(head -n 3 "$T/p/d.out")"
PEERS="$PEERS d"
ONLINE=$((ONLINE + 1))
expect_all "*** $D joined (4 online)"
say d "/join #dev"
expect_each "#dev $A: busy 4" d
expect_each "#dev $A: busy 5" d
expect_each "#dev $C: right after" d
expect_each "#dev *** $D joined (4 online)" a b c d
# Byte for byte as c got it, its stamp included.
expect_eq "the history line d got on n4, as c got it live on n3" \
    "$(grep -F "#dev $C: right after" "$T/p/c.out" | head -n 1)" \
    "$(grep -F "#dev $C: right after" "$T/p/d.out" | head -n 1)"

# --- leaving a room, and a room that ends ---------------------------------
say b "/part #dev gone fishing"
expect_each "#dev *** $B left: gone fishing (3 online)" a b c d
say a "/rooms"
expect_next a "*** rooms: #lobby (4), #dev (3)"
# One after the other: a, c and d are on three servers, and parts said at
# once on two of them may cross in Redis, each counting the other still in.
say a "/part"
expect_each "#dev *** $A left (2 online)" a c d
say c "/part"
expect_each "#dev *** $C left (1 online)" c d
say d "/part"
expect_each "#dev *** $D left (0 online)" d
say b "/rooms"
expect_next b "*** rooms: #lobby (4)"
marker a

# --- a UDP member on another node, in a room it waits for -----------------
say a "/join #ops"
expect_next a "#ops *** $A joined (1 online)"
say a "ops line"
expect_next a "#ops $A: ops line"
PORT=$NODE_PORT_2
udp_open u || fail "cannot open a UDP socket: $(cat "$T/p/u.end")"
say u "knock knock"
expect_token u "the answer to u's first datagram"
say u "/join $TOKEN"
# The lobby's last 3 lines first, as datagrams, then its own join.
for i in 1 2 3; do
	next_line u
done
PEERS="$PEERS u"
ONLINE=$((ONLINE + 1))
U=$(nick_of u)
NODE_OF_u=2
expect_all "*** $U joined ($ONLINE online)"
# n2 reads #ops only now: its history comes from Redis first, as datagrams.
say u "/join #ops"
expect_next u "#ops $A: ops line"
expect_each "#ops *** $U joined (2 online)" a u
say u "from udp"
expect_each "#ops $U: from udp" a u
marker a

# --- a node that dies: its members leave every room they were in -----------
node_stop 2 KILL
# Within the presence's 15 s and a beat: u's leaving of #ops, and of the
# lobby (b's too), in some order.
: >"$T/gone"
wait_for 30 has_lines a $((CUR_a + 3)) ||
	fail "a on n1: expected 3 notices within 30 s of n2's death
$(what_came a)"
for i in 1 2 3; do
	next_line a
	printf '%s\n' "$GOT_TEXT" >>"$T/gone"
done
grep -qxF "#ops *** $U left (1 online)" "$T/gone" ||
	fail "a on n1: expected '#ops *** $U left (1 online)' once n2 died, got:
$(cat "$T/gone")"
grep -q "^\*\*\* $U left (" "$T/gone" ||
	fail "a on n1: expected u's leaving of the lobby once n2 died, got:
$(cat "$T/gone")"
for k in 1 3 4; do
	node_alive "$k"
done

# --- a /join that is the last, unfinished line before a half-close --------
# n3 has no member in #ops: the join waits for Redis, and the peer's end
# waits for the join. It gets #ops's history, then its own join notice,
# then the server closes. (First n3 too has seen n2 go, and u leave #ops.)
wait_for 30 grep -q 'relay: server .* is gone' "$T/n3.log" ||
	fail "n3: no 'relay: server ... is gone' in its log within 30 s of n2's death"
printf '/join #ops' >"$T/half.in"
timeout 20 "$TCPEER" send -w 10 127.0.0.1 "$NODE_PORT_3" <"$T/half.in" \
    >"$T/half.out" 2>"$T/half.err" ||
	fail "tcpeer send '/join #ops' and a half-close to n3 failed: $(cat "$T/half.err")"
sed 's/^\[[^]]*\] //' "$T/half.out" | grep '^#ops ' >"$T/half.ops"
H=$(sed -n 's/^\#ops \*\*\* \(.*\) joined (2 online)$/\1/p' "$T/half.ops")
expect_eq "what a peer that half-closed after '/join #ops' got of #ops on n3" \
    "#ops $A: ops line
#ops $U: from udp
#ops *** $H joined (2 online)" "$(cat "$T/half.ops")"
[ -n "$H" ] || fail "no join notice for the peer that half-closed: $(cat "$T/half.out")"
