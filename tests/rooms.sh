#!/bin/sh
# rooms.sh: several rooms on one tschatd --broadcast, over TCP and UDP.
# History on join (the room's last --history lines, byte for byte, before
# the joiner's own join notice; not notices); tags on the lines of rooms
# other than the lobby; /join, /part, /msg to a room and to a nick, /who
# #room, /rooms; nick changes and leaving announced in each room the peer
# is in; the current room; --max-rooms and --max-joins; a room that ends
# keeps its history for whoever makes it again; private messages reach
# their addressee and sender only, neutralised.
. "$top_srcdir/tests/lib.sh"

need_python

. "$top_srcdir/tests/lib-room.sh"
start_server -B --history 3 --max-rooms 2 --max-joins 2

# open NAME: a new peer whose own join notice, after HISTORY lines of
# history (checked by the caller first), comes later: it only connects.
open_peer() {
	hub tcp "$1" 127.0.0.1 "$PORT"
	wait_for 5 test -s "$T/p/$1.port" ||
		fail "peer $1 could not connect: $(cat "$T/p/$1.end" "$T/hub.err" 2>/dev/null)"
	eval "NICK_$1=127.0.0.1:\$(cat '$T/p/$1.port'); CUR_$1=0"
}

# --- history in the lobby ------------------------------------------------
open_peer a
expect_next a "*** $NICK_a joined (1 online)"
for i in 1 2 3 4; do
	say a "l$i"
	expect_next a "$NICK_a: l$i"
done
say a "/me stretches"
expect_next a "* $NICK_a stretches"
open_peer b
# The last three room lines, not the join notice, then b's own.
expect_each "$NICK_a: l3" b
expect_each "$NICK_a: l4" b
expect_each "* $NICK_a stretches" b
expect_each "*** $NICK_b joined (2 online)" a b
# History is the lines as they were sent, their own stamps included.
expect_eq "b's first line of history, byte for byte as a got it" \
    "$(sed -n 4p "$T/p/a.out")" "$(sed -n 1p "$T/p/b.out")"
open_peer c
expect_each "$NICK_a: l3" c
expect_each "$NICK_a: l4" c
expect_each "* $NICK_a stretches" c
expect_each "*** $NICK_c joined (3 online)" a b c

# --- /join, tags, the current room ---------------------------------------
say a "/join #dev"
expect_each "#dev *** $NICK_a joined (1 online)" a
say b "/join #DEV"
expect_each "#dev *** $NICK_b joined (2 online)" a b
say b "the build is green"
expect_each "#dev $NICK_b: the build is green" a b
say a "/me waves"
expect_each "#dev * $NICK_a waves" a b
say a "/join #dev"
expect_next a "*** #dev is your current room"
# c is in the lobby only: it saw none of it.
marker c a b
# /msg to a room: said there; to a room one is not in: refused.
say b "/msg #lobby to everyone"
expect_each "$NICK_b: to everyone" a b c
say c "/msg #dev let me in"
expect_next c "*** you are not in #dev"
say c "/msg #nowhere hello"
expect_next c "*** you are not in #nowhere"
marker c a b

# --- nicks: announced in each room; private messages ---------------------
A_ADDR=$NICK_a
say a "/nick alice"
# b shares the lobby and #dev with alice: two notices; c one.
expect_each "*** $NICK_a is now known as alice" a b c
expect_each "#dev *** $NICK_a is now known as alice" a b
NICK_a=alice
say b "/nick #bob"
expect_next b "*** a nick may not start with '#', which names rooms"
say b "/msg alice psst"
expect_next a "[PM from $NICK_b] psst"
expect_next b "[PM to alice] psst"
send b '/msg ALICE \033[31mred\r\n'
expect_next a "[PM from $NICK_b] ^[[31mred"
expect_next b "[PM to alice] ^[[31mred"
say b "/msg nobody hello"
expect_next b "*** no such nick nobody"
say b "/msg alice"
expect_next b "*** usage: /msg NICK|#ROOM TEXT"
# c saw none of it, and private messages are never history.
marker c a b

# --- /who #room, /rooms ----------------------------------------------------
say c "/who #dev"
expect_next c "*** 2 online in #dev:"
expect_next c "*** $NICK_b, alice"
say c "/who #nowhere"
expect_next c "*** no such room #nowhere"
say c "/rooms"
expect_next c "*** rooms: #lobby (3), #dev (2)"
say c "/who"
expect_next c "*** 3 online:"
expect_next_ere c "^\\*\\*\\* " "the lobby's nicks"

# --- limits ----------------------------------------------------------------
say a "/join #x"
expect_each "#x *** alice joined (1 online)" a
say a "/join #y"
expect_next a "*** you are in too many rooms"
say c "/join #z"
expect_next c "*** too many rooms"
say c "/join dev"
expect_next_ere c "^\\*\\*\\* a room's name is '#'" "the room name rule"
say c "/join #a b"
expect_next_ere c "^\\*\\*\\* a room's name is '#'" "the room name rule"
say c "/part #lobby"
expect_next c "*** you cannot leave #lobby"
say c "/part #dev"
expect_next c "*** you are not in #dev"
marker c a b

# --- a room that ends keeps its history -------------------------------------
say a "in x"
expect_next a "#x alice: in x"
say a "/part #x done"
expect_next a "#x *** alice left: done (0 online)"
say a "/rooms"
expect_next a "*** rooms: #lobby (3), #dev (2)"
# alice's current room was #x: the lobby now.
say a "back"
expect_each "alice: back" a b c
say c "/join #x"
expect_next c "#x alice: in x"
expect_next c "#x *** $NICK_c joined (1 online)"
say c "/part"
expect_next c "#x *** $NICK_c left (0 online)"

# --- /part with a reason; leaving the server, once per room -----------------
say b "/part #dev later"
expect_each "#dev *** $NICK_b left: later (1 online)" a b
say b "lobby again"
expect_each "$NICK_b: lobby again" a b c
say c "/join #dev"
expect_next c "#dev $NICK_b: the build is green"
expect_next c "#dev * $A_ADDR waves"
expect_each "#dev *** $NICK_c joined (2 online)" a c
say a "/quit bye"
expect_each "#dev *** alice left: bye (1 online)" c
expect_each "*** alice left: bye (2 online)" b c
expect_closed a
marker b c

# --- UDP members use the same commands ---------------------------------------
stop_server
start_server -B -t -u --history 2
open_peer t
expect_next t "*** $NICK_t joined (1 online)"
udp_open u || fail "cannot open a UDP socket: $(cat "$T/p/u.end")"
say u "knock"
expect_token u "the answer to u's first datagram"
say u "/join $TOKEN"
expect_each "*** $NICK_u joined (2 online)" t u
say t "/join #udp"
expect_next t "#udp *** $NICK_t joined (1 online)"
say t "one"
expect_next t "#udp $NICK_t: one"
say t "two"
expect_next t "#udp $NICK_t: two"
n0=$(datagrams u)
say u "/join #udp"
# The history, then the join notice, each a datagram of its own.
expect_next u "#udp $NICK_t: one"
expect_next u "#udp $NICK_t: two"
expect_each "#udp *** $NICK_u joined (2 online)" t u
expect_eq "datagrams for u's history and join notice" $((n0 + 3)) \
    "$(datagrams u)"
say u "from udp"
expect_each "#udp $NICK_u: from udp" t u
say u "/nick udpu"
expect_each "*** $NICK_u is now known as udpu" t u
expect_each "#udp *** $NICK_u is now known as udpu" t u
say t "/msg udpu psst"
expect_next u "[PM from $NICK_t] psst"
expect_next t "[PM to udpu] psst"
say u "/rooms"
expect_next u "*** rooms: #lobby (2), #udp (2)"
