# lib-relay.sh: a real redis-server and tschatd nodes that form one room
# through it, for the relay's end-to-end tests; sourced after lib.sh, and
# before lib-room.sh, whose hub holds the peers (so that need_redis can
# skip before it starts). Redis runs in a directory of its own under $T,
# saving nothing, on 127.0.0.1 and a free port (or a unix socket only); it
# and every node are stopped by PID.

# The relay tests need a real Redis: a host without one skips them, saying
# so, and only such a host. A tschatd built without hiredis fails them,
# saying why: CI must not pass a build whose --relay went missing.
need_redis() {
	command -v redis-server >/dev/null 2>&1 ||
		skip "redis-server is not installed (Debian: apt-get install redis-server); the relay tests run against a real one"
	command -v redis-cli >/dev/null 2>&1 ||
		skip "redis-cli is not installed (it comes with redis-server; Debian: redis-tools)"
	"$TSCHATD" --version | grep -q hiredis ||
		fail "redis-server is here but this tschatd was built without hiredis, so it has no --relay (install libhiredis-dev and configure again): $("$TSCHATD" --version | grep -i feature)"
}

# --- redis-server --------------------------------------------------------
REDIS_PID=
REDIS_PORT=
REDIS_SOCK=
REDIS_PASS=
REDIS_N=0
REDIS_LOG=

# rcli ARGS...: redis-cli on our Redis (its socket, its password), bounded.
rcli() {
	if [ -n "$REDIS_SOCK" ]; then
		set -- -s "$REDIS_SOCK" "$@"
	else
		set -- -h 127.0.0.1 -p "$REDIS_PORT" "$@"
	fi
	if [ -n "$REDIS_PASS" ]; then
		set -- --no-auth-warning -a "$REDIS_PASS" "$@"
	fi
	timeout 10 redis-cli "$@"
}

_redis_ready() {
	running "$REDIS_PID" || return 0
	[ "$(rcli PING 2>/dev/null)" = PONG ]
}

# redis_start [ARGS...]: redis-server on 127.0.0.1:$REDIS_PORT (a free port
# unless REDIS_PORT is set: a restart keeps its port), with ARGS after ours;
# REDIS_SOCK names its socket when ARGS give one (then REDIS_PORT may be 0).
# Waits until it answers PING.
redis_start() {
	[ -z "$REDIS_PID" ] || fail "redis_start: redis-server $REDIS_PID is already running"
	REDIS_N=$((REDIS_N + 1))
	_dir=$T/redis.$REDIS_N
	mkdir "$_dir" || fail "cannot make $_dir"
	[ -n "$REDIS_PORT" ] || REDIS_PORT=$(free_port)
	REDIS_LOG=$_dir/redis.log
	redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' \
	    --appendonly no --dir "$_dir" --logfile "$REDIS_LOG" \
	    --daemonize no "$@" >"$_dir/stdout" 2>&1 &
	REDIS_PID=$!
	track "$REDIS_PID"
	wait_for 10 _redis_ready ||
		fail "redis-server $* did not answer PING within 10 s: $(tail -n 5 "$REDIS_LOG")"
	if ! running "$REDIS_PID"; then
		wait "$REDIS_PID"
		_rc=$?
		untrack "$REDIS_PID"
		REDIS_PID=
		fail "redis-server --port $REDIS_PORT $* exited with status $_rc at start:
$(tail -n 5 "$REDIS_LOG" "$_dir/stdout")"
	fi
	note "redis-server $REDIS_PID: port $REDIS_PORT${REDIS_SOCK:+, socket $REDIS_SOCK} $*"
}

# redis_stop [SIG]: SIGTERM (or SIG) to redis-server, and wait for it.
redis_stop() {
	[ -n "$REDIS_PID" ] || return 0
	kill "-${1:-TERM}" "$REDIS_PID" 2>/dev/null
	wait_exit "$REDIS_PID" 10 ||
		fail "redis-server $REDIS_PID did not exit within 10 s of SIG${1:-TERM}"
	untrack "$REDIS_PID"
	note "redis-server $REDIS_PID stopped (SIG${1:-TERM})"
	REDIS_PID=
}

# redis_calls CMD: how many times Redis ran CMD (INFO commandstats).
redis_calls() {
	rcli INFO commandstats | tr -d '\r' |
	    sed -n "s/^cmdstat_$1:calls=\([0-9]*\),.*/\1/p" | grep . || echo 0
}

# redis_all_calls: how many commands Redis ran, all kinds.
redis_all_calls() {
	rcli INFO commandstats | tr -d '\r' |
	    sed -n 's/^cmdstat_[a-z|]*:calls=\([0-9]*\),.*/\1/p' |
	    awk '{ n += $1 } END { print n + 0 }'
}

# node_redis_ports PID: the local ports of PID's TCP connections to
# Redis, from /proc: what CLIENT LIST calls their addr.
node_redis_ports() {
	python3 "$top_srcdir/tests/redis-ports.py" "$1" "$REDIS_PORT"
}

# --- the nodes -------------------------------------------------------------
# relay_url: where the nodes find Redis, unless RELAY_URL says otherwise.
relay_url() {
	if [ -n "${RELAY_URL:-}" ]; then
		printf '%s' "$RELAY_URL"
	elif [ -n "$REDIS_SOCK" ]; then
		printf 'unix:%s' "$REDIS_SOCK"
	else
		printf 'redis://127.0.0.1:%s' "$REDIS_PORT"
	fi
}

node_var() {
	eval "printf '%s' \"\${NODE_$1_$2:-}\""
}

# relay_connects K: how many times node K logged its relay connected.
relay_connects() {
	grep -c 'relay: connected' "$T/n$1.log" 2>/dev/null
}

_node_listening() {
	running "$_pid" || return 0
	grep -q 'listening on ' "$T/n$1.log"
}

_node_connected_after() {
	[ "$(relay_connects "$1")" -gt "$2" ]
}

# node_start K [ARGS...]: node nK, "tschatd -B --line-rate 0 --relay URL
# -b 127.0.0.1 -p 0 --node-name nK ARGS", logging to $T/nK.log; NODE_PID_K
# and NODE_PORT_K. It waits for the listening line and, unless
# NODE_NOWAIT=1, for "relay: connected". With NODE_UNNAMED=1, no
# --node-name: the server names itself.
node_start() {
	_k=$1
	shift
	[ "${NODE_UNNAMED:-0}" = 1 ] || set -- --node-name "n$_k" "$@"
	[ -z "$(node_var PID "$_k")" ] || fail "node_start: n$_k is already running"
	_log=$T/n$_k.log
	[ -f "$_log" ] && mv "$_log" "$_log.$$.$(now_ms)"
	: >"$_log"
	"$TSCHATD" -B --history 0 --line-rate 0 --relay "$(relay_url)" \
	    -b 127.0.0.1 -p 0 "$@" 2>"$_log" &
	_pid=$!
	track "$_pid"
	eval "NODE_PID_$_k=\$_pid"
	NODES="${NODES:-} $_k"
	wait_for 10 _node_listening "$_k" ||
		fail "n$_k: tschatd $* did not report 'listening on' within 10 s"
	if ! running "$_pid"; then
		wait "$_pid"
		fail "n$_k: tschatd --relay $(relay_url) $* exited with status $? at start"
	fi
	_port=$(sed -n 's/.*listening on [a-z]* .*:\([0-9][0-9]*\)$/\1/p' \
	    "$_log" | head -n 1)
	eval "NODE_PORT_$_k=\$_port"
	if [ "${NODE_NOWAIT:-0}" != 1 ]; then
		wait_for 10 _node_connected_after "$_k" 0 ||
			fail "n$_k: no 'relay: connected' in its log within 10 s"
	fi
	note "n$_k: tschatd $_pid on port $_port, relay $(relay_url) $*"
}

# node_alive K: nK still runs, or fail.
node_alive() {
	running "$(node_var PID "$1")" ||
		fail "n$1 died (it should be running)"
}

# node_stop K [SIG]: stop nK (SIGTERM: it must exit 0 within 5 s; SIGKILL:
# it just goes).
node_stop() {
	_pid=$(node_var PID "$1")
	[ -n "$_pid" ] || return 0
	node_alive "$1"
	kill "-${2:-TERM}" "$_pid"
	wait_exit "$_pid" 5 ||
		fail "n$1 did not exit within 5 s of SIG${2:-TERM}"
	untrack "$_pid"
	eval "NODE_PID_$1="
	NODES=$(for _n in $NODES; do [ "$_n" = "$1" ] || printf ' %s' "$_n"; done)
	if [ "${2:-TERM}" = TERM ] && [ "$EXIT_STATUS" -ne 0 ]; then
		fail "n$1 exited with status $EXIT_STATUS after SIGTERM, expected 0"
	fi
	note "n$1 stopped (SIG${2:-TERM})"
}

_node_stats_after() {
	[ "$(grep -c 'stats:' "$T/n$1.log")" -gt "$2" ]
}

# node_stats K: SIGUSR1 to nK; print its new "stats:" line.
node_stats() {
	node_alive "$1"
	_before=$(grep -c 'stats:' "$T/n$1.log")
	kill -USR1 "$(node_var PID "$1")"
	wait_for 5 _node_stats_after "$1" "$_before" ||
		fail "n$1: no 'stats:' line in its log within 5 s of SIGUSR1"
	grep 'stats:' "$T/n$1.log" | tail -n 1
}

# relay_stat NAME STATS: a relay counter of a "stats:" line: "out" and "in"
# are the entries, "events out"/"events in" their events.
relay_stat() {
	_r=${2#*"; relay "}
	case $1 in
	out) printf '%s\n' "$_r" | sed -n 's/.*entries out \([0-9]*\).*/\1/p' ;;
	in) printf '%s\n' "$_r" | sed -n 's/.*, in \([0-9]*\).*/\1/p' ;;
	"events out") printf '%s\n' "$_r" |
	    sed -n 's/.*entries out [0-9]* (events \([0-9]*\)).*/\1/p' ;;
	"events in") printf '%s\n' "$_r" |
	    sed -n 's/.*, in [0-9]* (events \([0-9]*\)).*/\1/p' ;;
	*) stat_value "$1" "$_r" ;;
	esac
}

# expect_relay_up STATS: the stats line says "relay up".
expect_relay_up() {
	case $1 in
	*"; relay up: "*) ;;
	*) fail "expected 'relay up' in the stats line, got '$1'" ;;
	esac
}

# The peers: connect NAME on node K. Everyone in the room, on every node,
# sees it join, counted room-wide (lib-room.sh's connect, on K's port).
node_connect() {
	PORT=$(node_var PORT "$2")
	eval "NODE_OF_$1=\$2"
	connect "$1"
	eval "ADDR_$1=\$NICK_$1"
}

# rename NAME NICK: NAME takes NICK; everyone sees it.
rename() {
	say "$1" "/nick $2"
	expect_all "*** $(nick_of "$1") is now known as $2"
	eval "NICK_$1=\$2"
}

# peers_on K: the peers on node K.
peers_on() {
	for _p in $PEERS; do
		eval "[ \"\${NODE_OF_$_p:-}\" = \"\$1\" ]" && printf ' %s' "$_p"
	done
}

# sync_nodes: one peer on each node says "sync N" in turn, and every peer's
# next line is that: whatever a peer should not have got (a doubled line)
# comes first and fails.
sync_nodes() {
	for _k in $NODES; do
		_first=$(set -- $(peers_on "$_k"); echo "${1:-}")
		[ -z "$_first" ] || sync_room "$_first"
	done
}

# --- what a node knows of the others ---------------------------------------
_view_is() {
	_st=$(node_stats "$1")
	[ "$(relay_stat "remote members" "$_st")" = "$2" ]
}

# wait_view K N: node K counts N members on the other nodes (SIGUSR1),
# within 5 s. A node learns of the others through the stream, a moment
# after their peers do; a newcomer's "(N online)" is counted there.
wait_view() {
	wait_for 5 _view_is "$1" "$2" ||
		fail "n$1: expected 'remote members $2' within 5 s, got: $(grep 'stats:' "$T/n$1.log" | tail -n 1 | sed 's/.*; relay/relay/')"
}

# node_join NAME K: once node K knows everyone on the other nodes, NAME
# connects to it, and every peer on every node sees NAME join, counted
# room-wide.
node_join() {
	wait_view "$2" $((ONLINE - $(set -- $(peers_on "$2"); echo $#)))
	node_connect "$1" "$2"
}

# --- floods ----------------------------------------------------------------
# flood N CHUNK PAUSE NAME...: in the background (FLOOD_PID), each NAME says
# "flood NAME 1" to "flood NAME N", CHUNK lines at a time, the NAMEs in
# turn, PAUSE seconds between rounds. One writer, so the hub's commands
# never interleave; each stays far below PIPE_BUF.
flood() {
	_n=$1 _chunk=$2 _pause=$3
	shift 3
	(
		_i=1
		while [ "$_i" -le "$_n" ]; do
			_j=$((_i + _chunk - 1))
			[ "$_j" -le "$_n" ] || _j=$_n
			for _p in "$@"; do
				hub send "$_p" "$(seq -f "flood $_p %g" "$_i" "$_j" | hexof)"
			done
			_i=$((_j + 1))
			sleep "$_pause"
		done
	) &
	FLOOD_PID=$!
	track "$FLOOD_PID"
}

flood_wait() {
	wait_exit "$FLOOD_PID" 30 || fail "the flood did not end within 30 s"
	untrack "$FLOOD_PID"
}

# _flood_done PEER N SENDERS...: PEER has the last line of every sender.
_flood_done() {
	_fp=$1 _fn=$2
	shift 2
	for _s in "$@"; do
		grep -q -F -e "$(nick_of "$_s"): flood $_s $_fn" "$T/p/$_fp.out" ||
			return 1
	done
}

# expect_flood SECS N SENDERS...: within SECS, every peer gets every
# sender's N lines "NICK: flood NAME I", exactly once each and in the order
# sent, and nothing else in between but lines whose text (after the
# stamp) matches the ERE $FLOOD_ASIDE, if set; those are kept in
# $T/aside.NAME. Each peer's next line is then the one after them. On a
# failure every peer's gaps, doubles and strays are told.
expect_flood() {
	_secs=$1 _fn=$2
	shift 2
	for _p in $PEERS; do
		wait_for "$_secs" _flood_done "$_p" "$_fn" "$@" ||
			note "peer $_p: not every sender's line $_fn came within $_secs s"
		_secs=2
	done
	_args=
	for _s in "$@"; do
		_args="$_args $(nick_of "$_s")=$_s"
	done
	: >"$T/flood.why"
	for _p in $PEERS; do
		eval "_cur=\$CUR_$_p"
		tail -n +$((_cur + 1)) "$T/p/$_p.out" |
		    awk -v n="$_fn" -v senders="$_args" \
			-v aside="${FLOOD_ASIDE:-}" -v asidef="$T/aside.$_p" '
			function tell(s) {
				if (++told <= 6)
					printf "  %s\n", s
				bad = 1
			}
			BEGIN {
				k = split(senders, s, " ")
				for (i = 1; i <= k; i++) {
					eq = index(s[i], "=")
					head[i] = substr(s[i], 1, eq - 1) ": flood " \
					    substr(s[i], eq + 1) " "
					want[i] = 1
				}
				left = n * k
				printf "" >asidef
			}
			left == 0 { exit }
			{
				line = $0
				sub(/^\[[^]]*\] /, "")
				for (i = 1; i <= k; i++) {
					if (index($0, head[i]) != 1)
						continue
					got = substr($0, length(head[i]) + 1) + 0
					if (got > want[i])
						tell(sprintf("%s%d to %d: missing (line %d has %d)", head[i], want[i], got - 1, NR, got))
					else if (got < want[i])
						tell(sprintf("%s%d: again or out of order, at line %d, after %d", head[i], got, NR, want[i] - 1))
					if (got >= want[i])
						want[i] = got + 1
					left--
					next
				}
				if (aside != "" && $0 ~ aside) {
					print $0 >asidef
					next
				}
				tell(sprintf("line %d: not a flood line: \"%s\"", NR, line))
			}
			END {
				for (i = 1; i <= k; i++) {
					if (want[i] != n + 1)
						tell(sprintf("%s%d to %d: missing at the end", head[i], want[i], n))
				}
				exit bad
			}' >"$T/flood.one" ||
			printf 'peer %s (%s) on n%s:\n%s\n' "$_p" "$(nick_of "$_p")" \
			    "$(eval "echo \$NODE_OF_$_p")" "$(cat "$T/flood.one")" \
			    >>"$T/flood.why"
		_used=$(( _fn * $# + $(wc -l <"$T/aside.$_p") ))
		eval "CUR_$_p=\$((_cur + _used))"
	done
	[ ! -s "$T/flood.why" ] ||
		fail "the flood of $# x $_fn lines did not reach every peer once each, in order, with nothing else between:
$(cat "$T/flood.why")"
}

# --- failures ----------------------------------------------------------------
# fail MSG...: as lib.sh's, with the end of every node's log and Redis's.
fail() {
	printf 'FAIL: %s: %s\n' "$TEST_NAME" "$*" >&2
	for _f in "$T"/n*.log; do
		[ -s "$_f" ] || continue
		printf -- '--- the end of %s (its last stats line, then the rest) ---\n' \
		    "${_f##*/}" >&2
		grep 'stats:' "$_f" | tail -n 1 | sed 's/^.*; relay/  ... relay/' >&2
		grep -v 'stats:' "$_f" | tail -n 12 >&2
	done
	if [ -n "$REDIS_LOG" ] && [ -s "$REDIS_LOG" ]; then
		printf -- '--- the end of the redis-server log ---\n' >&2
		grep -v 'oO0OoO0OoO0Oo\|WARNING\|version=\|Configuration loaded\|monotonic clock\|Running mode\|Server initialized' \
		    "$REDIS_LOG" | tail -n 8 >&2
	fi
	printf -- '--- end of the logs ---\n' >&2
	exit 1
}
