# lib-tui.sh: what the full-screen tests share, sourced after lib.sh. A
# real tschat runs in a private tmux server (its own socket, no config) in
# a session of a fixed size; keys go in with send-keys and the screen comes
# back with capture-pane, polled every 50 ms within a bounded time. Peers
# and hostile servers are small python3 programs driven through command
# files. The tmux server is killed at exit, by PID if it must be.

command -v tmux >/dev/null 2>&1 ||
	skip "tmux is not installed: the full-screen tests drive tschat inside it"
need_python
python3 -c 'import locale; locale.setlocale(locale.LC_ALL, "C.UTF-8")' \
    2>/dev/null || skip "this host has no C.UTF-8 locale for tschat to run in"
# Tests started from inside tmux must not talk to the user's server.
unset TMUX TMUX_PANE

TUI_SOCKET=tschat-test-$TEST_NAME-$$
TUI_SERVER_PID=
TUI_SOCKET_PATH=
TUI_PID=
TUI_COLS=
TUI_ROWS=
TUI_SCREEN=$T/screen
# How long a wait for the screen may take, in seconds, unless told.
TUI_WAIT=${TUI_WAIT:-10}
# The stamp of a line on the screen, unanchored (ERE).
TUI_STAMP='\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9] [0-9]{4}\]'

tui() {
	LC_ALL=C.UTF-8 tmux -u -L "$TUI_SOCKET" "$@"
}

tui_kill_server() {
	[ -n "$TUI_SERVER_PID" ] || return 0
	tui kill-server >/dev/null 2>&1
	wait_for 3 eval '! kill -0 "$TUI_SERVER_PID" 2>/dev/null' ||
		kill -KILL "$TUI_SERVER_PID" 2>/dev/null
	[ -n "$TUI_SOCKET_PATH" ] && rm -f "$TUI_SOCKET_PATH"
	TUI_SERVER_PID=
	# tschat had the pane's terminal: it got SIGHUP.
	if [ -n "$TUI_PID" ]; then
		wait_for 2 eval '! running "$TUI_PID"' ||
			kill -KILL "$TUI_PID" 2>/dev/null
	fi
	TUI_PID=
}

tui_cleanup() {
	tui_kill_server
	cleanup
}
trap tui_cleanup EXIT

# sh_quote ARG: ARG quoted for sh.
sh_quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# tui_start COLS ROWS ARGS...: a new tmux server whose one pane, COLS x
# ROWS, runs "$TSCHAT" ARGS in a UTF-8 locale; wait for its first screen
# (the status bar). TUI_PID is tschat's PID; its exit status goes to
# $T/tui.status.
tui_start() {
	TUI_COLS=$1 TUI_ROWS=$2
	shift 2
	tui_kill_server
	rm -f "$T/tui.status" "$T/tui.pid"
	{
		echo '#!/bin/sh'
		# The inner sh becomes tschat: its PID is tschat's.
		printf '%s %s env LC_ALL=C.UTF-8 LANG=C.UTF-8 TERM=%s %s' \
		    "sh -c 'echo \$\$ >\"\$0\"; exec \"\$@\"'" \
		    "$(sh_quote "$T/tui.pid")" \
		    "$(sh_quote "${TUI_TERM:-screen-256color}")" \
		    "$(sh_quote "XDG_STATE_HOME=$XDG_STATE_HOME")"
		# Where TLS keys are remembered, when the test says.
		[ -z "${XDG_DATA_HOME:-}" ] ||
			printf ' %s' "$(sh_quote "XDG_DATA_HOME=$XDG_DATA_HOME")"
		printf ' %s' "$(sh_quote "$TSCHAT")"
		for _a; do
			printf ' %s' "$(sh_quote "$_a")"
		done
		printf '\necho $? >%s.tmp\nmv %s.tmp %s\n' \
		    "$(sh_quote "$T/tui.status")" \
		    "$(sh_quote "$T/tui.status")" "$(sh_quote "$T/tui.status")"
		# The pane lives on until the tmux server is stopped: tmux 3.3
		# may drop the first rows of a pane that has died.
		echo 'exec sleep 300'
	} >"$T/tui-run.sh"
	# The pane stays when tschat ends, so that its last screen is seen.
	# Both options hold from the start: turning the status line off
	# after the pane exists would resize it.
	printf 'set -g remain-on-exit on\nset -g status off\n' >"$T/tmux.conf"
	tui -f "$T/tmux.conf" new-session -d -s tschat -x "$TUI_COLS" \
	    -y "$TUI_ROWS" "sh $(sh_quote "$T/tui-run.sh")" ||
		fail "tmux would not start a session"
	TUI_SERVER_PID=$(tui display -p -t tschat '#{pid}')
	TUI_SOCKET_PATH=$(tui display -p -t tschat '#{socket_path}')
	[ -n "$TUI_SERVER_PID" ] || fail "the tmux server is gone"
	wait_for "$TUI_WAIT" test -s "$T/tui.pid" ||
		fail "tschat did not start in tmux within $TUI_WAIT s"
	TUI_PID=$(cat "$T/tui.pid")
	# Not this shell's child: tui_kill_server stops it with tmux.
	_size=$(tui display -p -t tschat '#{pane_width}x#{pane_height}')
	[ "$_size" = "${TUI_COLS}x$TUI_ROWS" ] ||
		fail "the tmux pane is $_size, expected ${TUI_COLS}x$TUI_ROWS"
	# TUI_NOSCREEN=1: a client that should fail before its screen opens.
	# A narrow status bar leaves out the server's name.
	[ "${TUI_NOSCREEN:-0}" = 1 ] ||
		tui_wait_row $((TUI_ROWS - 1)) \
		    '^ ([^ ]+ (tcp|udp|tls) \| )?(connecting|connected|reconnecting|not trusted)' \
		    "$TUI_WAIT"
	note "tschat $TUI_PID in tmux ${TUI_COLS}x$TUI_ROWS: $*"
}

# tui_resize COLS ROWS: the window takes that size (tschat gets SIGWINCH).
tui_resize() {
	tui resize-window -t tschat -x "$1" -y "$2" ||
		fail "tmux resize-window -x $1 -y $2 failed"
	TUI_COLS=$1 TUI_ROWS=$2
}

# tui_send KEY...: tmux key names (Enter, C-a, M-d, PPage, ...).
tui_send() {
	tui send-keys -t tschat "$@" || fail "tmux send-keys $* failed"
}

# tui_type TEXT: TEXT typed literally.
tui_type() {
	tui send-keys -t tschat -l "$1" || fail "tmux send-keys -l '$1' failed"
}

# tui_paste FILE: FILE pasted the way a terminal does it (tmux brackets it
# when the application asked for bracketed paste).
tui_paste() {
	tui load-buffer -b test "$1" || fail "tmux load-buffer $1 failed"
	tui paste-buffer -p -d -b test -t tschat || fail "tmux paste-buffer failed"
}

# tui_capture [ARGS]: the screen, as text, into $TUI_SCREEN.
tui_capture() {
	tui capture-pane -p -t tschat "$@" >"$TUI_SCREEN.tmp" 2>/dev/null &&
	    mv "$TUI_SCREEN.tmp" "$TUI_SCREEN"
}

# tui_row N: row N (1 the top) of the last capture.
tui_row() {
	sed -n "$1p" "$TUI_SCREEN"
}

# The screen as it was, for a failure message.
tui_show() {
	printf -- '--- the screen (%sx%s) ---\n' "$TUI_COLS" "$TUI_ROWS"
	sed 's/^/|/' "$TUI_SCREEN" 2>/dev/null
	printf -- '--- end of the screen ---'
	if [ -f "$T/tui.status" ]; then
		printf '\n(tschat has exited, status %s)' "$(cat "$T/tui.status")"
	elif [ -n "$TUI_PID" ] && [ -r "/proc/$TUI_PID/stat" ]; then
		# A client that stopped drawing may be spinning: say so.
		_c0=$(_tui_cpu)
		sleep 0.5
		_pct=$(( ($(_tui_cpu) - _c0) * 200 / $(getconf CLK_TCK) ))
		[ "$_pct" -lt 50 ] ||
			printf '\n(tschat is spinning: %s%% of a CPU)' "$_pct"
	fi
}

# CPU time tschat has used, in clock ticks.
_tui_cpu() {
	sed 's/^.*) //' "/proc/$TUI_PID/stat" | awk '{ print $12 + $13 }'
}

tui_fail() {
	fail "$*
$(tui_show)"
}

_tui_match() {
	tui_capture && grep -Eq -- "$1" "$TUI_SCREEN"
}

_tui_match_row() {
	tui_capture && tui_row "$1" | grep -Eq -- "$2"
}

_tui_no_match() {
	tui_capture && ! grep -Eq -- "$1" "$TUI_SCREEN"
}

_tui_count_is() {
	tui_capture && [ "$(tui_count "$2")" -eq "$1" ]
}

_tui_row_is() {
	tui_capture && [ "$(tui_row "$1")" = "$2" ]
}

# tui_wait_for REGEX [SECS]: some row of the screen matches REGEX (ERE)
# within SECS (default $TUI_WAIT), or fail showing the screen.
tui_wait_for() {
	wait_for "${2:-$TUI_WAIT}" _tui_match "$1" ||
		tui_fail "expected the screen to show /$1/ within ${2:-$TUI_WAIT} s"
}

# tui_wait_gone REGEX [SECS]: no row matches REGEX any more.
tui_wait_gone() {
	wait_for "${2:-$TUI_WAIT}" _tui_no_match "$1" ||
		tui_fail "expected /$1/ to leave the screen within ${2:-$TUI_WAIT} s"
}

# tui_wait_row N REGEX [SECS]: row N matches REGEX.
tui_wait_row() {
	wait_for "${3:-$TUI_WAIT}" _tui_match_row "$1" "$2" ||
		tui_fail "expected row $1 to match /$2/ within ${3:-$TUI_WAIT} s"
}

# tui_wait_input TEXT: the input line (the last row) is exactly TEXT.
tui_wait_input() {
	wait_for "${2:-$TUI_WAIT}" _tui_row_is "$TUI_ROWS" "$1" ||
		tui_fail "expected the input line to be exactly '$1' within ${2:-$TUI_WAIT} s, it is '$(tui_row "$TUI_ROWS")'"
}

# tui_wait_status REGEX: the status bar (the row above the input) matches.
tui_wait_status() {
	tui_wait_row $((TUI_ROWS - 1)) "$1" "${2:-$TUI_WAIT}"
}

# tui_wait_bottom REGEX: the pane's newest row (just above the status bar).
tui_wait_bottom() {
	tui_wait_row $((TUI_ROWS - 2)) "$1" "${2:-$TUI_WAIT}"
}

# tui_count REGEX: how many rows of the last capture match.
tui_count() {
	grep -Ec -- "$1" "$TUI_SCREEN"
}

# tui_wait_count N REGEX: exactly N rows match.
tui_wait_count() {
	wait_for "${3:-$TUI_WAIT}" _tui_count_is "$1" "$2" ||
		tui_fail "expected $1 rows to match /$2/ within ${3:-$TUI_WAIT} s, $(tui_count "$2") do"
}

# tui_alive: tschat still runs.
tui_alive() {
	running "$TUI_PID" || {
		tui_capture
		tui_fail "tschat has exited (it should be running)"
	}
}

# tui_wait_exit [SECS]: tschat ends; its status in EXIT_STATUS.
tui_wait_exit() {
	if ! wait_for "${1:-$TUI_WAIT}" test -f "$T/tui.status"; then
		tui_capture
		tui_fail "tschat did not exit within ${1:-$TUI_WAIT} s"
	fi
	EXIT_STATUS=$(cat "$T/tui.status")
	TUI_PID=
}

# tui_join FROM TO: rows FROM to TO of the last capture, joined by a
# space: a line wrapped at word boundaries comes back whole. The blanks
# that may indent a continuation row are not the line's.
tui_join() {
	sed -n "$1,$2p" "$TUI_SCREEN" | awk '
	    NR == 1 { s = $0; next }
	    { sub(/^ +/, ""); s = s " " $0 }
	    END { print s }'
}

# --- the peers ------------------------------------------------------------
# A peer (connect) or a server of the test's own (listen, one client):
# tests/tui-peer.py. Commands are lines appended to $T/NAME.cmd (peer):
#   say TEXT      TEXT and a newline
#   hex HEX       these bytes, nothing added
#   sleep SECS
#   close
# What it receives is appended to $T/NAME.out; $T/NAME.port holds its
# local port once connected (connect) or listening (listen).

# peer_start NAME connect HOST PORT | peer_start NAME listen: start it and
# wait until it is connected (or listening: PEER_PORT is its port).
peer_start() {
	_name=$1
	shift
	: >"$T/$_name.cmd"
	: >"$T/$_name.out"
	rm -f "$T/$_name.port"
	python3 "$top_srcdir/tests/tui-peer.py" "$T/$_name" "$@" \
	    2>"$T/$_name.err" &
	track $!
	wait_for "$TUI_WAIT" test -s "$T/$_name.port" ||
		fail "peer $_name ($*) did not start: $(cat "$T/$_name.err")"
	PEER_PORT=$(cat "$T/$_name.port")
}

# peer NAME COMMAND: one command to the peer.
peer() {
	printf '%s\n' "$2" >>"$T/$1.cmd"
}

# peer_wait_for NAME REGEX [SECS]: what NAME received matches REGEX.
peer_wait_for() {
	wait_for "${3:-$TUI_WAIT}" grep -Eq -- "$2" "$T/$1.out" ||
		fail "peer $1 did not receive /$2/ within ${3:-$TUI_WAIT} s; it got:
$(tail -n 20 "$T/$1.out")"
}

_peer_count_ge() {
	[ "$(grep -Ec -- "$3" "$T/$1.out")" -ge "$2" ]
}

# peer_wait_count NAME N REGEX [SECS]: at least N received lines match.
peer_wait_count() {
	wait_for "${4:-$TUI_WAIT}" _peer_count_ge "$1" "$2" "$3" ||
		fail "peer $1 did not receive $2 lines matching /$3/ within ${4:-$TUI_WAIT} s; it got:
$(tail -n 20 "$T/$1.out")"
}
