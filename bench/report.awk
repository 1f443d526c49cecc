# bench/report.awk: the tables of bench/RESULTS.md, from the RESULT lines
# bench/run collects (key=value fields, tagged with id= and run=). Each
# cell is the median of the runs with [lowest-highest]; ratios compare
# medians with the reference server of the same scenario. A run during
# which the server's core was much busier than the server (another
# process ran there) is left out when at least one run of the cell was
# not disturbed, and named in the notes either way.

function isort(a, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
}

# The median of the values of KEY for the pair K ("id target"); sets
# LO and HI to the lowest and highest. -1 when there are none.
function stat(k, key,    v, n, i, a) {
	n = 0
	for (i = 1; i <= runs[k]; i++) {
		if (nclean[k] > 0 && !clean[k, i])
			continue
		v = val[k, i, key]
		if (v == "" || v == "-" || v < 0)
			continue
		a[++n] = v + 0
	}
	if (n == 0) {
		LO = HI = -1
		return -1
	}
	isort(a, n)
	LO = a[1]; HI = a[n]
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

function human(x) {
	if (x < 0) return "-"
	if (x >= 1e6) return sprintf("%.2fM", x / 1e6)
	if (x >= 1e4) return sprintf("%.0fk", x / 1e3)
	if (x >= 1e3) return sprintf("%.1fk", x / 1e3)
	return sprintf("%.0f", x)
}

function us(x) {
	if (x < 0) return "-"
	if (x >= 1000) return sprintf("%.0f", x)
	if (x >= 100) return sprintf("%.0f", x)
	return sprintf("%.1f", x)
}

function cell(k, key, fmt,    m, lo, hi) {
	m = stat(k, key)
	if (m < 0) return "-"
	lo = LO; hi = HI
	if (fmt == "h")
		return human(m) " [" human(lo) "-" human(hi) "]"
	if (fmt == "us")
		return us(m) " [" us(lo) "-" us(hi) "]"
	if (fmt == "s")
		return sprintf("%.2f [%.2f-%.2f]", m, lo, hi)
	if (fmt == "n3")
		return sprintf("%.3f [%.3f-%.3f]", m, lo, hi)
	return sprintf("%.0f [%.0f-%.0f]", m, lo, hi)
}

function frac(x) {
	return x < 0 ? "-" : sprintf("%.2f", x)
}

function ratio(a, b) {
	return (a < 0 || b <= 0) ? "-" : sprintf("%.2f", a / b)
}

# Whether run I of K ran alone: its server's core was not much busier than
# the server itself (socat's forks are not accounted reliably: left out),
# the kernel's softirqs there apart where a row counts them (the large
# rooms: the loopback delivery of what the server sends). A join storm of
# less than a second is not judged: the kernel counts CPU time in ticks
# of 10 ms.
function undisturbed(k, i,    v, w, s) {
	v = val[k, i, "core_busy"]; w = val[k, i, "srv_cpu"]
	if (v == "" || v == "-" || w == "" || w == "-" ||
	    val[k, i, "target"] == "socat" ||
	    (val[k, i, "scenario"] == "join-storm" && val[k, i, "dur"] < 1))
		return 1
	if ((s = val[k, i, "core_softirq"]) != "" && s != "-")
		v -= s
	return v - w <= 0.2
}

# Notes on a cell: what was not served, lost or stalled in some run.
function remarks(k,    i, s, v, w) {
	s = ""
	for (i = 1; i <= runs[k]; i++) {
		if ((v = val[k, i, "failed"]) != "")
			s = s " run " i " failed (" v ");"
		v = val[k, i, "served"]; w = val[k, i, "conns"]
		if (w == "") w = val[k, i, "sockets"]
		if (v != "" && w != "" && v + 0 < w + 0)
			s = s " run " i ": " v " of " w " served;"
		v = val[k, i, "live"]; w = val[k, i, "listeners"]
		if (v != "" && v + 0 < w + 0)
			s = s " run " i ": " v " of " w " listeners;"
		if (val[k, i, "stalled"] == 1)
			s = s " run " i " stalled;"
		if (val[k, i, "lost"] + 0 > 0)
			s = s " run " i ": " val[k, i, "lost"] " lost;"
		if (val[k, i, "errors"] + 0 > 0)
			s = s " run " i ": " val[k, i, "errors"] " errors;"
		if (!clean[k, i])
			s = s " run " i " disturbed (core " val[k, i, "core_busy"] \
			    ", server " val[k, i, "srv_cpu"] ")" \
			    (nclean[k] > 0 ? ", left out;" : ";")
	}
	return s
}

/^RESULT / {
	delete f
	for (i = 2; i <= NF; i++) {
		eq = index($i, "=")
		if (eq > 0)
			f[substr($i, 1, eq - 1)] = substr($i, eq + 1)
	}
	k = f["id"] " " f["target"]
	if (!(f["id"] in seen_id)) {
		seen_id[f["id"]] = 1
		ids[++nids] = f["id"]
	}
	if (!(k in runs)) {
		runs[k] = 0
		tg[f["id"], ++ntg[f["id"]]] = f["target"]
	}
	r = ++runs[k]
	for (key in f)
		val[k, r, key] = f[key]
}

END {
	for (k in runs)
		for (i = 1; i <= runs[k]; i++) {
			if ((clean[k, i] = undisturbed(k, i)))
				nclean[k]++
			# What a second of the server's CPU delivers: less
			# sensitive than the rate to a core shared with others.
			c = val[k, i, "srv_cpu"]
			if (c != "" && c != "-" && c > 0.05 &&
			    val[k, i, "target"] != "socat")
				val[k, i, "eff"] = val[k, i, "rate"] / c
			# relayed rooms: the share of all stream entries written
			# that a server read, on average over the servers.
			if (val[k, i, "node_in"] != "" &&
			    val[k, i, "node_out"] != "")
				val[k, i, "read_share"] = read_share(val[k, i, "node_in"], val[k, i, "node_out"], val[k, i, "base_in"], val[k, i, "base_out"])
			# join: microseconds of the server's CPU a join.
			if (c != "" && c != "-" && val[k, i, "rate"] > 0 &&
			    val[k, i, "scenario"] == "join")
				val[k, i, "us_join"] = c / val[k, i, "rate"] * 1e6
		}
	print "## Throughput and latency"
	print ""
	print "| scenario | target | rate/s | x ref | p50 us | p99 us | p99 x ref | per server CPU-second | x ref | server CPU | its core busy | load CPU | notes |"
	print "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= nids; i++) {
		id = ids[i]
		if (id ~ /^(tls)?idle/ || id ~ /^relay/ || id ~ /^join/ ||
		    id ~ /^line[0-9]/ ||
		    id ~ /^client-flood/ || id == "window-switch" ||
		    id ~ /^tls/ || id ~ /^handshakes/)
			continue
		ref = id " ref"
		rr = (ref in runs) ? stat(ref, "rate") : -1
		rp = (ref in runs) ? stat(ref, "p99_us") : -1
		re = (ref in runs) ? stat(ref, "eff") : -1
		for (j = 1; j <= ntg[id]; j++) {
			k = id " " tg[id, j]
			m = stat(k, "rate")
			p = stat(k, "p99_us")
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%s |\n",
			    id, tg[id, j], cell(k, "rate", "h"), ratio(m, rr),
			    us(stat(k, "p50_us")), cell(k, "p99_us", "us"),
			    ratio(p, rp), cell(k, "eff", "h"),
			    ratio(stat(k, "eff"), re), frac(stat(k, "srv_cpu")),
			    frac(stat(k, "core_busy")), frac(stat(k, "bench_cpu")),
			    remarks(k)
			rate[k] = m
			p99[k] = p
		}
	}
	print ""
	print "echo: replies/s (64-byte lines, one in flight per connection);"
	print "pipeline: the same with 16 lines in flight per connection; fanout:"
	print "lines delivered to listeners per second, from one sender with a"
	print "window of 16 lines not yet seen by every listener (fanout1000x10:"
	print "ten senders with 4 lines each; fanout1000w256: one sender with 256"
	print "lines in flight, a busy room); udp: replies/s."
	print ""
	print "rooms1000: tschatd in room mode (default history, 20 lines) with"
	print "a thousand rooms of ten members, #r0 to #r999, every one busy:"
	print "nine listeners and one sender with a window of 16 lines, as in"
	print "fanout1000, each connection in the lobby and in its room (it sent"
	print "/join #rN). Every member's copy of a line counts as a delivery,"
	print "the sender's own too (fanout1000 counts its 1000 listeners, not"
	print "the sender). With 16000 lines in flight (160000 deliveries), its"
	print "latency is mostly waiting behind the other rooms' lines; the rate"
	print "and what a second of the server's CPU delivers are the figures to"
	print "compare with fanout1000 (Goals). fanout10000: one room of 10000"
	print "listeners and one sender, the connections of rooms1000 in one room:"
	print "against it, rooms1000 shows what the rooms themselves cost, apart"
	print "from what ten times the sockets cost the kernel."
	print ""
	print "A room line from tschatd carries its stamp and its sender's nick: a"
	print "64-byte line reaches each listener as about 107 bytes (ncat puts"
	print "\"<userN> \" before it, the reference nothing). With deep backlogs"
	print "(fanout1000w256)"
	print "the kernel's copying of those bytes into the sockets is the largest"
	print "part of tschatd's profile (about 30 %, all in the kernel's"
	print "_copy_from_iter; 92 % of its time is in the kernel)."
	print ""
	print "Per server CPU-second: the rate divided by the server's CPU, what"
	print "one second of its CPU does; it depends less than the rate on how"
	print "much of its core the server got, when other work shared the core."
	print ""
	print "CPU: seconds of CPU per second (1.00 is one core busy) used by the"
	print "server's processes, by the server's core as a"
	print "whole (more than the server's own: something else ran there; the"
	print "kernel's loopback work for the server's sends counts here too) and"
	print "by the load generator."
	print ""
	fanout_runs()
	print "## Idle connections"
	print ""
	print "| scenario | target | accepted | alive | server RSS per connection, bytes | connections/s |"
	print "|---|---|---|---|---|---|"
	for (i = 1; i <= nids; i++) {
		id = ids[i]
		if (id !~ /^(tls)?idle/)
			continue
		for (j = 1; j <= ntg[id]; j++) {
			k = id " " tg[id, j]
			if (large(k))
				continue
			printf "| %s | %s | %s | %s | %s | %s |%s\n", id, tg[id, j],
			    cell(k, "accepted", "n"), cell(k, "alive", "n"),
			    cell(k, "rss_per_conn", "n"), human(stat(k, "rate")),
			    remarks(k)
			rss[k] = stat(k, "rss_per_conn")
			acc[k] = stat(k, "accepted"); accmin[k] = LO
		}
	}
	print ""
	print "tlsidle2000: 2000 connections to tschatd in echo mode, over TLS"
	print "(tschatd, each held after its handshake) and in plaintext"
	print "(tschatd-plain), measured alike in the same run, from after one"
	print "connection more, made first and not counted: what the first"
	print "costs once (code paged in, OpenSSL's algorithms fetched) is left"
	print "out."
	tls_table()
	large_tables()
	join_table()
	relay_table()
	flood_table("client-flood tschat", "## The client: tschat full-screen (tmux, 80x24) flooded with 100000 lines")
	flood_table("client-flood10w tschat", "The same 100000 lines spread over 10 windows (the lobby and #r1 to #r9, 10000 lines each, 9 windows off screen):")
	k = "window-switch tschat"
	if (k in runs) {
		print ""
		print "Switching windows (bench/window-switch: the client's windows model filled as above, 10 panes of 10000 lines, each window shown 10 times in turn at 80x24, timed from the switch to the end of the draw, ncurses' output included):"
		print ""
		print "| median ms | p99 ms | slowest ms |"
		print "|---|---|---|"
		printf "| %s | %s | %s |\n", cell(k, "switch_ms", "n3"), cell(k, "switch_p99_ms", "n3"), cell(k, "switch_max_ms", "n3")
		smax = stat(k, "switch_max_ms")
	}

	print ""
	print "## Goals: performance"
	print ""
	print "| goal | measured (medians) | met |"
	print "|---|---|---|"
	goal_rate("echo100", 0.9, 1.5)
	goal_rate("echo1000", 0.9, 0)
	goal_fanout("fanout100")
	goal_fanout("fanout1000")
	goal_every_run("fanout1000", 0.9)
	goal_rooms("rooms1000", "fanout1000", 0)
	goal_rooms("rooms1000", "fanout10000", 1)
	k = "idle10000 tschatd"
	if (k in runs)
		printf "| idle 10000: <= 320 bytes/connection, all accepted | %.0f bytes, %s of 10000 accepted (lowest run) | %s |\n",
		    rss[k], accmin[k], ((rss[k] >= 0 && rss[k] <= 320 && accmin[k] >= 10000) ? "yes" : "**no**")
	k = "idle10000 tschatd-B"
	if (k in runs)
		printf "| idle 10000 in room mode (-B, every peer in the lobby): <= 320 bytes/peer, all accepted | %.0f bytes, %s of 10000 accepted (lowest run) | %s |\n",
		    rss[k], accmin[k], ((rss[k] >= 0 && rss[k] <= 320 && accmin[k] >= 10000) ? "yes" : "**no**")
	goal_rate("udp16", 0.9, 0)
	goal_tls("tlsfanout1000", "fanout1000 tschatd", 0.5, "tlsfanout1000: over TLS >= 0.5 x tschatd's plaintext fanout1000 of the same run")
	goal_tls("tlsfanout500", "tlsfanout500 ncat", 20, "tlsfanout500: >= 20 x ncat --chat --ssl")
	goal_tls("tlsecho100", "tlsecho100 ref", 0.8, "tlsecho100: >= 0.8 x ref (refserver tls-echo)")
	goal_tls("handshakes-ec256", "handshakes-ec256 ref", 0, "handshakes-ec256 (ECDSA P-256): against ref")
	goal_tls("handshakes-rsa2048", "handshakes-rsa2048 ref", 0, "handshakes-rsa2048 (RSA 2048): against ref")
	k = "tlsidle2000 tschatd"
	b = "tlsidle2000 tschatd-plain"
	if ((k in runs) && (b in runs))
		printf "| tlsidle2000: bytes a TLS connection after its handshake, against plaintext | %.0f bytes against %.0f, %s of 2000 accepted (lowest run) | (context) |\n",
		    rss[k], rss[b], accmin[k]
	extra_fanout("fanout1000x10", "ten senders")
	extra_fanout("fanout1000w256", "256 lines in flight")
	goal_flood("client-flood tschat", "client flood")
	if ("window-switch tschat" in runs)
		printf "| switching windows at 10000 lines of scrollback each: < 20 ms | slowest %.2f ms (median of runs) | %s |\n",
		    smax, ((smax >= 0 && smax < 20) ? "yes" : "**no**")
	goal_flood("client-flood10w tschat", "client flood over 10 windows")
}

# A client flood's row under its title, if it ran.
function flood_table(k, title) {
	if (!(k in runs))
		return
	print ""
	print title
	print ""
	print "| seconds until the last line is on screen | peak RSS (VmHWM), KiB |"
	print "|---|---|"
	printf "| %s | %s |\n", cell(k, "secs", "s"), cell(k, "vmhwm_kb", "n")
}

# A client flood's goal: the last line on screen within 2 s, 32 MiB.
function goal_flood(k, what,    secs, hwm) {
	if (!(k in runs))
		return
	secs = stat(k, "secs"); hwm = stat(k, "vmhwm_kb")
	printf "| %s: <= 2 s, <= 32 MiB | %.2f s, %.1f MiB | %s |\n", what,
	    secs, hwm / 1024, ((secs >= 0 && secs <= 2 && hwm <= 32768) ? "yes" : "**no**")
}

# What qualifies a comparison of K with R: the ratio per server
# CPU-second, and a warning when either had only disturbed runs.
function caveat(k, r,    e, s) {
	e = stat(r, "eff")
	s = e > 0 && stat(k, "eff") > 0 ? sprintf(" (per server CPU-second %.2f)", stat(k, "eff") / e) : ""
	if (nclean[k] == 0 || nclean[r] == 0)
		s = s " (every run of one side disturbed)"
	return s
}

function goal_rate(id, want, pwant,    k, r, ok, s) {
	k = id " tschatd"
	if (!(k in runs) || !((id " ref") in runs))
		return
	r = rate[k] / rate[id " ref"]
	ok = r >= want
	s = sprintf("%.3f x ref", r) caveat(k, id " ref")
	if (pwant > 0) {
		s = s sprintf(", p99 %.3f x ref", p99[k] / p99[id " ref"])
		ok = ok && p99[k] / p99[id " ref"] <= pwant
	}
	printf "| %s: >= %.1f x ref%s | %s | %s |\n", id, want,
	    (pwant > 0 ? sprintf(", p99 <= %.1f x ref", pwant) : ""), s,
	    (ok ? "yes" : "**no**")
}

function goal_fanout(id,    k, r, n, ok) {
	k = id " tschatd"
	if (!(k in runs) || !((id " ref") in runs))
		return
	r = rate[k] / rate[id " ref"]
	n = ((id " ncat") in runs) && rate[id " ncat"] > 0 ? rate[k] / rate[id " ncat"] : -1
	ok = r >= 0.8 && (n < 0 || n >= 2)
	printf "| %s: >= 0.8 x ref, >= 2 x ncat --chat | %.3f x ref%s, %s x ncat%s | %s |\n",
	    id, r, caveat(k, id " ref"), (n < 0 ? "-" : sprintf("%.3f", n)),
	    (n < 0 ? "" : caveat(k, id " ncat")), (ok ? "yes" : "**no**")
}

# Rooms: a delivery in a thousand small rooms against one in one big room,
# tschatd against itself in the same run.
# ID's rate against BASE's, tschatd's both: a goal (0.9 of the single
# room's), or, SAME set, only what the rooms cost against one room of as
# many connections.
function goal_rooms(id, base, same,    k, b, r, e, cpu) {
	k = id " tschatd"
	b = base " tschatd"
	if (!(k in runs) || !(b in runs) || rate[b] <= 0)
		return
	r = rate[k] / rate[b]
	e = stat(b, "eff") > 0 && stat(k, "eff") > 0 ? stat(k, "eff") / stat(b, "eff") : -1
	cpu = e < 0 ? "" : sprintf(" (per server CPU-second %.2f)", e)
	if (same) {
		printf "| %s against one room of as many connections (%s, tschatd): what the rooms cost | %.3f x%s | (context) |\n",
		    id, base, r, cpu
		return
	}
	printf "| %s: deliveries/s >= 0.9 x the single room's (%s, tschatd) | %.3f x%s%s | %s |\n",
	    id, base, r, cpu,
	    ((nclean[k] == 0 || nclean[b] == 0) ? " (every run of one side disturbed)" : ""),
	    (r >= 0.9 ? "yes" : "**no**")
}

# The joins: into a room with history and into one without, and what
# the history costs a join (tschatd less tschatd-h0, medians).
function join_table(    i, j, id, k, any, h, z) {
	for (i = 1; i <= nids; i++)
		if (ids[i] ~ /^join/ && ids[i] !~ /^joinstorm/)
			any = 1
	if (!any)
		return
	print ""
	print "## Joins"
	print ""
	print "| scenario | target | joins/s | p50 us | p99 us | server CPU | server CPU a join, us | bytes a join | notes |"
	print "|---|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= nids; i++) {
		id = ids[i]
		if (id !~ /^join/ || id ~ /^joinstorm/)
			continue
		for (j = 1; j <= ntg[id]; j++) {
			k = id " " tg[id, j]
			printf "| %s | %s | %s | %s | %s | %s | %s | %s |%s |\n",
			    id, tg[id, j], cell(k, "rate", "h"),
			    us(stat(k, "p50_us")), cell(k, "p99_us", "us"),
			    frac(stat(k, "srv_cpu")), cell(k, "us_join", "s"),
			    cell(k, "bytes_join", "n"), remarks(k)
		}
	}
	print ""
	print "join1, join10: one or ten peers join #bench, where another member"
	print "said 20 lines of 64 bytes, and each, as soon as it has read its"
	print "own join notice (\"#bench *** NICK joined (N online)\", after the"
	print "history), sends /part #bench and /join #bench at once; p50 and p99"
	print "are of that round trip. tschatd keeps the 20 lines (--history"
	print "20); tschatd-h0 keeps none (--history 0). Bytes a join: all that"
	print "the joiners read, divided by their joins: the history, their own"
	print "notices and, in join10, the others' join and leave notices."
	print ""
	for (i = 1; i <= nids; i++) {
		id = ids[i]
		if (id !~ /^join/ || id ~ /^joinstorm/ ||
		    !((id " tschatd") in runs) ||
		    !((id " tschatd-h0") in runs))
			continue
		h = stat(id " tschatd", "us_join")
		z = stat(id " tschatd-h0", "us_join")
		if (h < 0 || z < 0)
			continue
		printf "- %s: the history costs a join %.2f us of server CPU (%.2f with it, %.2f without) and %.0f bytes.\n",
		    id, h - z, h, z, stat(id " tschatd", "bytes_join") - stat(id " tschatd-h0", "bytes_join")
	}
}

# Beyond the goals: a room where ten people talk at once, or a busy one.
function extra_fanout(id, what,    k, r, n) {
	k = id " tschatd"
	if (!(k in runs) || !((id " ref") in runs))
		return
	r = rate[k] / rate[id " ref"]
	n = ((id " ncat") in runs) && rate[id " ncat"] > 0 ? rate[k] / rate[id " ncat"] : -1
	printf "| (beyond the table) %s, %s: the fanout goals | %.2f x ref%s, %s x ncat%s | %s |\n",
	    id, what, r, caveat(k, id " ref"), (n < 0 ? "-" : sprintf("%.2f", n)),
	    (n < 0 ? "" : caveat(k, id " ncat")),
	    ((r >= 0.8 && (n < 0 || n >= 2)) ? "yes" : "**no**")
}

# Redis's commands (and XADDs) per line sent, over the whole run.
function per_msg(k, key,    i, n, a, sent) {
	n = 0
	for (i = 1; i <= runs[k]; i++) {
		sent = val[k, i, "sent"]
		if (val[k, i, key] == "" || sent + 0 <= 0)
			continue
		a[++n] = val[k, i, key] / sent
	}
	if (n == 0)
		return -1
	isort(a, n)
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

# IN and OUT: each node's entries read and written, "A,B,C", and BIN and
# BOUT the same as the measured time started ("": none): the mean read
# over the sum written meanwhile; -1 without writes.
function read_share(in_, out, bin, bout,    a, b, c, d, n, i, tin, tout) {
	n = split(in_, a, ",")
	split(out, b, ",")
	split(bin, c, ",")
	split(bout, d, ",")
	for (i = 1; i <= n; i++) {
		tin += a[i] - c[i]
		tout += b[i] - d[i]
	}
	return (n > 0 && tout > 0) ? tin / n / tout : -1
}

# The rows of the relay scenarios: one room on one tschatd, on one
# tschatd --relay, and on three.
function relay_table(    i, j, id, k, base, m, c, x, any, sh) {
	for (i = 1; i <= nids; i++)
		if (ids[i] ~ /^relay/)
			any = 1
	if (!any)
		return
	print ""
	print "## Scale-out: one room across tschatd servers through Redis"
	print ""
	print "| scenario | target | deliveries/s | x one server | p50 us | p99 us | across servers/s | across p50 us | across p99 us | CPU (servers + Redis) | Redis commands a line | XADD a line | entries a server read | notes |"
	print "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= nids; i++) {
		id = ids[i]
		if (id !~ /^relay/)
			continue
		base = (id " tschatd") in runs ? stat(id " tschatd", "rate") : -1
		for (j = 1; j <= ntg[id]; j++) {
			k = id " " tg[id, j]
			m = stat(k, "rate")
			c = per_msg(k, "redis_cmds")
			x = per_msg(k, "redis_xadd")
			sh = stat(k, "read_share")
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%s |\n",
			    id, tg[id, j], cell(k, "rate", "h"), ratio(m, base),
			    us(stat(k, "p50_us")), cell(k, "p99_us", "us"),
			    cell(k, "xrate", "h"), us(stat(k, "xp50_us")),
			    cell(k, "xp99_us", "us"), frac(stat(k, "srv_cpu")),
			    (c < 0 ? "-" : sprintf("%.3f", c)),
			    (x < 0 ? "-" : sprintf("%.3f", x)),
			    (sh < 0 ? "-" : sprintf("%.2f of all", sh)), remarks(k)
			rshare[k] = sh
			rrate[k] = m
			rcpu[k] = stat(k, "srv_cpu")
			rxp99[k] = stat(k, "xp99_us")
			rcmd[k] = c
			rxadd[k] = x
		}
	}
	print ""
	print "relay1000: 1000 listeners, one sender with a window of 16 lines"
	print "(as fanout1000); relay100r1000: 100 listeners, one sender paced to"
	print "1000 lines a second. tschatd: one server, no relay; relay1: one"
	print "tschatd --relay; relay3: three, the listeners spread over them and"
	print "the sender on the first. \"Across servers\": deliveries to listeners"
	print "of the other servers, through Redis. The servers and redis-server"
	print "share one core; their CPU is summed. Redis commands and XADDs are"
	print "counted over the whole run (joins and warm-up included) and divided"
	print "by the lines sent. relayrooms1000s2 and s3: 1000 rooms of 9 listeners"
	print "and one sender each (as rooms1000) on three tschatd --relay; each"
	print "room's sender on one server, its listeners on 2 (s2) or all 3 (s3)"
	print "servers in turn. \"Entries a server read\": the stream entries a"
	print "server read in the measured time (SIGUSR1's \"in\"; its own included),"
	print "on average over the servers, as a share of all the entries the"
	print "servers wrote meanwhile: a server reads the streams of the rooms it"
	print "has members in, so s2 should read about 2/3 of them, s3 all (a"
	print "server still reading what was written before the measured time"
	print "started can read more than was written in it: the ratio of s2 to s3"
	print "is the figure to look at)."
	print ""
	print "## Goals: scale-out"
	print ""
	print "| goal | measured (medians) | met |"
	print "|---|---|---|"
	if (("relay1000 relay1" in rrate) && ("relay1000 tschatd" in rrate) &&
	    rrate["relay1000 tschatd"] > 0) {
		m = rrate["relay1000 relay1"] / rrate["relay1000 tschatd"]
		printf "| enabling --relay costs single-server fan-out <= 20 %% (relay1000: relay1 >= 0.8 x tschatd) | %.3f x tschatd; relay3 %.3f x | %s |\n",
		    m, ("relay1000 relay3" in rrate) ? rrate["relay1000 relay3"] / rrate["relay1000 tschatd"] : -1,
		    (m >= 0.8 ? "yes" : "**no**")
	}
	if ("relay100r1000 relay3" in rxp99) {
		x = rxp99["relay100r1000 relay3"]
		printf "| across servers at 1000 lines/s: p99 < 5 ms (relay100r1000, relay3) | %.2f ms | %s |\n",
		    x / 1000, (x >= 0 && x < 5000 ? "yes" : "**no**")
	}
	if ("relay1000 relay3" in rxadd)
		printf "| Redis: one round trip a batch, not a line (relay3) | relay1000: %.3f XADD and %.3f commands a line; relay100r1000 (a line an iteration): %.3f XADD, %.3f commands | %s |\n",
		    rxadd["relay1000 relay3"], rcmd["relay1000 relay3"],
		    rxadd["relay100r1000 relay3"], rcmd["relay100r1000 relay3"],
		    (rxadd["relay1000 relay3"] < 1 ? "yes" : "**no**")
	if (("relayrooms1000s2 relay3" in rshare) &&
	    ("relayrooms1000s3 relay3" in rshare) &&
	    rshare["relayrooms1000s3 relay3"] > 0) {
		m = rshare["relayrooms1000s2 relay3"] / rshare["relayrooms1000s3 relay3"]
		printf "| relayed rooms: a server reads only its members' rooms (relayrooms1000: s2 reads about 2/3 of what s3 reads) | s2 %.2f, s3 %.2f of all entries: %.2f x; Redis %.3f commands a line (s3) | %s |\n",
		    rshare["relayrooms1000s2 relay3"],
		    rshare["relayrooms1000s3 relay3"], m,
		    rcmd["relayrooms1000s3 relay3"],
		    (m >= 0.55 && m <= 0.78 ? "yes" : "**no**")
	}
}

# The comparison of a TLS row: refserver tls-echo in the same row, else
# tschatd's plaintext row of the same scenario (tlsfanout1000 against
# fanout1000), else ncat --chat --ssl.
function tls_base(id,    plain) {
	plain = substr(id, 4)
	if ((id " ref") in runs)
		return id " ref"
	if ((plain " tschatd") in runs)
		return plain " tschatd"
	if ((id " ncat") in runs)
		return id " ncat"
	return ""
}

# What a comparison is called in the TLS table.
function tls_name(b) {
	if (b ~ / ref$/)
		return "ref over TLS"
	if (b ~ / ncat$/)
		return "ncat --ssl"
	return b " (plaintext)"
}

# TLS: what tschatd does over TLS against the floor, against itself in
# plaintext and against ncat's TLS chat.
function tls_table(    i, j, id, k, b, any, m, rb, eb, h, r) {
	for (i = 1; i <= nids; i++)
		if (ids[i] ~ /^tls(fanout|echo)/ || ids[i] ~ /^handshakes/)
			any = 1
	if (!any)
		return
	print ""
	print "## TLS"
	print ""
	print "| scenario | target | rate/s | against | x it | p50 us | p99 us | per server CPU-second | x it | server CPU | its core busy | load CPU | notes |"
	print "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= nids; i++) {
		id = ids[i]
		if (id !~ /^tls(fanout|echo)/ && id !~ /^handshakes/)
			continue
		b = tls_base(id)
		rb = b != "" ? stat(b, "rate") : -1
		eb = b != "" ? stat(b, "eff") : -1
		for (j = 1; j <= ntg[id]; j++) {
			k = id " " tg[id, j]
			m = stat(k, "rate")
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%s |\n",
			    id, tg[id, j], cell(k, "rate", "h"),
			    (b == "" || b == k ? "-" : tls_name(b)),
			    (b == k ? "-" : ratio(m, rb)),
			    us(stat(k, "p50_us")), cell(k, "p99_us", "us"),
			    cell(k, "eff", "h"),
			    (b == k ? "-" : ratio(stat(k, "eff"), eb)),
			    frac(stat(k, "srv_cpu")),
			    frac(stat(k, "core_busy")),
			    frac(stat(k, "bench_cpu")), remarks(k)
			rate[k] = m
		}
	}
	print ""
	print "TLS 1.3 (the protocol and cipher agreed are in the raw results),"
	print "certificates made for the run, not verified by the load"
	print "generator. tlsfanout500, tlsfanout1000: fanout100's rules (one"
	print "sender, a window of 16 lines of 64 bytes) with 500 or 1000 TLS"
	print "listeners, against ncat --chat --ssl and against tschatd's"
	print "plaintext fanout1000 of the same run. tlsecho100: echo100 over"
	print "TLS. handshakes: 16 connections at a time, each made, through a"
	print "full handshake (no session resumed), one line said and answered"
	print "(so that the server's side of the handshake is done too), and"
	print "closed; connections a second, with an ECDSA P-256 key"
	print "(handshakes-ec256) and an RSA 2048 key (handshakes-rsa2048);"
	print "p50 and p99 from the connect to the answer."
	print ""
	print "Where tschatd's time goes over TLS (perf, OpenSSL 3.0): in"
	print "tlsfanout1000 a delivery costs about twice the CPU of one in"
	print "fanout1000. About 58 % of it is in the kernel (one record a peer"
	print "an iteration, written by OpenSSL with write(2)), 28 % in libcrypto"
	print "and libssl, mostly for each record rather than each byte (AES-GCM"
	print "itself a few per cent; OpenSSL's parameter lookups, BIO calls and"
	print "error-queue clearing the rest), 9 % in libc (half of it the"
	print "write(2) calls, a third the record buffers that"
	print "SSL_MODE_RELEASE_BUFFERS frees after each write and allocates"
	print "again), 5 % in tschatd. In a handshake tschatd's own code is about"
	print "1 % of its CPU, OpenSSL and the kernel the rest. An idle TLS peer"
	print "holds OpenSSL's session (SSL_new alone allocates 7.6 KB, the two"
	print "AES-GCM contexts and the SSL_SESSION 2.9 KB more); the rest of its"
	print "RSS is heap the handshakes left behind."
	print ""
	for (i = 1; i <= nids; i++) {
		id = ids[i]
		if (id !~ /^handshakes/)
			continue
		for (j = 1; j <= ntg[id]; j++) {
			k = id " " tg[id, j]
			h = stat(k, "eff")
			if (h > 0)
				printf "- %s, %s: %.0f us of server CPU a connection.\n",
				    id, tg[id, j], 1e6 / h
		}
	}
}

# A TLS goal: tschatd's rate against B's, WANT times at least (0: only
# the ratio, for context).
function goal_tls(id, b, want, what,    k, r) {
	k = id " tschatd"
	if (!(k in rate) || !(b in runs) || stat(b, "rate") <= 0)
		return
	r = rate[k] / stat(b, "rate")
	printf "| %s | %.3f x%s | %s |\n", what, r, caveat(k, b),
	    want == 0 ? "(context)" : (r >= want ? "yes" : "**no**")
}

# The large-room rows: tschatd-L (tschatd -B --max-clients 20000) and
# ref-B (refserver broadcast) in idleS, lineS and joinstormS.
function large(k) {
	return k ~ / (tschatd-L|ref-B)$/
}

# What a large-room cell did not do: remarks(), and missing lines or
# joiners, duplicates, lines not waited for to the end, no history.
function large_remarks(k,    i, s, v) {
	s = remarks(k)
	for (i = 1; i <= runs[k]; i++) {
		if ((v = val[k, i, "missing"]) != "" && v != "-" && v + 0 > 0)
			s = s " run " i ": " v " missing" (val[k, i, "joined_ms"] + 0 > 0 ? " (the others in by " sprintf("%.0f", val[k, i, "joined_ms"]) " ms)" : "") ";"
		if (val[k, i, "dups"] + 0 > 0)
			s = s " run " i ": " val[k, i, "dups"] " received twice;"
		if (val[k, i, "timeouts"] + 0 > 0)
			s = s " run " i ": " val[k, i, "timeouts"] " lines not all delivered in 5 s;"
		if (val[k, i, "probe_missing"] + 0 > 0)
			s = s " run " i ": the probe line missed " val[k, i, "probe_missing"] " listeners;"
		if (val[k, i, "closed"] + 0 > 0)
			s = s " run " i ": " val[k, i, "closed"] " closed by the server;"
		if ((v = val[k, i, "history_ok"]) != "" && v != "-" &&
		    v + 0 < val[k, i, "joined"] + 0)
			s = s " run " i ": " v " of the " val[k, i, "joined"] " in got the whole history;"
		if ((v = val[k, i, "server_holds"]) != "" && v != "-" &&
		    v + 0 < val[k, i, "conns"] + 0)
			s = s " run " i ": the server holds " v " of " val[k, i, "conns"] ";"
		if (val[k, i, "hold_bytes"] + 0 > 0)
			s = s " run " i ": " val[k, i, "hold_bytes"] " bytes came while held;"
		if ((v = val[k, i, "alive"]) != "" && v + 0 < val[k, i, "conns"] + 0)
			s = s " run " i ": " v " of " val[k, i, "conns"] " alive;"
	}
	return s
}

# The cell of K's KEY and, when K is tschatd's, its ratio to ref-B's of
# the same id ("-" for ref-B itself).
function vs_ref(k, key, fmt,    id, r, m) {
	id = substr(k, 1, index(k, " ") - 1)
	m = stat(k, key)
	r = (id " ref-B") in runs ? stat(id " ref-B", key) : -1
	return cell(k, key, fmt) " | " (k ~ / ref-B$/ ? "-" : ratio(m, r))
}

function ms(x) {
	if (x < 0) return "-"
	return x >= 100 ? sprintf("%.0f", x) : x >= 10 ? sprintf("%.1f", x) : sprintf("%.2f", x)
}

function large_tables(    i, j, id, k, any, n, w, sh) {
	for (i = 1; i <= nids; i++)
		for (j = 1; j <= ntg[ids[i]]; j++)
			if (large(ids[i] " " tg[ids[i], j]))
				any = 1
	if (!any)
		return
	for (k in runs)
		for (i = 1; i <= runs[k]; i++) {
			# The server's CPU a line against the wall time a line.
			n = val[k, i, "srv_ms_per_line"]; w = val[k, i, "line_ms"]
			if (n != "" && n != "-" && w + 0 > 0)
				val[k, i, "srv_share"] = n / w
			# All in: tschatd's last own join notice, ref's last
			# connection accepted; none when some never were.
			if (val[k, i, "missing"] + 0 > 0)
				continue
			if ((n = val[k, i, "joined_ms"]) != "" && n != "-")
				val[k, i, "in_ms"] = n
			else if ((n = val[k, i, "accepted_ms"]) != "" && n != "-")
				val[k, i, "in_ms"] = n
		}
	print ""
	print "## Large rooms"
	print ""
	print "One room (the lobby) of 2000 to 19000 peers: tschatd-L is tschatd"
	print "-B --max-clients 20000, ref-B refserver broadcast; x ref is"
	print "tschatd-L's median over ref-B's of the same run (for times and"
	print "memory, lower is better)."
	print ""
	print "| scenario | target | accepted | RSS a peer, bytes | x ref | kernel memory a pair, bytes | x ref | server wake-ups/s | server CPU idle | notes |"
	print "|---|---|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= nids; i++) {
		id = ids[i]
		if (id !~ /^idle[0-9]/)
			continue
		for (j = 1; j <= ntg[id]; j++) {
			k = id " " tg[id, j]
			if (!large(k))
				continue
			printf "| %s | %s | %s | %s | %s | %s | %s |%s |\n",
			    id, tg[id, j], cell(k, "accepted", "n"),
			    vs_ref(k, "rss_per_conn", "n"),
			    vs_ref(k, "kmem_pair_b", "n"),
			    cell(k, "wakeups_s", "s"), cell(k, "idle_cpu", "n3"),
			    large_remarks(k)
		}
	}
	print ""
	print "idleS: S connections held 2 s once the server has accepted them"
	print "all and nothing has come for 1.5 s (tschatd tells the room of the"
	print "arrivals, past a rate summed up once a second); tschatd runs with"
	print "--idle-timeout 3600, on but never"
	print "reached. Kernel memory: /proc/meminfo's Slab before and after,"
	print "over the connections; both ends are on this machine, so it is a"
	print "pair of sockets (and their files and epoll entries) a connection,"
	print "and anything else the machine did meanwhile. Wake-ups: the"
	print "server's context switches, voluntary or not, a second of the hold;"
	print "CPU: its seconds of CPU a second of the hold."
	print ""
	print "| scenario | target | last listener p50 ms | x ref | last p99 ms | x ref | median listener p50 ms | server CPU a line, ms | x ref | softirq on its core a line, ms | wall a line, ms | server's share | load CPU a line, ms | notes |"
	print "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= nids; i++) {
		id = ids[i]
		if (id !~ /^line[0-9]/)
			continue
		for (j = 1; j <= ntg[id]; j++) {
			k = id " " tg[id, j]
			if (!large(k))
				continue
			sh = stat(k, "srv_share")
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%s |\n",
			    id, tg[id, j], vs_ref(k, "last_p50_ms", "s"),
			    vs_ref(k, "last_p99_ms", "s"),
			    ms(stat(k, "half_p50_ms")),
			    vs_ref(k, "srv_ms_per_line", "s"),
			    ms(stat(k, "softirq_ms_per_line")),
			    ms(stat(k, "line_ms")), frac(sh),
			    ms(stat(k, "gen_ms_per_line")), large_remarks(k)
		}
	}
	print ""
	print "lineS: S listeners and one sender; once all are in (tschatd: each"
	print "has seen its own join notice; ref: the server holds them all) and"
	print "a probe line has reached everyone, 200 lines of 64 bytes, one at a"
	print "time, each said once the one before reached every listener (5 s at"
	print "most). Last listener: from the send until the last listener had"
	print "the line; median listener: until half of them had it; p50 and p99"
	print "over the 200 lines. Server CPU a line: its CPU over the 200 lines,"
	print "divided by them (clock ticks of 10 ms: coarse for the smaller"
	print "rooms); softirq: the kernel's time in softirqs on the server's core"
	print "meanwhile, a line (on loopback, the delivery of what the server"
	print "sends, not counted in the server's CPU); wall a line: the whole"
	print "time, divided by them; the server's share: its CPU over the wall"
	print "time (the rest is the kernel's delivery, the load generator's"
	print "reading on the other core, and whatever else ran). A missing"
	print "line (a listener that never got it) or one received twice is in"
	print "the notes."
	print ""
	print "| scenario | target | connections established/s | x ref | connects issued in, ms | all in, ms | x ref | history ok | listen queue drops | server CPU | notes |"
	print "|---|---|---|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= nids; i++) {
		id = ids[i]
		if (id !~ /^joinstorm[0-9]/)
			continue
		for (j = 1; j <= ntg[id]; j++) {
			k = id " " tg[id, j]
			if (!large(k))
				continue
			printf "| %s | %s | %s | %s | %s | %s | %s | %s |%s |\n",
			    id, tg[id, j], vs_ref(k, "accept_s", "h"),
			    cell(k, "issue_ms", "n"), vs_ref(k, "in_ms", "n"), cell(k, "history_ok", "n"),
			    cell(k, "listen_drops", "n"),
			    frac(stat(k, "srv_cpu")), large_remarks(k)
		}
	}
	print ""
	print "joinstormS: S connections made at once, their connects issued back"
	print "to back; tschatd runs with --history 20 and a lobby in which one"
	print "more peer (not counted) said 20 lines first. Connections"
	print "established a second: from the first connect to the last"
	print "connection established, as the load generator sees it; it cannot"
	print "be more than the load generator issues (connects issued in: the"
	print "time it took to issue them all, a socket, a bind and a connect"
	print "each). All in: from the first connect until, for tschatd, the last"
	print "connection has its own join notice (after the whole history:"
	print "history ok counts those that had it all before), for ref until the"
	print "server's descriptors show them all accepted (looked at every 10"
	print "ms, once every connect is issued). Listen queue drops: the"
	print "kernel's ListenDrops meanwhile (a SYN dropped on a full accept"
	print "queue is sent again a second later; the accept queue's length is"
	print "in the notes). With SYN cookies on (Linux's"
	print "default), a handshake the server's SYN queue had no room for is"
	print "finished by a cookie; if its last ACK then finds the accept queue"
	print "full it is dropped, and the client holds a connection the server"
	print "never heard of (until the client sends something): the notes say"
	print "when the server held fewer than were made. The wait ends when"
	print "nothing new has happened for 30 s (stalled), or at -T."
}

# Run I of K's figure: the server's CPU a delivery in microseconds, lines
# a write, loop iterations a second (- without the server's counters).
function run_fig(k, i, what,    r, c, d, w, n) {
	r = val[k, i, "rate"]; c = val[k, i, "srv_cpu"]; d = val[k, i, "dur"]
	w = val[k, i, "srv_writes"]; n = val[k, i, "srv_iters"]
	if (r == "" || r <= 0)
		return "-"
	if (what == "cpu")
		return (c == "" || c == "-" || c <= 0) ? "-" : sprintf("%.3f", c / r * 1e6)
	if (what == "lpw")
		return (w == "" || w <= 0 || d <= 0) ? "-" : sprintf("%.1f", r * d / w)
	if (what == "ips")
		return (n == "" || n <= 0 || d <= 0) ? "-" : human(n / d)
	return "-"
}

# The fan-out rows run by run: tschatd against ref of the same repetition,
# with what explains a difference (how many lines a write carried, how
# often the loop turned), and against ref-wire where it ran.
function fanout_runs(    i, j, id, k, r, w, n, a, b, c, any) {
	for (i = 1; i <= nids; i++) {
		id = ids[i]
		k = id " tschatd"; r = id " ref"; w = id " ref-wire"
		if (id !~ /^fanout/ || !(k in runs) || !(r in runs))
			continue
		if (!any) {
			any = 1
			print "The fan-out rows run by run, tschatd against ref of the same repetition"
			print "(and against ref-wire, refserver fed lines as long as tschatd's reach"
			print "each listener, where it ran): the rate, the server's CPU a delivery"
			print "(microseconds), the lines a write to a listener carried (deliveries"
			print "over the server's writes that took bytes, its sender's own copy among"
			print "them) and the server's loop iterations a second (both count them"
			print "alike: tschatd's SIGUSR1 line, refserver's; `tschat-bench --stats`"
			print "asks for them as the measured time starts and ends)."
			print ""
			print "| scenario | run | rate tschatd | rate ref | x ref | x ref-wire | CPU us a delivery, tschatd | ref | ref-wire | x ref | x ref-wire | lines a write, tschatd | ref | loop iterations/s, tschatd | ref | notes |"
			print "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
		}
		n = runs[k] < runs[r] ? runs[k] : runs[r]
		for (j = 1; j <= n; j++) {
			a = run_fig(k, j, "cpu"); b = run_fig(r, j, "cpu")
			c = (w in runs) && j <= runs[w] ? run_fig(w, j, "cpu") : "-"
			printf "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			    id, j, human(val[k, j, "rate"]), human(val[r, j, "rate"]),
			    ratio(val[k, j, "rate"], val[r, j, "rate"]),
			    ((w in runs) && j <= runs[w] ? ratio(val[k, j, "rate"], val[w, j, "rate"]) : "-"),
			    a, b, c,
			    (a == "-" || b == "-" ? "-" : ratio(a, b)),
			    (a == "-" || c == "-" ? "-" : ratio(a, c)),
			    run_fig(k, j, "lpw"), run_fig(r, j, "lpw"),
			    run_fig(k, j, "ips"), run_fig(r, j, "ips"),
			    ((clean[k, j] && clean[r, j]) ? "" : "disturbed")
		}
	}
	if (any)
		print ""
}

# ID's rate against ref's of the same repetition, in every repetition.
function goal_every_run(id, want,    k, r, n, j, x, lo, s) {
	k = id " tschatd"; r = id " ref"
	if (!(k in runs) || !(r in runs))
		return
	n = runs[k] < runs[r] ? runs[k] : runs[r]
	lo = -1; s = ""
	for (j = 1; j <= n; j++) {
		if (val[r, j, "rate"] <= 0)
			continue
		x = val[k, j, "rate"] / val[r, j, "rate"]
		s = s (s == "" ? "" : ", ") sprintf("%.2f", x)
		if (lo < 0 || x < lo)
			lo = x
	}
	if (lo < 0)
		return
	printf "| %s: within %d %% of ref in every repetition | %s | %s |\n",
	    id, (1 - want) * 100 + 0.5, s, (lo >= want ? "yes" : "**no**")
}
