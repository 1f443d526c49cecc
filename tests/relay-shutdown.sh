#!/bin/sh
# relay-shutdown.sh: a relayed server told to stop (SIGTERM) says goodbye
# through Redis before it exits. The peers of the other servers see its
# peers leave within about a second, not when its presence expires (15 s
# or more), and their nicks are free at once; a line its peer said just
# before, which Redis had not taken yet (CLIENT PAUSE WRITE), still
# reaches them. With Redis stopped (SIGSTOP), the server waits for it no
# more than a second or two.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-relay.sh"

need_redis
need_python

. "$top_srcdir/tests/lib-room.sh"

# Within this of SIGTERM the others must see the leaving.
LEAVE_MS=$((1500 + TSCHAT_TIME_SLACK_MS))

redis_start
node_start 1
node_start 2
node_start 3
node_join a1 1
node_join a2 1
node_join b1 2
node_join c1 3
rename a1 alice
rename a2 amy
rename b1 bob
rename c1 carol

# expect_leaves NAME T0 NICK...: NAME's next lines, within LEAVE_MS of T0,
# are "*** NICK left (N online)" for each NICK, in any order, counted
# down from ONLINE + the number of NICKs - 1.
expect_leaves() {
	_p=$1 _t0=$2
	shift 2
	eval "_n=\$((CUR_$_p + $#))"
	wait_for 5 has_lines "$_p" "$_n" ||
		fail "peer $_p: $* were not seen to leave within 5 s of SIGTERM to their server
$(what_came "$_p")"
	_ms=$(( $(now_ms) - _t0 ))
	[ "$_ms" -le "$LEAVE_MS" ] ||
		fail "peer $_p: $* were seen to leave $_ms ms after SIGTERM to their server, expected $LEAVE_MS ms at most"
	_count=$((ONLINE + $# - 1))
	: >"$T/left"
	for _nick in "$@"; do
		next_line "$_p"
		printf '%s\n' "$GOT_TEXT" >>"$T/left"
	done
	for _nick in "$@"; do
		grep -q "^\*\*\* $_nick left ([0-9]* online)\$" "$T/left" ||
			fail "peer $_p: expected '*** $_nick left (N online)' among:
$(cat "$T/left")"
	done
	_i=0
	while IFS= read -r _l; do
		_want=$((_count - _i))
		case $_l in
		*" left ($_want online)") ;;
		*) fail "peer $_p: expected the leaves counted down from $_count, got:
$(cat "$T/left")" ;;
		esac
		_i=$((_i + 1))
	done <"$T/left"
	note "peer $_p saw $* leave after $_ms ms: $(tr '\n' '|' <"$T/left")"
}

# --- n1 stops: alice and amy leave, everywhere, at once --------------------
t0=$(now_ms)
node_stop 1
note "n1 exited $(( $(now_ms) - t0 )) ms after SIGTERM"
for p in a1 a2; do
	expect_next "$p" "*** server shutting down"
	gone "$p"
done
for p in b1 c1; do
	expect_leaves "$p" "$t0" alice amy
done
grep -q 'relay: left the room' "$T/n1.log" ||
	fail "n1 did not log that it left the room"
# Their nicks are free at once.
rename b1 alice
rename c1 amy
sync_nodes

# --- n3 stops while Redis holds writes: its last line still comes ---------
expect_eq "CLIENT PAUSE 500 WRITE" OK "$(rcli CLIENT PAUSE 500 WRITE)"
say c1 "last words"
expect_next c1 "amy: last words"
t0=$(now_ms)
node_stop 3
note "n3 exited $(( $(now_ms) - t0 )) ms after SIGTERM"
expect_next c1 "*** server shutting down"
gone c1
expect_next b1 "amy: last words"
expect_leaves b1 "$t0" amy

# --- Redis stopped: n2 does not wait for it long ---------------------------
kill -STOP "$REDIS_PID"
t0=$(now_ms)
node_stop 2
ms=$(( $(now_ms) - t0 ))
kill -CONT "$REDIS_PID"
note "n2 exited $ms ms after SIGTERM, Redis stopped"
[ "$ms" -le $((3000 + TSCHAT_TIME_SLACK_MS)) ] ||
	fail "n2 took $ms ms to exit after SIGTERM while Redis was stopped, expected 3000 ms at most"
grep -q 'did not take the goodbye' "$T/n2.log" ||
	fail "n2 did not log that Redis did not take its goodbye"
redis_stop
