#!/bin/sh
# tui-search.sh: C-r reverse search and the keys that come as escape
# sequences. The decoder sees every byte first, in search mode too: an
# arrow key or Meta key ends the search, takes the line found and acts, a
# lone Escape gives up, and none of them leaves "[A" or "[200~" in the
# line. A bracketed paste while searching adds its first line to the text
# looked for and sends nothing.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-tui.sh"

# search TEXT: C-r, then TEXT typed; the prompt shows TEXT.
search() {
	tui_send C-r
	tui_wait_row "$TUI_ROWS" '^\(reverse-i-search\)'
	tui_type "$1"
	tui_wait_row "$TUI_ROWS" "^\\(reverse-i-search\\)\`$1': "
}

# no_remnant WHAT: the input line holds nothing of an escape sequence.
no_remnant() {
	tui_capture
	tui_row "$TUI_ROWS" | grep -Eq '\[(A|D|200~|201~)|\^\[' &&
		tui_fail "$1: the input line holds part of an escape sequence"
	return 0
}

# sent_count: the lines alice has sent so far, as bob got them.
sent_count() {
	grep -c 'alice: ' "$T/bob.out"
}

start_server -B --history 0 --line-rate 0
tui_start 80 24 -n alice 127.0.0.1 "$PORT"
tui_wait_status 'connected \| alice \| 1:#lobby$'
peer_start bob connect 127.0.0.1 "$PORT"
peer bob 'say /nick bob'
tui_wait_bottom 'is now known as bob$'
for l in 'first line' 'second line' 'a third one'; do
	tui_type "$l"
	tui_send Enter
	tui_wait_bottom "^$TUI_STAMP alice: $l\$"
done
peer_wait_for bob 'alice: a third one$'
tui_wait_input ''

# --- a paste while searching -------------------------------------------------
# Its first line is looked for; the rest is dropped, nothing is sent.
printf 'st li\nsecond line\nthird\n' >"$T/paste"
search fir
tui_wait_input "(reverse-i-search)\`fir': first line"
tui_paste "$T/paste"
tui_wait_input "(reverse-i-search)\`first li': first line"
no_remnant "a paste while searching"
sleep 0.3
expect_eq "lines sent after a paste while searching" 3 "$(sent_count)"
# Enter takes the line found, once.
tui_send Enter
tui_wait_bottom "^$TUI_STAMP alice: first line\$"
tui_wait_input ''
peer_wait_count bob 4 'alice: '
expect_eq "lines sent after Enter on the line found" 4 "$(sent_count)"

# A paste of one line, nothing typed before: the search is the paste's.
printf 'thi' >"$T/paste1"
tui_send C-r
tui_wait_row "$TUI_ROWS" '^\(reverse-i-search\)'
tui_paste "$T/paste1"
tui_wait_input "(reverse-i-search)\`thi': a third one"
# A paste that finds nothing says so.
printf 'zzz\n' >"$T/paste2"
tui_paste "$T/paste2"
tui_wait_input "(failing reverse-i-search)\`thizzz': a third one"
tui_send C-g
tui_wait_input ''

# --- escape sequences while searching ----------------------------------------
# Left, as the terminal sends it (ESC [ D in one write): the search ends
# on the line found and the cursor moves.
search sec
tui_wait_input "(reverse-i-search)\`sec': second line"
tui send-keys -t tschat -H 1b 5b 44 || fail "tmux send-keys -H failed"
tui_type X
tui_wait_input 'second linXe'
no_remnant "Left while searching"
tui_send C-e C-u
tui_wait_input ''
# Up (ESC O A, the application keypad form): ends the search, then walks
# the history.
search thi
tui send-keys -t tschat -H 1b 4f 41 || fail "tmux send-keys -H failed"
wait_for "$TUI_WAIT" eval '! _tui_match_row "$TUI_ROWS" "^\\(reverse"' ||
	tui_fail "Up while searching should end the search"
no_remnant "Up while searching"
tui_send C-e C-u
tui_wait_input ''
# M-b (ESC b): ends the search, a word left.
search sec
tui_send M-b
tui_type X
tui_wait_input 'second Xline'
tui_send C-e C-u
tui_wait_input ''
# Escape alone, after the decoder's wait: gives up, the draft comes back.
tui_type 'a draft'
search fir
tui_wait_input "(reverse-i-search)\`fir': first line"
tui_send Escape
tui_wait_input 'a draft'
no_remnant "Escape while searching"
tui_send C-e C-u
tui_wait_input ''

# Nothing of all this was sent.
sleep 0.3
expect_eq "lines sent in all" 4 "$(sent_count)"
tui_type /quit
tui_send Enter
tui_wait_exit
expect_eq "tschat's exit status after /quit" 0 "$EXIT_STATUS"
stop_server
exit 0
