#!/bin/sh
# tui-scroll.sh: paging through the scrollback. A peer sends 100 numbered
# lines; PageUp shows older ones and the status bar says "-- more: N
# unread --", counting the lines that come meanwhile while the view stays
# put; PageDown back to the bottom shows the newest and drops the marker.
# With --scrollback 50 only the last 50 lines are kept: paging up as far
# as it goes never shows an older one.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-tui.sh"

# expect_rows FIRST LAST: the pane shows lines FIRST to LAST, one a row,
# the last in the bottom row.
expect_rows() {
	_n=$1
	_r=$((TUI_ROWS - 2 - $2 + $1))
	while [ "$_n" -le "$2" ]; do
		_want=$(printf '%03d' "$_n")
		tui_row $_r | grep -Eq "^$TUI_STAMP bob: line $_want\$" ||
			tui_fail "row $_r should be '[STAMP] bob: line $_want'"
		_n=$((_n + 1))
		_r=$((_r + 1))
	done
}

start_server -B --history 0 --line-rate 0
tui_start 80 24 --scrollback 50 -n alice 127.0.0.1 "$PORT"
tui_wait_status 'connected \| alice$'
peer_start bob connect 127.0.0.1 "$PORT"
peer bob 'say /nick bob'
i=1
while [ $i -le 100 ]; do
	peer bob "say line $(printf '%03d' $i)"
	i=$((i + 1))
done
tui_wait_bottom "^$TUI_STAMP bob: line 100\$" 10
# 22 rows of pane: lines 79 to 100.
expect_rows 79 100
grep -q -- '-- more' "$TUI_SCREEN" &&
	tui_fail "no '-- more' marker at the bottom of the scrollback"

# One page up: a page is the pane's height less one row (21): the
# scrollback holds 51..100, so the view ends at 79 and starts at 58.
tui_send PPage
tui_wait_bottom "^$TUI_STAMP bob: line 079\$"
expect_rows 58 79
tui_wait_status '\| -- more: 0 unread --$'

# New lines while scrolled back: counted; the view stays put.
for i in 101 102 103; do
	peer bob "say line $i"
done
tui_wait_status '\| -- more: 3 unread --$'
expect_rows 58 79
grep -q 'bob: line 10[0-3]$' "$TUI_SCREEN" &&
	tui_fail "lines that came while scrolled back should not show yet"

# Back down: the newest at the bottom, no marker.
tui_send NPage
tui_wait_bottom "^$TUI_STAMP bob: line 100\$"
tui_wait_status '\| -- more: 3 unread --$'
tui_send NPage
tui_wait_bottom "^$TUI_STAMP bob: line 103\$"
tui_wait_status '\| connected \| alice$'
expect_rows 82 103

# As far up as it goes: the oldest line kept is 103 - 49 = 54.
for i in 1 2 3 4 5 6; do
	tui_send PPage
	tui_capture
	oldest=$(sed -n "1,$((TUI_ROWS - 2))p" "$TUI_SCREEN" |
	    sed -n 's/^.* bob: line 0*\([0-9][0-9]*\)$/\1/p' | head -n 1)
	[ -z "$oldest" ] || [ "$oldest" -ge 54 ] ||
		tui_fail "with --scrollback 50, line $oldest should be gone (the oldest kept is 054)"
done
tui_wait_for "^$TUI_STAMP bob: line 054\$"
tui_wait_status '\| -- more: 0 unread --$'
tui_capture
grep -Eq 'bob: line 0([0-4][0-9]|5[0-3])$' "$TUI_SCREEN" &&
	tui_fail "with --scrollback 50, no line older than 054 may show"
tui_send C-d
tui_wait_exit
expect_eq "tschat's exit status after C-d" 0 "$EXIT_STATUS"
stop_server
exit 0
