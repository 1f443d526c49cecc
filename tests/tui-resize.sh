#!/bin/sh
# tui-resize.sh: a terminal resize redraws without losing anything. C-l,
# and a SIGWINCH at the same size, repaint a screen that someone else
# scribbled over (text written straight to the pane's terminal). The
# window goes 80x24 -> 40x12 -> 80x24: at 40x12 the newest message is
# wrapped whole above the status bar, back at 80x24 every earlier message
# is there again, one row each, and the half-typed input survives; keys
# still work after a resize, and C-l still repaints.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-tui.sh"

M1='apple banana cherry damson elder fig grape'
M2='hazel iris jasmine kale lemon mango nectarine'
M3='olive peach quince radish spinach tomato'
M4='ugli vanilla walnut xigua yam zucchini'
M5='amber bronze copper denim ebony fawn ginger'
DRAFT='draft stays here'

# expect_full_80x24 WHY: at 80x24, the five messages one row each at the
# bottom of the pane, in order, the status bar, the draft.
expect_full_80x24() {
	tui_wait_bottom "^$TUI_STAMP bob: $M5\$"
	tui_wait_input "$DRAFT"
	tui_wait_status "^ 127\\.0\\.0\\.1:$PORT tcp \\| connected \\| alice \\| 1:#lobby\$"
	r=18
	for m in "$M1" "$M2" "$M3" "$M4" "$M5"; do
		tui_row $r | grep -Eq "^$TUI_STAMP bob: $m\$" ||
			tui_fail "$1: row $r should be '[STAMP] bob: $m'"
		r=$((r + 1))
	done
	for m in "$M1" "$M2" "$M3" "$M4" "$M5"; do
		for w in $m; do
			grep -qw "$w" "$TUI_SCREEN" ||
				tui_fail "$1: the word '$w' is lost"
		done
	done
	grep -q 'is now known as alice$' "$TUI_SCREEN" ||
		tui_fail "$1: the earlier notices are lost"
}

# scribble: someone else writes to the terminal: the screen is cleared
# and holds one word, as far as tmux (the terminal) is concerned.
scribble() {
	printf '\033[2J\033[HSCRIBBLED' >"$(tui display -p -t tschat '#{pane_tty}')" ||
		fail "cannot write to the pane's terminal"
	wait_for "$TUI_WAIT" _tui_no_match 'bob: ' ||
		tui_fail "writing to the pane's terminal did not clear it"
	tui_wait_for '^SCRIBBLED$'
}

# repainted WHAT: the scribble is gone after WHAT.
repainted() {
	wait_for "$TUI_WAIT" _tui_no_match '^SCRIBBLED$' ||
		tui_fail "$1 did not repaint the screen within $TUI_WAIT s"
	expect_full_80x24 "after $1"
}

start_server -B --history 0 --line-rate 0
tui_start 80 24 -n alice 127.0.0.1 "$PORT"
tui_wait_status 'connected \| alice \| 1:#lobby$'
peer_start bob connect 127.0.0.1 "$PORT"
peer bob 'say /nick bob'
for m in "$M1" "$M2" "$M3" "$M4" "$M5"; do
	peer bob "say $m"
done
tui_type "$DRAFT"
expect_full_80x24 "at the start"

scribble
tui_send C-l
repainted "C-l"

scribble
kill -WINCH "$TUI_PID"
repainted "SIGWINCH at the same size"

tui_resize 40 12
tui_wait_status "^ connected \\| alice \\| 1:#lobby\$"
tui_wait_input "$DRAFT"
tui_wait_bottom 'ginger$'
first=$(grep -En "^$TUI_STAMP bob: amber" "$TUI_SCREEN" | tail -n 1 | cut -d: -f1)
[ -n "$first" ] || tui_fail "at 40x12 the newest message should start on a row of its own"
stamp=$(tui_row "$first" | sed 's/\] .*/]/')
got=$(tui_join "$first" 10)
[ "$got" = "$stamp bob: $M5" ] ||
	tui_fail "at 40x12 the newest message, its rows joined by spaces, should be '$stamp bob: $M5', it is '$got'"
tui_row 9 | grep -q . ||
	tui_fail "at 40x12 the pane should be full of messages"

tui_resize 80 24
expect_full_80x24 "80x24 -> 40x12 -> 80x24"

# Keys still work after a resize.
tui_type '!'
DRAFT="$DRAFT!"
wait_for "$TUI_WAIT" _tui_row_is "$TUI_ROWS" "$DRAFT" ||
	tui_fail "after the resizes, typing '!' should show '$DRAFT' in the input line"
expect_full_80x24 "a key after the resizes"
scribble
tui_send C-l
repainted "C-l after the resizes"

# The draft still goes.
tui_send Enter
tui_wait_bottom "^$TUI_STAMP alice: $DRAFT\$"
tui_wait_input ''
tui_send C-d
tui_wait_exit
expect_eq "tschat's exit status after C-d" 0 "$EXIT_STATUS"
stop_server
exit 0
