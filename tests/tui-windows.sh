#!/bin/sh
# tui-windows.sh: the full-screen client's windows, in tmux, against a room
# server with peers bob, carol and dave. /join #dev opens window 2 and
# shows it once the server confirms; #dev's lines go there and not to
# window 1. The status bar names the window on screen and lists the others
# with unread lines, "[Act: 2]", a mention of the user's nick or a private
# message with a "!". A private message opens the sender's window without
# showing it; typed text there goes back as a private message. Text typed
# in a room's window that is not the server's current room goes to that
# room. Alt-1..Alt-9 and Alt-0, C-n/C-p, Alt-Right/Alt-Left and Alt-a each
# move as they should, wrapping at the ends. F2's member list holds who was
# in the room before the user (the client asks quietly) and follows joins,
# nick changes and leaves, sorted with case ignored. Tab after "#d"
# completes the open rooms, then those of the last /rooms answer. /query
# opens a conversation and sends nothing; /close closes it and later
# windows renumber down; window 1 and a room the user is in refuse /close;
# /part in a room's window leaves the room and closes its window. A status
# bar too wide for the terminal leaves out the server's name.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-tui.sh"

# status WINDOW: the status bar ends with "| alice | WINDOW", WINDOW being
# the current window and its activity list (an ERE): no more, no less.
status() {
	tui_wait_status "\\| alice \\| $1\$"
}

# keys_done KEY...: press KEYS, then type a marker and wait for it in the
# input line, so that every key has been taken; then empty the line.
keys_done() {
	tui_send "$@"
	tui_type '~'
	tui_wait_input '~'
	tui_send BSpace
	tui_wait_input ''
}

# type_line TEXT: type TEXT and press Enter.
type_line() {
	tui_type "$1"
	tui_wait_input "$1"
	tui_send Enter
	tui_wait_input ''
}

# pane_count REGEX: how many rows of the pane (the last capture) match.
pane_count() {
	sed -n "1,$((TUI_ROWS - 2))p" "$TUI_SCREEN" | grep -Ec -- "$1"
}

# members: the member list of the last capture, one entry a line: what
# stands right of its rule, "│", on each row of the pane.
members() {
	sed -n "1,$((TUI_ROWS - 2))p" "$TUI_SCREEN" |
	    sed -n 's/^.*│//p' | sed 's/^ *//; s/ *$//' | grep -v '^$'
}

_members_are() {
	tui_capture && [ "$(members)" = "$1" ]
}

# members_are LIST: the member list reads LIST (lines), header first.
members_are() {
	wait_for "$TUI_WAIT" _members_are "$1" ||
		tui_fail "expected the member list
$1
got
$(members)"
}

start_server -B --history 20 --line-rate 0
peer_start bob connect 127.0.0.1 "$PORT"
peer bob 'say /nick bob'
peer_wait_for bob 'is now known as bob$'
peer_start carol connect 127.0.0.1 "$PORT"
peer carol 'say /nick carol'
peer_wait_for carol 'is now known as carol$'
# dave is in #dev before alice: only the client's /who tells her so.
peer_start dave connect 127.0.0.1 "$PORT"
peer dave 'say /nick dave'
peer dave 'say /join #dev'
peer_wait_for dave '#dev \*\*\* dave joined \(1 online\)$'

tui_start 100 24 -n alice 127.0.0.1 "$PORT"
tui_wait_status "^ 127\\.0\\.0\\.1:$PORT tcp \\| connected \\| alice \\| 1:#lobby\$"
tui_wait_bottom 'is now known as alice$'

# --- 1. /join #dev: window 2, shown; #dev's lines there only ---------------
type_line '/join #dev'
status '2:#dev'
tui_wait_bottom "^$TUI_STAMP #dev \\*\\*\\* alice joined \\(2 online\\)\$"
peer bob 'say /join #dev'
tui_wait_bottom "^$TUI_STAMP #dev \\*\\*\\* bob joined \\(3 online\\)\$"
peer bob 'say hello dev room'
tui_wait_bottom "^$TUI_STAMP #dev bob: hello dev room\$"
# The client's own /who after the join fills the member list; its answer
# is not shown.
tui_capture
[ "$(pane_count 'online in #dev')" -eq 0 ] ||
	tui_fail "the answer to the client's own /who #dev should not be shown"
keys_done M-1
status '1:#lobby'
tui_wait_gone 'hello dev room'
tui_capture
[ "$(pane_count '#dev')" -eq 0 ] ||
	tui_fail "window 1 should show none of #dev's lines"
tui_wait_bottom 'is now known as alice$'

# --- 2. activity: unread, then hot; shown clears it -------------------------
peer bob 'say just chatting'
status '1:#lobby \[Act: 2\]'
peer bob 'say alice: are you there?'
status '1:#lobby \[Act: 2!\]'
tui_capture
[ "$(pane_count 'are you there')" -eq 0 ] ||
	tui_fail "window 1 should not show #dev's line"
keys_done M-2
status '2:#dev'
tui_wait_bottom "^$TUI_STAMP #dev bob: alice: are you there\\?\$"
tui_wait_for "^$TUI_STAMP #dev bob: just chatting\$"

# --- 3. a private message: window 3, hot, not shown; replies are PMs --------
peer bob 'say /msg alice psst, a secret'
status '2:#dev \[Act: 3!\]'
tui_capture
[ "$(pane_count 'PM from bob')" -eq 0 ] ||
	tui_fail "window 2 should not show bob's private message"
keys_done M-3
status '3:bob'
tui_wait_bottom "^$TUI_STAMP \\[PM from bob\\] psst, a secret\$"
type_line 'a reply in private'
peer_wait_for bob "^$TUI_STAMP \\[PM from alice\\] a reply in private\$"
tui_wait_bottom "^$TUI_STAMP \\[PM to bob\\] a reply in private\$"
grep -q 'alice: a reply in private' "$T/bob.out" &&
	fail "a line typed in bob's window was said in a room: $(grep 'alice: a reply' "$T/bob.out")"

# --- 4. typed in #dev's window while the server's current room is #ops -----
type_line '/join #ops'
status '4:#ops'
tui_wait_bottom "^$TUI_STAMP #ops \\*\\*\\* alice joined \\(1 online\\)\$"
keys_done M-2
status '2:#dev'
type_line 'for the dev room'
peer_wait_for bob "^$TUI_STAMP #dev alice: for the dev room\$"
tui_wait_bottom "^$TUI_STAMP #dev alice: for the dev room\$"
# And in #ops's window, the server's current room, as it is.
keys_done M-4
status '4:#ops'
type_line 'for the ops room'
tui_wait_bottom "^$TUI_STAMP #ops alice: for the ops room\$"

# --- 5. moving between windows: 1 #lobby, 2 #dev, 3 bob, 4 #ops ------------
keys_done M-1
status '1:#lobby'
keys_done M-3
status '3:bob'
keys_done M-2
status '2:#dev'
# There is no window 10: Alt-0 leaves the window on screen.
keys_done M-0
status '2:#dev'
keys_done M-4
status '4:#ops'
# C-n at the last window wraps to the first; C-p at the first to the last.
keys_done C-n
status '1:#lobby'
keys_done C-n
status '2:#dev'
keys_done C-p
status '1:#lobby'
keys_done C-p
status '4:#ops'
keys_done C-p
status '3:bob'
# Alt-Right and Alt-Left likewise.
keys_done M-Right
status '4:#ops'
keys_done M-Right
status '1:#lobby'
keys_done M-Left
status '4:#ops'
keys_done M-Left
status '3:bob'
keys_done M-Left M-Left
status '1:#lobby'
# Alt-a: the hot window (3, a private message) before the lower-numbered
# one that has unread lines only (2); then that one; then none: it stays.
peer bob 'say more chatter'
status '1:#lobby \[Act: 2\]'
peer bob 'say /msg alice another secret'
status '1:#lobby \[Act: 2,3!\]'
keys_done M-a
status '3:bob \[Act: 2\]'
tui_wait_bottom "^$TUI_STAMP \\[PM from bob\\] another secret\$"
keys_done M-a
status '2:#dev'
tui_wait_bottom "^$TUI_STAMP #dev bob: more chatter\$"
keys_done M-a
status '2:#dev'
# Alt-0 shows window 10 once there is one: conversations 5 to 10.
for n in w5 w6 w7 w8 w9 w10; do
	type_line "/query $n"
done
status '10:w10'
keys_done M-2
status '2:#dev'
keys_done M-0
status '10:w10'
# Closed from the last: each time the highest-numbered one goes.
for n in 10 9 8 7 6 5; do
	keys_done M-$((n % 10))
	status "$n:w$n"
	type_line '/close'
done
# Four windows are left: C-p at window 1 wraps to #ops.
keys_done M-1
status '1:#lobby'
keys_done C-p
status '4:#ops'

# --- 6. F2: the member list of #dev, right of a rule "│" -------------------
keys_done M-2
status '2:#dev'
keys_done F2
members_are '3 members
alice
bob
dave'
peer carol 'say /join #dev'
tui_wait_bottom "#dev \\*\\*\\* carol joined \\(4 online\\) *│\$"
members_are '4 members
alice
bob
carol
dave'
# Sorted with case ignored: "Robert" after "carol".
peer bob 'say /nick Robert'
tui_wait_bottom "#dev \\*\\*\\* bob is now known as Robert *│\$"
members_are '4 members
alice
carol
dave
Robert'
# bob's conversation follows the nick; the lobby heard of it too.
status '2:#dev \[Act: 1\]'
keys_done M-3
status '3:Robert \[Act: 1\]'
keys_done M-1
tui_wait_bottom "^$TUI_STAMP \\*\\*\\* bob is now known as Robert *│\$"
keys_done M-2
status '2:#dev'
members_are '4 members
alice
carol
dave
Robert'
peer carol 'say /part #dev'
tui_wait_bottom "#dev \\*\\*\\* carol left \\(3 online\\) *│\$"
members_are '3 members
alice
dave
Robert'
keys_done F2
tui_wait_gone '│'
tui_wait_gone '3 members'

# --- 7. Tab after "#d": the open rooms first, then /rooms's ----------------
peer carol 'say /join #design'
peer_wait_for carol '#design \*\*\* carol joined'
type_line '/rooms'
tui_wait_for '\*\*\* rooms: .*#design \(1\)'
tui_type '/join #d'
tui_wait_input '/join #d'
tui_send Tab
tui_wait_input '/join #dev'
tui_send Tab
tui_wait_input '/join #design'
tui_send C-e C-u
tui_wait_input ''

# --- 8. /query, /close, /part ------------------------------------------------
type_line '/query carol'
status '5:carol'
# Nothing was sent: typed text is the first carol gets from alice.
type_line 'hello carol'
peer_wait_for carol "^$TUI_STAMP \\[PM from alice\\] hello carol\$"
tui_wait_bottom "^$TUI_STAMP \\[PM to carol\\] hello carol\$"
[ "$(grep -c 'PM from alice' "$T/carol.out")" -eq 1 ] ||
	fail "/query carol sent carol a private message: $(grep 'PM from alice' "$T/carol.out")"
# Nor anything to the server, which would have answered in this window:
# it holds that one line.
tui_capture
[ "$(pane_count '[^ ]')" -eq 1 ] ||
	tui_fail "carol's window should hold only the line typed there"
# /close in window 3 (Robert's): #ops and carol's windows renumber down.
keys_done M-3
status '3:Robert'
type_line '/close'
status '4:carol'
keys_done M-3
status '3:#ops'
keys_done M-4
status '4:carol'
keys_done M-5
status '4:carol'
type_line '/close'
status '3:#ops'
keys_done M-4
status '3:#ops'
# Window 1 and a room the user is in refuse /close, and say so.
keys_done M-1
status '1:#lobby'
type_line '/close'
tui_wait_bottom "^\\*\\*\\* window 1, the lobby's, stays open\$"
status '1:#lobby'
keys_done M-2
status '2:#dev'
type_line '/close'
tui_wait_bottom "^\\*\\*\\* you are in #dev: /part leaves it and closes its window\$"
status '2:#dev'
# /part in #dev's window leaves #dev and closes the window: #ops is 2.
type_line '/part'
peer_wait_for bob "^$TUI_STAMP #dev \\*\\*\\* alice left \\(2 online\\)\$"
# The window shown before it is shown, with the notice.
status '1:#lobby'
tui_wait_bottom "^$TUI_STAMP #dev \\*\\*\\* alice left \\(2 online\\)\$"
keys_done M-2
status '2:#ops'
keys_done M-3
status '2:#ops'
# Too narrow for all of the status bar: the server's name goes first.
peer bob 'say /msg #lobby back in the lobby'
status '2:#ops \[Act: 1\]'
tui_resize 50 24
tui_wait_status '^ connected \| alice \| 2:#ops \[Act: 1\]$'

type_line '/quit'
tui_wait_exit
expect_eq "tschat's exit status after /quit" 0 "$EXIT_STATUS"
stop_server
exit 0
