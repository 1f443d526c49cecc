#!/bin/sh
# seed-compat.sh: tschat speaks the tutorial's wire format (--framing raw)
# with the tutorial's own Python programs: tschatd serves its TCP and UDP
# clients to the byte, and tschat -L talks to its TCP and UDP servers.
. "$top_srcdir/tests/lib.sh"

need_seed
note "the tutorial's programs: $SEED_DIR"

# seed_client SCRIPT: $T/in typed into the tutorial's client.
seed_client() {
	timeout 10 python3 "$SEED_DIR/$1" 127.0.0.1 "$PORT" <"$T/in" \
	    >"$T/out" 2>"$T/err" ||
		fail "python3 $1 127.0.0.1 $PORT: status $?: $(cat "$T/err")"
}

# expect_seed_output TEXT...: the client printed, to the byte,
# "> [STAMP] TEXT\n" for each TEXT, then its last prompt "> ".
expect_seed_output() {
	stamp=$(head -c 29 "$T/out" | tail -c 27)
	expect_stamped_line "" "$stamp"
	: >"$T/want"
	for text in "$@"; do
		printf '> %s%s\n' "$stamp" "$text" >>"$T/want"
	done
	printf '> ' >>"$T/want"
	# The seconds may tick between two lines: compare without them.
	sed 's/[0-9][0-9] [0-9]\{4\}\] /SS YYYY] /' "$T/want" >"$T/want.s"
	sed 's/[0-9][0-9] [0-9]\{4\}\] /SS YYYY] /' "$T/out" >"$T/out.s"
	expect_file_eq "the tutorial's client output" "$T/want.s" "$T/out.s"
}

for proto in tcp udp; do
	if [ $proto = tcp ]; then
		start_server --framing raw
	else
		start_server --framing raw -u
	fi
	printf 'Python编程\n' >"$T/in"
	seed_client ${proto}_client.py
	expect_seed_output "Python编程"
	expect_file_eq "$proto: the bytes of the tutorial's output" \
	    "$T/want" "$T/out"
	printf 'hello\nworld\n' >"$T/in"
	seed_client ${proto}_client.py
	expect_seed_output hello world
	stop_server
done

# The tutorial's servers, with tschat -L --framing raw as their client.
PY_PID=
start_seed_server() {
	for try in 1 2 3; do
		if [ "$1" = udp_server.py ]; then
			PORT=$(free_port -u)
		else
			PORT=$(free_port)
		fi
		# Not the last server's words: this one may not have started.
		rm -f "$T/py.out"
		# The tutorial binds every address; the copy, loopback only.
		sed "s/^HOST = ''/HOST = '127.0.0.1'/" "$SEED_DIR/$1" >"$T/$1"
		grep -q "^HOST = '127.0.0.1'" "$T/$1" ||
			fail "$SEED_DIR/$1: no \"HOST = ''\" line to bind to loopback"
		python3 -u "$T/$1" "$PORT" >"$T/py.out" 2>&1 &
		PY_PID=$!
		track "$PY_PID"
		if wait_for 10 grep -q waiting "$T/py.out" && running "$PY_PID"
		then
			note "python3 $1 $PORT: pid $PY_PID"
			return 0
		fi
		kill "$PY_PID" 2>/dev/null
		wait "$PY_PID" 2>/dev/null
	done
	fail "python3 $1 would not start: $(cat "$T/py.out")"
}
stop_seed_server() {
	kill "$PY_PID"
	wait_exit "$PY_PID" 5 || fail "python3 $1 did not stop"
}

for proto in tcp udp; do
	start_seed_server ${proto}_server.py
	opt=
	[ $proto = udp ] && opt=--udp
	rc=0
	printf 'hello\nPython编程\n' |
	    timeout 15 "$TSCHAT" -L $opt --framing raw -w 5 127.0.0.1 "$PORT" \
	    >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq 0 ] ||
		fail "tschat -L $opt --framing raw to the tutorial's ${proto}_server.py: status $rc: $(cat "$T/err")
server said: $(cat "$T/py.out")"
	expect_lines "tschat -L $opt against ${proto}_server.py" 2 "$T/out"
	expect_stamped_line hello "$(line 1 "$T/out")"
	expect_stamped_line "Python编程" "$(line 2 "$T/out")"
	[ ! -s "$T/err" ] || fail "tschat -L $opt printed on stderr: $(cat "$T/err")"
	stop_seed_server ${proto}_server.py
done
exit 0
