#!/bin/sh
# tui-reconnect.sh: the full-screen client never gives up. When the server
# goes away while a line is half typed, the pane says so, the status bar
# counts down to the next try, the half-typed line stays (Enter keeps it
# while there is no connection); when the server is back on the same port
# the client reconnects by itself, sends its --nick again, and Enter sends
# the kept line. A server that is not there at start: the screen opens, the
# client retries with a doubling backoff (0.5 s, 1 s, 2 s) and connects
# once the server appears.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-tui.sh"

_up_or_dead() {
	! running "$SERVER_PID" || grep -q 'listening on' "$SERVER_LOG"
}

# start_server_on PORT ARGS...: tschatd -B on 127.0.0.1:PORT, trying again
# for up to 5 s while the port is busy.
start_server_on() {
	_port=$1
	shift
	_attempts=0
	while :; do
		SERVER_LOG=$T/server.log
		: >"$SERVER_LOG"
		"$TSCHATD" -b 127.0.0.1 -p "$_port" -B --history 0 "$@" 2>"$SERVER_LOG" &
		SERVER_PID=$!
		eval "START_$SERVER_PID=\$(proc_start $SERVER_PID)"
		wait_for 5 _up_or_dead ||
			fail "tschatd on port $_port neither listened nor exited within $TUI_WAIT s"
		if running "$SERVER_PID"; then
			PORT=$_port
			note "server $SERVER_PID on port $PORT (after $_attempts retries)"
			return 0
		fi
		wait "$SERVER_PID"
		SERVER_PID=
		_attempts=$((_attempts + 1))
		[ "$_attempts" -lt 50 ] ||
			fail "tschatd could not listen on port $_port again within 5 s: $(cat "$SERVER_LOG")"
		sleep 0.1
	done
}

# --- the server goes away and comes back -----------------------------------
start_server -B --history 0
tui_start 80 24 -n alice 127.0.0.1 "$PORT"
tui_wait_status "^ 127\\.0\\.0\\.1:$PORT tcp \\| connected \\| alice \\| 1:#lobby\$"
tui_wait_count 1 "is now known as alice\$"
tui_type 'half typed line'
tui_wait_input 'half typed line'

stop_server
tui_wait_for "^\\*\\*\\* 127\\.0\\.0\\.1:$PORT closed the connection; trying again in 0\\.5 s\$"
tui_wait_status "^ 127\\.0\\.0\\.1:$PORT tcp \\| reconnecting in [0-9]+ ?s \\| alice \\| 1:#lobby\$"
tui_wait_input 'half typed line'
# Enter while there is no connection keeps the line.
tui_send Enter
tui_wait_for '^\*\*\* not connected'
tui_wait_input 'half typed line'
# A paste of lines is refused as a whole, not run together in the input.
printf 'pasted one\npasted two\n' >"$T/paste"
tui_paste "$T/paste"
tui_wait_for '^\*\*\* not connected: the pasted lines were not sent$'
tui_wait_input 'half typed line'
tui_alive

start_server_on "$PORT"
tui_wait_count 2 "^\\*\\*\\* connected to 127\\.0\\.0\\.1:$PORT\$" 10
tui_wait_status "^ 127\\.0\\.0\\.1:$PORT tcp \\| connected \\| alice \\| 1:#lobby\$"
# --nick again on the new connection: the new server says so.
tui_wait_count 2 "^$TUI_STAMP \\*\\*\\* 127\\.0\\.0\\.1:[0-9]+ is now known as alice\$"
tui_wait_input 'half typed line'
tui_send Enter
tui_wait_bottom "^$TUI_STAMP alice: half typed line\$"
tui_wait_input ''
tui_type /quit
tui_send Enter
tui_wait_exit
expect_eq "tschat's exit status after /quit" 0 "$EXIT_STATUS"
stop_server

# --- no server at start ------------------------------------------------------
port=$(free_port)
tui_start 80 24 -n alice 127.0.0.1 "$port"
tui_wait_for "^\\*\\*\\* cannot reach 127\\.0\\.0\\.1:$port: Connection refused; trying again in 0\\.5 s\$"
tui_wait_status "^ 127\\.0\\.0\\.1:$port tcp \\| reconnecting in [0-9]+ ?s"
tui_wait_for "^\\*\\*\\* cannot reach 127\\.0\\.0\\.1:$port: Connection refused; trying again in 1\\.0 s\$" 3
tui_wait_for "^\\*\\*\\* cannot reach 127\\.0\\.0\\.1:$port: Connection refused; trying again in 2\\.0 s\$" 4
tui_alive
tui_type 'typed while waiting'
start_server_on "$port"
tui_wait_for "^\\*\\*\\* connected to 127\\.0\\.0\\.1:$port\$" 10
tui_wait_status "^ 127\\.0\\.0\\.1:$port tcp \\| connected \\| alice \\| 1:#lobby\$"
tui_wait_bottom "^$TUI_STAMP \\*\\*\\* 127\\.0\\.0\\.1:[0-9]+ is now known as alice\$"
tui_wait_input 'typed while waiting'
tui_send Enter
tui_wait_bottom "^$TUI_STAMP alice: typed while waiting\$"
tui_send C-d
tui_wait_exit
expect_eq "tschat's exit status after C-d" 0 "$EXIT_STATUS"
stop_server

# --- a UDP room that forgot the client -------------------------------------
# The client answers the room's "send /join TOKEN" by itself, and again
# when the room has let it go after --udp-peer-ttl of silence.
start_server -u -B --history 0 --line-rate 0 --udp-peer-ttl 1
tui_start 80 24 -u 127.0.0.1 "$PORT"
tui_type 'first datagram'
tui_send Enter
tui_wait_bottom "^$TUI_STAMP [^ ]+: first datagram\$"
sleep 2.5
tui_type 'after the ttl'
tui_send Enter
tui_wait_bottom "^$TUI_STAMP [^ ]+: after the ttl\$"
tui_send C-d
tui_wait_exit
stop_server
exit 0
