# lib-room.sh: a room's peers for the end-to-end tests, sourced after
# lib.sh: one python3 process holds every socket, and shell helpers send,
# connect and expect what each peer receives.

# --- the peers: one python3 process holds every socket ---------------------
# tests/room-hub.py, with the commands that hub() sends it listed there.
# What NAME receives is appended to p/NAME.out, the size of each datagram
# to p/NAME.sizes; p/NAME.end says how it ended ("eof": the server closed).
mkdir "$T/p" && mkfifo "$T/hub" || fail "cannot make $T/hub"
# Read-write, so that opening it never blocks and the hub never sees EOF.
exec 3<>"$T/hub"
python3 "$top_srcdir/tests/room-hub.py" "$T/p" <"$T/hub" 2>"$T/hub.err" &
HUB=$!
track $HUB

hub() {
	running "$HUB" || fail "the test's peers (python3) died: $(cat "$T/hub.err")"
	printf '%s\n' "$*" >&3
}

hexof() {
	od -An -v -tx1 | tr -d ' \n'
}

# send NAME FORMAT [ARG...]: the bytes printf makes, as they are.
send() {
	_who=$1
	shift
	hub send "$_who" "$(printf "$@" | hexof)"
}

# say NAME TEXT: one line.
say() {
	send "$1" '%s\n' "$2"
}

# --- the room as the test sees it ------------------------------------------
# PEERS: the names of the peers in the room; ONLINE: how many the room has;
# NICK_name: each one's nick; CUR_name: how many of its lines are checked.
# Each expectation is about a peer's NEXT line, so whatever a peer was not
# meant to get shows up as a failure at the next check.
PEERS=
ONLINE=0

nick_of() {
	eval "printf '%s' \"\$NICK_$1\""
}

has_lines() {
	[ "$(wc -l <"$T/p/$1.out")" -ge "$2" ]
}

# what_came NAME: the end of what NAME got, for failure messages.
what_came() {
	printf 'what %s (%s) got last:\n' "$1" "$(nick_of "$1")"
	tail -n 6 "$T/p/$1.out"
	[ -f "$T/p/$1.end" ] && printf '(its connection ended: %s)\n' \
	    "$(cat "$T/p/$1.end")"
}

# next_line NAME: wait for NAME's next whole line, into GOT.
next_line() {
	eval "_n=\$((CUR_$1 + 1))"
	wait_for 5 has_lines "$1" "$_n" ||
		fail "peer $1 ($(nick_of "$1")): expected line $_n within 5 s, nothing came
$(what_came "$1")"
	GOT=$(sed -n "${_n}p" "$T/p/$1.out")
	eval "CUR_$1=\$_n"
	GOT_TEXT=${GOT#"$(stamp_of "$GOT")"}
}

# expect_next NAME TEXT: NAME's next line is "[STAMP] TEXT".
expect_next() {
	next_line "$1"
	if [ -z "$(stamp_of "$GOT")" ] || [ "$GOT_TEXT" != "$2" ]; then
		fail "peer $1 ($(nick_of "$1")): expected line $_n
  '[STAMP] $2'
got
  '$GOT'
$(what_came "$1")"
	fi
	expect_stamped_line "$2" "$GOT"
}

# expect_next_ere NAME ERE WHAT: NAME's next line is stamped, its text
# matching ERE.
expect_next_ere() {
	next_line "$1"
	if [ -z "$(stamp_of "$GOT")" ] ||
	    ! printf '%s\n' "$GOT_TEXT" | grep -Eq -- "$2"; then
		fail "peer $1 ($(nick_of "$1")): expected $3 ('[STAMP] ' and /$2/), got
  '$GOT'
$(what_came "$1")"
	fi
}

# expect_all TEXT: every peer's next line is "[STAMP] TEXT".
expect_all() {
	for _p in $PEERS; do
		expect_next "$_p" "$1"
	done
}

# expect_each TEXT NAME...: each NAME's next line is "[STAMP] TEXT".
expect_each() {
	_text=$1
	shift
	for _p in "$@"; do
		expect_next "$_p" "$_text"
	done
}

# marker NAME...: the first NAME says a marker in the lobby; every NAME's
# next line must be it (every peer's, if only one NAME is given), so none
# got anything else before.
MARK=0
marker() {
	MARK=$((MARK + 1))
	_ms=$1
	say "$_ms" "/msg #lobby mark $MARK"
	[ $# -gt 1 ] || set -- $PEERS
	expect_each "$(nick_of "$_ms"): mark $MARK" "$@"
}

# connect NAME [HOST]: a new peer; everyone, itself included, sees it join
# under its address.
connect() {
	_host=${2:-127.0.0.1}
	hub tcp "$1" "$_host" "$PORT"
	wait_for 5 test -s "$T/p/$1.port" ||
		fail "peer $1 could not connect to $_host port $PORT: $(cat "$T/p/$1.end" "$T/hub.err" 2>/dev/null)"
	_joined "$1" "$_host"
}

# connect_tls NAME [CERT KEY] [BUF]: connect's TLS peer, to 127.0.0.1 port
# TLS_PORT, trusting only TLS_CA (default: the certificates' directory's
# ca.crt, as lib-tls.sh makes it in $T/certs) for the name localhost,
# presenting the client certificate CERT with its key KEY if given, with a
# receive buffer of BUF bytes if given.
connect_tls() {
	_name=$1
	shift
	hub tls "$_name" 127.0.0.1 "$TLS_PORT" "${TLS_CA:-$T/certs/ca.crt}" "$@"
	# The handshake itself may take the hub up to 5 s.
	wait_for 10 eval "[ -s '$T/p/$_name.port' ] || [ -s '$T/p/$_name.end' ]"
	[ -s "$T/p/$_name.port" ] ||
		fail "peer $_name could not connect over TLS to 127.0.0.1 port $TLS_PORT: $(cat "$T/p/$_name.end" "$T/hub.err" 2>/dev/null)"
	_joined "$_name" 127.0.0.1
}

# _joined NAME HOST: NAME is connected to HOST; everyone, itself included,
# sees it join under its address.
_joined() {
	_host=$2
	_port=$(cat "$T/p/$1.port")
	case $_host in
	*:*) _nick="[$_host]:$_port" ;;
	*) _nick="$_host:$_port" ;;
	esac
	eval "NICK_$1=\$_nick; CUR_$1=0"
	PEERS="$PEERS $1"
	ONLINE=$((ONLINE + 1))
	expect_all "*** $_nick joined ($ONLINE online)"
}

# gone NAME: NAME is no longer in the room (the others' notices are the
# caller's to check).
gone() {
	PEERS=$(for _p in $PEERS; do [ "$_p" = "$1" ] || printf ' %s' "$_p"; done)
	ONLINE=$((ONLINE - 1))
}

# more_after NAME: print what NAME got after the lines checked; 1 if none.
more_after() {
	eval "_n=\$CUR_$1"
	[ "$(wc -c <"$T/p/$1.out")" -gt "$(head -n "$_n" "$T/p/$1.out" | wc -c)" ] ||
		return 1
	tail -n +$((_n + 1)) "$T/p/$1.out" | head -n 5
}

# expect_nothing_more NAME: NAME got nothing after the lines checked.
expect_nothing_more() {
	! more_after "$1" >"$T/more" ||
		fail "peer $1 ($(nick_of "$1")): expected nothing after line $_n, got
$(cat "$T/more")"
}

# expect_closed NAME: the server closed NAME's connection, and sent nothing
# after what was checked.
expect_closed() {
	wait_for 5 test -s "$T/p/$1.end" ||
		fail "peer $1 ($(nick_of "$1")): expected the server to close the connection within 5 s
$(what_came "$1")"
	expect_eq "how peer $1's connection ended" eof "$(cat "$T/p/$1.end")"
	expect_nothing_more "$1"
}

# sync_room [NAME]: NAME (the first peer) says "sync K" and every peer's
# next line must be that: whatever a peer was not meant to see would come
# before it.
SYNC=0
sync_room() {
	SYNC=$((SYNC + 1))
	_s=${1:-$(set -- $PEERS; echo "$1")}
	say "$_s" "sync $SYNC"
	expect_all "$(nick_of "$_s"): sync $SYNC"
}

# refused NAME NICK [WHAT]: NAME says "/nick NICK" and is refused: its next
# line is an error notice ("*** ..."), not "... is now known as ...". WHAT
# names NICK in messages (default: NICK); with the relay (lib-relay.sh),
# they say which node NAME is on.
refused() {
	eval "_where=\${NODE_OF_$1:+ on n\$NODE_OF_$1}"
	_what="${3:-$2}$_where"
	send "$1" '/nick %s\n' "$2"
	expect_next_ere "$1" '^\*\*\* ' "an error notice for /nick $_what"
	case $GOT_TEXT in
	*"known as"*) fail "/nick $_what was accepted: '$GOT'" ;;
	esac
	note "/nick $_what: $GOT_TEXT"
}

# collect_until NAME TEXT: NAME's lines up to "[STAMP] TEXT", without it,
# into $T/collected.
collect_until() {
	: >"$T/collected"
	_i=0
	while [ $_i -lt 50 ]; do
		next_line "$1"
		[ "$GOT_TEXT" = "$2" ] && return 0
		printf '%s\n' "$GOT" >>"$T/collected"
		_i=$((_i + 1))
	done
	fail "peer $1: expected '$2' within 50 lines"
}


# udp_open NAME [SRCPORT]: a UDP socket to the server, from port SRCPORT
# (else any); 1 if it cannot be had (p/NAME.end says why).
udp_open() {
	hub udp "$1" 127.0.0.1 "$PORT" ${2:-}
	wait_for 5 eval "[ -s '$T/p/$1.port' ] || [ -s '$T/p/$1.end' ]" ||
		fail "the UDP socket $1 did not open within 5 s"
	[ -s "$T/p/$1.port" ] || return 1
	eval "NICK_$1=127.0.0.1:\$(cat '$T/p/$1.port'); CUR_$1=0; UDP_$1=1"
}

# is_udp NAME: NAME is a UDP socket.
is_udp() {
	eval "[ -n \"\${UDP_$1:-}\" ]"
}

# datagrams NAME: how many datagrams NAME got.
datagrams() {
	if [ -f "$T/p/$1.sizes" ]; then
		wc -l <"$T/p/$1.sizes" | tr -d ' '
	else
		echo 0
	fi
}

# expect_token NAME WHAT: NAME's next line is the join notice, its token in
# TOKEN.
TOKEN_ERE='^\*\*\* send /join [!-~]{1,16}$'
expect_token() {
	expect_next_ere "$1" "$TOKEN_ERE" "$2: '*** send /join TOKEN', TOKEN 1 to 16 characters"
	TOKEN=${GOT_TEXT#"*** send /join "}
}

# udp_join NAME: a UDP socket of NAME's joins the room as tschat does:
# what it says draws a token, which it sends back; everyone, itself
# included, sees it join.
udp_join() {
	udp_open "$1" || fail "cannot open the UDP socket $1: $(cat "$T/p/$1.end")"
	say "$1" "knock knock"
	expect_token "$1" "the answer to $1's first datagram"
	say "$1" "/join $TOKEN"
	PEERS="$PEERS $1"
	ONLINE=$((ONLINE + 1))
	expect_all "*** $(nick_of "$1") joined ($ONLINE online)"
}

# udp_settle: whatever the server sent the test's UDP sockets, for the
# datagrams they sent before now or for what the room said before now, is
# in their files: instead of a pause, a marker. A new stranger sends a
# datagram and waits for its token; the server reads its one UDP socket in
# order and answers a stranger at once, so any reply due before the token
# was sent before it. Closing the stranger then takes one more turn of the
# hub, which may have read the token before another socket's datagram in
# the same pass.
SETTLE=0
udp_settle() {
	SETTLE=$((SETTLE + 1))
	_us=settle$SETTLE
	udp_open "$_us" ||
		fail "cannot open the UDP socket $_us: $(cat "$T/p/$_us.end")"
	say "$_us" "settle $SETTLE"
	expect_token "$_us" "the answer to the marker datagram $_us"
	hub close "$_us"
	wait_for 5 test -s "$T/p/$_us.end" ||
		fail "the UDP socket $_us was not closed within 5 s"
}

# ---------------------------------------------------------------------------
