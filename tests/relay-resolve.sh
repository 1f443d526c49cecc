#!/bin/sh
# relay-resolve.sh: a host name in --relay is resolved once, at start, and
# never again on the loop. Under a resolver that takes 2 s a lookup
# (tests/slow-resolver.c, preloaded), a node whose --relay names a host
# that is ::1 and 127.0.0.1 (Redis listens on the second only) comes up on
# the second without a word of the first; while Redis is away and the
# node reconnects, its peers' lines still come back at once; when Redis is
# back the node is too; and the name was looked up once in all. A name
# that does not resolve at start is an error: status 1.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-relay.sh"

need_redis
need_python

# The slow resolver, compiled here: a host without a C compiler or
# LD_PRELOAD cannot run the test.
CC=${CC:-cc}
command -v "$CC" >/dev/null 2>&1 || skip "no C compiler ($CC) for tests/slow-resolver.c"
SHIM=$T/slow-resolver.so
"$CC" -fPIC -shared -o "$SHIM" "$top_srcdir/tests/slow-resolver.c" -ldl \
    >"$T/cc.out" 2>&1 ||
	"$CC" -fPIC -shared -o "$SHIM" "$top_srcdir/tests/slow-resolver.c" \
	    >"$T/cc.out" 2>&1 ||
	skip "cannot build tests/slow-resolver.c as a shared object: $(cat "$T/cc.out")"
[ -z "${TSCHAT_WRAPPER:-}" ] ||
	skip "TSCHAT_WRAPPER is set: the resolver is preloaded into tschatd itself"

. "$top_srcdir/tests/lib-room.sh"

# A lookup takes SLOW_SECS; a line coming back takes at most LIMIT_MS.
SLOW_SECS=2
LIMIT_MS=$((1000 + TSCHAT_TIME_SLACK_MS))

# A tschatd built with AddressSanitizer wants its runtime first among the
# libraries loaded; the shim only wraps the resolver, so let it be first.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
export ASAN_OPTIONS

redis_start
LD_PRELOAD=$SHIM
TSCHAT_TEST_RESOLVE_SECS=$SLOW_SECS
TSCHAT_TEST_RESOLVE_ADDRS="::1 127.0.0.1"
TSCHAT_TEST_RESOLVE_LOG=$T/lookups
export LD_PRELOAD TSCHAT_TEST_RESOLVE_SECS TSCHAT_TEST_RESOLVE_ADDRS \
    TSCHAT_TEST_RESOLVE_LOG
RELAY_URL="redis://relay.test:$REDIS_PORT"
node_start 1 -v
unset LD_PRELOAD TSCHAT_TEST_RESOLVE_SECS TSCHAT_TEST_RESOLVE_ADDRS \
    TSCHAT_TEST_RESOLVE_LOG
RELAY_URL=
node_start 2
[ -s "$T/lookups" ] ||
	fail "n1 did not look relay.test up through the slow resolver (is LD_PRELOAD honoured?)"
note "n1: $(grep 'relay: relay.test' "$T/n1.log")"
# ::1 first, in the resolver's order, refused; then 127.0.0.1 at once.
grep -q 'relay: ::1: ' "$T/n1.log" ||
	fail "n1 did not try ::1, relay.test's first address (-v logs each address refused)"
note "n1: $(grep 'relay: ::1: ' "$T/n1.log" | head -n 1)"
expect_eq "n1's log lines 'relay: lost' at start (::1 refused, 127.0.0.1 up)" \
    0 "$(grep -c 'relay: lost' "$T/n1.log")"

node_join a1 1
node_join b1 2
say a1 "through relay.test"
expect_all "$(nick_of a1): through relay.test"

# Redis away: n1 reconnects (0.1 s, doubling), and its peer's lines come
# back at once all the while.
redis_stop KILL
expect_all "*** relay lost"
t_end=$(( $(now_ms) + 3 * SLOW_SECS * 1000 ))
i=0
slow_ms=0
while [ "$(now_ms)" -lt "$t_end" ]; do
	i=$((i + 1))
	t0=$(now_ms)
	say a1 "ping $i"
	expect_next a1 "$(nick_of a1): ping $i"
	ms=$(( $(now_ms) - t0 ))
	[ "$ms" -le "$slow_ms" ] || slow_ms=$ms
	sleep 0.2
done
note "Redis away for $((3 * SLOW_SECS)) s: $i lines on n1, the slowest back in $slow_ms ms"
[ "$slow_ms" -le "$LIMIT_MS" ] ||
	fail "a line on n1 took $slow_ms ms to come back while n1 reconnected to relay.test (at most $LIMIT_MS ms): its loop waited for the resolver"
connects=$(relay_connects 1)
redis_start
for p in a1 b1; do
	eval "_n=\$((CUR_$p + 1))"
	wait_for 10 has_lines "$p" "$_n" ||
		fail "peer $p: no '*** relay restored' within 10 s of Redis's restart
$(what_came "$p")"
	expect_next "$p" "*** relay restored"
done
wait_for 10 _node_connected_after 1 "$connects" ||
	fail "n1 did not log its reconnection to relay.test"
say a1 "relay.test again"
expect_all "$(nick_of a1): relay.test again"
say b1 "and back"
expect_all "$(nick_of b1): and back"
expect_eq "the lookups of relay.test by n1 (at start only)" relay.test \
    "$(cat "$T/lookups")"
st=$(node_stats 1)
note "n1: ${st#*"; relay "}"

node_stop 1
node_stop 2
redis_stop

# A name that does not resolve at start: one line naming it, status 1.
rc=0
LD_PRELOAD=$SHIM TSCHAT_TEST_RESOLVE_ADDRS= timeout 5 "$TSCHATD" -B \
    -b 127.0.0.1 -p 0 --relay redis://nowhere.test:6379 \
    >"$T/out" 2>"$T/err" </dev/null || rc=$?
expect_eq "tschatd --relay redis://nowhere.test (no address): exit status" \
    1 "$rc"
grep -qx "tschatd: cannot resolve the relay's host nowhere.test: .*" \
    "$T/err" ||
	fail "tschatd --relay redis://nowhere.test: expected 'tschatd: cannot resolve the relay's host nowhere.test: ...', got:
$(cat "$T/err")"
note "$(grep nowhere "$T/err")"
