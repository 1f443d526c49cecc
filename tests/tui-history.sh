#!/bin/sh
# tui-history.sh: typed lines are remembered across runs. Lines sent in one
# run are in $XDG_STATE_HOME/tschat/history (0600, its directory 0700); the
# next run has them under Up and C-r. A history that cannot be made or
# written is said in the pane, once, and the client goes on; a link to
# /dev/null keeps nothing and says nothing.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-tui.sh"

HIST=$XDG_STATE_HOME/tschat/history

# mode FILE: its permission bits, in octal.
mode() {
	stat -c %a "$1"
}

start_server -B --history 0 --line-rate 0

# --- the first run -------------------------------------------------------------
tui_start 80 24 -n alice 127.0.0.1 "$PORT"
tui_wait_status 'connected \| alice \| 1:#lobby$'
for l in 'the first line' 'schön' '/me waves'; do
	tui_type "$l"
	tui_send Enter
done
tui_wait_bottom '\* alice waves$'
tui_type '/quit'
tui_send Enter
tui_wait_exit
expect_eq "exit status after /quit" 0 "$EXIT_STATUS"
[ -f "$HIST" ] || fail "no history file at $HIST after a run"
expect_eq "the history file's mode" 600 "$(mode "$HIST")"
expect_eq "its directory's mode" 700 "$(mode "${HIST%/*}")"
expect_eq "the history file" "$(printf 'the first line\nschön\n/me waves\n/quit')" \
    "$(cat "$HIST")"

# --- the next run has them ---------------------------------------------------
# A file left readable by others is made private again.
chmod 644 "$HIST"
tui_start 80 24 -n alice 127.0.0.1 "$PORT"
tui_wait_status 'connected \| alice \| 1:#lobby$'
tui_send Up
tui_wait_input '/quit'
tui_send Up
tui_wait_input '/me waves'
tui_send Down Down
tui_wait_input ''
tui_send C-r
tui_type first
tui_wait_input "(reverse-i-search)\`first': the first line"
tui_send Enter
tui_wait_bottom "^$TUI_STAMP alice: the first line\$"
expect_eq "the history file's mode after a run" 600 "$(mode "$HIST")"
# The line sent again is the newest.
wait_for 5 eval '[ "$(tail -n 1 "$HIST")" = "the first line" ]' ||
	fail "the line found by C-r and sent is not the history's last: $(tail -n 1 "$HIST")"
tui_send C-d
tui_wait_exit

# --- a history that cannot be made -------------------------------------------
# XDG_STATE_HOME is a file: no directory under it.
printf 'x' >"$T/plain"
XDG_STATE_HOME=$T/plain
tui_start 200 24 -n alice 127.0.0.1 "$PORT"
tui_wait_status 'connected \| alice \| 1:#lobby$'
tui_wait_for "typed lines are not kept across runs: cannot make the directory of $T/plain/tschat/history: Not a directory"
tui_type 'still sent'
tui_send Enter
tui_wait_bottom "^$TUI_STAMP alice: still sent\$"
tui_send C-d
tui_wait_exit
expect_eq "exit status without a history file" 0 "$EXIT_STATUS"

# --- a disk that is full -----------------------------------------------------
# Said once, at the first line that could not be written; the lines are
# still sent and still under Up.
mkdir -p "$T/full/tschat"
ln -s /dev/full "$T/full/tschat/history"
XDG_STATE_HOME=$T/full
tui_start 200 24 -n alice 127.0.0.1 "$PORT"
tui_wait_status 'connected \| alice \| 1:#lobby$'
tui_type 'one'
tui_send Enter
tui_wait_for "typed lines are no longer kept across runs: cannot write $T/full/tschat/history: No space left on device"
tui_type 'two'
tui_send Enter
tui_wait_bottom "^$TUI_STAMP alice: two\$"
tui_capture
expect_eq "notices of a history that cannot be written" 1 \
    "$(tui_count 'no longer kept')"
tui_send Up
tui_wait_input 'two'
tui_send C-u C-d
tui_wait_exit

# --- a link to /dev/null ------------------------------------------------------
mkdir -p "$T/null/tschat"
ln -s /dev/null "$T/null/tschat/history"
XDG_STATE_HOME=$T/null
tui_start 80 24 -n alice 127.0.0.1 "$PORT"
tui_wait_status 'connected \| alice \| 1:#lobby$'
tui_type 'forgotten'
tui_send Enter
tui_wait_bottom "^$TUI_STAMP alice: forgotten\$"
tui_capture
expect_eq "notices with a history linked to /dev/null" 0 \
    "$(tui_count 'kept across runs')"
[ -L "$T/null/tschat/history" ] || fail "the link to /dev/null was replaced"
tui_send C-d
tui_wait_exit
stop_server
exit 0
