#!/bin/sh
# room.sh: tschatd --broadcast over TCP. Every message reaches every peer,
# the sender included, as "[STAMP] NICK: TEXT"; a peer's first nick is its
# address; joins, leaves and renames are announced with the right count;
# the commands (/nick and its refusals, /who, /me, /help, /quit, //text, an
# unknown one) answer whom they should and no one else; empty lines are
# ignored; relayed text is neutralised byte for byte as DESIGN.md lists; a
# raw room has no commands; each sender's lines arrive in order and once;
# a half-closed peer gets its own last line back before the close.
. "$top_srcdir/tests/lib.sh"

need_python

. "$top_srcdir/tests/lib-room.sh"
start_server -B --history 0

# Joins: each peer's first nick is its address, announced to everyone with
# the count, to the newcomer too.
connect a
connect b
connect c
note "peers a b c: $NICK_a $NICK_b $NICK_c"

# A message reaches every peer, its sender included.
say a "hello, room"
expect_all "$NICK_a: hello, room"
say b "Python编程 ✓ 😀"
expect_all "$NICK_b: Python编程 ✓ 😀"

# /nick: announced to all; a change of case of one's own nick is a change.
say a "/nick alice"
expect_all "*** $NICK_a is now known as alice"
NICK_a=alice
say a "/nick Alice"
expect_all "*** alice is now known as Alice"
NICK_a=Alice
say a "after the rename"
expect_all "Alice: after the rename"

# Refused nicks: an error notice to the sender only, the nick unchanged.
refused b alice "alice (taken)"
refused b ALICE "ALICE (taken, in another case)"
refused b Alice "Alice (taken)"
refused b abcdefghijklmnopqrstuvwxyz0123456 "of 33 characters"
refused b "two words" "'two words' (a space)"
refused b "$(printf 'ctl\001x')" "with a control (^A)"
refused b "$(printf 'tab\tx')" "with a TAB"
refused b "$(printf '\342\200\256evil')" "with U+202E"
refused b "$(printf 'zero\342\200\213width')" "with U+200B"
refused b "a:b" "with ':'"
sync_room a
say b "still me"
expect_all "$NICK_b: still me"

# 32 characters are enough, and characters are code points, not bytes.
cjk=一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二
say b "/nick $cjk"
expect_all "*** $NICK_b is now known as $cjk"
NICK_b=$cjk
say b "三十二"
expect_all "$cjk: 三十二"

# /who: every nick, to the asker only.
say a /who
say c "after who"
collect_until a "$NICK_c: after who"
expect_next b "$NICK_c: after who"
expect_next c "$NICK_c: after who"
[ -s "$T/collected" ] || fail "/who: peer a got nothing before the next message"
while IFS= read -r l; do
	case ${l#"$(stamp_of "$l")"} in
	"*** "*) ;;
	*) fail "/who: expected '*** ' notices, got '$l'" ;;
	esac
done <"$T/collected"
for n in Alice "$cjk" "$NICK_c"; do
	grep -qF -- "$n" "$T/collected" ||
		fail "/who: expected '$n' among the nicks, got:
$(cat "$T/collected")"
done
grep -q '3 online' "$T/collected" ||
	note "/who did not say '3 online': $(cat "$T/collected")"

# /me
say a "/me waves"
expect_all "* Alice waves"

# /help: to the asker only, naming the commands.
say a /help
say c "after help"
collect_until a "$NICK_c: after help"
expect_next b "$NICK_c: after help"
expect_next c "$NICK_c: after help"
for cmd in /nick /who /me /quit //; do
	grep -qF -- "$cmd" "$T/collected" ||
		fail "/help: expected '$cmd' in the help, got:
$(cat "$T/collected")"
done

# //text is the message /text.
say a "//text"
expect_all "Alice: /text"
say a "// two slashes"
expect_all "Alice: / two slashes"

# An unknown command: to the sender only.
say a /foo
expect_next a "*** unknown command /foo (try /help)"
sync_room c

# Lines and a command in one write: the answer comes between the lines,
# for the sender too.
send a 'before\n/foo\nafter\n'
expect_next a "Alice: before"
expect_next a "*** unknown command /foo (try /help)"
expect_next a "Alice: after"
for p in b c; do
	expect_next $p "Alice: before"
	expect_next $p "Alice: after"
done

# Empty lines say nothing.
send a '\n\r\n\n'
sync_room a

# Neutralised relays, byte for byte: C0 controls and DEL in caret form,
# TAB kept, C1 and the bidi and invisible format characters as <U+XXXX>.
# relay_bytes WHAT: $T/in from a; every peer must get "[STAMP] Alice: "
# and $T/want, then a newline.
relay_bytes() {
	hub send a "$(hexof <"$T/in")"
	for p in $PEERS; do
		next_line "$p"
		eval "_n=\$CUR_$p"
		sed -n "${_n}p" "$T/p/$p.out" | tail -c +28 >"$T/got"
		printf 'Alice: ' >"$T/want.line"
		cat "$T/want" >>"$T/want.line"
		printf '\n' >>"$T/want.line"
		expect_file_eq "$1, as peer $p got it" "$T/want.line" "$T/got"
	done
	expect_stamped_line "$(cat "$T/want.line")" "$GOT"
}
printf 'a\033[31mb\rc\bd\000e\177f\tg\302\233h\342\200\256i\342\201\246j\342\200\216k\330\234l\n' \
    >"$T/in"
printf 'a^[[31mb^Mc^Hd^@e^?f\tg<U+009B>h<U+202E>i<U+2066>j<U+200E>k<U+061C>l' \
    >"$T/want"
relay_bytes "ESC CR BS NUL DEL TAB U+009B U+202E U+2066 U+200E U+061C"
# Invalid UTF-8 becomes U+FFFD, one for each maximal invalid piece
# (Unicode 3.9): overlong C0 AF, surrogate ED A0 80, a lone continuation
# byte, a truncated sequence mid-line and at the end of the line.
printf 'A\300\257B\355\240\200C\200D\344\270E\344\270\n' >"$T/in"
printf 'A\357\277\275\357\277\275B\357\277\275\357\277\275\357\277\275C\357\277\275D\357\277\275E\357\277\275' \
    >"$T/want"
relay_bytes "invalid UTF-8"
# What is not to be neutralised is not: UTF-8 in its bytes, C1's
# neighbours U+00A0 and U+00E9.
printf 'ok \302\240\303\251 \344\270\255 \360\237\230\200\n' >"$T/in"
printf 'ok \302\240\303\251 \344\270\255 \360\237\230\200' >"$T/want"
relay_bytes "valid UTF-8"

# /quit REASON: the quitter gets what it is owed, then the close; nothing
# it sent after /quit is said; the others see it leave with the reason.
send b 'last words\n/quit bye\nafter quit\n'
expect_all "$cjk: last words"
expect_closed b
gone b
expect_all "*** $cjk left: bye ($ONLINE online)"
sync_room a

# A peer that just closes leaves without a reason.
hub close c
gone c
expect_all "*** $NICK_c left ($ONLINE online)"

# Half-close: the peer's lines come back to it before the close, the last
# one too, and the room sees it join, speak and leave.
connect d
if command -v nc >/dev/null 2>&1 &&
    nc -h 2>&1 | grep -q -- '^[[:space:]]*-N'; then
	halfclose() { timeout 10 nc -N 127.0.0.1 "$PORT"; }
	how="nc -N"
else
	note "no nc -N here: the half-close is tcpeer's"
	halfclose() { timeout 10 "$TCPEER" send -w 8 127.0.0.1 "$PORT"; }
	how="tcpeer send"
fi

# halfclose_lines WHAT: $T/in through a half-closed connection, which must
# get its join, each line of $T/in back (an unfinished last one too) and
# the close; a and d see the same, and then see it leave.
halfclose_lines() {
	rc=0
	halfclose <"$T/in" >"$T/hc.out" 2>"$T/hc.err" || rc=$?
	[ "$rc" -eq 0 ] ||
		fail "$1: exited with status $rc (124: the server did not close): $(cat "$T/hc.err"); it got:
$(tail -n 5 "$T/hc.out")"
	next_line a
	hc=$(printf '%s\n' "$GOT_TEXT" |
	    sed -n 's/^\*\*\* \(127\.0\.0\.1:[0-9][0-9]*\) joined (3 online)$/\1/p')
	[ -n "$hc" ] ||
		fail "$1: expected peer a to see '*** 127.0.0.1:PORT joined (3 online)', got '$GOT'"
	expect_next d "*** $hc joined (3 online)"
	{
		printf '*** %s joined (3 online)\n' "$hc"
		sed "s/^/$hc: /" "$T/in"
		[ "$(tail -c 1 "$T/in")" = "" ] || printf '\n'
	} >"$T/hc.want"
	cut -c 28- "$T/hc.out" >"$T/hc.got"
	expect_file_eq "what $1 got" "$T/hc.want" "$T/hc.got"
	head -n 1 "$T/hc.out" >"$T/hc.first"
	expect_stamped_line "*** $hc joined (3 online)" "$(cat "$T/hc.first")"
	tail -n +2 "$T/hc.want" >"$T/hc.lines"
	while IFS= read -r l; do
		expect_all "$l"
	done <"$T/hc.lines"
	expect_all "*** $hc left (2 online)"
}
printf 'last\n' >"$T/in"
halfclose_lines "printf 'last\\n' | $how"
# An unfinished last line counts.
printf 'a\nb' >"$T/in"
halfclose_lines "printf 'a\\nb' | $how"
# More lines than the burst of --line-rate (20): the peer is slowed, and
# still gets all of its lines back before the close.
seq 1 30 | sed 's/^/line /' >"$T/in"
halfclose_lines "seq 1 30 | $how"
sync_room d

# /quit with no reason.
say d /quit
expect_closed d
gone d
expect_all "*** $NICK_d left ($ONLINE online)"
stop_server

# --- raw framing: each read is one message, and there are no commands ----
start_server -B --history 0 --framing raw
hub tcp r1 127.0.0.1 "$PORT"
wait_for 5 test -s "$T/p/r1.port" || fail "peer r1 could not connect"
NICK_r1=127.0.0.1:$(cat "$T/p/r1.port")
# strip_stamps FILE: the text without its stamps, which end nothing.
strip_stamps() {
	sed -E 's/\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z][a-z] [ 0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] [0-9]{4}\] /|/g' "$1"
}
raw_has() {
	[ "$(strip_stamps "$T/p/r1.out")" = "$1" ]
}
want="|*** $NICK_r1 joined (1 online)"
wait_for 5 raw_has "$want" ||
	fail "a raw room: expected '$want' (| stands for a stamp), got '$(strip_stamps "$T/p/r1.out")'"
send r1 '/nick x'
want="$want|$NICK_r1: /nick x"
wait_for 5 raw_has "$want" ||
	fail "a raw room: expected '/nick x' relayed as text: '$want' (| stands for a stamp), got '$(strip_stamps "$T/p/r1.out")'"
# What '/nick x' may have set off comes before a marker r1 says after it.
raw_marked() {
	strip_stamps "$T/p/r1.out" | grep -qF "$NICK_r1: raw marker"
}
send r1 'raw marker'
wait_for 5 raw_marked ||
	fail "a raw room: expected r1's 'raw marker' back within 5 s, got '$(strip_stamps "$T/p/r1.out")'"
raw_has "$want|$NICK_r1: raw marker" ||
	fail "a raw room: after '/nick x' expected only '$want' before r1's marker, got '$(strip_stamps "$T/p/r1.out")'"
stop_server

# --- order: two senders interleave 200 lines each; every receiver gets
# each sender's lines in order, each once. --------------------------------
start_server -B --history 0 --line-rate 0
PEERS=
ONLINE=0
connect s
connect t
connect r
i=1
while [ $i -le 200 ]; do
	say s "s-$i"
	say t "t-$i"
	i=$((i + 1))
done
seq 1 200 | sed 's/^/s-/' >"$T/want.s"
seq 1 200 | sed 's/^/t-/' >"$T/want.t"
for p in s t r; do
	eval "_base=\$CUR_$p"
	wait_for 10 has_lines "$p" $((_base + 400)) ||
		fail "order: peer $p expected 400 relayed lines within 10 s, got $(( $(wc -l <"$T/p/$p.out") - _base ))"
	tail -n +$((_base + 1)) "$T/p/$p.out" | cut -c 28- >"$T/relayed"
	for q in s t; do
		eval "_nick=\$NICK_$q"
		grep -F "$_nick: " "$T/relayed" | sed "s/^$_nick: //" >"$T/got.$q"
		cmp -s "$T/want.$q" "$T/got.$q" ||
			fail "order: peer $p expected $q's 200 lines in order, once each; got $(wc -l <"$T/got.$q") lines, first differences:
$(diff "$T/want.$q" "$T/got.$q" | head -n 8)"
	done
	other=$(grep -cvF -e "$NICK_s: " -e "$NICK_t: " "$T/relayed")
	[ "$other" -eq 0 ] ||
		fail "order: peer $p got $other lines that are neither s's nor t's: $(grep -vF -e "$NICK_s: " -e "$NICK_t: " "$T/relayed" | head -n 3)"
	eval "CUR_$p=\$((_base + 400))"
done
interleaved=$(cut -c 28- "$T/p/r.out" | grep -F -e "$NICK_s: " -e "$NICK_t: " |
    sed 's/: [st]-.*//' | uniq | wc -l)
note "order: r saw the senders' lines in $interleaved runs"
stop_server

# --- IPv6: the nick is [::1]:PORT ------------------------------------------
if "$TCPEER" free-port ::1 >/dev/null 2>"$T/err"; then
	start_server_args -B --history 0 -b ::1 -p 0
	PEERS=
	ONLINE=0
	connect v ::1
	say v "over IPv6"
	expect_all "$NICK_v: over IPv6"
	stop_server
else
	note "skipped the [::1]:PORT nick: cannot bind ::1 here: $(cat "$T/err")"
fi
exit 0
