#!/bin/sh
# tui-tls.sh: trust on first use in the full-screen client. A server whose
# certificate does not verify: the pane shows its key's pin and the client
# asks once; y connects (the status bar says tls) and remembers the key in
# $XDG_DATA_HOME/tschat/known_hosts, one line "HOST:PORT sha256:PIN", the
# file 0600 in a 0700 directory; the next run connects without asking. n
# leaves the client "not trusted", remembers nothing and tries no more. A
# remembered server that shows another key is refused loudly, naming the
# file and the line to remove, and nothing is asked.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-tui.sh"
. "$top_srcdir/tests/lib-tls.sh"

need_openssl
C=$T/certs
tls_certs "$C"
PIN_SELFSIGNED=$(tls_pin "$C/selfsigned.crt") || exit 1
PIN_LOCALHOST2=$(tls_pin "$C/localhost2.crt") || exit 1
PIN_OTHER=$(tls_pin "$C/other.crt") || exit 1
XDG_DATA_HOME=$T/data
export XDG_DATA_HOME
KH=$XDG_DATA_HOME/tschat/known_hosts
PROMPT='^Trust this key and remember it\? \(y/n\)'

# ere TEXT: TEXT as an ERE that matches it literally.
ere() {
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'
}

# tls_server NAME [TLSPORT]: a room (tschatd -B) on 127.0.0.1 with
# NAME.crt and NAME.key, TLS on TLSPORT (default: of the system's
# choosing), in TPORT.
tls_server() {
	SERVER_WANT=2
	start_server -B --history 0 --tls-port "${2:-0}" \
	    --tls-cert "$C/$1.crt" --tls-key "$C/$1.key"
	TPORT=$(sed -n 's/.*listening on tls .*:\([0-9][0-9]*\)$/\1/p' \
	    "$SERVER_LOG" | head -n 1)
	[ -n "$TPORT" ] || fail "tschatd with $1.crt logged no 'listening on tls' line"
}

# tls_connections: how many TLS peers the server has had.
tls_connections() {
	grep -c 'connected over tls' "$SERVER_LOG"
}

# expect_tls_connections N WHAT: the server has had N TLS peers, and has
# them still 2 s later (the client's first retry would be after 0.5 s).
expect_tls_connections() {
	sleep 2
	[ "$(tls_connections)" -eq "$1" ] ||
		tui_fail "$2: expected $1 TLS connections to the server, it had $(tls_connections):
$(grep 'tls' "$SERVER_LOG")"
}

# mode_of PATH: its permission bits, in octal.
mode_of() {
	stat -c %a "$1" 2>/dev/null
}

# tui_wait_input_row REGEX: the input row (the last) matches REGEX.
tui_wait_input_row() {
	tui_wait_row "$TUI_ROWS" "$1"
}

tui_quit() {
	tui_type /quit
	tui_send Enter
	tui_wait_exit
	expect_eq "tschat's exit status after /quit" 0 "$EXIT_STATUS"
}

# --- first use: the pin, the question, y ---------------------------------------
tls_server selfsigned
tui_start 100 24 --tls -n alice localhost "$TPORT"
tui_wait_for "Its key pin is( |\$)"
tui_wait_for "$(ere "$PIN_SELFSIGNED"): compare it with"
tui_wait_input_row "$PROMPT"
tui_wait_status "^ localhost:$TPORT tls \\| connecting"
[ ! -e "$KH" ] || tui_fail "known_hosts written before the answer: $(cat "$KH")"
tui_alive
tui_type y
tui_wait_for "^\\*\\*\\* connected to localhost:$TPORT\$"
tui_wait_status "^ localhost:$TPORT tls \\| connected \\| alice \\| 1:#lobby\$"
tui_wait_gone "$PROMPT"
[ -f "$KH" ] || tui_fail "y did not remember the key in $KH"
expect_lines "known_hosts after y" 1 "$KH"
expect_eq "known_hosts after y" "localhost:$TPORT $PIN_SELFSIGNED" "$(cat "$KH")"
expect_eq "the mode of $KH" 600 "$(mode_of "$KH")"
expect_eq "the mode of $XDG_DATA_HOME/tschat" 700 \
    "$(mode_of "$XDG_DATA_HOME/tschat")"
expect_eq "the mode of $XDG_DATA_HOME (made by tschat)" 700 \
    "$(mode_of "$XDG_DATA_HOME")"
# And the connection works.
tui_type 'hello over tls'
tui_send Enter
tui_wait_bottom "^$TUI_STAMP alice: hello over tls\$"
tui_quit

# --- n: not trusted, nothing remembered, nothing tried again ---------------------
XDG_DATA_HOME=$T/data-n
export XDG_DATA_HOME
before=$(tls_connections)
tui_start 100 24 --tls localhost "$TPORT"
tui_wait_input_row "$PROMPT"
# A paste while the question is asked neither answers it nor hides it
# behind another question: there is no connection for its lines yet.
printf 'one\ntwo\nthree\nfour\nfive\nsix\ny\n' >"$T/paste"
tui_paste "$T/paste"
tui_wait_for '^\*\*\* not connected: the pasted lines were not sent$'
tui_wait_input_row "$PROMPT"
tui_wait_status "^ localhost:$TPORT tls \\| connecting"
tui_type n
tui_wait_status "^ localhost:$TPORT tls \\| not trusted"
tui_wait_for "^\\*\\*\\* not connected to localhost:$TPORT: its key is not trusted\$"
tui_wait_gone "$PROMPT"
[ ! -e "$XDG_DATA_HOME" ] ||
	tui_fail "n remembered something: $(ls -lR "$XDG_DATA_HOME")"
expect_tls_connections $((before + 1)) "after n"
tui_wait_status "^ localhost:$TPORT tls \\| not trusted"
tui_alive
# Typing goes nowhere, and says so.
tui_type 'into the void'
tui_send Enter
tui_wait_for '^\*\*\* not connected: the line is'
tui_send C-u
tui_wait_input ''
tui_quit
XDG_DATA_HOME=$T/data
export XDG_DATA_HOME

# --- the next run: remembered, not asked ---------------------------------------
tui_start 100 24 --tls -n alice localhost "$TPORT"
tui_wait_status "^ localhost:$TPORT tls \\| connected \\| alice \\| 1:#lobby\$"
tui_wait_for "^\\*\\*\\* connected to localhost:$TPORT\$"
[ "$(tui_count "$PROMPT")" -eq 0 ] && [ "$(tui_count 'does not verify')" -eq 0 ] ||
	tui_fail "a remembered key was asked about again"
expect_lines "known_hosts after the second run" 1 "$KH"

# The server comes back with the same key: the client reconnects by
# itself, checking the key again, without asking.
port=$TPORT
stop_server
tls_server selfsigned "$port"
expect_eq "the TLS port of the restarted server" "$port" "$TPORT"
tui_wait_count 2 "^\\*\\*\\* connected to localhost:$TPORT\$"
tui_wait_status "^ localhost:$TPORT tls \\| connected \\| alice \\| 1:#lobby\$"
[ "$(tui_count "$PROMPT")" -eq 0 ] && [ "$(tui_count 'does not verify')" -eq 0 ] ||
	tui_fail "a remembered key was asked about on a reconnect"

# It comes back with another key: the reconnect is refused, loudly, and
# nothing is tried after it.
stop_server
tls_server localhost2 "$port"
tui_wait_for 'has CHANGED'
tui_wait_status "^ localhost:$TPORT tls \\| not trusted"
[ "$(tui_count "$PROMPT")" -eq 0 ] ||
	tui_fail "a changed key was asked about on a reconnect"
expect_tls_connections 1 "a reconnect to a changed key"
tui_wait_count 2 "^\\*\\*\\* connected to localhost:$TPORT\$"
expect_lines "known_hosts after a changed key" 1 "$KH"
tui_quit

# --- the key changed: refused loudly, never asked ---------------------------------
# Other lines before the host's: the one to remove is line 3.
{
	printf '# servers trusted on first use\n'
	printf 'other.example:8443 %s\n' "$PIN_OTHER"
	cat "$KH"
} >"$T/kh" && mv "$T/kh" "$KH" || fail "cannot rewrite $KH"
cp "$KH" "$T/kh.before"
# The server is still the one with another key, on the same port.
before=$(tls_connections)
tui_start 120 24 --tls localhost "$TPORT"
tui_wait_for 'has CHANGED'
tui_wait_status "^ localhost:$TPORT tls \\| not trusted"
tui_capture
said=$(tui_join 1 $((TUI_ROWS - 2)))
for want in "the key of localhost:$TPORT has CHANGED" "$PIN_LOCALHOST2" \
    "line 3 of $KH" "remove line 3 of $KH"; do
	case $said in
	*"$want"*) ;;
	*) tui_fail "expected the pane to say '$want'" ;;
	esac
done
[ "$(tui_count "$PROMPT")" -eq 0 ] ||
	tui_fail "a changed key was asked about"
[ "$(tui_count "^\\*\\*\\* connected")" -eq 0 ] ||
	tui_fail "connected to a server whose key changed"
expect_file_eq "known_hosts after a changed key" "$T/kh.before" "$KH"
expect_tls_connections $((before + 1)) "after a changed key"
tui_wait_status "^ localhost:$TPORT tls \\| not trusted"
tui_alive
tui_quit
stop_server
exit 0
