#!/bin/sh
# tui-log.sh: --log FILE in the full-screen client. A log that takes every
# line gets each one and tschat says nothing of it. A log that cannot be
# written (/dev/full: every write fails with ENOSPC) costs nothing but the
# log: tschat says so once in the pane, as a line of its own, goes on, and
# says so once more on stderr after its screen has ended; the exit status
# is still 0.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-tui.sh"

[ -c /dev/full ] && [ -w /dev/full ] ||
	skip "no writable /dev/full to make the log's writes fail"

PANE_SAYS='^\*\*\* cannot write to /dev/full: No space left on device; nothing more is logged$'
STDERR_SAYS='^tschat: cannot write to /dev/full: No space left on device$'

# send TEXT: TEXT typed and sent; wait for its echo.
send() {
	tui_type "$1"
	tui_send Enter
	tui_wait_for "^$TUI_STAMP $1\$"
}

start_server

# --- a log that takes every line ----------------------------------------------
LOG=$T/chat.log
tui_start 100 24 --log "$LOG" 127.0.0.1 "$PORT"
tui_wait_status 'connected'
send 'one for the log'
send 'two for the log'
tui_type /quit
tui_send Enter
tui_wait_exit
expect_eq "tschat's exit status after /quit, the log written" 0 "$EXIT_STATUS"
expect_eq "the lines of the --log file" 2 "$(grep -Ec "^$TUI_STAMP (one|two) for the log\$" "$LOG")"
tui_capture
grep -q 'cannot write' "$TUI_SCREEN" &&
	tui_fail "tschat said it cannot write to a log it wrote"

# --- a log that cannot be written ---------------------------------------------
tui_start 100 24 --log /dev/full 127.0.0.1 "$PORT"
tui_wait_status 'connected'
# Nothing received, nothing written yet: nothing to say.
tui_wait_count 0 'cannot write'
send 'first line'
tui_wait_count 1 "$PANE_SAYS"
# Said once: the lines after it go to the pane and no more reports.
send 'second line'
send 'third line'
tui_wait_count 1 'cannot write'
tui_type /quit
tui_send Enter
tui_wait_exit
expect_eq "tschat's exit status after /quit, the log failing" 0 "$EXIT_STATUS"
# The screen has ended: what stays in the pane is what went to stderr.
tui_wait_count 1 "$STDERR_SAYS"
tui_wait_count 1 'cannot write'
stop_server
exit 0
