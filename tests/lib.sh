# lib.sh: what every end-to-end test shares, sourced first. A per-test
# temporary directory, a server started on a port of the system's choosing
# and stopped by PID, bounded waits, and failures that say what was expected
# and what came. POSIX sh: make check runs the tests with $(SHELL).

set -u

: "${TSCHATD:?TSCHATD must name the built tschatd (run through make check)}"
: "${TSCHAT:?TSCHAT must name the built tschat}"
: "${TCPEER:?TCPEER must name the built tests/tcpeer}"
: "${top_srcdir:=.}"

# Wire bytes are never translated, but messages and sort orders are.
LC_ALL=C
export LC_ALL
unset LANGUAGE
# The tutorial's programs print UTF-8 whatever the locale.
PYTHONIOENCODING=utf-8
export PYTHONIOENCODING

TEST_NAME=$(basename "$0" .sh)
T=$(mktemp -d "${TMPDIR:-/tmp}/tschat-$TEST_NAME.XXXXXX") || exit 99
# The client keeps its typed lines under XDG_STATE_HOME: the test's own.
XDG_STATE_HOME=$T/state
export XDG_STATE_HOME
SERVER_PID=
SERVER_LOG=
PORT=
TLS_PORT=
PIDS=

# TSCHAT_MEMORY_SLACK_KIB (default 0): what tests that bound the server's
# memory add to their bounds, for builds whose memory is not the program's
# alone (AddressSanitizer's shadow and quarantine; tools/ci-reliability).
TSCHAT_MEMORY_SLACK_KIB=${TSCHAT_MEMORY_SLACK_KIB:-0}
# TSCHAT_TIME_SLACK_MS (default 0): the same for the tests that bound how
# long the programs take, for runs that slow them down (valgrind).
TSCHAT_TIME_SLACK_MS=${TSCHAT_TIME_SLACK_MS:-0}
# TSCHAT_LOAD_DIVISOR (default 1): the tests that flood a crowd of peers
# (gigabytes through loopback in seconds) divide the crowd by it, for builds
# whose every byte costs several times more (AddressSanitizer), where the
# readers, not the server under test, would fall behind. What the test
# asserts stays the same.
TSCHAT_LOAD_DIVISOR=${TSCHAT_LOAD_DIVISOR:-1}

# TSCHAT_WRAPPER (default: none) is a command put before tschatd and tschat,
# e.g. "valgrind --error-exitcode=1 ..." (tools/ci-reliability). It must
# exec the program, so that the server's PID and exit status stay its own.
# The scripts that do it have the programs' names, for the tests that go
# by them.
if [ -n "${TSCHAT_WRAPPER:-}" ]; then
	mkdir "$T/wrapped" || exit 99
	for _prog in TSCHATD TSCHAT; do
		eval "_real=\$$_prog"
		_wrapped=$T/wrapped/${_real##*/}
		printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$TSCHAT_WRAPPER" \
		    "$_real" >"$_wrapped" || exit 99
		chmod +x "$_wrapped" || exit 99
		eval "$_prog=\$_wrapped"
	done
fi

# untrack PID: it is stopped; the cleanup must not kill whoever gets its PID.
untrack() {
	PIDS=$(for _p in $PIDS; do [ "$_p" = "$1" ] || printf ' %s' "$_p"; done)
}

# Kill what the test started and is still running: a PID whose process
# started at another time than the one tracked is someone else's by now.
cleanup() {
	for pid in $SERVER_PID $PIDS; do
		eval "_start=\${START_$pid:-}"
		[ -z "$_start" ] || [ "$(proc_start "$pid")" = "$_start" ] ||
			continue
		if kill -KILL "$pid" 2>/dev/null; then
			wait "$pid" 2>/dev/null
		fi
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# fail MSG...: say what went wrong, show the server's log, exit 1.
fail() {
	printf 'FAIL: %s: %s\n' "$TEST_NAME" "$*" >&2
	if [ -n "$SERVER_LOG" ] && [ -s "$SERVER_LOG" ]; then
		printf -- '--- the log of the last tschatd started, %s ---\n' \
		    "$SERVER_LOG" >&2
		tail -n 30 "$SERVER_LOG" >&2
		printf -- '--- end of the log ---\n' >&2
	fi
	exit 1
}

# skip MSG...: this host cannot run the test; say why.
skip() {
	printf 'SKIP: %s: %s\n' "$TEST_NAME" "$*" >&2
	exit 77
}

# note MSG...: progress, in the test's .log file.
note() {
	printf '%s: %s\n' "$TEST_NAME" "$*"
}

# Show bytes unambiguously in a failure message.
show() {
	printf '%s' "$1" | od -An -c | sed 's/^ *//' | tr -s ' ' | head -n 8
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	[ "$2" = "$3" ] && return 0
	fail "$1: expected
  '$2'
  (bytes: $(show "$2"))
got
  '$3'
  (bytes: $(show "$3"))"
}

# expect_file_eq WHAT EXPECTED_FILE ACTUAL_FILE: byte for byte.
expect_file_eq() {
	cmp -s "$2" "$3" && return 0
	fail "$1: the bytes differ
expected ($(wc -c <"$2") bytes):
$(od -An -c "$2" | head -n 12)
got ($(wc -c <"$3") bytes):
$(od -An -c "$3" | head -n 12)"
}

# The default stamp, "[Wed Aug 14 20:50:19 2013] ", as a glob and an ERE.
STAMP_GLOB='[[][A-Z][a-z][a-z] [A-Z][a-z][a-z] [ 0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] [0-9][0-9][0-9][0-9]] '
STAMP_ERE='^\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ( [1-9]|[12][0-9]|3[01]) ([01][0-9]|2[0-3]):[0-5][0-9]:[0-6][0-9] [0-9]{4}\] $'

# stamp_of LINE: the "[...] " part of a stamped line, or nothing. The
# glob is unquoted on purpose: it is a pattern.
stamp_of() {
	case $1 in
	$STAMP_GLOB*)
		printf '%s' "${1%"${1#$STAMP_GLOB}"}" ;;
	esac
}

# expect_stamped_line TEXT ACTUAL: ACTUAL is "[Www Mmm dd HH:MM:SS YYYY] TEXT",
# its time within a minute of now (local time, as the server stamps).
expect_stamped_line() {
	_stamp=$(stamp_of "$2")
	if [ -z "$_stamp" ] ||
	    ! printf '%s\n' "$_stamp" | grep -Eq "$STAMP_ERE"; then
		fail "expected a stamped line
  '[Www Mmm dd HH:MM:SS YYYY] $1'
got
  '$2'
  (bytes: $(show "$2"))"
	fi
	expect_eq "the text after the stamp" "$1" "${2#"$_stamp"}"
	_when=$(printf '%s' "$_stamp" | sed 's/^\[//; s/\] $//')
	_then=$(date -d "$_when" +%s 2>/dev/null) || return 0
	_diff=$(( $(date +%s) - _then ))
	if [ "$_diff" -gt 60 ] || [ "$_diff" -lt -60 ]; then
		fail "the stamp '$_stamp' is $_diff s away from now ($(date))"
	fi
}

# line N FILE: the Nth line of FILE.
line() {
	sed -n "$1p" "$2"
}

# expect_lines WHAT N FILE: FILE has exactly N lines, each ending in \n.
expect_lines() {
	_n=$(wc -l <"$3" | tr -d ' ')
	[ "$_n" -eq "$2" ] ||
		fail "$1: expected $2 lines, got $_n:
$(head -n 20 "$3")"
	if [ -s "$3" ] && [ "$(tail -c 1 "$3" | od -An -c | tr -d ' ')" != '\n' ]; then
		fail "$1: the last line has no newline:
$(od -An -c "$3" | tail -n 3)"
	fi
}

# track PID: kill it at exit if it is still running.
track() {
	PIDS="$PIDS $1"
	eval "START_$1=\$(proc_start \"\$1\")"
}

# proc_start PID: when PID started (clock ticks after boot), or nothing.
proc_start() {
	sed -n 's/^.*) //p' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20
}

# running PID: the process exists and is not a zombie.
running() {
	kill -0 "$1" 2>/dev/null || return 1
	[ -r "/proc/$1/stat" ] || return 0
	case $(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null) in
	Z*|X*|'') return 1 ;;
	esac
	return 0
}

# wait_for SECS CMD...: poll CMD every 50 ms until it succeeds; 1 on timeout.
wait_for() {
	_tries=$(( $1 * 20 ))
	shift
	while [ "$_tries" -gt 0 ]; do
		"$@" && return 0
		sleep 0.05
		_tries=$((_tries - 1))
	done
	return 1
}

# wait_exit PID SECS: wait for PID to end; its status in $EXIT_STATUS.
# Return 1 if it still runs after SECS.
wait_exit() {
	_tries=$(( $2 * 20 ))
	while running "$1"; do
		[ "$_tries" -gt 0 ] || return 1
		sleep 0.05
		_tries=$((_tries - 1))
	done
	EXIT_STATUS=0
	wait "$1" || EXIT_STATUS=$?
	untrack "$1"
	return 0
}

# Milliseconds since the epoch, to time things.
now_ms() {
	date +%s%3N
}

# How many "listening on" lines the tschatd options ARGS promise: one per
# protocol per -b (the default bind is one socket per protocol); --tls-cert
# adds a TLS one per -b, and --tls-only takes plaintext TCP away.
count_listeners() {
	_tcp=0 _udp=0 _tls=0 _tlsonly=0 _binds=0
	while [ $# -gt 0 ]; do
		case $1 in
		-b|--bind) _binds=$((_binds + 1)); shift ;;
		--bind=*) _binds=$((_binds + 1)) ;;
		--tls-cert) _tls=1; shift ;;
		--tls-cert=*) _tls=1 ;;
		--tls-only) _tlsonly=1 ;;
		-t|--tcp) _tcp=1 ;;
		-u|--udp) _udp=1 ;;
		-tu|-ut) _tcp=1 _udp=1 ;;
		--*) ;;
		-[a-zA-Z]*) case $1 in *t*) _tcp=1 ;; esac
			case $1 in *u*) _udp=1 ;; esac ;;
		esac
		shift
	done
	[ $((_tcp + _udp + _tlsonly)) -eq 0 ] && _tcp=1
	[ "$_binds" -eq 0 ] && _binds=1
	echo $(( (_tcp + _udp + _tls) * _binds ))
}

_listening_count() {
	grep -c 'listening on ' "$SERVER_LOG" 2>/dev/null
}

_server_ready() {
	running "$SERVER_PID" || return 0
	[ "$(_listening_count)" -ge "$SERVER_WANT" ]
}

# start_server_args ARGS...: run "$TSCHATD" ARGS in the background and wait
# for its "listening on" lines; PORT is the port of the first plaintext
# (TCP or UDP) one, TLS_PORT that of the first TLS one (else empty). Set
# SERVER_WANT=0 beforehand to skip that wait (for -q, which logs nothing).
start_server_args() {
	[ -z "$SERVER_PID" ] || fail "start_server: a server is already running"
	SERVER_LOG=$T/server.log
	: >"$SERVER_LOG"
	SERVER_WANT=${SERVER_WANT:-$(count_listeners "$@")}
	"$TSCHATD" "$@" 2>"$SERVER_LOG" &
	SERVER_PID=$!
	eval "START_$SERVER_PID=\$(proc_start $SERVER_PID)"
	if ! wait_for 10 _server_ready; then
		fail "tschatd $* did not report $SERVER_WANT 'listening on' lines within 10 s"
	fi
	if ! running "$SERVER_PID"; then
		wait "$SERVER_PID"
		_rc=$?
		SERVER_PID=
		fail "tschatd $* exited with status $_rc at start"
	fi
	unset SERVER_WANT
	PORT=$(sed -n '/listening on tls /d
	    s/.*listening on [a-z]* .*:\([0-9][0-9]*\)$/\1/p' \
	    "$SERVER_LOG" | head -n 1)
	TLS_PORT=$(sed -n 's/.*listening on tls .*:\([0-9][0-9]*\)$/\1/p' \
	    "$SERVER_LOG" | head -n 1)
	note "server $SERVER_PID: tschatd $* (port ${PORT:-none}${TLS_PORT:+, tls port $TLS_PORT})"
}

# start_server ARGS...: tschatd on 127.0.0.1, a port of the system's choice.
start_server() {
	start_server_args -b 127.0.0.1 -p 0 "$@"
}

# server_alive: the server is still up, or fail.
server_alive() {
	running "$SERVER_PID" || fail "the server died (it should be running)"
}

# stop_server [SIG]: SIGTERM (or SIG), then expect exit status 0 within 5 s.
stop_server() {
	[ -n "$SERVER_PID" ] || return 0
	server_alive
	kill "-${1:-TERM}" "$SERVER_PID"
	if ! wait_exit "$SERVER_PID" 5; then
		fail "the server did not exit within 5 s of SIG${1:-TERM}"
	fi
	SERVER_PID=
	[ "$EXIT_STATUS" -eq 0 ] ||
		fail "the server exited with status $EXIT_STATUS after SIG${1:-TERM}, expected 0"
	# Its log is no longer news for later failures.
	SERVER_LOG=
}

# stop_timed SIG MAX_MS: SIG stops the server, which exits with status 0
# within MAX_MS (plus TSCHAT_TIME_SLACK_MS). Its log stays, for the checks
# of what it said on the way out.
stop_timed() {
	_t0=$(now_ms)
	kill "-$1" "$SERVER_PID"
	wait_exit "$SERVER_PID" 10 ||
		fail "the server still runs 10 s after SIG$1"
	_ms=$(( $(now_ms) - _t0 ))
	SERVER_PID=
	[ "$EXIT_STATUS" -eq 0 ] ||
		fail "after SIG$1 the server exited with status $EXIT_STATUS, expected 0"
	[ "$_ms" -le $(($2 + TSCHAT_TIME_SLACK_MS)) ] ||
		fail "after SIG$1 the server took $_ms ms to exit, expected at most $2"
	note "SIG$1: the server exited 0 after $_ms ms"
}

# server_stats: send SIGUSR1 and print the new "stats:" line.
server_stats() {
	_before=$(grep -c 'stats:' "$SERVER_LOG")
	kill -USR1 "$SERVER_PID"
	wait_for 5 _stats_after "$_before" ||
		fail "no 'stats:' line in the log within 5 s of SIGUSR1"
	grep 'stats:' "$SERVER_LOG" | tail -n 1
}

# stat_value NAME STATS: the counter NAME in a "stats:" line ("peers 3, ...").
stat_value() {
	printf '%s\n' "$2" |
	    sed -n "s/.*[^a-z]$1 \([0-9][0-9]*\).*/\1/p" | head -n 1
}

# expect_stat NAME VALUE STATS
expect_stat() {
	_v=$(stat_value "$1" "$3")
	[ -n "$_v" ] || fail "no counter '$1' in the stats line '$3'"
	[ "$_v" -eq "$2" ] ||
		fail "expected the counter '$1' at $2, got $_v, in '$3'"
}

_stats_after() {
	[ "$(grep -c 'stats:' "$SERVER_LOG")" -gt "$1" ]
}

# vmrss_kib PID: the resident set size of PID in KiB.
vmrss_kib() {
	sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$1/status"
}

# The tutorial's Python programs, or skip.
need_python() {
	command -v python3 >/dev/null 2>&1 ||
		skip "python3 is not installed: the tutorial's programs need it"
}
need_seed() {
	need_python
	SEED_DIR=${TSCHAT_SEED_DIR:-$top_srcdir/../shared/seed}
	[ -f "$SEED_DIR/tcp_client.py" ] ||
		skip "the tutorial's programs are not in $SEED_DIR (set TSCHAT_SEED_DIR)"
}

# A port that was free on 127.0.0.1 a moment ago (for programs that cannot
# take port 0).
free_port() {
	"$TCPEER" free-port "$@" 127.0.0.1 || fail "tcpeer free-port failed"
}
