#!/bin/sh
# max-line.sh: --max-line 100 in a room. A longer line reaches the others
# cut at 100 bytes, at a character boundary; its sender gets one "*** line
# too long"; the next line is whole. A 10 MB line without a newline costs
# the server no memory to speak of, and the connection is usable after its
# newline.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-limits.sh"

need_proc
MAX=100
BIG=$((10 * 1024 * 1024))
LIMIT_KIB=4096
NICK_RE='127\.0\.0\.1:[0-9]*'

# strip FILE: its lines without the stamp, nicks as NICK.
strip() {
	sed "s/^$STAMP_GLOB//; s/^$NICK_RE: /NICK: /; s/^\\*\\*\\* $NICK_RE /*** NICK /" "$1"
}

start_server --broadcast --history 0 --max-line $MAX
"$TCPEER" recv -w 60 127.0.0.1 "$PORT" >"$T/listener" 2>"$T/listener.err" &
LISTENER=$!
track "$LISTENER"
wait_log 5 'connected (1 online)' || fail "the listening peer did not connect"

# 300 ASCII bytes, 100 three-byte characters (300 bytes), a short line.
digits=$(printf '%s' 0123456789 0123456789 0123456789 0123456789 \
    0123456789 0123456789 0123456789 0123456789 0123456789 0123456789)
ascii=$digits$digits$digits
cjk=
i=0
while [ $i -lt 100 ]; do
	cjk="$cjk字"
	i=$((i + 1))
done
printf '%s\n%s\nnormal\n' "$ascii" "$cjk" >"$T/lines"
"$TCPEER" send -w 5 127.0.0.1 "$PORT" <"$T/lines" >"$T/sender" \
    2>"$T/sender.err" || fail "tcpeer send: $(cat "$T/sender.err")"

head100=$digits
# 33 whole characters: 99 bytes; a 34th would end at byte 102.
cjk33=$(printf '%s' "$cjk" | head -c 99)
cat >"$T/sender.want" <<EOF
*** NICK joined (2 online)
NICK: $head100
*** line too long
NICK: $cjk33
*** line too long
NICK: normal
EOF
strip "$T/sender" >"$T/sender.got"
expect_file_eq "what the sender got (stamps taken off, its nick as NICK)" \
    "$T/sender.want" "$T/sender.got"

# The others get the heads, once, and no notice.
wait_for 5 grep -q 'normal$' "$T/listener" ||
	fail "the other peer did not get 'normal': $(cat "$T/listener")"
cat >"$T/listener.want" <<EOF
*** NICK joined (1 online)
*** NICK joined (2 online)
NICK: $head100
NICK: $cjk33
NICK: normal
EOF
wait_for 5 grep -q 'left (1 online)$' "$T/listener" ||
	fail "the other peer did not see the sender leave: $(cat "$T/listener")"
echo '*** NICK left (1 online)' >>"$T/listener.want"
strip "$T/listener" >"$T/listener.got"
expect_file_eq "what the other peer got (stamps taken off, nicks as NICK)" \
    "$T/listener.want" "$T/listener.got"

# 10 MB without a newline, then the newline and one more line.
{
	head -c $BIG /dev/zero | tr '\0' x
	printf '\nafter\n'
} >"$T/big"
rss0=$(vmrss_kib "$SERVER_PID")
hwm0=$(vmhwm_kib "$SERVER_PID")
t0=$(now_ms)
"$TCPEER" send -w 30 127.0.0.1 "$PORT" <"$T/big" >"$T/sender" \
    2>"$T/sender.err" || fail "tcpeer send of a 10 MB line: $(cat "$T/sender.err")"
took=$(elapsed_since "$t0")
hwm1=$(vmhwm_kib "$SERVER_PID")
rss1=$(vmrss_kib "$SERVER_PID")
note "a line of $BIG bytes: taken in $took s; VmRSS $rss0 KiB before, $rss1 KiB after; peak (VmHWM) $hwm0 KiB before, $hwm1 KiB after"
[ $((hwm1 - rss0)) -le $LIMIT_KIB ] ||
	fail "expected a line of $BIG bytes to cost the server at most $LIMIT_KIB KiB; its peak memory went from $rss0 KiB to $hwm1 KiB"
xs=$(printf '%s' "$(head -c $MAX "$T/big")")
cat >"$T/sender.want" <<EOF
*** NICK joined (2 online)
NICK: $xs
*** line too long
NICK: after
EOF
strip "$T/sender" >"$T/sender.got"
expect_file_eq "what the sender of the 10 MB line got" "$T/sender.want" \
    "$T/sender.got"
wait_for 5 eval '[ "$(grep -c "left (1 online)\$" "$T/listener")" -eq 2 ]' ||
	fail "the other peer did not see the sender of the 10 MB line leave: $(cat "$T/listener")"
cat >>"$T/listener.want" <<EOF
*** NICK joined (2 online)
NICK: $xs
NICK: after
*** NICK left (1 online)
EOF
strip "$T/listener" >"$T/listener.got"
expect_file_eq "what the other peer got in all" "$T/listener.want" \
    "$T/listener.got"

stats=$(server_stats)
note "$stats"
expect_stat "lines cut" 3 "$stats"
stop_server
wait_exit "$LISTENER" 5 || fail "the listening peer was not closed at shutdown"

# The server's own notices do not depend on --max-line: with --max-line 4
# and 24 peers known by their addresses, /who lists every one of them (its
# lines are far longer than 4 bytes).
start_server --broadcast --history 0 --max-line 4 --line-rate 0
i=0
while [ $i -lt 24 ]; do
	"$TCPEER" recv -w 30 127.0.0.1 "$PORT" >/dev/null 2>&1 &
	track $!
	i=$((i + 1))
done
wait_log 10 'connected (24 online)' || fail "24 peers did not connect"
printf '/who\n' | "$TCPEER" send -w 5 127.0.0.1 "$PORT" >"$T/who" \
    2>"$T/who.err" || fail "tcpeer send /who: $(cat "$T/who.err")"
server_alive
grep -q '\*\*\* 25 online:$' "$T/who" ||
	fail "/who with --max-line 4: expected '*** 25 online:', got:
$(cat "$T/who")"
n=$(grep -v 'online:$\|joined' "$T/who" | grep '\*\*\* 127' | tr ',' '\n' |
    grep -c '127\.0\.0\.1:[0-9]')
expect_eq "addresses listed by /who with --max-line 4" 25 "$n"
stop_server
exit 0
