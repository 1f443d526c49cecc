#!/bin/sh
# tui-scroll.sh: paging through the scrollback. A peer sends 100 numbered
# lines; PageUp shows older ones and the status bar says "-- more: N
# unread --", counting the lines that come meanwhile while the view stays
# put; PageDown back to the bottom shows the newest and drops the marker.
# With --scrollback 50 only the last 50 lines are kept: paging up as far
# as it goes never shows an older one. Paging goes by screen rows and
# stops when the oldest line is at the top of the pane, its first row in
# the top row and the pane full, however many rows wrapped lines take.
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
tui_wait_status 'connected \| alice \| 1:#lobby$'
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
tui_wait_status '\| connected \| alice \| 1:#lobby$'
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

# --- the top of the scrollback ---------------------------------------------
# A server of the test's own sends 60 lines, 02 and 03 so long that each
# wraps onto 3 rows (78 cells a row: 2 are the continuation's indent).
# With tschat's own "*** connected" line, 61 lines take 65 rows.
long_line() {
	_l="long $1"
	while [ ${#_l} -lt 180 ]; do
		_l="$_l abcdefgh"
	done
	printf '%s' "$_l"
}
peer_start srv listen
tui_start 80 24 127.0.0.1 "$PEER_PORT"
tui_wait_status '\| connected \|'
i=1
while [ $i -le 60 ]; do
	case $i in
	2|3) peer srv "say $(long_line "$(printf '%02d' $i)")" ;;
	*) peer srv "say line $(printf '%02d' $i)" ;;
	esac
	i=$((i + 1))
done
tui_wait_bottom '^line 60$'

# The rows of the pane, 1 the top; long 02 is rows 3 to 5, long 03 6 to 8,
# line N (N >= 4) row N + 5. A page is 21 rows.
tui_send PPage
tui_wait_bottom '^line 39$'
tui_send PPage
tui_wait_bottom '^line 18$'
tui_wait_row 1 '^line 01$'
# The third page goes 1 row, to the top; a fourth goes nowhere.
tui_send PPage
tui_wait_row 1 "^\\*\\*\\* connected to 127\\.0\\.0\\.1:$PEER_PORT\$"
tui_wait_bottom '^line 17$'
tui_wait_status '\| -- more: 0 unread --$'
tui_capture
cp "$TUI_SCREEN" "$T/top"
tui_row 2 | grep -q '^line 01$' || tui_fail "row 2 should be 'line 01'"
for r in 3 6; do
	tui_row $r | grep -q '^long 0' ||
		tui_fail "row $r should start a long line, at the left edge"
	for c in $((r + 1)) $((r + 2)); do
		tui_row $c | grep -q '^  [^ ]' ||
			tui_fail "row $c should continue the long line of row $r, indented by 2"
	done
done
tui_send PPage
sleep 0.3
tui_capture
cmp -s "$T/top" "$TUI_SCREEN" ||
	tui_fail "PageUp with the oldest line at the top should change nothing"
tui_send PPage PPage
sleep 0.3
tui_capture
cmp -s "$T/top" "$TUI_SCREEN" ||
	tui_fail "PageUp with the oldest line at the top should change nothing"
# Down from the top: a page of 21 rows at a time, then the bottom.
tui_send NPage
tui_wait_bottom '^line 38$'
tui_wait_row 1 '^line 17$'
tui_send NPage NPage
tui_wait_bottom '^line 60$'
tui_wait_status '\| connected \| 127\.0\.0\.1:[0-9]+ \| 1:#lobby$'
tui_send C-d
tui_wait_exit
expect_eq "tschat's exit status after C-d" 0 "$EXIT_STATUS"
exit 0
