#!/bin/sh
# tui-rejoin.sh: history, reconnects and the bell in the full-screen
# client's windows.
# 1. The lines a room sends before the user's own join notice are its
#    history: drawn dim (SGR 2 in capture-pane -e), the join notice and
#    later lines not; a history line naming the user rings no bell.
# 2. The bell (counted by a tmux alert-bell hook and as BEL bytes through
#    pipe-pane) rings once for each private message and each mention of
#    the user's nick in a window not on screen; never for a plain line
#    elsewhere, a mention in the window on screen or a private message in
#    its own window shown; never at all under --no-bell.
# 3. The server cuts the client (--idle-timeout), which reconnects and
#    joins #dev again; the server replays the lobby's and #dev's history
#    each time: no line shows twice, in #dev's window or in window 1, and
#    a line said after a reconnect shows once, replayed or not.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-tui.sh"

# dim_text: from the capture with escapes on stdin, the characters of each
# row that are drawn dim (SGR 2, until SGR 0 or 22), nothing else; the
# state carries from row to row as capture-pane -e writes it.
dim_text() {
	awk '
	function sgr(seq, dim,   p, n, i) {
		if (seq == "")
			return 0
		n = split(seq, p, /[;:]/)
		for (i = 1; i <= n; i++) {
			if (p[i] == "" || p[i] + 0 == 0)
				dim = 0
			else if (p[i] + 0 == 2)
				dim = 1
			else if (p[i] + 0 == 22)
				dim = 0
			else if (p[i] + 0 == 38 || p[i] + 0 == 48 ||
			    p[i] + 0 == 58) {
				# A colour: its own numbers are no attributes.
				if (p[i + 1] + 0 == 5)
					i += 2
				else if (p[i + 1] + 0 == 2)
					i += 4
			}
		}
		return dim
	}
	BEGIN {
		esc = sprintf("%c", 27)
		csi = "^" esc "\\[[0-9;:]*[@-~]"
		dim = 0
	}
	{
		s = $0
		out = ""
		while (s != "") {
			c = substr(s, 1, 1)
			if (c == esc) {
				if (match(s, csi)) {
					if (substr(s, RLENGTH, 1) == "m")
						dim = sgr(substr(s, 3,
						    RLENGTH - 3), dim)
					s = substr(s, RLENGTH + 1)
				} else
					s = substr(s, 2)
				continue
			}
			if (dim)
				out = out c
			s = substr(s, 2)
		}
		print out
	}'
}

# tui_capture_dim: the screen into $TUI_SCREEN, and what of it is drawn
# dim into $T/dim, from one capture.
tui_capture_dim() {
	tui capture-pane -p -e -t tschat >"$T/screen.e" 2>/dev/null ||
		fail "tmux capture-pane -e failed"
	sed "s/$(printf '\033')\\[[0-9;:]*[@-~]//g" "$T/screen.e" >"$TUI_SCREEN"
	dim_text <"$T/screen.e" >"$T/dim"
}

# expect_dim REGEX WHAT: a row drawn dim matches REGEX.
expect_dim() {
	grep -Eq -- "$1" "$T/dim" ||
		tui_fail "$2: expected it drawn dim (SGR 2); the dim text of the screen is:
$(grep . "$T/dim")"
}

# expect_not_dim REGEX WHAT: a row matches REGEX, and no dim text does.
expect_not_dim() {
	grep -Eq -- "$1" "$TUI_SCREEN" ||
		tui_fail "$2: expected on the screen"
	! grep -Eq -- "$1" "$T/dim" ||
		tui_fail "$2: expected it not dim; the dim text of the screen is:
$(grep . "$T/dim")"
}

# expect_once REGEX WHAT: exactly one row of the last capture matches.
expect_once() {
	_n=$(tui_count "$1")
	[ "$_n" -eq 1 ] ||
		tui_fail "$2: expected once on the screen, it is there $_n times"
}

# --- the bell, counted twice ----------------------------------------------
# A BEL from the pane makes tmux run the alert-bell hook, which counts in
# the server option @bells: the bell as the terminal records it. tmux folds
# the bells of one read into one, so pipe-pane also keeps every byte the
# client writes, and its BEL bytes are counted: no escape sequence or
# UTF-8 text ncurses writes holds one. The test lets each ring settle.
bell_hook() {
	[ "$(tui display -p '#{e|+:1,1}' 2>/dev/null)" = 2 ] ||
		skip "this tmux ($(tmux -V)) cannot count bells in a format"
	: >"$T/pane.raw"
	tui set -g bell-action any >/dev/null &&
	tui setw -g monitor-bell on >/dev/null &&
	tui set-hook -g alert-bell 'set -gF @bells "#{e|+:#{@bells},1}"' &&
	tui pipe-pane -t tschat "cat >>$(sh_quote "$T/pane.raw")" ||
		fail "tmux would not count the pane's bells"
}

# bells: "HOOK BYTES", the bells the hook counted and the BEL bytes written.
bells() {
	_b=$(tui show -gqv @bells 2>/dev/null)
	echo "${_b:-0} $(tr -cd '\007' <"$T/pane.raw" | wc -c | tr -d ' ')"
}

_bells_reach() {
	set -- "$1" $(bells)
	[ "$2" -ge "$1" ] && [ "$3" -ge "$1" ]
}

# expect_bells N WHAT: N bells in all, counted both ways, and no more come.
expect_bells() {
	wait_for 3 _bells_reach "$1" ||
		tui_fail "$2: expected $1 bells in all; counted by tmux and in bytes: $(bells)"
	sleep 0.4
	_n=$(bells)
	[ "$_n" = "$1 $1" ] ||
		tui_fail "$2: expected $1 bells in all; counted by tmux and in bytes: $_n"
	note "$2: $1 bells in all"
}

_tui_count_ge() {
	tui_capture && [ "$(tui_count "$2")" -ge "$1" ]
}

# tui_wait_count_ge N REGEX: at least N rows match.
tui_wait_count_ge() {
	wait_for "${3:-$TUI_WAIT}" _tui_count_ge "$1" "$2" ||
		tui_fail "expected at least $1 rows to match /$2/ within ${3:-$TUI_WAIT} s, $(tui_count "$2") do"
}

# expect_all_shown WHAT: the pane's top row is blank, so that every line
# of the window shown is on the screen (the newest line is at the bottom).
expect_all_shown() {
	[ -z "$(tui_row 1 | tr -d ' ')" ] ||
		tui_fail "$1: the window's lines no longer fit on the screen"
}

# === 1. history is dim =====================================================
start_server -B --line-rate 0
peer_start bob connect 127.0.0.1 "$PORT"
peer bob 'say /nick bob'
peer bob 'say /join #dev'
for i in 1 2 3; do
	peer bob "say said before alice came $i"
done
peer_wait_for bob "^$TUI_STAMP #dev bob: said before alice came 3\$"

tui_start 100 24 -n alice 127.0.0.1 "$PORT"
bell_hook
tui_wait_status "^ 127\\.0\\.0\\.1:$PORT tcp \\| connected \\| alice \\| 1:#lobby\$"
tui_type '/join #dev'
tui_send Enter
tui_wait_status "connected \\| alice \\| 2:#dev\$"
tui_wait_for "^$TUI_STAMP #dev \\*\\*\\* alice joined \\(2 online\\)\$"
# The history came while window 1 was shown: naming alice, it is no
# mention of hers to ring for.
expect_bells 0 "history naming alice"
peer bob 'say said after the join'
tui_wait_bottom "^$TUI_STAMP #dev bob: said after the join\$"
tui_capture_dim
for i in 1 2 3; do
	expect_once "^$TUI_STAMP #dev bob: said before alice came $i\$" \
	    "history line $i"
	expect_dim "^$TUI_STAMP #dev bob: said before alice came $i\$" \
	    "history line $i"
done
expect_not_dim "^$TUI_STAMP #dev \\*\\*\\* alice joined" \
    "alice's own join notice"
expect_not_dim "^$TUI_STAMP #dev bob: said after the join\$" \
    "a line said after the join"
[ "$(grep -c . "$T/dim")" -eq 3 ] ||
	tui_fail "expected exactly the 3 history rows dim; the dim text is:
$(grep . "$T/dim")"
# In order: the history, then the join notice, then the live line.
_rows=$(grep -E "said before alice came|said after the join|\\*\\*\\* alice joined" \
    "$TUI_SCREEN" | sed 's/.*bob: //; s/.*\*\*\* //' | tr '\n' '|')
expect_eq "window 2's lines, from the top" \
    "said before alice came 1|said before alice came 2|said before alice came 3|alice joined (2 online)|said after the join|" \
    "$_rows"

# === 2. the bell =============================================================
# alice is in #dev (window 2) and shows window 1, the lobby.
tui_send M-1
tui_wait_status "connected \\| alice \\| 1:#lobby\$"
expect_bells 0 "before anything"

# A private message elsewhere: one bell a line.
peer bob 'say /msg alice a private line'
tui_wait_status "\\| 1:#lobby \\[Act: 3!\\]\$"
expect_bells 1 "a private message, window 1 shown"
peer bob 'say /msg alice another private line'
expect_bells 2 "a second private message, window 1 shown"

# A mention in #dev, not on screen: one bell.
peer bob 'say is alice there?'
tui_wait_status "\\| 1:#lobby \\[Act: 2!,3!\\]\$"
expect_bells 3 "a mention of alice in #dev, window 1 shown"

# A plain line elsewhere, then a mention in the window on screen (which
# comes after it, so the plain line is in when it shows): no bell.
peer bob 'say a plain line in dev'
peer bob 'say /msg #lobby hello alice, in the lobby'
tui_wait_bottom "^$TUI_STAMP bob: hello alice, in the lobby\$"
expect_bells 3 "a plain line in #dev and a mention in window 1, shown"

# A private message in the conversation on screen: no bell.
tui_send M-3
tui_wait_status "connected \\| alice \\| 3:bob \\[Act: 2!\\]\$"
peer bob 'say /msg alice a private line on screen'
tui_wait_bottom "^$TUI_STAMP \\[PM from bob\\] a private line on screen\$"
expect_bells 3 "a private message in its window, shown"
# And a mention in #dev while #dev is shown: no bell.
tui_send M-2
tui_wait_status "connected \\| alice \\| 2:#dev\$"
peer bob 'say alice: on screen now'
tui_wait_bottom "^$TUI_STAMP #dev bob: alice: on screen now\$"
expect_bells 3 "a mention of alice in #dev, shown"
# The bell still rings: the counts above were not for want of a ring.
peer bob 'say /msg alice a private line, #dev shown'
tui_wait_status "\\| 2:#dev \\[Act: 3!\\]\$"
expect_bells 4 "a private message, #dev shown"
# And a mention in the lobby, window 1 not shown: one bell.
peer bob 'say /msg #lobby alice, in the lobby while #dev is shown'
tui_wait_status "\\| 2:#dev \\[Act: 1!,3!\\]\$"
expect_bells 5 "a mention of alice in the lobby, #dev shown"

tui_type /quit
tui_send Enter
tui_wait_exit
peer_wait_for bob '^[^#]*\*\*\* alice left'

# --no-bell: the same never rings.
tui_start 100 24 --no-bell -n alice 127.0.0.1 "$PORT"
bell_hook
tui_wait_status "connected \\| alice \\| 1:#lobby\$"
tui_type '/join #dev'
tui_send Enter
tui_wait_status "connected \\| alice \\| 2:#dev\$"
tui_send M-1
tui_wait_status "connected \\| alice \\| 1:#lobby\$"
peer bob 'say /msg alice a private line under --no-bell'
peer bob 'say /msg alice another private line under --no-bell'
peer bob 'say is alice there under --no-bell?'
peer bob 'say /msg #lobby the last line'
tui_wait_bottom "^$TUI_STAMP bob: the last line\$"
tui_wait_status "\\| 1:#lobby \\[Act: 2!,3!\\]\$"
expect_bells 0 "--no-bell: private messages and a mention elsewhere"
tui_type /quit
tui_send Enter
tui_wait_exit
peer bob close
stop_server

# === 3. no line twice after a reconnect ====================================
# The server cuts whoever is silent for 2 to 3 s; history stays.
start_server -B --line-rate 0 --idle-timeout 2
peer_start bob2 connect 127.0.0.1 "$PORT"
peer bob2 'say /nick bob'
peer bob2 'say in the lobby before alice'
peer bob2 'say /join #dev'
for i in 1 2 3; do
	peer bob2 "say in dev before alice $i"
done
peer_wait_for bob2 "^$TUI_STAMP #dev bob: in dev before alice 3\$"

# Tall enough for every line of the windows.
tui_start 100 48 -n alice 127.0.0.1 "$PORT"
tui_wait_status "connected \\| alice \\| 1:#lobby\$"
tui_type '/join #dev'
tui_send Enter
tui_wait_status "connected \\| alice \\| 2:#dev\$"
tui_wait_count_ge 1 "^$TUI_STAMP #dev \\*\\*\\* alice joined \\([0-9]+ online\\)\$"
# The server cuts alice; the client reconnects and joins #dev again.
tui_wait_for "^$TUI_STAMP \\*\\*\\* idle timeout\$"
tui_wait_count_ge 1 "^\\*\\*\\* connected to 127\\.0\\.0\\.1:$PORT\$"
tui_wait_count_ge 2 "^$TUI_STAMP #dev \\*\\*\\* alice joined \\([0-9]+ online\\)\$"
tui_capture
expect_all_shown "window 2 after a reconnect"
for i in 1 2 3; do
	expect_once "^$TUI_STAMP #dev bob: in dev before alice $i\$" \
	    "after a reconnect, #dev's history line $i"
done

# A line said after the reconnect, by a bob of a new connection (the first
# was cut too): once, and still once after the next reconnect replays it.
peer_start bob3 connect 127.0.0.1 "$PORT"
peer bob3 'say /nick bob'
peer bob3 'say /join #dev'
peer bob3 'say in dev after the reconnect'
tui_wait_for "^$TUI_STAMP #dev bob: in dev after the reconnect\$"
joins=$(tui_count "^$TUI_STAMP #dev \\*\\*\\* alice joined \\([0-9]+ online\\)\$")
tui_wait_count_ge $((joins + 1)) "^$TUI_STAMP #dev \\*\\*\\* alice joined \\([0-9]+ online\\)\$"
note "#dev joined $((joins + 1)) times or more"
tui_capture
expect_all_shown "window 2 after the next reconnect"
for i in 1 2 3; do
	expect_once "^$TUI_STAMP #dev bob: in dev before alice $i\$" \
	    "after the next reconnect, #dev's history line $i"
done
expect_once "^$TUI_STAMP #dev bob: in dev after the reconnect\$" \
    "after the next reconnect, a line said after the first"

# Window 1: the lobby's history, replayed on each connect, once.
tui_send M-1
tui_wait_status "\\| 1:#lobby"
tui_wait_count_ge 3 "^$TUI_STAMP \\*\\*\\* 127\\.0\\.0\\.1:[0-9]+ is now known as alice\$"
tui_capture_dim
expect_all_shown "window 1 after the reconnects"
expect_once "^$TUI_STAMP bob: in the lobby before alice\$" \
    "after the reconnects, the lobby's history line"
expect_dim "^$TUI_STAMP bob: in the lobby before alice\$" \
    "the lobby's history line"

tui_type /quit
tui_send Enter
tui_wait_exit
expect_eq "tschat's exit status after /quit" 0 "$EXIT_STATUS"
stop_server
exit 0
