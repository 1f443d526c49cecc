#!/bin/sh
# tui-commands.sh: the full-screen client acts on /quit and /clear itself,
# and on nothing that only starts like them. While the server is away,
# /quitx and /clearx are lines for the server like any other: Enter keeps
# them on the input line and the client runs on; /clear empties the pane
# and /quit leaves with status 0, connection or not.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-tui.sh"

# pane_cleared: no text in the pane (every row above the status bar) but
# what the client may say after the /clear, while it tries to reconnect.
pane_cleared() {
	tui_capture &&
	    ! sed -n "1,$((TUI_ROWS - 2))p" "$TUI_SCREEN" | grep '[^ ]' |
	    grep -v '^\*\*\* cannot reach ' | grep -q .
}

start_server
tui_start 80 24 127.0.0.1 "$PORT"
tui_wait_status "^ 127\\.0\\.0\\.1:$PORT tcp \\| connected"
tui_type 'before the server went'
tui_send Enter
tui_wait_bottom "^$TUI_STAMP before the server went\$"

stop_server
tui_wait_status "^ 127\\.0\\.0\\.1:$PORT tcp \\| reconnecting in [0-9]+ ?s"

# Words that start like the client's commands are lines: kept, not lost.
kept=0
for word in /quitx /clearx '/quitter now'; do
	tui_type "$word"
	tui_wait_input "$word"
	tui_send Enter
	kept=$((kept + 1))
	tui_wait_count "$kept" '^\*\*\* not connected: the line is kept'
	tui_wait_input "$word"
	tui_alive
	tui_send C-e C-u
	tui_wait_input ''
done

# /clear is the client's own: without a connection too.
tui_type /clear
tui_send Enter
wait_for "$TUI_WAIT" pane_cleared ||
	tui_fail "expected /clear to empty the pane while disconnected"
tui_wait_input ''
tui_alive

# /quit leaves, connection or not.
tui_type /quit
tui_send Enter
tui_wait_exit
expect_eq "tschat's exit status after /quit while disconnected" 0 \
    "$EXIT_STATUS"
exit 0
