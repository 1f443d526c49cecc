#!/bin/sh
# tls-slow.sh: a TLS peer that stops reading is a slow consumer like any
# other. While a plaintext peer floods the room, the TLS peer that reads
# nothing (a small receive buffer) is cut once its queue passes
# --max-queue, logged and counted; every other peer, plaintext and TLS,
# gets every line, in order, the leaving of the cut one among them, and
# the room goes on.
. "$top_srcdir/tests/lib.sh"

need_python
. "$top_srcdir/tests/lib-tls.sh"
need_openssl
. "$top_srcdir/tests/lib-room.sh"

MAXQ=262144
LEN=2000
CHUNK=200		# lines a chunk: 400 KB
# The kernel holds up to tcp_wmem's maximum of the deaf peer's output
# before the server's queue grows (see slow-consumer.sh): the flood goes
# on, a chunk at a time, until the cut, and at most that much and twice
# --max-queue and a MiB more.
wmem_max=$(awk '{ print $3 }' /proc/sys/net/ipv4/tcp_wmem 2>/dev/null)
case $wmem_max in
''|*[!0-9]*) wmem_max=4194304 ;;
esac
[ "$wmem_max" -le $((24 * 1024 * 1024)) ] ||
	skip "tcp_wmem allows $wmem_max bytes of send buffer per socket: the flood needed to pass it would take too long"
MAX_CHUNKS=$(( (wmem_max + 2 * MAXQ + 1048576) / (CHUNK * LEN) + 1 ))
# TLS readers besides the plaintext ones (divided by TSCHAT_LOAD_DIVISOR:
# every byte of the flood is encrypted once for each).
READERS=$((4 / TSCHAT_LOAD_DIVISOR))
[ "$READERS" -ge 1 ] || READERS=1

C=$T/certs
tls_certs "$C"
start_server -B --history 0 --line-rate 0 --max-queue $MAXQ \
    --tls-cert "$C/localhost.crt" --tls-key "$C/localhost.key" --tls-port 0
connect_tls d 4096
connect f
connect a
i=1
while [ $i -le "$READERS" ]; do
	connect_tls "r$i"
	i=$((i + 1))
done
marker f
# d reads no more: it is not among those whose lines are checked.
hub deaf d
DEAF=$NICK_d
PEERS=$(for _p in $PEERS; do [ "$_p" = d ] || printf ' %s' "$_p"; done)
note "the TLS peer that reads nothing: $DEAF; the flood: chunks of $CHUNK lines of $LEN bytes, at most $MAX_CHUNKS; $READERS TLS readers"

: >"$T/want"
# send_chunk N: f sends chunk N; wait until every reader has its last line.
send_chunk() {
	_c=$(printf '%03d' "$1")
	awk -v c="$_c" -v n=$CHUNK -v len=$LEN 'BEGIN {
	    pad = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    while (length(pad) < len)
		pad = pad pad
	    for (i = 1; i <= n; i++) {
		l = sprintf("chunk %s line %04d ", c, i)
		print l substr(pad, 1, len - length(l))
	    } }' >"$T/chunk.in"
	sed "s/^/$NICK_f: /" "$T/chunk.in" >>"$T/want"
	hub file f "$T/chunk.in"
	_last="$NICK_f: chunk $_c line $(printf '%04d' $CHUNK) "
	for _p in $PEERS; do
		wait_for $((20 + TSCHAT_TIME_SLACK_MS / 1000)) \
		    grep -qF -- "$_last" "$T/p/$_p.out" ||
			fail "peer $_p ($(nick_of "$_p")): chunk $_c did not all come within 20 s; it got $(wc -l <"$T/p/$_p.out") lines
$(tail -c 300 "$T/p/$_p.out")"
	done
}

n=1
while [ $n -le "$MAX_CHUNKS" ]; do
	send_chunk $n
	grep -q -- "$DEAF: slow consumer" "$SERVER_LOG" && break
	n=$((n + 1))
done
grep -q -- "$DEAF: slow consumer" "$SERVER_LOG" ||
	fail "expected the TLS peer that reads nothing ($DEAF) to be cut as a slow consumer (--max-queue $MAXQ) after $((MAX_CHUNKS * CHUNK * LEN)) bytes of flood; the log says:
$(grep -F -- "$DEAF" "$SERVER_LOG" | tail -n 3)"
cutline=$(grep -- "$DEAF: slow consumer" "$SERVER_LOG" | head -n 1)
note "${cutline#* * }, after $n chunks"
# The hard limit's line: cut at once, not 10 s later by the soft one.
case $cutline in
*"bytes queued (limit $MAXQ)") ;;
*) fail "expected the hard limit's log line '... slow consumer: N bytes queued (limit $MAXQ)', got '$cutline'" ;;
esac
grep -q -- "$DEAF: closed: slow consumer" "$SERVER_LOG" ||
	fail "expected '$DEAF: closed: slow consumer' in the log"
ONLINE=$((ONLINE - 1))
# The room goes on.
send_chunk $((n + 1))

# Every reader got every line, in order, and the cut one's leaving once.
for p in $PEERS; do
	eval "from=\$((CUR_$p + 1))"
	tail -n +"$from" "$T/p/$p.out" |
	    sed -n 's/^\[[A-Z][a-z][a-z] [A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]\{8\} [0-9]\{4\}\] //p' \
	    >"$T/got"
	left=$(grep -cxF -- "*** $DEAF left ($ONLINE online)" "$T/got")
	[ "$left" -eq 1 ] ||
		fail "peer $p ($(nick_of "$p")): expected '*** $DEAF left ($ONLINE online)' once among the flood, got it $left times"
	grep -vxF -- "*** $DEAF left ($ONLINE online)" "$T/got" >"$T/got.lines"
	expect_file_eq "peer $p ($(nick_of "$p")): the flood's lines" "$T/want" \
	    "$T/got.lines"
	CUR_p=$(wc -l <"$T/p/$p.out")
	eval "CUR_$p=\$CUR_p"
done
marker a
stats=$(server_stats)
note "$stats"
expect_stat "slow consumers" 1 "$stats"
expect_stat peers $((ONLINE)) "$stats"
stop_server
exit 0
