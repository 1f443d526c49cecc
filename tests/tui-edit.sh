#!/bin/sh
# tui-edit.sh: the input line's keys, seen on the screen. Each editing key
# is checked by typing a known text, pressing the keys, typing a marker and
# reading the input line back exactly. Then: Up and Down walk the history
# and give back the draft; C-r finds an older line and Enter sends it; Tab
# completes a nick seen in the room; a line wider than the screen scrolls
# sideways; a bracketed paste of 3 lines sends the 3 in order, one of 8
# asks first and sends all 8 on "y", none on "n".
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-tui.sh"

# edit TEXT KEYS... -- MARKER EXPECTED: type TEXT, press KEYS, type MARKER;
# the input line must read EXPECTED. Then empty it.
edit() {
	_text=$1
	shift
	tui_type "$_text"
	tui_wait_input "$_text"
	_keys=
	while [ "$1" != -- ]; do
		tui_send "$1"
		_keys="$_keys $1"
		shift
	done
	tui_type "$2"
	wait_for "$TUI_WAIT" _tui_row_is "$TUI_ROWS" "$3" ||
		tui_fail "typed '$_text', pressed$_keys, typed '$2': expected the input line '$3', got '$(tui_row "$TUI_ROWS")'"
	tui_send C-e C-u
	tui_wait_input ''
}

start_server -B --history 0 --line-rate 0
tui_start 80 24 -n alice 127.0.0.1 "$PORT"
tui_wait_status 'connected \| alice \| 1:#lobby$'
tui_wait_bottom 'is now known as alice$'

# --- editing ---------------------------------------------------------------
edit abcdef Left Left Left Right -- X abcdXef
edit abcdef C-b C-b C-f -- X abcdeXf
edit abcdef Home -- X Xabcdef
edit abcdef Home End -- X abcdefX
edit abcdef C-a -- X Xabcdef
edit abcdef C-a C-e -- X abcdefX
edit abcdef Left Left BSpace BSpace -- X abXef
edit abcdef C-a Right DC DC -- X aXdef
edit 'hello world' Left Left Left Left Left C-u -- X Xworld
edit 'hello world' Left Left Left Left Left C-k -- X 'hello X'
edit 'one two three' C-w -- X 'one two X'
edit 'one two three' Left Left C-w -- X 'one two Xee'
edit 'one two three' Home M-d -- X 'X two three'
edit 'one two three' M-b M-b M-d -- X 'one X three'
edit 'one two three' M-b M-b -- X 'one Xtwo three'
edit 'one two three' Home M-f M-f -- X 'one twoX three'
edit 'one two three' M-b M-b M-b M-f -- X 'oneX two three'
# C-y yanks the last kill, from C-w, C-k or C-u.
edit 'alpha beta' C-w C-a C-y -- + 'beta+alpha'
edit 'alpha beta' M-b C-k BSpace C-a C-y -- + 'beta+alpha'
edit 'alpha beta' M-b C-u End C-y -- + 'betaalpha +'
# Wide characters are one character each.
edit '你好世界' Left Left BSpace -- X '你X世界'

# --- history ---------------------------------------------------------------
for l in 'first line' 'second line' 'third line'; do
	tui_type "$l"
	tui_send Enter
	tui_wait_bottom "^$TUI_STAMP alice: $l\$"
done
tui_wait_input ''
tui_type 'a draft'
tui_send Up
tui_wait_input 'third line'
tui_send Up
tui_wait_input 'second line'
tui_send Up
tui_wait_input 'first line'
tui_send Up
tui_wait_input 'first line'
tui_send Down
tui_wait_input 'second line'
tui_send Down Down
tui_wait_input 'a draft'
# C-p and C-n go to other windows (tui-windows.sh), not through the
# history: with one window, nothing changes.
tui_send C-p C-n
sleep 0.2
tui_wait_input 'a draft'
tui_send C-e C-u
tui_wait_input ''

# C-r: nothing is found before anything is typed (the prompt stands
# alone, as readline's); the newest line holding "fir" is "first line";
# Enter sends it.
tui_send C-r
tui_wait_row "$TUI_ROWS" "^\\(reverse-i-search\\)\`': *\$"
tui_type fir
tui_wait_input "(reverse-i-search)\`fir': first line"
tui_send Enter
tui_wait_bottom "^$TUI_STAMP alice: first line\$"
tui_wait_count 2 "^$TUI_STAMP alice: first line\$"
tui_wait_input ''
# C-r twice goes further back; C-g gives up and gives back the line typed
# before C-r (here: nothing).
tui_send C-r
tui_type line
tui_wait_input "(reverse-i-search)\`line': first line"
tui_send C-r
tui_wait_input "(reverse-i-search)\`line': third line"
tui_send C-g
tui_wait_input ''
tui_type 'a draft'
tui_send C-r
tui_type fir
tui_wait_input "(reverse-i-search)\`fir': first line"
tui_send C-g
tui_wait_input 'a draft'
tui_send C-e C-u
tui_wait_input ''

# --- Tab -------------------------------------------------------------------
peer_start bob connect 127.0.0.1 "$PORT"
peer bob 'say /nick bob'
peer bob 'say hello everyone'
tui_wait_bottom "^$TUI_STAMP bob: hello everyone\$"
tui_type bo
tui_wait_input bo
tui_send Tab
# "bob: " (capture-pane drops the trailing space: typing shows it).
tui_type hi
tui_wait_input 'bob: hi'
tui_send Enter
tui_wait_bottom "^$TUI_STAMP alice: bob: hi\$"
peer_wait_for bob "^$TUI_STAMP alice: bob: hi\$"
# Not at the start of the line: the nick alone.
tui_type 'thanks bo'
tui_send Tab
tui_type '!'
tui_wait_input 'thanks bob!'
tui_send C-e C-u
tui_wait_input ''
# Any other key ends a completion, an arrow key too: with bob and bobby
# in the room, a Tab after Up completes the history line's own last word
# ("hi": nothing), it does not put the next nick over the line.
peer_start bobby connect 127.0.0.1 "$PORT"
peer bobby 'say /nick bobby'
tui_wait_bottom "^$TUI_STAMP \\*\\*\\* .* is now known as bobby\$"
tui_type 'hi bo'
tui_send Tab
tui_wait_input 'hi bobby'
tui_send Up
tui_wait_input 'bob: hi'
tui_send End Tab
tui_type '.'
tui_wait_input 'bob: hi.'
tui_send C-e C-u
tui_wait_input ''

# --- horizontal scrolling --------------------------------------------------
long=
i=1
while [ $i -le 30 ]; do
	long="$long$(printf '<%03d>' $i)"
	i=$((i + 1))
done
tui_type "$long"
wait_for "$TUI_WAIT" _tui_match_row "$TUI_ROWS" '<030>$' ||
	tui_fail "while typing a line of ${#long} characters, the input line should end with its end, '<030>'"
tui_capture
tui_row "$TUI_ROWS" | grep -q '<001>' &&
	tui_fail "a line of ${#long} characters cannot show its start and its end in 80 columns"
tui_send Home
wait_for "$TUI_WAIT" _tui_match_row "$TUI_ROWS" '^<001><002>' ||
	tui_fail "after Home the input line should show the start of the line, '<001><002>...'"
tui_row "$TUI_ROWS" | grep -q '<030>' &&
	tui_fail "after Home the end of the line should be out of view"
[ "$(tui display -p -t tschat '#{cursor_x}')" -eq 0 ] ||
	tui_fail "after Home the cursor should be in column 0"
tui_send End
wait_for "$TUI_WAIT" _tui_match_row "$TUI_ROWS" '<030>$' ||
	tui_fail "after End the input line should show the end again"
# Sent whole.
tui_send Enter
tui_wait_input ''
peer_wait_for bob "alice: $long\$"

# --- pastes ------------------------------------------------------------------
printf 'paste one\npaste two\npaste three\n' >"$T/paste3"
tui_paste "$T/paste3"
tui_wait_bottom "^$TUI_STAMP alice: paste three\$"
tui_capture
for r in 1 2 3; do
	l=$(tui_row $((TUI_ROWS - 5 + r)))
	w=$(sed -n "${r}p" "$T/paste3")
	printf '%s\n' "$l" | grep -Eq "^$TUI_STAMP alice: $w\$" ||
		tui_fail "pasted line $r: expected '[STAMP] alice: $w' in row $((TUI_ROWS - 5 + r)), got '$l'"
done
peer_wait_for bob 'alice: paste three$'
grep 'alice: paste ' "$T/bob.out" | sed 's/.*alice: //' >"$T/got3"
expect_file_eq "the lines of a 3-line paste, as the room got them" \
    "$T/paste3" "$T/got3"
tui_wait_input ''

# 8 lines: asked first; "y" sends them all, in order.
i=1
: >"$T/paste8"
while [ $i -le 8 ]; do
	printf 'eight %d\n' $i >>"$T/paste8"
	i=$((i + 1))
done
tui_paste "$T/paste8"
tui_wait_input 'Send 8 pasted lines? (y/n)'
sleep 0.3
grep -q 'alice: eight' "$T/bob.out" &&
	fail "lines of an 8-line paste were sent before the user said yes: $(grep 'alice: eight' "$T/bob.out")"
tui_send y
tui_wait_bottom "^$TUI_STAMP alice: eight 8\$"
tui_wait_input ''
peer_wait_for bob 'alice: eight 8$'
grep 'alice: eight ' "$T/bob.out" | sed 's/.*alice: //' >"$T/got8"
expect_file_eq "the lines of an 8-line paste after 'y', as the room got them" \
    "$T/paste8" "$T/got8"

# "n" sends none of them.
sed 's/eight/nine/' "$T/paste8" >"$T/paste8n"
tui_paste "$T/paste8n"
tui_wait_input 'Send 8 pasted lines? (y/n)'
tui_send n
tui_wait_input ''
tui_type 'after the refused paste'
tui_send Enter
peer_wait_for bob 'alice: after the refused paste$'
grep -q 'alice: nine' "$T/bob.out" &&
	fail "lines of an 8-line paste were sent after 'n': $(grep 'alice: nine' "$T/bob.out")"
tui_capture
grep -q 'alice: nine' "$TUI_SCREEN" &&
	tui_fail "lines of an 8-line paste were sent after 'n'"

tui_type /quit
tui_send Enter
tui_wait_exit
expect_eq "tschat's exit status after /quit" 0 "$EXIT_STATUS"
stop_server
exit 0
