#!/bin/sh
# tui-basic.sh: the full-screen client in a room (tschatd -B), in tmux. The
# status bar names the server, the transport, the state and the nick; a
# line typed and sent comes back as "[STAMP] alice: text" at the bottom of
# the pane, just above the status bar, and the input is cleared; Chinese
# text goes and comes back intact; another peer's line shows; a long line
# wraps at word boundaries at 80x24 and at 40x12 with nothing lost; /clear
# empties the pane; /quit, and C-d on an empty line, leave with status 0,
# while C-d on text deletes a character.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-tui.sh"

WORDS='alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu'

# pane_empty: no text in the pane (every row above the status bar).
pane_empty() {
	tui_capture &&
	    ! sed -n "1,$((TUI_ROWS - 2))p" "$TUI_SCREEN" | grep -q '[^ ]'
}

# expect_wrapped TEXT: TEXT, from bob, is the newest line of the pane,
# wrapped at spaces: its rows, joined by a space, are the line, and each
# of its words is on the screen whole.
expect_wrapped() {
	_msg="bob: $1"
	tui_wait_bottom "$(printf '%s' "$_msg" | sed 's/.* //')\$"
	_first=$(grep -En "^$TUI_STAMP bob: ${1%% *}" "$TUI_SCREEN" |
	    tail -n 1 | cut -d: -f1)
	[ -n "$_first" ] ||
		tui_fail "no row starts the line '[STAMP] $_msg'"
	_stamp=$(tui_row "$_first" | sed 's/\] .*/]/')
	_got=$(tui_join "$_first" $((TUI_ROWS - 2)))
	[ "$_got" = "$_stamp $_msg" ] ||
		tui_fail "at ${TUI_COLS}x$TUI_ROWS the line did not wrap at word boundaries, or lost text: its rows joined by spaces are
  '$_got'
expected
  '$_stamp $_msg'"
	for _w in $1; do
		grep -qw -- "$_w" "$TUI_SCREEN" ||
			tui_fail "at ${TUI_COLS}x$TUI_ROWS the word '$_w' is not on the screen whole"
	done
	_rows=$((TUI_ROWS - 1 - _first))
	[ "$_rows" -ge 2 ] ||
		tui_fail "a line of $(printf '%s' "$_stamp $_msg" | wc -c) bytes should take several rows at ${TUI_COLS} columns"
	note "${TUI_COLS}x$TUI_ROWS: the long line took $_rows rows"
}

# A name that does not resolve (an empty label, refused without a query)
# is said before the screen opens: one line, status 1.
TUI_NOSCREEN=1 tui_start 80 24 no..such..host 8080
tui_wait_exit
expect_eq "full-screen tschat to no..such..host: exit status" 1 \
    "$EXIT_STATUS"
tui_capture
grep -q '^tschat: cannot resolve no\.\.such\.\.host' "$TUI_SCREEN" ||
	tui_fail "full-screen tschat to no..such..host: expected 'tschat: cannot resolve no..such..host...' on the terminal"
[ "$(grep -c '[^ ]' "$TUI_SCREEN")" -le 2 ] ||
	tui_fail "full-screen tschat to no..such..host: expected one line on the terminal"

# A terminal type that terminfo does not know: one line, status 1.
TUI_NOSCREEN=1 TUI_TERM=no-such-terminal tui_start 80 24 127.0.0.1 9
tui_wait_exit
expect_eq "full-screen tschat with TERM=no-such-terminal: exit status" 1 \
    "$EXIT_STATUS"
tui_capture
grep -q '^tschat: cannot draw on this terminal (TERM=no-such-terminal)$' \
    "$TUI_SCREEN" ||
	tui_fail "TERM=no-such-terminal: expected 'tschat: cannot draw on this terminal (TERM=no-such-terminal)'"

start_server -B --history 0 --line-rate 0

# --- 80x24 -----------------------------------------------------------------
tui_start 80 24 -n alice 127.0.0.1 "$PORT"
tui_wait_status "^ 127\\.0\\.0\\.1:$PORT tcp \\| connected \\| alice \\| 1:#lobby\$"
tui_wait_for '^\*\*\* connected to 127\.0\.0\.1:'"$PORT"'$'
tui_wait_bottom "^$TUI_STAMP \\*\\*\\* 127\\.0\\.0\\.1:[0-9]+ is now known as alice\$"
tui_wait_input ''

tui_type 'hello from alice'
tui_wait_input 'hello from alice'
tui_send Enter
tui_wait_bottom "^$TUI_STAMP alice: hello from alice\$"
tui_wait_input ''

peer_start bob connect 127.0.0.1 "$PORT"
peer bob 'say /nick bob'
tui_wait_bottom "^$TUI_STAMP \\*\\*\\* 127\\.0\\.0\\.1:$(cat "$T/bob.port") is now known as bob\$"
peer bob 'say good morning, alice'
tui_wait_bottom "^$TUI_STAMP bob: good morning, alice\$"

# Wide characters, typed and received.
tui_type '你好，世界'
tui_wait_input '你好，世界'
tui_send Enter
tui_wait_bottom "^$TUI_STAMP alice: 你好，世界\$"
tui_wait_input ''
peer_wait_for bob "^$TUI_STAMP alice: 你好，世界\$"
peer bob 'say 早上好 alice'
tui_wait_bottom "^$TUI_STAMP bob: 早上好 alice\$"

# The newest line is always the bottom row of the pane.
for i in 1 2 3; do
	peer bob "say number $i"
	tui_wait_bottom "^$TUI_STAMP bob: number $i\$"
done
tui_capture
for i in 1 2; do
	[ "$(tui_count "bob: number $i\$")" -eq 1 ] ||
		tui_fail "'bob: number $i' should be on the screen once"
done
tui_row 20 | grep -q "bob: number 1\$" ||
	tui_fail "the older lines should stand above the newest, in order"
tui_row 21 | grep -q "bob: number 2\$" ||
	tui_fail "the older lines should stand above the newest, in order"

peer bob "say $WORDS"
expect_wrapped "$WORDS"

# /clear: the pane empties; the status bar stays.
tui_type '/clear'
tui_send Enter
wait_for "$TUI_WAIT" pane_empty || tui_fail "/clear did not empty the pane"
tui_wait_status "connected \\| alice \\| 1:#lobby\$"
tui_wait_input ''
peer bob 'say after the clear'
tui_wait_bottom "^$TUI_STAMP bob: after the clear\$"

# /quit: status 0, and the server was told.
tui_type '/quit'
tui_send Enter
tui_wait_exit
expect_eq "tschat's exit status after /quit" 0 "$EXIT_STATUS"
peer_wait_for bob '\*\*\* alice left'

# --- 40x12 -----------------------------------------------------------------
tui_start 40 12 -n alice 127.0.0.1 "$PORT"
# Too narrow for all of it: the server's name goes, the window stays.
tui_wait_status "^ connected \\| alice \\| 1:#lobby\$"
tui_wait_bottom "is now known as alice\$"
peer bob "say $WORDS"
expect_wrapped "$WORDS"
peer bob 'say short'
tui_wait_bottom "^$TUI_STAMP bob: short\$"

# C-d on text deletes the character under the cursor and stays.
tui_type 'abc'
tui_wait_input 'abc'
tui_send C-a C-d
tui_wait_input 'bc'
tui_send C-d
tui_wait_input 'c'
tui_alive
tui_send C-d
tui_wait_input ''
tui_alive
# C-d on the empty line leaves with status 0.
tui_send C-d
tui_wait_exit
expect_eq "tschat's exit status after C-d on an empty line" 0 "$EXIT_STATUS"
peer_wait_count bob 2 '\*\*\* alice left'

stop_server
exit 0
