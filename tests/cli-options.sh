#!/bin/sh
# cli-options.sh: the command lines of tschatd and tschat: --help and
# --version, usage errors (two lines, status 2), and runtime failures (one
# line naming the address and the reason, status 1).
. "$top_srcdir/tests/lib.sh"

# run PROG ARGS...: stdout, stderr and status into $T/out, $T/err, $RC.
run() {
	RC=0
	timeout "${RUN_TIMEOUT:-10}" "$@" >"$T/out" 2>"$T/err" </dev/null || RC=$?
}

# --help: usage on stdout, nothing on stderr, status 0.
check_help() {
	prog=$1 name=$2
	run "$prog" --help
	[ "$RC" -eq 0 ] || fail "$name --help: expected status 0, got $RC"
	[ -s "$T/out" ] || fail "$name --help printed nothing on stdout"
	[ ! -s "$T/err" ] || fail "$name --help wrote to stderr: $(cat "$T/err")"
	grep -q "^Usage: $name " "$T/out" ||
		fail "$name --help: expected a line 'Usage: $name ...', got:
$(head -n 3 "$T/out")"
	cp "$T/out" "$T/help"
	run "$prog" -h
	cmp -s "$T/out" "$T/help" || fail "$name -h and --help differ"
	# What --help printed must have reached stdout.
	RC=0
	"$prog" --help >/dev/full 2>"$T/err" || RC=$?
	[ "$RC" -ne 0 ] || fail "$name --help >/dev/full: expected a failure status, got 0"
}

# in_help NAME OPT: the help of NAME (in $T/help) mentions OPT.
in_help() {
	grep -Eq -- "(^|[ ,])$2([ ,=]|\$)" "$T/help" ||
		fail "$1 --help does not mention $2:
$(cat "$T/help")"
}

# check_option PROG NAME REQUIRED SHORT LONG [VALUE]: an option of the
# contract. REQUIRED ones must be accepted; any accepted one (probed with
# "OPTION [VALUE] --help") must be in --help.
check_option() {
	prog=$1 name=$2 required=$3 short=$4 long=$5
	shift 5
	if "$prog" "$long" "$@" --help >/dev/null 2>&1; then
		in_help "$name" "$long"
		if [ "$short" != - ]; then
			"$prog" "$short" "$@" --help >/dev/null 2>&1 ||
				fail "$name accepts $long but not $short"
			in_help "$name" "$short"
		fi
	elif [ "$required" = yes ]; then
		fail "$name does not accept $long $*: $("$prog" "$long" "$@" --help 2>&1 >/dev/null)"
	else
		not_yet="$not_yet $long"
	fi
}

# check_version PROG NAME
check_version() {
	run "$1" --version
	[ "$RC" -eq 0 ] || fail "$2 --version: expected status 0, got $RC"
	head -n 1 "$T/out" | grep -Eq "^$2 .*[0-9]+\.[0-9]+" ||
		fail "$2 --version: expected a first line '$2 ... VERSION', got '$(head -n 1 "$T/out")'"
	[ ! -s "$T/err" ] || fail "$2 --version wrote to stderr: $(cat "$T/err")"
	run "$1" -V
	[ "$RC" -eq 0 ] || fail "$2 -V: expected status 0, got $RC"
}

# usage_error NAME WORD PROG ARGS...: exactly "NAME: ..." (naming WORD)
# and "Try 'NAME --help'." on stderr, nothing on stdout, status 2.
usage_error() {
	name=$1 word=$2
	shift 2
	run "$@"
	shift
	[ "$RC" -eq 2 ] || fail "$name $*: expected status 2, got $RC (stderr: $(cat "$T/err"))"
	[ ! -s "$T/out" ] || fail "$name $*: expected nothing on stdout, got: $(cat "$T/out")"
	n=$(wc -l <"$T/err")
	[ "$n" -eq 2 ] || fail "$name $*: expected 2 lines on stderr, got $n:
$(cat "$T/err")"
	first=$(line 1 "$T/err")
	case $first in
	"$name: "*"$word"*) ;;
	*) fail "$name $*: expected a first line '$name: ...' naming '$word', got '$first'" ;;
	esac
	expect_eq "$name $*: the second line" "Try '$name --help'." \
	    "$(line 2 "$T/err")"
}

# --- tschatd -------------------------------------------------------------
check_help "$TSCHATD" tschatd
check_version "$TSCHATD" tschatd
not_yet=
D=$TSCHATD
check_option "$D" tschatd yes -b --bind 127.0.0.1
check_option "$D" tschatd yes -p --port 8080
check_option "$D" tschatd yes -t --tcp
check_option "$D" tschatd yes -u --udp
check_option "$D" tschatd yes - --framing raw
check_option "$D" tschatd yes - --time-format %H
check_option "$D" tschatd yes - --utc
check_option "$D" tschatd yes - --max-line 100
check_option "$D" tschatd yes - --max-queue 65536
check_option "$D" tschatd yes -q --quiet
check_option "$D" tschatd yes -v --verbose
check_option "$D" tschatd yes -B --broadcast
check_option "$D" tschatd yes - --max-clients 10
check_option "$D" tschatd yes - --max-per-ip 2
check_option "$D" tschatd yes - --allow 127.0.0.0/8
check_option "$D" tschatd yes - --line-rate 10
check_option "$D" tschatd yes - --idle-timeout 60
check_option "$D" tschatd yes - --udp-rate 50
check_option "$D" tschatd yes - --udp-peer-ttl 300
check_option "$D" tschatd yes - --syslog
check_option "$D" tschatd yes - --relay-prefix lobby
check_option "$D" tschatd yes - --history 5
check_option "$D" tschatd yes - --history-memory 100000
check_option "$D" tschatd yes - --max-rooms 10
check_option "$D" tschatd yes - --max-joins 5
check_option "$D" tschatd yes - --node-name n1
in_help tschatd -h
in_help tschatd --help
in_help tschatd -V
in_help tschatd --version
[ -z "$not_yet" ] || note "tschatd does not take yet:$not_yet"

usage_error tschatd --bogus "$D" --bogus
usage_error tschatd -x "$D" -x
usage_error tschatd 70000 "$D" -p 70000
usage_error tschatd abc "$D" --port abc
usage_error tschatd xyz "$D" --framing xyz
usage_error tschatd 0 "$D" --max-line 0
usage_error tschatd -p "$D" -p
usage_error tschatd 10001 "$D" --history 10001
usage_error tschatd x "$D" --max-rooms x
usage_error tschatd -1 "$D" --max-joins -1
usage_error tschatd --room "$D" --room lobby
usage_error tschatd extra "$D" -p 0 extra

# --- tschat --------------------------------------------------------------
check_help "$TSCHAT" tschat
check_version "$TSCHAT" tschat
not_yet=
C=$TSCHAT
check_option "$C" tschat yes -u --udp
check_option "$C" tschat yes - --framing raw
check_option "$C" tschat yes -n --nick alice
check_option "$C" tschat yes -L --line-mode
check_option "$C" tschat yes -w --wait 1
check_option "$C" tschat yes - --no-color
check_option "$C" tschat yes - --log "$T/log"
check_option "$C" tschat yes - --scrollback 100
check_option "$C" tschat yes - --no-bell
in_help tschat -h
in_help tschat --help
in_help tschat -V
in_help tschat --version
[ -z "$not_yet" ] || note "tschat does not take yet:$not_yet"

usage_error tschat --bogus "$C" --bogus
usage_error tschat -x "$C" -x
usage_error tschat xyz "$C" --framing xyz
usage_error tschat 70000 "$C" -L 127.0.0.1 70000
usage_error tschat -1 "$C" -L -w -1 127.0.0.1 8080
usage_error tschat extra "$C" -L 127.0.0.1 8080 extra

# --- runtime failures: one line, status 1 ---------------------------------
# one_line WHAT: $T/err is one line; $RC is 1.
one_line() {
	[ "$RC" -eq 1 ] || fail "$1: expected status 1, got $RC (stderr: $(cat "$T/err"))"
	n=$(wc -l <"$T/err")
	[ "$n" -eq 1 ] || fail "$1: expected one line on stderr, got $n:
$(cat "$T/err")"
}

# tschat to a port where nothing listens.
P=$(free_port)
run "$TSCHAT" -L 127.0.0.1 "$P"
one_line "tschat to closed port $P"
case $(cat "$T/err") in
"tschat: "*"127.0.0.1:$P"*"refused"*) ;;
*) fail "tschat to closed port $P: expected 'tschat: ... 127.0.0.1:$P: Connection refused', got '$(cat "$T/err")'" ;;
esac

# tschat to a host that cannot be resolved (an empty label: the resolver
# refuses it without asking any name server).
run "$TSCHAT" -L no..such..host 8080
one_line "tschat to no..such..host"
case $(cat "$T/err") in
"tschat: "*no..such..host*) ;;
*) fail "tschat to no..such..host: expected 'tschat: ... no..such..host ...', got '$(cat "$T/err")'" ;;
esac

# tschatd on a port already taken, TCP then UDP.
# A server that did start would run: 2 s is plenty to fail to bind.
RUN_TIMEOUT=2
start_server
run "$TSCHATD" -b 127.0.0.1 -p "$PORT"
one_line "a second tschatd on tcp port $PORT"
expect_eq "a second tschatd on tcp port $PORT" \
    "tschatd: cannot listen on 127.0.0.1:$PORT: Address already in use" \
    "$(cat "$T/err")"
stop_server

start_server -u
run "$TSCHATD" -b 127.0.0.1 -p "$PORT" -u
one_line "a second tschatd on udp port $PORT (it must not share the port)"
expect_eq "a second tschatd on udp port $PORT" \
    "tschatd: cannot listen on 127.0.0.1:$PORT: Address already in use" \
    "$(cat "$T/err")"
stop_server
exit 0
