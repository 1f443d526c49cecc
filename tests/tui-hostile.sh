#!/bin/sh
# tui-hostile.sh: a server of the test's own sends what a terminal would
# obey: window-title changes (OSC 0 with BEL, OSC 2 with ST), clear screen,
# cursor home, colours, a C1 CSI, a bidi override, CR and BS inside a line,
# TAB, DEL, invalid UTF-8 (overlong, surrogate, truncated) and a character
# split across two TCP writes with a pause between. None of it may act:
# the pane title stays, the earlier lines stay, every control shows as a
# mark, no colour comes from the network, a CR cannot start a fake line at
# column 0, nor can spaces that push text to the next row, and the split
# character arrives whole. The --log file gets the
# same safe lines and not one control byte.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-tui.sh"

# hexof FORMAT: the bytes of printf FORMAT, in hex.
hexof() {
	printf "$1" | od -An -tx1 -v | tr -d ' \n'
}

# evil FORMAT: the server sends printf FORMAT, as one write.
evil() {
	peer evil "hex $(hexof "$1")"
}

# squeeze: runs of U+FFFD made one (how many an invalid sequence gives is
# the decoder's business; that it gives at least one is the contract).
FFFD=$(printf '\357\277\275')
squeeze() {
	sed "s/\\($FFFD\\)\\{1,\\}/$FFFD/g"
}

LOG=$T/chat.log
peer_start evil listen
tui_start 80 24 --log "$LOG" 127.0.0.1 "$PEER_PORT"
tui_wait_status "^ 127\\.0\\.0\\.1:$PEER_PORT tcp \\| connected \\| 127\\.0\\.0\\.1:[0-9]+ \\| 1:#lobby\$"
title0=$(tui display -p -t tschat '#{pane_title}')
note "the pane title before: '$title0'"

peer evil 'say plain line before one'
peer evil 'say plain line before two'
tui_wait_bottom '^plain line before two$'
evil 'title \033]0;PWNED\007 end\n'
evil 'title2 \033]2;PWNED2\033\\ end\n'
evil 'clear \033[2J\033[H end\n'
evil 'color \033[31mRED\033[0m end\n'
evil 'c1 \302\23331m end\n'
evil 'bidi \342\200\256txet end\n'
evil 'cr evil\rgood end\n'
evil 'bs abc\b\bX end\n'
evil 'tab a\tb end\n'
evil 'del a\177b end\n'
evil 'overlong \300\257 end\n'
evil 'surrogate \355\240\200 end\n'
evil 'truncated \344\275 end\n'
# 你 is E4 BD A0: two bytes, a pause, the third.
evil 'split \344\275'
peer evil 'sleep 0.4'
evil '\240 end\n'
# A CR and a fake stamped line: one line still, the fake not at column 0.
evil 'x\r[Mon Jan  1 00:00:00 2024] bob: fake\n'
peer evil 'say plain line after'
tui_wait_bottom '^plain line after$'

{
	printf '*** connected to 127.0.0.1:%s\n' "$PEER_PORT"
	echo 'plain line before one'
	echo 'plain line before two'
	echo 'title ^[]0;PWNED^G end'
	echo 'title2 ^[]2;PWNED2^[\ end'
	echo 'clear ^[[2J^[[H end'
	echo 'color ^[[31mRED^[[0m end'
	echo 'c1 <U+009B>31m end'
	echo 'bidi <U+202E>txet end'
	echo 'cr evil^Mgood end'
	echo 'bs abc^H^HX end'
	echo 'tab a   b end'
	echo 'del a^?b end'
	printf 'overlong \357\277\275 end\n'
	printf 'surrogate \357\277\275 end\n'
	printf 'truncated \357\277\275 end\n'
	echo 'split 你 end'
	echo 'x^M[Mon Jan  1 00:00:00 2024] bob: fake'
	echo 'plain line after'
} >"$T/expected"
n=$(wc -l <"$T/expected")
pane=$((TUI_ROWS - 2))
first=$((pane - n + 1))

# Every line, as marks, in order, nothing cleared, nothing more.
tui_capture
sed -n "$first,${pane}p" "$TUI_SCREEN" | squeeze >"$T/got"
if ! cmp -s "$T/expected" "$T/got"; then
	tui_fail "the pane should hold exactly these rows (U+FFFD runs squeezed):
$(cat "$T/expected")
--- they differ: ---
$(diff "$T/expected" "$T/got")"
fi
sed -n "1,$((first - 1))p" "$TUI_SCREEN" | grep -q '[^ ]' &&
	tui_fail "rows above the first line should be empty"
grep -q '^\[Mon Jan' "$TUI_SCREEN" &&
	tui_fail "a CR in a received line made a fake line start at column 0"
tui_wait_status "^ 127\\.0\\.0\\.1:$PEER_PORT tcp \\| connected \\| "
tui_alive

# The title did not change.
title=$(tui display -p -t tschat '#{pane_title}')
expect_eq "the pane title after OSC 0 and OSC 2 from the network" \
    "$title0" "$title"

# No colour or attribute from the network: the rows of the hostile lines
# carry the same SGR sequences as a plain line (none).
tui_capture -e
esc=$(printf '\033')
sgr_of() {
	sed -n "$1p" "$TUI_SCREEN" | grep -o "$esc\\[[0-9;:]*m" | tr -d '\n'
}
ref=$(sgr_of $((first + 2)))
[ -z "$ref" ] || note "a plain line's row carries '$(printf '%s' "$ref" | cat -v)'"
r=$((first + 3))
while [ $r -le $pane ]; do
	s=$(sgr_of $r)
	[ "$s" = "$ref" ] ||
		fail "row $r, '$(tui_capture; tui_row $r)', has the attributes '$(printf '%s' "$s" | cat -v)' where a plain line has '$(printf '%s' "$ref" | cat -v)'"
	r=$((r + 1))
done

# The log: the same lines (not the client's own), not one control byte.
sed 1d "$T/expected" >"$T/expected.log"
squeeze <"$LOG" >"$T/got.log"
expect_file_eq "the --log file, U+FFFD runs squeezed" "$T/expected.log" \
    "$T/got.log"
od -An -c "$LOG" | grep -q '033' &&
	fail "the --log file holds an ESC byte: $(od -An -c "$LOG" | grep 033 | head -n 3)"
LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$LOG" &&
	fail "the --log file holds a control byte: $(LC_ALL=C grep -n "$(printf '[\001-\011\013-\037\177]')" "$LOG" | cat -v)"
od -An -tx1 -v "$LOG" | tr -s ' \n' '  ' | grep -Eq ' c2 [89][0-9a-f]' &&
	fail "the --log file holds a C1 control (C2 80 to C2 9F)"

# Nor can wrapping: spaces that push a fake stamped line to the start of
# the next row must not make it look like a line of its own there.
peer evil "say spoof$(printf '%75s' '')[Mon Jan  1 00:00:00 2024] bob: fake too"
tui_wait_bottom 'bob: fake too$'
grep -q '^\[Mon Jan  1 00:00:00 2024\] bob: fake too$' "$TUI_SCREEN" &&
	tui_fail "one received line made a second line appear: wrapped at a run of spaces, its rest starts a row at column 0 and reads as a line from bob (continuation rows need a mark or an indent)"

tui_send C-d
tui_wait_exit
expect_eq "tschat's exit status after C-d" 0 "$EXIT_STATUS"
exit 0
