#!/bin/sh
# many-peers.sh: 1000 TCP peers connected at once each get exactly their
# own reply, none lost, doubled or crossed; the server is still well after.
. "$top_srcdir/tests/lib.sh"

N=1000
# The server raises its own limit to the hard one; tcpeer does the same.
# (ulimit -H is not POSIX, but dash and bash have it.)
hard=$(ulimit -Hn 2>/dev/null) || hard=unknown
case $hard in
unlimited|unknown|*[!0-9]*) ;;
*) [ "$hard" -ge $((N + 64)) ] ||
	skip "the hard limit on open files is $hard, under the $((N + 64)) needed" ;;
esac
# tcpeer and the server raise their own soft limits; this is for tools
# that do not.
[ "$hard" = unknown ] || ulimit -Sn "$hard" 2>/dev/null || true

start_server
# The peers send once the server has taken them all (its log says so),
# so that none is served and gone before the last is taken.
timeout 60 "$TCPEER" many -w 30 -g "$SERVER_LOG" 127.0.0.1 "$PORT" $N \
    >"$T/out" 2>"$T/err"
rc=$?
cat "$T/out"
[ "$rc" -eq 0 ] || fail "tcpeer many $N: status $rc:
$(cat "$T/out" "$T/err")"

# They were all there at once, as the server saw it.
grep -q "connected ($N online)" "$SERVER_LOG" ||
	fail "expected a 'connected ($N online)' line in the server log: the peers were not all connected at once"

# And the server still serves, and holds no one.
printf 'after\n' >"$T/in"
timeout 10 "$TCPEER" send 127.0.0.1 "$PORT" <"$T/in" >"$T/out" ||
	fail "a client after the $N peers was not served"
expect_stamped_line after "$(cat "$T/out")"
stats=$(server_stats)
note "$stats"
expect_stat peers 0 "$stats"
expect_stat accepted $((N + 1)) "$stats"
stop_server
exit 0
