#!/bin/sh
# halfclose.sh: a TCP peer that shuts down its sending side still gets
# everything it is owed, an unfinished last line included, and then the
# server closes: so `printf 'a\nb\n' | nc -N host port` prints both lines
# and exits.
. "$top_srcdir/tests/lib.sh"

command -v nc >/dev/null 2>&1 || skip "nc is not installed"
nc -h 2>&1 | grep -q -- '^[[:space:]]*-N' ||
	skip "this nc has no -N (shutdown on EOF): netcat-openbsd has"

# nc_exchange: $T/in through nc -N; nc must exit by itself (the server
# closed), its output in $T/out.
nc_exchange() {
	rc=0
	timeout 10 nc -N 127.0.0.1 "$PORT" <"$T/in" >"$T/out" 2>"$T/err" ||
		rc=$?
	[ "$rc" -ne 124 ] ||
		fail "nc -N did not exit within 10 s: the server did not close after the half-close (got so far: $(cat "$T/out"))"
	[ "$rc" -eq 0 ] || fail "nc -N exited with status $rc: $(cat "$T/err")"
}

start_server

printf 'a\nb\n' >"$T/in"
nc_exchange
expect_lines "printf 'a\\nb\\n' | nc -N" 2 "$T/out"
expect_stamped_line a "$(line 1 "$T/out")"
expect_stamped_line b "$(line 2 "$T/out")"

# An unfinished last line counts as a line.
printf 'a\nb' >"$T/in"
nc_exchange
expect_lines "printf 'a\\nb' | nc -N" 2 "$T/out"
expect_stamped_line a "$(line 1 "$T/out")"
expect_stamped_line b "$(line 2 "$T/out")"

# Nothing sent: the server just closes.
: >"$T/in"
nc_exchange
[ ! -s "$T/out" ] || fail "an empty half-closed session: expected nothing, got '$(cat "$T/out")'"

# Far more owed than the socket buffers hold when the half-close comes:
# everything is flushed, in order, before the close.
seq 1 50000 | sed 's/^/line-/' >"$T/in"
nc_exchange
expect_lines "50000 lines then a half-close" 50000 "$T/out"
cut -c 28- "$T/out" >"$T/texts"
expect_file_eq "50000 lines flushed before the close" "$T/in" "$T/texts"

# The server closed each of those connections itself and holds none.
wait_for 5 eval '[ "$(grep -c ": closed" "$SERVER_LOG")" -ge 4 ]' ||
	fail "expected 4 'closed' lines in the server log"
expect_stat peers 0 "$(server_stats)"
stop_server
exit 0
