/*
 * defaults.h: every default and hard limit of tschat, named with its unit.
 * The man pages list the same values.
 */
#ifndef TSCHAT_DEFAULTS_H
#define TSCHAT_DEFAULTS_H

#define DEFAULT_PORT		8080
#define DEFAULT_TLS_PORT	8443
#define DEFAULT_HOST		"localhost"

#define DEFAULT_MAX_LINE_BYTES	8192
#define MAX_MAX_LINE_BYTES	(1024 * 1024)
#define DEFAULT_MAX_QUEUE_BYTES	(1024 * 1024)

#define DEFAULT_MAX_CLIENTS	10000
/* Rooms besides the lobby on a server, and that one peer is in. */
#define DEFAULT_MAX_ROOMS	1000
#define DEFAULT_MAX_JOINS	20
/* Lines of each room's history, and the bytes of all rooms' together. */
#define DEFAULT_HISTORY_LINES	20
#define MAX_HISTORY_LINES	10000
#define DEFAULT_HISTORY_BYTES	(16 * 1024 * 1024)
/*
 * Join and leave notices a room sends one by one: this many a second, this
 * many at once; past that it counts them and says how many once a second.
 * Each notice is a line to every member: a room of more than NOTICE_LARGE
 * members has the rate and the burst cut in proportion (at least one at
 * once), and says its summary every N / (NOTICE_RATE * NOTICE_LARGE)
 * seconds (rounded up), so that its notices cost about as many
 * deliveries a second as those of a room of NOTICE_LARGE.
 */
#define NOTICE_RATE		5
#define NOTICE_BURST		20
#define NOTICE_LARGE		1000
/* Descriptors kept free for the loop, the relay and accept's reserve. */
#define RESERVED_FDS		8
#define DEFAULT_LINE_RATE	10	/* lines a second, burst twice that */
#define DEFAULT_UDP_RATE	50	/* datagrams a second, burst twice */
#define DEFAULT_UDP_PEER_TTL_SECS 300
#define RATE_BURST_FACTOR	2
/* A rate-limited peer is read this much at a time. */
#define RATE_READ_BYTES		4096
/* Most UDP sources whose rate is tracked at once. */
#define UDP_MAX_SOURCES		65536

/*
 * A room queue over a quarter of --max-queue for this long is cut; an echo
 * peer over a quarter is not read until it drains.
 */
#define SOFT_QUEUE_SECS		10.0
/* The least an echo peer is read at a time, however small --max-queue. */
#define ECHO_READ_MIN_BYTES	1024
#define SOFT_QUEUE_DIVISOR	4

/* The longest stamp a --time-format may produce, brackets and space too. */
#define STAMP_MAX_BYTES		128
#define TIME_FORMAT_MAX_BYTES	64

/* Read at most this much from one socket per callback. */
#define READ_BUF_BYTES		(64 * 1024)
/* The largest UDP datagram taken in or sent. */
#define UDP_MAX_BYTES		65535
/* A UDP reply is never longer than its request plus this. */
#define UDP_REPLY_SLACK_BYTES	64
/* Datagrams from source ports below this are dropped (reflection). */
#define UDP_MIN_SOURCE_PORT	1024

/*
 * Output chunks shared by peer queues. The lines of one loop iteration
 * are one slice, unless they cross into a new chunk: a line reserves four
 * times its text (what neutralising may make of it), so a chunk of 16 KiB
 * takes some 140 stamped lines of 64 bytes: a burst of 16 crosses one
 * time in nine, where with 4 KiB it crossed one time in two. The pool
 * keeps 1 MiB.
 */
#define OUTQ_CHUNK_BYTES	(16 * 1024)
#define OUTQ_POOL_CHUNKS	64
/*
 * A room gathers the lines of a loop iteration in this many slices at
 * most (a new chunk starts one), and hands them to each listener
 * together: one write, across chunks too. Past them (some 270 KiB of
 * lines in one iteration) it hands over what it has early.
 */
#define ROOM_GATHER_SLICES	4
/* Bytes written to one peer per loop iteration, for fairness. */
#define WRITE_PER_PASS_BYTES	(256 * 1024)

/* The longest server name (--node-name) of a relayed room. */
#define NODE_NAME_MAX		64

#define ACCEPT_PER_EVENT	64
/*
 * Connections the kernel completes before tschatd accepts them: a class
 * of thousands arrives at once. Linux caps it at net.core.somaxconn
 * (4096 by default since 5.4): raise that for larger storms.
 */
#define LISTEN_BACKLOG		65535

/* After SIGINT/SIGTERM, how long output is flushed. */
#define SHUTDOWN_FLUSH_SECS	2.0
/* A TLS handshake not done in this time is cut. */
#define TLS_HANDSHAKE_SECS	10
/* Most plaintext in one TLS record. */
#define TLS_RECORD_BYTES	16384

/* Line mode: how long to wait for replies after stdin ends. */
#define DEFAULT_WAIT_SECS	2.0
#define MAX_WAIT_SECS		86400.0
#define DEFAULT_SCROLLBACK_LINES 10000
#define MAX_SCROLLBACK_LINES	1000000
#define CONNECT_TIMEOUT_SECS	10.0

#endif
