# lib-limits.sh: what the tests of the server's protections share, sourced
# after lib.sh: memory and CPU figures from /proc, key=value results from
# tcpeer, arithmetic on decimals, and a tschatd under a lower file limit.

# need_proc: the figures below come from /proc/PID, or skip.
need_proc() {
	[ -r /proc/self/status ] && [ -r /proc/self/stat ] ||
		skip "no /proc/PID/status and stat to read memory and CPU time from"
}

# vmhwm_kib PID: the peak resident set size of PID in KiB.
vmhwm_kib() {
	sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$1/status"
}

# cpu_ms PID: the CPU time PID has used, user and system, in milliseconds.
cpu_ms() {
	# Fields 14 and 15 of stat, counted after the ")" that ends the name.
	sed 's/^.*) //' "/proc/$1/stat" | awk -v hz="$(getconf CLK_TCK)" \
	    '{ printf "%d\n", ($12 + $13) * 1000 / hz }'
}

# kv KEY LINE: the value of KEY in a tcpeer result "what: a=1 b=2.5 ...".
kv() {
	printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1
}

# is_true EXPR: an awk condition on decimals, e.g. is_true "$t >= 2.7".
is_true() {
	awk "BEGIN { exit !($1) }"
}

# elapsed_since MS: seconds since now_ms said MS, as a decimal.
elapsed_since() {
	awk -v a="$1" -v b="$(now_ms)" 'BEGIN { printf "%.3f\n", (b - a) / 1000 }'
}

# have_ipv6: ::1 can be bound here.
have_ipv6() {
	"$TCPEER" free-port ::1 >/dev/null 2>&1
}

# log_count PATTERN: how many lines of the server's log match PATTERN.
log_count() {
	grep -c -- "$1" "$SERVER_LOG" 2>/dev/null
}

# wait_log SECS PATTERN: wait until the server's log has a line matching
# PATTERN; 1 on timeout.
wait_log() {
	wait_for "$1" grep -q -- "$2" "$SERVER_LOG"
}

# use_nofile N: tschatd started from now on runs with its open file limit,
# soft and hard, at N (it raises its soft limit to the hard one, so both
# are lowered). The wrapper execs it, so SERVER_PID is tschatd's own.
REAL_TSCHATD=$TSCHATD
use_nofile() {
	cat >"$T/tschatd-nofile" <<EOF
#!/bin/sh
ulimit -n $1 || exit 99
exec "$REAL_TSCHATD" "\$@"
EOF
	chmod +x "$T/tschatd-nofile"
	TSCHATD=$T/tschatd-nofile
}

# nofile_of PID: the soft open file limit of PID.
nofile_of() {
	sed -n 's/^Max open files *\([0-9]*\).*/\1/p' "/proc/$1/limits"
}

# problem MSG...: a failed expectation that need not stop the test: say it
# now, go on, and fail at the end (check_problems) with all of them.
PROBLEMS=0
problem() {
	PROBLEMS=$((PROBLEMS + 1))
	printf 'FAIL: %s: %s\n' "$TEST_NAME" "$*" >&2
	printf '%s\n' "- $*" >>"$T/problems"
}

# check_problems: fail if problem was called.
check_problems() {
	[ "$PROBLEMS" -eq 0 ] && return 0
	SERVER_LOG=
	fail "$PROBLEMS expectation(s) not met:
$(cat "$T/problems")"
}

# hold_start [WAIT] [HOST]: tcpeer hold, connected to HOST (127.0.0.1) PORT
# and driven through a fifo on descriptor 3; see hold_cmd.
hold_start() {
	rm -f "$T/hold.in"
	mkfifo "$T/hold.in" || fail "cannot make a fifo in $T"
	# Empty now: hold_cmd counts its lines before tcpeer opens it.
	: >"$T/hold.out"
	"$TCPEER" hold -w "${1:-2}" "${2:-127.0.0.1}" "$PORT" <"$T/hold.in" \
	    >"$T/hold.out" 2>"$T/hold.err" &
	HOLD_PID=$!
	track "$HOLD_PID"
	exec 3>"$T/hold.in"
}

_hold_lines() {
	wc -l <"$T/hold.out" | tr -d ' '
}

_hold_answered() {
	[ "$(_hold_lines)" -gt "$1" ]
}

# hold_cmd CMD: give tcpeer hold a command ("open 3", "ping", "close 1",
# "connect 50", "pending"); print its answer line.
hold_cmd() {
	_before=$(_hold_lines)
	printf '%s\n' "$1" >&3
	wait_for 30 _hold_answered "$_before" ||
		fail "tcpeer hold did not answer '$1' within 30 s: $(cat "$T/hold.err")"
	sed -n "$((_before + 1))p" "$T/hold.out"
}

# expect_hold CMD ANSWER: hold_cmd CMD must answer ANSWER (a glob).
expect_hold() {
	_answer=$(hold_cmd "$1")
	case $_answer in
	$2) note "$1: $_answer" ;;
	*) fail "'$1': expected '$2', got '$_answer'
$(cat "$T/hold.err")" ;;
	esac
}

# hold_stop: close tcpeer hold's connections and wait for it.
hold_stop() {
	exec 3>&-
	wait_exit "$HOLD_PID" 10 || fail "tcpeer hold did not end"
	[ "$EXIT_STATUS" -eq 0 ] ||
		fail "tcpeer hold failed (status $EXIT_STATUS): $(cat "$T/hold.err")"
}

# wait_closed N: wait until the server's log has N lines "...: closed".
_closed_at_least() {
	[ "$(log_count ': closed')" -ge "$1" ]
}
wait_closed() {
	wait_for 5 _closed_at_least "$1" ||
		fail "expected $1 'closed' lines in the server's log within 5 s, got $(log_count ': closed')"
}
