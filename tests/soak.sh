#!/bin/sh
# soak.sh: make soak, not part of make check. SOAK_PEERS (2000) peers join
# one room, chat and leave at random for SOAK_SECONDS (120), SOAK_CHURN (20)
# leaving and as many joining each second, SOAK_MSGS (200) messages said
# each second; then everyone leaves. tests/soak checks that every peer that
# left in good order heard every message it had to, once and in order (see
# soak.c); this script checks that the server's memory comes back down
# once they have all gone, and prints the figures.
. "$top_srcdir/tests/lib.sh"

: "${SOAK:?SOAK must name the built tests/soak (run through make soak)}"
SOAK_SECONDS=${SOAK_SECONDS:-120}
SOAK_PEERS=${SOAK_PEERS:-2000}
SOAK_CHURN=${SOAK_CHURN:-20}
SOAK_MSGS=${SOAK_MSGS:-200}
SOAK_SEED=${SOAK_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
# After everyone left, the server may keep this much more than at start:
# the output chunk pool it keeps for reuse (1 MiB) and what the allocator
# does not give back at once.
SOAK_RSS_SLACK_KIB=${SOAK_RSS_SLACK_KIB:-8192}

[ -r /proc/self/status ] || skip "no /proc/PID/status to read memory from"
need=$((SOAK_PEERS * 2 + 100))
hard=$(ulimit -Hn)
case $hard in
unlimited) ;;
*) [ "$hard" -ge "$need" ] ||
	skip "the hard limit on open files is $hard; $SOAK_PEERS peers need $need" ;;
esac
ulimit -Sn "$hard" 2>/dev/null || true

peak_kib() {
	sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$SERVER_PID/status"
}

start_server -B --history 0
before=$(vmrss_kib "$SERVER_PID")
note "the server's RSS at start: $before KiB; $SOAK_PEERS peers for $SOAK_SECONDS s, seed $SOAK_SEED"
t0=$(now_ms)
rc=0
"$SOAK" -n "$SOAK_PEERS" -t "$SOAK_SECONDS" -c "$SOAK_CHURN" \
    -m "$SOAK_MSGS" -s "$SOAK_SEED" 127.0.0.1 "$PORT" >"$T/soak.out" \
    2>"$T/soak.err" || rc=$?
cat "$T/soak.out"
[ ! -s "$T/soak.err" ] && [ "$rc" -eq 0 ] || cat "$T/soak.err" >&2
server_alive

# Everyone has gone: the server's memory comes back down.
_empty() {
	STATS=$(server_stats)
	[ "$(stat_value peers "$STATS")" = 0 ]
}
wait_for 30 _empty || fail "30 s after the soak the server still has peers: $STATS"
sleep 2
after=$(vmrss_kib "$SERVER_PID")
peak=$(peak_kib)
secs=$(( ($(now_ms) - t0) / 1000 ))
note "$(server_stats)"
result=$(tail -n 1 "$T/soak.out")
printf 'soak: %s s, seed %s; server RSS before %s KiB, peak %s KiB, after %s KiB\n' \
    "$secs" "$SOAK_SEED" "$before" "$peak" "$after"
[ "$rc" -eq 0 ] ||
	fail "the soak's peers found faults (replay with SOAK_SEED=$SOAK_SEED): $result
$(head -n 20 "$T/soak.err")"
[ "$after" -le $((before + SOAK_RSS_SLACK_KIB + TSCHAT_MEMORY_SLACK_KIB)) ] ||
	fail "after everyone left the server's RSS is $after KiB, more than $SOAK_RSS_SLACK_KIB KiB over the $before KiB it had at start (peak $peak KiB)"
stop_server
exit 0
