#!/bin/sh
# faults.sh: faults the server must survive without losing or reordering
# a healthy peer's messages. In a room: a peer killed (SIGKILL) while it
# writes a long line, with its socket drained (the kernel sends FIN) or
# not (RST), and one killed while the server is writing it a backlog; a
# peer that resets (SO_LINGER 0) after some lines and in mid-line, with
# output queued for it; a real tschat client stopped (SIGSTOP: it neither
# reads nor writes, like a half-open connection) that is harmless while its
# backlog fits and cut as a slow consumer when it does not; SIGTERM in the
# middle of a flood. Writes that return EAGAIN and short counts: readers
# with a tiny receive buffer reading in small pieces get every byte, in
# order, in a room and in echo mode. UDP sources on the small services'
# ports (7, 19, 53, 123) get nothing, and forged datagrams cannot start a
# loop between two servers or a server and itself. After each fault the
# healthy peers still chat, and get every line, in order, once.
# (hostile.sh has the reset in mid-line among other inputs, slow-consumer.sh
# the peer that never reads, emfile.sh the server out of descriptors.)
. "$top_srcdir/tests/lib.sh"

need_python
. "$top_srcdir/tests/lib-room.sh"

# --- helpers ----------------------------------------------------------------

# lines FILE TAG N LEN: N lines "TAG-000001 xxx...", LEN bytes each with
# the newline, into FILE.
lines() {
	python3 "$top_srcdir/tests/write-lines.py" "$@" ||
		fail "cannot write $1"
}

# seq_of PEER NICK TAG: the numbers of the lines "[STAMP] NICK: TAG-N ..."
# that PEER got, one a line, in the order they came.
seq_of() {
	awk -v pre="$2: $3-" 'substr($0, 28, length(pre)) == pre {
		n = substr($0, 28 + length(pre), 6); print n + 0 }' \
	    "$T/p/$1.out"
}

_count_at_least() {
	[ "$(seq_of "$1" "$2" "$3" | wc -l)" -ge "$4" ]
}

# expect_seq PEER SENDER TAG N [SECS]: PEER got the N lines TAG-1 ... TAG-N
# of SENDER, in order, once each.
expect_seq() {
	_nick=$(nick_of "$2")
	wait_for "${5:-30}" _count_at_least "$1" "$_nick" "$3" "$4" ||
		fail "peer $1: expected the $4 lines $3-N of $2 ($_nick) within ${5:-30} s, got $(seq_of "$1" "$_nick" "$3" | wc -l)
$(what_came "$1" | cut -c 1-120)"
	seq_of "$1" "$_nick" "$3" >"$T/got.seq"
	seq 1 "$4" >"$T/want.seq"
	cmp -s "$T/want.seq" "$T/got.seq" ||
		fail "peer $1: expected the lines $3-1 to $3-$4 of $2, in order, once each; the first differences (want, got):
$(diff "$T/want.seq" "$T/got.seq" | head -n 8)"
}

# skip_to_end PEER: the lines PEER got so far count as checked.
skip_to_end() {
	eval "CUR_$1=$(wc -l <"$T/p/$1.out" | tr -d ' ')"
}

# chat_round TAG N SENDER...: each SENDER says N lines at once; every peer
# in the room gets all of them, in order; then the room is in step again.
chat_round() {
	_cr_tag=$1 _cr_n=$2
	shift 2
	for _cr_s in "$@"; do
		lines "$T/$_cr_tag-$_cr_s" "$_cr_tag$_cr_s" "$_cr_n" 64
		hub file "$_cr_s" "$T/$_cr_tag-$_cr_s"
	done
	for _cr_p in $PEERS; do
		for _cr_s in "$@"; do
			expect_seq "$_cr_p" "$_cr_s" "$_cr_tag$_cr_s" "$_cr_n"
		done
		skip_to_end "$_cr_p"
	done
	sync_room
	note "$_cr_tag: $* said $_cr_n lines each; all $(echo $PEERS | wc -w) peers got them in order"
}

# stat_now NAME: the counter NAME in a fresh stats line.
stat_now() {
	stat_value "$1" "$(server_stats)"
}

# Peers of their own, outside the hub (each file says how it is driven):
# tests/victim-peer.py is killed in mid-line, tests/slow-reader.py reads in
# small pieces through a small buffer, tests/flooder.py floods at a steady
# pace.

# ===========================================================================
# 1. A peer killed while it writes a long line, and one killed while the
# server writes to it. After a FIN (the peer had read all it was sent) its
# unfinished line counts, as after a half-close; after a RST it does not.
start_server -B --history 0 --line-rate 0
connect a
connect b
for mode in drain nodrain; do
	rm -f "$T/victim"
	python3 "$top_srcdir/tests/victim-peer.py" $mode 127.0.0.1 "$PORT" \
	    "$T/victim" 2>"$T/victim.err" &
	victim=$!
	track $victim
	wait_for 10 test -s "$T/victim" ||
		fail "the peer to be killed did not connect: $(cat "$T/victim.err")"
	vnick=127.0.0.1:$(cat "$T/victim")
	ONLINE=$((ONLINE + 1))
	expect_all "*** $vnick joined ($ONLINE online)"
	_sent_enough() { [ "$(cat "$T/victim.sent" 2>/dev/null || echo 0)" -ge 3000 ]; }
	wait_for 10 _sent_enough || fail "the peer to be killed did not write 3000 bytes"
	kill -KILL $victim
	wait $victim 2>/dev/null
	sent=$(cat "$T/victim.sent")
	ONLINE=$((ONLINE - 1))
	# Its unfinished line counts when the kernel closed with FIN (it had
	# read everything), as a half-close does; after a RST it is no
	# message. Then it leaves, and nothing else comes.
	for p in $PEERS; do
		if [ $mode = drain ]; then
			next_line "$p"
			kk=${GOT_TEXT#"$vnick: "}
			[ "$kk" != "$GOT_TEXT" ] &&
			    [ -z "$(printf '%s' "$kk" | tr -d k)" ] &&
			    [ ${#kk} -ge "$sent" ] &&
			    [ ${#kk} -le $((sent + 100)) ] ||
				fail "peer $p: expected the unfinished line of the peer killed after reading all it was sent (FIN), $sent to $((sent + 100)) bytes of k, got '$(printf '%s' "$GOT" | cut -c 1-80)' (${#kk} bytes)"
			note "peer $p got the unfinished line of the peer killed (FIN), ${#kk} bytes"
		fi
		expect_next "$p" "*** $vnick left ($ONLINE online)"
	done
	server_alive
	chat_round "k$mode" 100 a b
done

# Killed while the server writes to it: it reads nothing, with a small
# receive buffer, while a says 300 kB.
"$TCPEER" noread -b 4096 -h 60 127.0.0.1 "$PORT" >"$T/noread" 2>"$T/noread.err" &
noread=$!
track $noread
wait_for 10 grep -qs . "$T/noread" || fail "tcpeer noread did not connect: $(cat "$T/noread.err")"
nnick=$(cat "$T/noread")
ONLINE=$((ONLINE + 1))
expect_all "*** $nnick joined ($ONLINE online)"
lines "$T/backlog" backlog 3000 100
hub file a "$T/backlog"
_has_backlog() { [ "$(seq_of a "$(nick_of a)" backlog | wc -l)" -ge 3000 ]; }
wait_for 30 _has_backlog || fail "a did not get its own 3000 lines back"
kill -KILL $noread
wait $noread 2>/dev/null
ONLINE=$((ONLINE - 1))
for p in $PEERS; do
	expect_seq "$p" a backlog 3000
	skip_to_end "$p"
done
# Its leave notice came after a's lines, which were all sent before.
for p in $PEERS; do
	wait_for 10 grep -q "^.\{27\}\*\*\* $nnick left ($ONLINE online)\$" "$T/p/$p.out" ||
		fail "peer $p: expected '*** $nnick left ($ONLINE online)' after the peer killed while being written to"
	skip_to_end "$p"
done
server_alive
chat_round killed-noread 100 a b
expect_eq "slow consumers cut" 0 "$(stat_now 'slow consumers')"
stop_server

# ===========================================================================
# 2. A peer that resets (SO_LINGER 0) after three lines and half of a
# fourth, while the server has output queued for it.
PEERS= ONLINE=0
start_server -B --history 0 --line-rate 0
connect c
connect d
hub tcp r 127.0.0.1 "$PORT" 4096
wait_for 5 test -s "$T/p/r.port" || fail "peer r could not connect"
NICK_r=127.0.0.1:$(cat "$T/p/r.port")
CUR_r=0
ONLINE=$((ONLINE + 1))
for p in $PEERS r; do
	expect_next "$p" "*** $NICK_r joined ($ONLINE online)"
done
hub deaf r
lines "$T/queued" queued 3000 100
hub file c "$T/queued"
expect_seq d c queued 3000
say r "r-1"
say r "r-2"
say r "r-3"
send r 'half a li'
expect_seq c r r 3
hub reset r
for p in $PEERS; do
	expect_seq "$p" r r 3
	expect_seq "$p" c queued 3000
	skip_to_end "$p"
done
gone r
for p in $PEERS; do
	wait_for 10 grep -q "^.\{27\}\*\*\* $NICK_r left ($ONLINE online)\$" "$T/p/$p.out" ||
		fail "peer $p: expected '*** $NICK_r left ($ONLINE online)' after r reset its connection"
	grep -q "half a li" "$T/p/$p.out" &&
		fail "peer $p got the unfinished line of a peer that reset its connection"
	skip_to_end "$p"
done
server_alive
chat_round reset 100 c d
stop_server

# ===========================================================================
# 3. A real tschat client stopped (SIGSTOP) while the room chats: it reads
# and writes nothing, as if its host had gone. While its backlog fits the
# queue it is harmless and, continued, gets every line in order; when the
# backlog passes --max-queue it is cut as a slow consumer, and no one else
# waits for it or loses a line.
wmem_max=$(awk '{ print $3 }' /proc/sys/net/ipv4/tcp_wmem 2>/dev/null)
case $wmem_max in
''|*[!0-9]*) wmem_max=4194304 ;;
esac
PEERS= ONLINE=0
MAXQ=1048576
start_server -B --history 0 --line-rate 0
connect e
connect f
rm -f "$T/cin"
mkfifo "$T/cin" || fail "cannot make a fifo"
"$TSCHAT" -L 127.0.0.1 "$PORT" <"$T/cin" >"$T/client.out" 2>"$T/client.err" &
client=$!
track $client
exec 4>"$T/cin"
ONLINE=$((ONLINE + 1))
for p in $PEERS; do
	expect_next_ere "$p" "^\*\*\* 127\.0\.0\.1:[0-9]+ joined \($ONLINE online\)\$" "the client's join"
done
cnick=${GOT_TEXT#"*** "}
cnick=${cnick%" joined ($ONLINE online)"}
wait_for 10 grep -q "joined ($ONLINE online)" "$T/client.out" ||
	fail "tschat -L did not print its own join: $(cat "$T/client.out" "$T/client.err")"
kill -STOP $client
chat_round stopped 200 e f
kill -CONT $client
_client_has() {
	[ "$(awk -v pre="$(nick_of "$1"): $2-" 'index($0, pre) == 28' "$T/client.out" | wc -l)" -ge "$3" ]
}
wait_for 20 _client_has f stoppedf 200 ||
	fail "the client stopped and continued did not print the 200 lines of f"
for s in e f; do
	awk -v pre="$(nick_of $s): stopped$s-" 'index($0, pre) == 28 {
		print substr($0, 28 + length(pre), 6) + 0 }' "$T/client.out" >"$T/got.seq"
	seq 1 200 >"$T/want.seq"
	cmp -s "$T/want.seq" "$T/got.seq" ||
		fail "the client stopped and continued: expected the 200 lines of $s in order, once each: $(diff "$T/want.seq" "$T/got.seq" | head -n 5)"
done
note "a client stopped while 400 lines went by got them all, in order, once continued"

# Stopped again, while more than the kernel and the queue hold goes by,
# from a sender that paces itself, so that the hub's peers keep up.
kill -STOP $client
n=$(( (wmem_max + 2 * MAXQ + 2 * 1024 * 1024) / 100 ))
rm -f "$T/fl"
python3 "$top_srcdir/tests/flooder.py" 127.0.0.1 "$PORT" floodfl "$T/fl" $n \
    2>"$T/fl.err" &
flooder=$!
track $flooder
wait_for 10 test -s "$T/fl" || fail "the flooder did not connect: $(cat "$T/fl.err")"
NICK_fl=127.0.0.1:$(cat "$T/fl")
ONLINE=$((ONLINE + 1))
expect_all "*** $NICK_fl joined ($ONLINE online)"
: >"$T/fl.go"
wait_for 60 grep -q "$cnick: slow consumer" "$SERVER_LOG" ||
	fail "the stopped client ($cnick) owed $((n * 100)) bytes was not cut as a slow consumer within 60 s"
for p in $PEERS; do
	expect_seq "$p" fl floodfl "$n" 60
done
ONLINE=$((ONLINE - 1))
for p in $PEERS; do
	wait_for 10 grep -q "^.\{27\}\*\*\* $cnick left ($ONLINE online)\$" "$T/p/$p.out" ||
		fail "peer $p: expected '*** $cnick left ($ONLINE online)' after the stopped client was cut"
	skip_to_end "$p"
done
: >"$T/fl.stop"
wait_exit $flooder 10 || fail "the flooder did not stop"
ONLINE=$((ONLINE - 1))
expect_all "*** $NICK_fl left ($ONLINE online)"
chat_round after-cut 100 e f
kill -CONT $client
exec 4>&-
wait_exit $client 20 || fail "the client cut while stopped did not exit within 20 s of SIGCONT"
# What it printed of the flood is its beginning, in order, with no gap.
awk -v pre="$NICK_fl: floodfl-" 'index($0, pre) == 28 {
	print substr($0, 28 + length(pre), 6) + 0 }' "$T/client.out" >"$T/got.seq"
got=$(wc -l <"$T/got.seq" | tr -d ' ')
seq 1 "$got" >"$T/want.seq"
cmp -s "$T/want.seq" "$T/got.seq" ||
	fail "the client cut while stopped printed lines of the flood out of order or with a gap: $(diff "$T/want.seq" "$T/got.seq" | head -n 5)"
note "the client cut while stopped printed the first $got of $n lines, in order, and exited with status $EXIT_STATUS"
stop_server

# ===========================================================================
# 4. SIGTERM in the middle of a flood: the server exits 0 within 2.5 s,
# and every peer's last line is the shutdown notice, after lines of each
# sender that are its first ones, in order. The two senders are
# flooder.py; the hub's two peers only read.
PEERS= ONLINE=0
start_server -B --history 0 --line-rate 0
connect i
connect j
for f in g h; do
	rm -f "$T/$f"
	python3 "$top_srcdir/tests/flooder.py" 127.0.0.1 "$PORT" flood$f "$T/$f" \
	    2>"$T/$f.err" &
	track $!
	wait_for 10 test -s "$T/$f" || fail "flooder $f did not connect: $(cat "$T/$f.err")"
	fport=$(cat "$T/$f")
	eval "NICK_$f=127.0.0.1:\$fport"
	ONLINE=$((ONLINE + 1))
	expect_all "*** $(nick_of $f) joined ($ONLINE online)"
done
: >"$T/g.go"
: >"$T/h.go"
_flooding() { [ "$(seq_of i "$NICK_h" floodh | wc -l)" -ge 10000 ]; }
wait_for 20 _flooding || fail "the flood did not reach i"
t0=$(now_ms)
kill -TERM "$SERVER_PID"
wait_exit "$SERVER_PID" 10 || fail "the server still runs 10 s after SIGTERM in a flood"
ms=$(( $(now_ms) - t0 ))
SERVER_PID=
[ "$EXIT_STATUS" -eq 0 ] ||
	fail "SIGTERM in a flood: the server exited with status $EXIT_STATUS, expected 0"
[ "$ms" -le $((2500 + TSCHAT_TIME_SLACK_MS)) ] ||
	fail "SIGTERM in a flood: the server took $ms ms to exit, expected at most 2500"
note "SIGTERM in a flood: the server exited 0 after $ms ms"
for f in g h; do
	wait_for 10 test -s "$T/$f.end" || fail "flooder $f did not end"
	cp "$T/$f.data" "$T/p/$f.out"
	printf 'eof\n' >"$T/p/$f.end"
done
for p in i j g h; do
	wait_for 10 test -s "$T/p/$p.end" ||
		fail "peer $p: the connection was not closed after the shutdown"
	expect_eq "how peer $p's connection ended" eof "$(cat "$T/p/$p.end")"
	expect_stamped_line "*** server shutting down" "$(tail -n 1 "$T/p/$p.out")"
	[ "$(grep -c 'server shutting down' "$T/p/$p.out")" -eq 1 ] ||
		fail "peer $p got the shutdown notice more than once"
	for s in g h; do
		seq_of "$p" "$(nick_of $s)" flood$s >"$T/got.seq"
		got=$(wc -l <"$T/got.seq" | tr -d ' ')
		seq 1 "$got" >"$T/want.seq"
		cmp -s "$T/want.seq" "$T/got.seq" ||
			fail "SIGTERM in a flood: peer $p got the lines of $s out of order or with a gap: $(diff "$T/want.seq" "$T/got.seq" | head -n 5)"
	done
	note "peer $p: the first $(seq_of "$p" "$NICK_g" floodg | wc -l) lines of g and $(seq_of "$p" "$NICK_h" floodh | wc -l) of h in order, then the shutdown notice"
done

# ===========================================================================
# 5. Writes that return EAGAIN and short counts: readers with a 4 KiB
# receive buffer that read in small pieces. In a room 5000 lines go by
# (under --max-queue: the reader is slow, not stalled); in echo mode the
# reader sends 6 MB and takes them back.
PEERS= ONLINE=0
start_server -B --history 0 --line-rate 0
connect k
connect l
nlines=5000
lines "$T/slowk" slowk $nlines 100
rm -f "$T/slow"
SEED=$$ python3 "$top_srcdir/tests/slow-reader.py" room 127.0.0.1 "$PORT" \
    "$T/slow" "$(tail -n 1 "$T/slowk")" >"$T/slow.result" 2>&1 &
slow=$!
track $slow
wait_for 10 test -s "$T/slow" || fail "the slow reader did not connect: $(cat "$T/slow.result")"
snick=127.0.0.1:$(cat "$T/slow")
ONLINE=$((ONLINE + 1))
expect_all "*** $snick joined ($ONLINE online)"
hub file k "$T/slowk"
wait_exit $slow 90 || fail "the slow reader did not get k's $nlines lines within 90 s"
[ "$EXIT_STATUS" -eq 0 ] ||
	fail "the slow reader in a room failed: $(cat "$T/slow.result")"
note "the slow reader in a room: $(cat "$T/slow.result")"
# Its join notice, then k's lines, in order, once each, and nothing else.
expect_stamped_line "*** $snick joined ($ONLINE online)" "$(line 1 "$T/slow.data")"
tail -n +2 "$T/slow.data" | awk -v pre="$(nick_of k): slowk-" '
	index($0, pre) != 28 { print "other: " substr($0, 1, 80); next }
	{ print substr($0, 28 + length(pre), 6) + 0 }' >"$T/got.seq"
seq 1 $nlines >"$T/want.seq"
cmp -s "$T/want.seq" "$T/got.seq" ||
	fail "the slow reader in a room: expected k's $nlines lines in order, once each, and nothing else; the first differences:
$(diff "$T/want.seq" "$T/got.seq" | head -n 8)"
for p in $PEERS; do
	expect_seq "$p" k slowk $nlines
	skip_to_end "$p"
done
chat_round after-slow 100 k l
expect_eq "slow consumers cut" 0 "$(stat_now 'slow consumers')"
stop_server

start_server
rm -f "$T/slow"
SEED=$$ python3 "$top_srcdir/tests/slow-reader.py" echo 127.0.0.1 "$PORT" \
    "$T/slow" 60000 >"$T/slow.result" 2>&1 &
slow=$!
track $slow
wait_for 10 test -s "$T/slow" || fail "the slow echo reader did not connect: $(cat "$T/slow.result")"
# Another client is served meanwhile.
printf 'meanwhile\n' >"$T/in"
timeout 20 "$TCPEER" send -w 10 127.0.0.1 "$PORT" <"$T/in" >"$T/out" 2>"$T/err" ||
	fail "echo: a client was not served while the slow reader took its 6 MB: $(cat "$T/err")"
expect_stamped_line meanwhile "$(cat "$T/out")"
wait_exit $slow 90 || fail "the slow echo reader did not get its 6 MB back within 90 s"
[ "$EXIT_STATUS" -eq 0 ] ||
	fail "the slow echo reader: $(cat "$T/slow.result")"
stats=$(server_stats)
note "the slow echo reader: $(cat "$T/slow.result"); reading paused $(stat_value 'reading paused' "$stats") times"
expect_stat "slow consumers" 0 "$stats"
stop_server

# ===========================================================================
# 6. UDP sources on the small services' ports get nothing, in echo mode
# (both framings) and in a room; forged datagrams start no loop.

# from_low PORT: a datagram from source PORT; 0 if nothing came back, 1 if
# PORT cannot be bound here (LOW_WHY says why); fail if a reply came.
from_low() {
	if printf 'spoof\n' | timeout 10 "$TCPEER" udp -s "$1" -n 0 -w 0.5 \
	    127.0.0.1 "$PORT" >"$T/out" 2>"$T/err"; then
		[ ! -s "$T/out" ] ||
			fail "a datagram from port $1 got a reply: $(cat "$T/out")"
		return 0
	fi
	case $(cat "$T/err") in
	*"ermission"*|*"in use"*) LOW_WHY=$(cat "$T/err"); return 1 ;;
	esac
	fail "a datagram from port $1: $(cat "$T/err") $(od -An -c "$T/out" | head -n 2)"
}

# udp_served WHAT: an ordinary source gets its reply.
udp_served() {
	printf 'served\n' | timeout 10 "$TCPEER" udp -n 1 -w 3 127.0.0.1 "$PORT" \
	    >"$T/out" 2>"$T/err" ||
		fail "$1: an ordinary UDP source was not served: $(cat "$T/err")"
	expect_stamped_line served "$(cat "$T/out")"
}

for framing in line raw; do
	start_server -u --framing $framing
	sent=0
	for low in 7 19 53 123; do
		if from_low $low; then
			sent=$((sent + 1))
		else
			note "port $low: not checked: $LOW_WHY"
		fi
	done
	expect_stat "source port" $sent "$(server_stats)"
	expect_stat "udp in" 0 "$(server_stats)"
	[ $framing = raw ] || udp_served "echo after datagrams from ports 7, 19, 53, 123"
	note "echo, $framing framing: $sent datagrams from the small services' ports, nothing back"
	stop_server
done

PEERS= ONLINE=0
start_server -B --history 0 -t -u
connect m
connect o
for low in 19 53 123; do
	if ! udp_open low$low $low; then
		note "port $low: not checked: $(cat "$T/p/low$low.end")"
		continue
	fi
	say low$low "from port $low"
	say low$low "/join not-a-token"
done
udp_settle
for low in 19 53 123; do
	[ -s "$T/p/low$low.port" ] || continue
	expect_eq "datagrams sent back to port $low in a room" 0 "$(datagrams low$low)"
done
chat_round udp-low 50 m o
stop_server

# Forged source addresses (tests/forge-udp.py) need a raw socket (root).

# udp_in PID LOG: the "udp in" counter of the tschatd PID, logging to LOG.
_more_stats() {
	[ "$(grep -c 'stats:' "$1")" -gt "$2" ]
}
udp_in() {
	_n=$(grep -c 'stats:' "$2")
	kill -USR1 "$1"
	wait_for 5 _more_stats "$2" "$_n" || fail "no stats from tschatd $1"
	stat_value "udp in" "$(grep 'stats:' "$2" | tail -n 1)"
}

# other_server NAME ADDR PORT: another tschatd -u on ADDR PORT, its PID in
# NAME_PID, its log in $T/NAME.log.
other_server() {
	"$TSCHATD" -u -b "$2" -p "$3" 2>"$T/$1.log" &
	eval "$1_PID=\$!"
	track $!
	wait_for 10 grep -q 'listening on' "$T/$1.log" ||
		fail "tschatd -u -b $2 -p $3 did not start: $(cat "$T/$1.log")"
}

if python3 "$top_srcdir/tests/forge-udp.py" 127.0.0.1 9 127.0.0.1 9 probe \
    2>"$T/err"; then
	start_server -u
	# From the server's own address and port: it would answer itself.
	python3 "$top_srcdir/tests/forge-udp.py" 127.0.0.1 "$PORT" 127.0.0.1 \
	    "$PORT" "self"
	sleep 1
	stats=$(server_stats)
	expect_stat "udp in" 0 "$stats"
	expect_stat "source port" 1 "$stats"
	note "a datagram forged from the server's own address was dropped"
	# From another tschatd on the same port (127.0.0.2): the two would
	# answer each other.
	other_server same 127.0.0.2 "$PORT"
	python3 "$top_srcdir/tests/forge-udp.py" 127.0.0.2 "$PORT" 127.0.0.1 \
	    "$PORT" "twin"
	python3 "$top_srcdir/tests/forge-udp.py" 127.0.0.1 "$PORT" 127.0.0.2 \
	    "$PORT" "twin"
	sleep 1
	expect_stat "udp in" 0 "$(server_stats)"
	expect_eq "datagrams taken by the twin server" 0 \
	    "$(udp_in "$same_PID" "$T/same.log")"
	note "datagrams forged between two servers on one port were dropped by both"
	# From a server on another port: --udp-rate ends the loop.
	other_server far 127.0.0.1 0
	fport=$(sed -n 's/.*listening on udp .*:\([0-9]*\)$/\1/p' "$T/far.log")
	python3 "$top_srcdir/tests/forge-udp.py" 127.0.0.1 "$fport" 127.0.0.1 \
	    "$PORT" "loop"
	sleep 1.5
	n1=$(stat_now "udp in")
	sleep 1
	n2=$(stat_now "udp in")
	[ "$n1" = "$n2" ] && [ "$n2" -le 202 ] ||
		fail "a datagram forged from a server on another port started a loop: $n1 datagrams taken, then $n2 a second later"
	note "a loop with a server on another port ended after $n2 datagrams (--udp-rate)"
	udp_served "after the forged datagrams"
	stop_server
else
	note "forged source addresses not checked: no raw socket here ($(tail -n 1 "$T/err"))"
fi
exit 0
