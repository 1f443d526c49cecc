#!/bin/sh
# echo-tcp.sh: the echo server over TCP: line framing (CR dropped, empty
# lines, lines split across writes, order), byte-exact echo of UTF-8 and
# binary bytes, raw framing, --time-format and --utc in the C locale, and
# --max-line cutting a line once with one notice.
. "$top_srcdir/tests/lib.sh"

# exchange: $T/in to the server, half-close, its replies into $T/out.
exchange() {
	timeout 15 "$TCPEER" send -w 10 127.0.0.1 "$PORT" <"$T/in" >"$T/out" ||
		fail "tcpeer send to port $PORT failed (status $?)"
}

start_server

# Line framing: "\r\n" and "\n" end lines; the CR is dropped.
printf 'a\r\nb\n' >"$T/in"
exchange
expect_lines "a\\r\\nb\\n" 2 "$T/out"
expect_stamped_line a "$(line 1 "$T/out")"
expect_stamped_line b "$(line 2 "$T/out")"

# An empty line is an empty message; a CR in mid-line is kept.
printf '\n\r\nx\ry\n' >"$T/in"
exchange
expect_lines "empty lines" 3 "$T/out"
expect_stamped_line "" "$(line 1 "$T/out")"
expect_stamped_line "" "$(line 2 "$T/out")"
expect_stamped_line "$(printf 'x\ry')" "$(line 3 "$T/out")"

# Echo mode has no commands: lines starting with / come back like others.
printf '/nick bob\n/quit\n//x\n/who\n' >"$T/in"
exchange
expect_lines "lines starting with /" 4 "$T/out"
expect_stamped_line "/nick bob" "$(line 1 "$T/out")"
expect_stamped_line "/quit" "$(line 2 "$T/out")"
expect_stamped_line "//x" "$(line 3 "$T/out")"
expect_stamped_line "/who" "$(line 4 "$T/out")"

# A line split across writes is one line.
{ printf 'hel'; sleep 0.2; printf 'lo\nwor'; sleep 0.2; printf 'ld\n'; } \
    >"$T/in"
exchange
expect_lines "a line in pieces" 2 "$T/out"
expect_stamped_line hello "$(line 1 "$T/out")"
expect_stamped_line world "$(line 2 "$T/out")"

# Many lines at once come back whole and in order.
seq 1 20000 >"$T/in"
exchange
expect_lines "20000 lines" 20000 "$T/out"
cut -c 28- "$T/out" >"$T/texts"
expect_file_eq "20000 lines, in order" "$T/in" "$T/texts"

# Byte-exact echo: UTF-8 (CJK, astral), invalid UTF-8, and every byte but
# the newline, NUL included. Echo mode returns the peer's own bytes.
check_bytes() {
	exchange
	head -c 27 "$T/out" >"$T/stamp"
	expect_stamped_line "" "$(cat "$T/stamp")"
	tail -c +28 "$T/out" >"$T/body"
	expect_file_eq "$1" "$T/in" "$T/body"
}
printf 'Python\347\274\226\347\250\213 \342\234\223 \360\237\230\200\n' >"$T/in"
check_bytes "UTF-8 echoed byte for byte"
printf 'bad \377\376 \200 \300\257 \355\240\200 end\n' >"$T/in"
check_bytes "invalid UTF-8 echoed byte for byte"
i=0
while [ $i -lt 256 ]; do
	[ $i -ne 10 ] && printf "\\$(printf %o $i)"
	i=$((i + 1))
done >"$T/in"
printf '\n' >>"$T/in"
[ "$(wc -c <"$T/in")" -eq 256 ] || fail "the test's own 255-byte line came out $(wc -c <"$T/in") bytes"
check_bytes "bytes 0-255 but the newline, echoed unchanged"
stop_server

# Raw framing: each read is one message, the reply has no terminator.
start_server --framing raw
timeout 15 "$TCPEER" chat 127.0.0.1 "$PORT" hello "$(printf 'two\nlines')" \
    "Python编程" >"$T/out" || fail "tcpeer chat failed"
expect_lines "raw replies, each followed by tcpeer's newline" 4 "$T/out"
expect_stamped_line hello "$(line 1 "$T/out")"
expect_stamped_line two "$(line 2 "$T/out")"
expect_eq "the rest of the raw message 'two\\nlines'" lines "$(line 3 "$T/out")"
expect_stamped_line "Python编程" "$(line 4 "$T/out")"
stop_server

# --time-format and --utc. TST-9 is nine hours east of UTC, with no
# daylight saving and no tzdata needed.
TZ=TST-9
export TZ
start_server --time-format '%Y'
printf 'text\n' >"$T/in"
exchange
year=$(date +%Y)
expect_eq "--time-format %Y" "[$year] text" "$(cat "$T/out")"
stop_server

start_server --time-format '%H'
h1=$(date +%H)
exchange
h2=$(date +%H)
got=$(cat "$T/out")
[ "$got" = "[$h1] text" ] || [ "$got" = "[$h2] text" ] ||
	fail "--time-format %H in TZ=$TZ: expected '[$h1] text' (local time), got '$got'"
stop_server

start_server --utc --time-format '%H'
h1=$(date -u +%H)
exchange
h2=$(date -u +%H)
got=$(cat "$T/out")
[ "$got" = "[$h1] text" ] || [ "$got" = "[$h2] text" ] ||
	fail "--utc --time-format %H in TZ=$TZ: expected '[$h1] text' (UTC), got '$got'"
stop_server

start_server --utc
exchange
# The stamp must be near now in UTC, 9 hours from the local time.
TZ=UTC0
expect_stamped_line text "$(cat "$T/out")"
TZ=TST-9
stop_server
unset TZ

# Stamps are in the C locale whatever the server's locale.
for loc in de_DE.UTF-8 de_DE.utf8 zh_CN.UTF-8 zh_CN.utf8; do
	locale -a 2>/dev/null | grep -qix "$loc" || continue
	LC_ALL=$loc
	start_server
	LC_ALL=C
	exchange
	case $(cat "$T/out") in
	"["Mon\ *|"["Tue\ *|"["Wed\ *|"["Thu\ *|"["Fri\ *|"["Sat\ *|"["Sun\ *) ;;
	*) fail "under LC_ALL=$loc the stamp is not in the C locale: '$(cat "$T/out")'" ;;
	esac
	expect_stamped_line text "$(cat "$T/out")"
	stop_server
	note "stamps stay in the C locale under LC_ALL=$loc"
	break
done

# --max-line: a longer line is cut there once, with one notice after it,
# at a character boundary; a line of exactly the limit is not cut; the
# connection goes on.
start_server --max-line 10
printf '0123456789ABCDEF\n0123456789\n0123456789\r\nnext\n' >"$T/in"
exchange
expect_lines "--max-line 10" 5 "$T/out"
expect_stamped_line 0123456789 "$(line 1 "$T/out")"
expect_stamped_line "*** line too long" "$(line 2 "$T/out")"
expect_stamped_line 0123456789 "$(line 3 "$T/out")"
expect_stamped_line 0123456789 "$(line 4 "$T/out")"
expect_stamped_line next "$(line 5 "$T/out")"
stop_server

start_server --max-line 9
# Eight two-byte characters: nine bytes would split the fifth.
printf 'éééééééé\n' >"$T/in"
# A line of 300000 bytes, over many reads: cut once, one notice.
head -c 300000 /dev/zero | tr '\0' x >>"$T/in"
printf '\nafter\n' >>"$T/in"
exchange
expect_lines "--max-line 9" 5 "$T/out"
expect_stamped_line "éééé" "$(line 1 "$T/out")"
expect_stamped_line "*** line too long" "$(line 2 "$T/out")"
expect_stamped_line xxxxxxxxx "$(line 3 "$T/out")"
expect_stamped_line "*** line too long" "$(line 4 "$T/out")"
expect_stamped_line after "$(line 5 "$T/out")"
stop_server
exit 0
