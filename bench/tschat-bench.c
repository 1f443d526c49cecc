/*
 * tschat-bench.c: the load generator of tschat's benchmark. One thread,
 * epoll, loopback only; every run is bounded in connections and time and
 * ends with one summary line:
 *
 *   RESULT scenario=echo target=tschatd rate=123456 p50_us=... ...
 *
 * Scenarios:
 *   echo      C connections ping-pong S-byte lines; replies/s and the
 *             latency of each reply
 *   pipeline  the same with P lines in flight on each connection
 *   fanout    L listeners that only read and N senders, each with a window
 *             of P lines not yet delivered to every listener; deliveries/s
 *             and delivery latency from a send time carried in each line
 *             (lines that do not carry one, join notices and the like, are
 *             ignored)
 *             With --nodes, several servers that form one room (tschatd
 *             --relay): listeners spread over them, senders on the first,
 *             and the deliveries on the other servers counted apart; with
 *             -r, each sender paced to a number of lines a second. With
 *             --rooms R, listeners and senders spread over R rooms (each
 *             connection sends /join #rK), every member counted, the
 *             senders too: a sender's window waits for its room only
 *   join      C peers join a room that holds --lines lines of history,
 *             read the history and their own join notice, /part and
 *             /join again; joins/s, the time of each join and the bytes
 *             a join brings
 *   idle      K connections held open; with --pid, the server's RSS per
 *             connection and how many it accepted, the kernel's memory
 *             (Slab) per pair of sockets, and the server's wake-ups and CPU
 *             while they are held (--settle: once all are accepted and
 *             nothing comes)
 *   udp       N sockets ping-pong S-byte datagrams
 *   handshake C connections at a time, each made, through a full TLS
 *             handshake, one line said and answered, and closed, over
 *             and over; connections/s and the time each took
 *   line      C listeners and a sender in one room (the lobby); --lines
 *             lines, one at a time, each as soon as the last reached every
 *             listener: the time to the last listener and to the median,
 *             lines missed or received twice, the server's and the
 *             generator's CPU a line; the lines begin once the room is
 *             quiet (a summary of the joins said)
 *   join-storm  one member says --lines lines (the history), then C
 *             connections are made at once: connections established a
 *             second, and the time until each has its own join notice
 *             after the whole history (--no-notices: until the server
 *             holds them all)
 * and helpers for scripts: "freeport" prints a port that is free for TCP
 * and UDP, "wait" waits until a server answers on the port, and "flood"
 * is a server that sends one client N lines (the client's benchmark).
 * With --tls every TCP connection speaks TLS, through OpenSSL sessions on
 * the same loop; handshake's always do. Every TCP connection to an IPv4
 * server comes from one of --sources loopback addresses in turn.
 */
#include "common.h"

#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "net.h"
#include "strnum.h"

#define MAX_EVENTS	1024
#define READ_BYTES	(256 * 1024)
#define MAX_CONNS	60000
#define MAX_LINE	65536
/* Connections being set up at once, so the accept queue never overflows. */
#define CONNECTING_MAX	256
/* A fanout line ends in "~SSSS:QQQQQQQQ:TTTTTTTTTTTTTTTT\n". */
#define TRAILER		32
/* A UDP request unanswered this long is counted lost and sent again. */
#define UDP_LOST_NS	(200 * 1000000ULL)
/* Fanout: no line completed for this long ends the run as stalled. */
#define STALL_NS	(3 * 1000000000ULL)
/* Servers of one room (--nodes), processes measured (--pid). */
#define MAX_NODES	8
#define MAX_PIDS	16

/* join: the room the joiners go in and out of. */
#define JOIN_ROOM	"#bench"
/* --rooms, join: lines are looked at up to this many bytes. */
#define LINE_KEEP	512

enum scenario { ECHO, PIPELINE, FANOUT, IDLE, UDP, JOIN, HANDSHAKE, LINE,
	JOIN_STORM };
static const char *const scenario_names[] = {
	"echo", "pipeline", "fanout", "idle", "udp", "join", "handshake",
	"line", "join-storm"
};

/*
 * R_DRAIN: read and dropped (join: the member that said the history).
 * R_MEMBER: join-storm's joiners.
 */
enum role { R_ECHO, R_LISTENER, R_SENDER, R_IDLE, R_UDP, R_JOINER, R_DRAIN,
	R_HANDSHAKE, R_MEMBER };

/* ---- options ------------------------------------------------------- */

static struct {
	enum scenario	 scenario;
	const char	*host;
	int		 port;
	int		 conns;		/* -c: echo, pipeline, udp, idle */
	int		 size;		/* -s: bytes a line, newline included */
	int		 inflight;	/* -P */
	int		 listeners;	/* -L */
	int		 senders;	/* -S */
	double		 duration;	/* -d */
	double		 warmup;	/* -w */
	double		 connect_timeout; /* -T */
	const char	*target;	/* -t */
	pid_t		 pid;		/* --pid: the first, the server */
	pid_t		 pids[MAX_PIDS]; /* --pid, every one */
	int		 npids;
	int		 nodes[MAX_NODES]; /* --nodes: ports, nodes[0] = -p */
	int		 nnodes;
	double		 rate;		/* -r: lines a second a sender */
	int		 rooms;		/* --rooms: fanout over rooms (0: one) */
	int		 span;		/* --span: nodes a room is on (0: all) */
	const char	*mark;		/* --mark: made when measuring starts */
	int		 lines;		/* --lines: join's history */
	int		 tls;		/* --tls */
	int		 warm;		/* --warm: idle's first connection */
	int		 sources;	/* --sources: 127.0.0.2 and on */
	int		 no_notices;	/* --no-notices: no join notices */
	int		 settle;	/* --settle: idle's hold once quiet */
	int		 check;		/* --check: line, join-storm */
	int		 stats;		/* --stats: SIGUSR1 to the server */
} opt = {
	.host = "127.0.0.1", .port = 0, .conns = -1, .size = 64,
	.inflight = -1, .listeners = 100, .senders = 1, .duration = 3.0,
	.warmup = 1.0, .connect_timeout = 10.0, .target = "server",
	.lines = -1, .sources = 8,
};

static struct sockaddr_storage	server_ss;
static socklen_t		server_sslen;
/* The servers of --nodes; node_ss[0] is server_ss. */
static struct sockaddr_storage	node_ss[MAX_NODES];

/* ---- small helpers ------------------------------------------------- */

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list	ap;

	fputs("tschat-bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n, size)) == NULL)
		die("out of memory");
	return p;
}

static uint64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static double
cpu_self(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Parse /proc/PID/stat: the parent and the CPU ticks used. */
static int
proc_stat(const char *pid, long *ppid, unsigned long *ticks)
{
	char		 path[300], buf[1024], *p;
	unsigned long	 ut, st;
	FILE		*f;

	snprintf(path, sizeof path, "/proc/%s/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	p = fgets(buf, sizeof buf, f);
	fclose(f);
	/* The name may hold spaces: fields count from its closing paren. */
	if (p == NULL || (p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %ld %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
	    ppid, &ut, &st) != 3)
		return -1;
	*ticks = ut + st;
	return 0;
}

/*
 * CPU seconds used by the server processes (every --pid) and their
 * descendants (socat forks a process a connection); -1 without --pid.
 */
static double
cpu_server(void)
{
	struct proc { long pid, ppid; unsigned long ticks; } *ps = NULL;
	size_t		 n = 0, cap = 0, i, j;
	unsigned long	 total = 0;
	struct dirent	*d;
	DIR		*dir;
	long		 ppid, a;
	unsigned long	 ticks;
	int		 in, hops;

	if (opt.pid <= 0 || (dir = opendir("/proc")) == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9' ||
		    proc_stat(d->d_name, &ppid, &ticks) == -1)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			if ((ps = realloc(ps, cap * sizeof *ps)) == NULL)
				die("out of memory");
		}
		ps[n].pid = strtol(d->d_name, NULL, 10);
		ps[n].ppid = ppid;
		ps[n].ticks = ticks;
		n++;
	}
	closedir(dir);
	for (i = 0; i < n; i++) {
		/* Walk up to the server, a few generations at most. */
		for (a = ps[i].pid, in = 0, hops = 0; hops < 8 && a > 1;
		    hops++) {
			for (j = 0; j < (size_t)opt.npids; j++)
				if (a == opt.pids[j])
					in = 1;
			if (in)
				break;
			for (j = 0; j < n && ps[j].pid != a; j++)
				;
			if (j == n)
				break;
			a = ps[j].ppid;
		}
		if (in)
			total += ps[i].ticks;
	}
	free(ps);
	return (double)total / sysconf(_SC_CLK_TCK);
}

/*
 * The one CPU the server is pinned to, or -1: how busy that CPU was tells
 * whether something else ran there (a forking server's children are
 * counted too, whatever the accounting of their own times).
 */
static int
server_core(void)
{
	cpu_set_t	set;
	int		i, core = -1;

	if (opt.pid <= 0 || sched_getaffinity(opt.pid, sizeof set, &set) == -1
	    || CPU_COUNT(&set) != 1)
		return -1;
	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set))
			core = i;
	return core;
}

/*
 * The softirq ticks of the CPU core_ticks read last: on loopback the
 * kernel delivers what a process sends there, not in the process's time.
 */
static double	core_soft_ticks;

/* Busy and total ticks of CPU CORE since boot, from /proc/stat. */
static int
core_ticks(int core, double *busy, double *total)
{
	char			 line[512], name[16];
	unsigned long long	 v[8] = { 0 };
	FILE			*f;
	int			 found = 0, i;

	if (core < 0 || (f = fopen("/proc/stat", "r")) == NULL)
		return -1;
	snprintf(name, sizeof name, "cpu%d ", core);
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, name, strlen(name)) != 0)
			continue;
		if (sscanf(line + strlen(name),
		    "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
		    &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) >= 4)
			found = 1;
		break;
	}
	fclose(f);
	if (!found)
		return -1;
	*total = 0;
	for (i = 0; i < 8; i++)
		*total += v[i];
	*busy = *total - v[3] - v[4];	/* less idle and iowait */
	core_soft_ticks = v[6];
	return 0;
}

/* The number after "FIELD:" in the file PATH ("Slab:" ...), or -1. */
static long
proc_field(const char *path, const char *field)
{
	char	 line[256];
	size_t	 flen = strlen(field);
	long	 v = -1;
	FILE	*f;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, field, flen) == 0 && line[flen] == ':') {
			v = strtol(line + flen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/*
 * A number of /proc/PID/status: VmRSS in kB, voluntary_ctxt_switches...;
 * -1 without it.
 */
static long
server_status_kb(const char *field)
{
	char	path[64];

	if (opt.pid <= 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%d/status", (int)opt.pid);
	return proc_field(path, field);
}

/* The server's context switches, voluntary or not, or -1. */
static long
server_switches(void)
{
	long	v = server_status_kb("voluntary_ctxt_switches");
	long	nv = server_status_kb("nonvoluntary_ctxt_switches");

	return v >= 0 && nv >= 0 ? v + nv : -1;
}

/* A field of /proc/meminfo in kB ("Slab"), or -1. */
static long
meminfo_kb(const char *field)
{
	return proc_field("/proc/meminfo", field);
}

/* Open descriptors of the server, or -1. */
static long
server_fds(void)
{
	char		 path[64];
	struct dirent	*d;
	DIR		*dir;
	long		 n = 0;

	if (opt.pid <= 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%d/fd", (int)opt.pid);
	if ((dir = opendir(path)) == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL)
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

/*
 * The server's accept queue: connections the kernel made that the server
 * has not accepted yet, and the queue's size (from sock_diag). Servers with
 * a short backlog (ncat's is 10) drop handshakes past it, and a dropped
 * handshake costs a second, so connections are made no faster than the
 * server takes them. Return -1 when the kernel will not tell.
 */
static int
accept_queue(unsigned int *len, unsigned int *max)
{
	static int		 nl = -2;
	static const uint8_t	 families[] = { AF_INET, AF_INET6 };
	struct {
		struct nlmsghdr		nlh;
		struct inet_diag_req_v2	req;
	} q;
	char			 buf[8192];
	struct nlmsghdr		*h;
	struct inet_diag_msg	*m;
	ssize_t			 n;
	unsigned int		 i;
	int			 found = 0;

	if (nl == -2)
		nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
		    NETLINK_SOCK_DIAG);
	if (nl == -1)
		return -1;
	*len = *max = 0;
	for (i = 0; i < sizeof families; i++) {
		memset(&q, 0, sizeof q);
		q.nlh.nlmsg_len = sizeof q;
		q.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
		q.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		q.req.sdiag_family = families[i];
		q.req.sdiag_protocol = IPPROTO_TCP;
		q.req.idiag_states = 1 << 10;	/* TCP_LISTEN */
		if (send(nl, &q, sizeof q, 0) == -1)
			return -1;
		for (;;) {
			if ((n = recv(nl, buf, sizeof buf, 0)) <= 0)
				return -1;
			for (h = (struct nlmsghdr *)(void *)buf;
			    NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
				if (h->nlmsg_type == NLMSG_DONE)
					goto next;
				if (h->nlmsg_type == NLMSG_ERROR)
					return -1;
				m = NLMSG_DATA(h);
				if (ntohs(m->id.idiag_sport) != opt.port)
					continue;
				*len += m->idiag_rqueue;
				*max += m->idiag_wqueue;
				found = 1;
			}
		}
next:		;
	}
	return found ? 0 : -1;
}

/* Resolve -H and -p; refuse anything but loopback. */
static void
server_address(void)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&server_ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&server_ss;
	struct addrinfo		*res;
	const char		*err;
	int			 i;

	if (opt.nnodes > 0)
		opt.port = opt.nodes[0];
	if (opt.port <= 0 || opt.port > 65535)
		die("give the server's port with -p");
	if (net_resolve(opt.host, opt.port, SOCK_STREAM, 0, &res, &err) == -1)
		die("%s: %s", opt.host, err);
	memset(&server_ss, 0, sizeof server_ss);
	memcpy(&server_ss, res->ai_addr, res->ai_addrlen);
	server_sslen = res->ai_addrlen;
	freeaddrinfo(res);
	if ((server_ss.ss_family == AF_INET &&
	    (ntohl(sin->sin_addr.s_addr) >> 24) != 127) ||
	    (server_ss.ss_family == AF_INET6 &&
	    !IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr)))
		die("%s is not a loopback address", opt.host);
	if (opt.nnodes == 0)
		opt.nodes[opt.nnodes++] = opt.port;
	for (i = 0; i < opt.nnodes; i++) {
		node_ss[i] = server_ss;
		if (server_ss.ss_family == AF_INET)
			((struct sockaddr_in *)&node_ss[i])->sin_port =
			    htons(opt.nodes[i]);
		else
			((struct sockaddr_in6 *)&node_ss[i])->sin6_port =
			    htons(opt.nodes[i]);
	}
}

/* ---- latency histogram: log-linear, 64 steps per power of two -------- */

#define HIST_SUB	64
#define HIST_BUCKETS	(64 * HIST_SUB)

struct hist {
	uint64_t	b[HIST_BUCKETS];
	uint64_t	n;
};

/* Every reply or delivery; and the deliveries on servers but the first. */
static struct hist	hist, xhist;

static void
hist_add(struct hist *h, uint64_t v)
{
	unsigned int	e, b;

	if (v < HIST_SUB)
		b = v;
	else {
		e = 63 - __builtin_clzll(v);	/* >= 6 */
		b = (e - 5) * HIST_SUB + ((v >> (e - 6)) & (HIST_SUB - 1));
	}
	h->b[b]++;
	h->n++;
}

/* The low end of bucket B, in the histogram's unit. */
static double
hist_low(unsigned int b)
{
	unsigned int	e;

	if (b < HIST_SUB)
		return b;
	e = b / HIST_SUB + 5;
	return (double)((uint64_t)(HIST_SUB + b % HIST_SUB) << (e - 6));
}

/* The value below which a fraction Q of samples lie (middle of bucket). */
static double
hist_quantile(const struct hist *h, double q)
{
	uint64_t	want, seen = 0;
	unsigned int	b;

	if (h->n == 0)
		return 0;
	want = (uint64_t)(q * h->n);
	if (want >= h->n)
		want = h->n - 1;
	for (b = 0; b < HIST_BUCKETS - 1; b++) {
		seen += h->b[b];
		if (seen > want)
			return (hist_low(b) + hist_low(b + 1)) / 2;
	}
	return hist_low(HIST_BUCKETS - 1);
}

/* ---- connections ---------------------------------------------------- */

struct conn {
	int		 fd;
	SSL		*ssl;		/* --tls: its session */
	uint8_t		 role;
	uint8_t		 node;		/* index in --nodes */
	uint8_t		 open;		/* connected and not closed */
	uint8_t		 closed;	/* the server closed it, or failed */
	uint8_t		 served;	/* got a reply while measuring */
	uint8_t		 ready;		/* --rooms: saw its room full */
	uint16_t	 line_len;	/* of line */
	uint32_t	 room;		/* --rooms: its room, #r<room> */
	uint32_t	 inflight;
	uint32_t	 head;		/* echo: oldest send time in sent[] */
	uint64_t	*sent;		/* echo, udp: send times, a ring */
	size_t		 unsent;	/* echo: bytes of lines still to write */
	/* fanout listener: the tail of an unfinished line */
	uint32_t	 carry_len;
	char		 carry[TRAILER];
	/* --rooms, join: the start of an unfinished line (LINE_KEEP) */
	char		*line;
	/* join: what its own join notice holds; when its /join went */
	char		*want;
	uint64_t	 t_join;
};

/* A fanout sender: its window of lines not yet seen by every listener. */
struct sender {
	struct conn	*c;
	uint64_t	 seq_sent;
	uint64_t	 seq_done;
	uint32_t	*count;		/* listeners that got seq, ring of P */
	char		*out;		/* lines the socket did not take yet */
	size_t		 out_off, out_len;
};

static int		 ep;
static struct conn	*conns;
static int		 nconns;
static struct sender	*senders;
static char		*rbuf;
static char		*linebuf;	/* P ready-made echo lines */
static uint64_t		 t_meas, t_end;	/* the measured window */
static int		 measuring;
static int		 live_listeners;
static uint64_t		 n_replies, n_deliveries, n_errors, n_lost;
static uint64_t		 n_bytes;	/* join: read by the joiners */
static uint32_t		*room_live;	/* --rooms: members left in each */
static uint64_t		 t_paced;	/* -r: when the senders began */
/* What connect_all does with what its open connections read (NULL: drop). */
static ssize_t		(*early_read)(struct conn *, uint64_t);
static uint64_t		 n_completed, last_progress;
static int		 stalled;
static double		 core_busy = -1;	/* the server's CPU, measuring */
static double		 core_softirq = -1;	/* ... in softirqs */

static void
watch(struct conn *c, uint32_t events, int op)
{
	struct epoll_event	ev = { .events = events, .data.ptr = c };

	if (epoll_ctl(ep, op, c->fd, &ev) == -1)
		die("epoll_ctl: %s", strerror(errno));
}

static void
conn_lost(struct conn *c)
{
	if (c->closed)
		return;
	c->closed = 1;
	c->open = 0;
	(void)epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	if (c->role == R_LISTENER)
		live_listeners--;
	if (room_live != NULL && room_live[c->room] > 0 &&
	    (c->role == R_LISTENER || c->role == R_SENDER))
		room_live[c->room]--;
}

static int
new_socket(int type)
{
	int	fd;

	fd = socket(server_ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1)
		die("socket: %s", strerror(errno));
	return fd;
}

/*
 * The number of source addresses TCP connections spread over: --sources
 * to an IPv4 server, none (the kernel's choice) to an IPv6 one.
 */
static int
sources_used(void)
{
	return server_ss.ss_family == AF_INET ? opt.sources : 0;
}

/*
 * A TCP socket bound to the next source address, 127.0.0.2, 127.0.0.3
 * and on in turn (--sources), its port left to connect (the kernel then
 * picks one free for the whole address pair): tens of thousands of
 * connections, and the TIME_WAIT of runs before, never run out of local
 * ports. Every 127/8 address is the loopback's on Linux.
 */
static int
tcp_socket(void)
{
	static unsigned int	 next;
	struct sockaddr_in	 sin;
	int			 fd, one = 1;

	fd = new_socket(SOCK_STREAM);
	if (sources_used() == 0)
		return fd;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1 +
	    next++ % (unsigned int)opt.sources);
	(void)setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
	    sizeof one);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
		die("bind %s: %s", inet_ntoa(sin.sin_addr), strerror(errno));
	return fd;
}

/* ---- TLS: the client's side, with --tls ------------------------------ */

static SSL_CTX	*tls_ctx;
/* What the first session agreed on, for the RESULT line. */
static char	 tls_what[96];

static void
tls_init(void)
{
	if ((tls_ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		die("cannot make a TLS context");
	/*
	 * No verification of the server's certificate: a benchmark on
	 * loopback measures the server's work, not who it is. The handshake
	 * is a full one all the same: the server signs it and the signature
	 * is checked against its certificate's key.
	 */
	SSL_CTX_set_verify(tls_ctx, SSL_VERIFY_NONE, NULL);
	if (SSL_CTX_set_min_proto_version(tls_ctx, TLS1_2_VERSION) != 1)
		die("cannot require TLS 1.2");
	/* Every handshake full: no session is kept to be resumed. */
	SSL_CTX_set_session_cache_mode(tls_ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(tls_ctx, SSL_OP_NO_TICKET
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
	    | SSL_OP_IGNORE_UNEXPECTED_EOF
#endif
	    );
	/* Writes are retried with what is left, as plain sends are. */
	SSL_CTX_set_mode(tls_ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}

/* A client session on C's socket, just connected. */
static void
tls_start(struct conn *c)
{
	if ((c->ssl = SSL_new(tls_ctx)) == NULL ||
	    SSL_set_fd(c->ssl, c->fd) != 1)
		die("cannot make a TLS session");
	SSL_set_connect_state(c->ssl);
}

/*
 * A step of C's handshake: 1 when it is done, 0 when it waits for the
 * socket (watched for what it waits for), -1 when it failed.
 */
static int
tls_step(struct conn *c)
{
	int	r;

	if ((r = SSL_do_handshake(c->ssl)) == 1) {
		if (tls_what[0] == '\0')
			snprintf(tls_what, sizeof tls_what, "%s/%s",
			    SSL_get_version(c->ssl),
			    SSL_get_cipher_name(c->ssl));
		return 1;
	}
	switch (SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		watch(c, EPOLLIN, EPOLL_CTL_MOD);
		return 0;
	case SSL_ERROR_WANT_WRITE:
		watch(c, EPOLLOUT, EPOLL_CTL_MOD);
		return 0;
	default:
		ERR_clear_error();
		return -1;
	}
}

static void
tls_end(struct conn *c)
{
	SSL_free(c->ssl);
	c->ssl = NULL;
}

/*
 * Read from C as read(2) does, through its session if it has one: the
 * bytes read, 0 at the end, -1 and errno (EAGAIN: nothing yet).
 */
static ssize_t
conn_recv(struct conn *c, char *buf, size_t size)
{
	size_t	got = 0;
	int	r, e;

	if (c->ssl == NULL)
		return read(c->fd, buf, size);
	/*
	 * Whole records only (one holds 16 KiB at most): what is not read
	 * stays in the socket, where epoll sees it, never in the session.
	 */
	while (size - got >= SSL3_RT_MAX_PLAIN_LENGTH) {
		r = SSL_read(c->ssl, buf + got, (int)MINIMUM(size - got,
		    (size_t)INT_MAX));
		if (r > 0) {
			got += r;
			continue;
		}
		e = SSL_get_error(c->ssl, r);
		if (got > 0)
			break;		/* what ended it comes again */
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			errno = EAGAIN;
			return -1;
		}
		if (e == SSL_ERROR_ZERO_RETURN)
			return 0;
		ERR_clear_error();
		errno = EPROTO;
		return -1;
	}
	return (ssize_t)got;
}

/* Write to C as send(2) does, through its session if it has one. */
static ssize_t
conn_send(struct conn *c, const char *buf, size_t len)
{
	int	r, e;

	if (c->ssl == NULL)
		return send(c->fd, buf, len, MSG_NOSIGNAL);
	if ((r = SSL_write(c->ssl, buf, (int)MINIMUM(len, (size_t)INT_MAX)))
	    > 0)
		return r;
	/* Retried with the same bytes: those it holds come first. */
	e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
		errno = EAGAIN;
		return -1;
	}
	ERR_clear_error();
	errno = EPIPE;
	return -1;
}

/*
 * Open N TCP connections of ROLE, a few at a time, waiting at most
 * -T seconds; return how many are open. Those that did not connect stay
 * closed and count as not served.
 */
static int
connect_all(struct conn *cs, int n, enum role role)
{
	struct epoll_event	 evs[MAX_EVENTS];
	uint64_t		 deadline;
	unsigned int		 qlen, qmax, step, budget;
	int			 started = 0, pending = 0, opened = 0;
	int			 i, k, err, hs, one = 1;
	socklen_t		 len;
	ssize_t			 r;

	deadline = now_ns() + (uint64_t)(opt.connect_timeout * 1e9);
	if (accept_queue(&qlen, &qmax) == -1)
		qmax = 0;		/* unknown: no pacing */
	step = qmax > 0 ? qmax / 4 + 1 : CONNECTING_MAX;
	budget = step;
	while ((started < n || pending > 0) && now_ns() < deadline) {
		/* Keep the server's accept queue at most half full. */
		if (qmax > 0 && budget == 0 && pending == 0 &&
		    (accept_queue(&qlen, &qmax) == -1 || qlen <= qmax / 2))
			budget = step;
		while (started < n && pending < CONNECTING_MAX && budget > 0) {
			struct conn *c = &cs[started++];

			if (qmax > 0)
				budget--;
			c->role = role;
			c->fd = tcp_socket();
			(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY,
			    &one, sizeof one);
			/* Listeners spread over the nodes in turn. */
			c->node = role == R_LISTENER ?
			    (uint8_t)((c - cs) % opt.nnodes) : 0;
			/*
			 * --span K: room R's members on nodes R to R + K - 1
			 * in turn, its sender on node R (both modulo the
			 * nodes), as --rooms spreads them over the rooms.
			 */
			if (opt.span > 0 && opt.rooms > 0 && (role ==
			    R_LISTENER || role == R_SENDER)) {
				int	ci = (int)(c - cs), room = ci % opt.rooms;

				c->node = (uint8_t)((role == R_SENDER ? room :
				    room + (ci / opt.rooms) % opt.span) %
				    opt.nnodes);
			}
			if (connect(c->fd, (struct sockaddr *)&node_ss[c->node],
			    server_sslen) == -1 && errno != EINPROGRESS) {
				if (errno == EAGAIN)	/* no local ports */
					die("connect: %s", strerror(errno));
				c->closed = 1;
				n_errors++;
				continue;
			}
			watch(c, EPOLLOUT, EPOLL_CTL_ADD);
			pending++;
		}
		k = epoll_wait(ep, evs, MAX_EVENTS, pending > 0 ? 10 : 1);
		for (i = 0; i < k; i++) {
			struct conn *c = evs[i].data.ptr;

			if (c->closed)
				continue;
			if (c->open) {
				/* Made earlier: a room tells it who joins. */
				if (early_read != NULL) {
					(void)early_read(c, now_ns());
					continue;
				}
				r = conn_recv(c, rbuf, READ_BYTES);
				if (r == 0 || (r == -1 && errno != EAGAIN))
					conn_lost(c);
				continue;
			}
			if (c->ssl == NULL) {
				len = sizeof err;
				if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR,
				    &err, &len) == -1 || err != 0) {
					pending--;
					conn_lost(c);
					n_errors++;
					continue;
				}
				if (opt.tls)
					tls_start(c);
			}
			/* With --tls, open once its handshake is done. */
			if (c->ssl != NULL && (hs = tls_step(c)) != 1) {
				if (hs == -1) {
					pending--;
					conn_lost(c);
					n_errors++;
				}
				continue;
			}
			pending--;
			c->open = 1;
			opened++;
			watch(c, EPOLLIN, EPOLL_CTL_MOD);
		}
	}
	/* Those still connecting wait in a queue no one serves. */
	for (i = 0; i < started; i++) {
		if (!cs[i].open && !cs[i].closed) {
			(void)epoll_ctl(ep, EPOLL_CTL_DEL, cs[i].fd, NULL);
			cs[i].closed = 1;
		}
	}
	return opened;
}

/* Read and drop whatever comes until nothing has come for QUIET_MS. */
static void
drain(int quiet_ms, double max_secs)
{
	struct epoll_event	 evs[MAX_EVENTS];
	uint64_t		 end = now_ns() + (uint64_t)(max_secs * 1e9);
	int			 i, k;
	ssize_t			 n;

	while (now_ns() < end) {
		if ((k = epoll_wait(ep, evs, MAX_EVENTS, quiet_ms)) <= 0)
			return;
		for (i = 0; i < k; i++) {
			struct conn *c = evs[i].data.ptr;

			n = conn_recv(c, rbuf, READ_BYTES);
			if (n == 0 || (n == -1 && errno != EAGAIN))
				conn_lost(c);
		}
	}
}

/*
 * Read what C has and call FN for each whole line (its first LINE_KEEP
 * bytes, the newline left out); keep the start of an unfinished one.
 * Return the bytes read, 0 when there was nothing, -1 when C is gone.
 */
static ssize_t
read_lines(struct conn *c, void (*fn)(struct conn *, const char *, size_t,
    uint64_t), uint64_t now)
{
	const char	*p, *nl, *end;
	size_t		 len, take;
	ssize_t		 n;

	if ((n = conn_recv(c, rbuf, READ_BYTES)) <= 0) {
		if (n == 0 || errno != EAGAIN) {
			conn_lost(c);
			return -1;
		}
		return 0;
	}
	if (c->line == NULL)
		c->line = xcalloc(1, LINE_KEEP);
	end = rbuf + n;
	for (p = rbuf; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		len = nl - p;
		if (c->line_len > 0 || nl == end) {
			/* Begun in an earlier read, or not finished yet. */
			take = MINIMUM(len, (size_t)(LINE_KEEP - c->line_len));
			memcpy(c->line + c->line_len, p, take);
			c->line_len += take;
			if (nl == end)
				break;
			fn(c, c->line, c->line_len, now);
			c->line_len = 0;
		} else
			fn(c, p, MINIMUM(len, LINE_KEEP), now);
		if (!c->open)
			break;
	}
	return n;
}

/* ---- echo and pipeline ---------------------------------------------- */

/* Write the lines C still owes; wait for room if the socket is full. */
static void
echo_write(struct conn *c)
{
	size_t	want;
	ssize_t	w;

	while (c->unsent > 0) {
		/* Lines are all alike: any part of linebuf will do. */
		want = c->unsent;
		if (want > (size_t)opt.inflight * opt.size)
			want = (size_t)opt.inflight * opt.size;
		w = conn_send(c, linebuf, want);
		if (w == -1) {
			if (errno == EAGAIN) {
				watch(c, EPOLLIN | EPOLLOUT, EPOLL_CTL_MOD);
				return;
			}
			conn_lost(c);
			n_errors++;
			return;
		}
		c->unsent -= w;
	}
}

/* Send K more lines on C, stamping their send times. */
static void
echo_send(struct conn *c, uint32_t k, uint64_t now)
{
	uint32_t	i;
	int		waiting = c->unsent > 0;

	for (i = 0; i < k; i++)
		c->sent[(c->head + c->inflight + i) % opt.inflight] = now;
	c->inflight += k;
	c->unsent += (size_t)k * opt.size;
	if (!waiting)
		echo_write(c);
}

static void
echo_read(struct conn *c, uint64_t now)
{
	const char	*p, *end;
	ssize_t		 n;
	uint32_t	 got = 0;

	if ((n = conn_recv(c, rbuf, READ_BYTES)) <= 0) {
		if (n == 0 || errno != EAGAIN) {
			conn_lost(c);
			n_errors++;
		}
		return;
	}
	end = rbuf + n;
	for (p = rbuf; (p = memchr(p, '\n', end - p)) != NULL; p++) {
		if (c->inflight == 0) {
			n_errors++;	/* a reply to nothing */
			continue;
		}
		if (measuring) {
			hist_add(&hist, now - c->sent[c->head]);
			n_replies++;
			c->served = 1;
		}
		c->head = (c->head + 1) % opt.inflight;
		c->inflight--;
		got++;
	}
	if (got > 0 && now < t_end)
		echo_send(c, got, now);
}

/* ---- fanout ----------------------------------------------------------- */

static const signed char *hexval;

static void
hex_init(void)
{
	static signed char	t[256];
	int			i;

	memset(t, -1, sizeof t);
	for (i = 0; i < 10; i++)
		t['0' + i] = i;
	for (i = 0; i < 6; i++)
		t['a' + i] = 10 + i;
	hexval = t;
}

static int
hex_parse(const char *p, int n, uint64_t *v)
{
	uint64_t	x = 0;
	int		i, d;

	for (i = 0; i < n; i++) {
		if ((d = hexval[(unsigned char)p[i]]) < 0)
			return -1;
		x = x << 4 | d;
	}
	*v = x;
	return 0;
}

/* Move S's window past the lines everyone who should has got. */
static void
sender_advance(struct sender *s)
{
	uint32_t	want;

	/* In rooms, the members of its room, itself included. */
	want = room_live != NULL ? room_live[s->c->room] :
	    (uint32_t)live_listeners;
	while (s->seq_done < s->seq_sent &&
	    s->count[s->seq_done % opt.inflight] >= want) {
		s->count[s->seq_done % opt.inflight] = 0;
		s->seq_done++;
		if (measuring)
			n_completed++;
		last_progress = now_ns();
	}
}

/* Someone left: every window may move. */
static void
sender_complete(void)
{
	int	i;

	for (i = 0; i < opt.senders; i++)
		sender_advance(&senders[i]);
}

/* The line whose last TRAILER bytes are at T reached a listener. */
static void
fanout_line(const char *t, int node, uint64_t now)
{
	uint64_t	sid, seq, ts;
	struct sender	*s;

	if (t[0] != '~' || t[5] != ':' || t[14] != ':' ||
	    hex_parse(t + 1, 4, &sid) || hex_parse(t + 6, 8, &seq) ||
	    hex_parse(t + 15, 16, &ts) || sid >= (uint64_t)opt.senders)
		return;
	s = &senders[sid];
	/* seq holds 32 bits: find the one in the window it stands for. */
	seq = (s->seq_done & ~0xffffffffULL) | seq;
	if (seq < s->seq_done)
		seq += 1ULL << 32;
	if (seq >= s->seq_sent) {
		n_errors++;
		return;
	}
	s->count[seq % opt.inflight]++;
	if (seq == s->seq_done)
		sender_advance(s);
	if (measuring && ts <= now) {
		hist_add(&hist, now - ts);
		n_deliveries++;
		if (node != 0)
			hist_add(&xhist, now - ts);
	}
}

static void
fanout_read(struct conn *c, uint64_t now)
{
	char		 tmp[2 * TRAILER];
	const char	*p, *nl, *end;
	ssize_t		 n;
	size_t		 len, need;

	if ((n = conn_recv(c, rbuf, READ_BYTES)) <= 0) {
		if (n == 0 || errno != EAGAIN) {
			conn_lost(c);
			n_errors++;
			sender_complete();
		}
		return;
	}
	/* Its own lines, in one room: not counted; in rooms, counted. */
	if (c->role == R_SENDER && opt.rooms == 0)
		return;
	end = rbuf + n;
	for (p = rbuf; (nl = memchr(p, '\n', end - p)) != NULL; p = nl + 1) {
		len = nl + 1 - p;
		if (c->carry_len > 0) {
			/* The line began in an earlier read. */
			if (len < TRAILER) {
				need = TRAILER - len;
				if (need > c->carry_len)
					need = c->carry_len;
				memcpy(tmp, c->carry + c->carry_len - need,
				    need);
				memcpy(tmp + need, p, len);
				if (need + len == TRAILER)
					fanout_line(tmp, c->node, now);
			} else
				fanout_line(nl + 1 - TRAILER, c->node, now);
			c->carry_len = 0;
		} else if (len >= TRAILER)
			fanout_line(nl + 1 - TRAILER, c->node, now);
	}
	/* Keep the last TRAILER bytes of an unfinished line. */
	if (p < end) {
		len = end - p;
		if (len >= TRAILER) {
			memcpy(c->carry, end - TRAILER, TRAILER);
			c->carry_len = TRAILER;
		} else {
			need = c->carry_len + len > TRAILER ?
			    c->carry_len + len - TRAILER : 0;
			memmove(c->carry, c->carry + need,
			    c->carry_len - need);
			memcpy(c->carry + c->carry_len - need, p, len);
			c->carry_len = c->carry_len - need + len;
		}
	}
}

static void
sender_flush(struct sender *s)
{
	ssize_t	w;

	while (s->out_off < s->out_len) {
		w = conn_send(s->c, s->out + s->out_off,
		    s->out_len - s->out_off);
		if (w == -1) {
			if (errno == EAGAIN) {
				watch(s->c, EPOLLIN | EPOLLOUT,
				    EPOLL_CTL_MOD);
				return;
			}
			conn_lost(s->c);
			n_errors++;
			return;
		}
		s->out_off += w;
	}
	s->out_off = s->out_len = 0;
}

static void
put_hex(char *p, uint64_t v, int n)
{
	while (n-- > 0) {
		p[n] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	}
}

/* "~SSSS:QQQQQQQQ:TTTTTTTTTTTTTTTT\n": sender, sequence, send time. */
static void
put_trailer(char *p, int sid, uint64_t seq, uint64_t t)
{
	p[0] = '~';
	put_hex(p + 1, sid, 4);
	p[5] = ':';
	put_hex(p + 6, seq & 0xffffffff, 8);
	p[14] = ':';
	put_hex(p + 15, t, 16);
	p[31] = '\n';
}

/* Fill each sender's window with new lines, one write each. */
static void
senders_refill(uint64_t now)
{
	struct sender	*s;
	char		*line;
	uint32_t	 free_slots, k;
	int		 i, pad;

	pad = opt.size - TRAILER;
	for (i = 0; i < opt.senders; i++) {
		s = &senders[i];
		if (!s->c->open || s->out_len > 0 || now >= t_end)
			continue;
		free_slots = opt.inflight - (uint32_t)(s->seq_sent -
		    s->seq_done);
		if (opt.rate > 0) {
			/* Paced: the lines due by now, the window allowing. */
			uint64_t due = (uint64_t)((now - t_paced) / 1e9 *
			    opt.rate) + 1;

			due = due > s->seq_sent ? due - s->seq_sent : 0;
			if (due < free_slots)
				free_slots = (uint32_t)due;
		}
		for (k = 0; k < free_slots; k++) {
			line = s->out + (size_t)k * opt.size;
			memset(line, 'x', pad);
			memcpy(line, "fanout ", pad < 7 ? pad : 7);
			put_trailer(line + pad, i, s->seq_sent, now);
			s->seq_sent++;
		}
		s->out_len = (size_t)k * opt.size;
		sender_flush(s);
	}
}

/* C's nick, its address as tschatd writes it, in BUF. */
static void
conn_nick(const struct conn *c, char *buf, size_t size)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;
	char			 a[INET6_ADDRSTRLEN];
	const void		*ip;
	int			 port;

	if (getsockname(c->fd, (struct sockaddr *)&ss, &len) == -1)
		die("getsockname: %s", strerror(errno));
	if (ss.ss_family == AF_INET) {
		ip = &((struct sockaddr_in *)&ss)->sin_addr;
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	} else {
		ip = &((struct sockaddr_in6 *)&ss)->sin6_addr;
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	}
	inet_ntop(ss.ss_family, ip, a, sizeof a);
	snprintf(buf, size, ss.ss_family == AF_INET ? "%s:%d" : "[%s]:%d", a,
	    port);
}

/*
 * Write TEXT, a command of a few bytes, to C; a socket that does not take
 * it at once is counted lost.
 */
static void
send_text(struct conn *c, const char *text)
{
	size_t	len = strlen(text);

	if (conn_send(c, text, len) != (ssize_t)len) {
		conn_lost(c);
		n_errors++;
	}
}

/*
 * --rooms: C is ready once it is told its room is full; with --nodes,
 * once it is told of its own join: the servers count each other's
 * members a moment late, so a room's last join may not say it is full,
 * but a server tells a member of its join only once it reads the room.
 */
static void
rooms_join_line(struct conn *c, const char *line, size_t len, uint64_t now)
{
	char	tag[32], tail[48], nick[80], own[128];
	int	tn, fn, on;

	if (opt.nnodes > 1) {
		if (c->ready)
			return;
		conn_nick(c, nick, sizeof nick);
		on = snprintf(own, sizeof own, "] #r%u *** %s joined (",
		    c->room, nick);
		if (memmem(line, len, own, (size_t)on) != NULL)
			c->ready = 1;
		return;
	}

	tn = snprintf(tag, sizeof tag, "] #r%u *** ", c->room);
	fn = snprintf(tail, sizeof tail, " joined (%u online)",
	    room_live[c->room]);
	if (!c->ready && len > (size_t)fn &&
	    memcmp(line + len - fn, tail, fn) == 0 &&
	    memmem(line, len, tag, tn) != NULL)
		c->ready = 1;
}

/*
 * --rooms: each connection joins its room, #r<room>; wait (-T) until each
 * has seen its room's last join, "NICK joined (N online)" with N its
 * room's members.
 */
static void
rooms_join(void)
{
	struct epoll_event	 evs[MAX_EVENTS];
	uint64_t		 deadline;
	char			 cmd[32];
	int			 i, k, waiting = 0;

	deadline = now_ns() + (uint64_t)(opt.connect_timeout * 1e9);
	room_live = xcalloc(opt.rooms, sizeof *room_live);
	for (i = 0; i < nconns; i++)
		if (conns[i].open)
			room_live[conns[i].room]++;
	for (i = 0; i < nconns; i++) {
		if (!conns[i].open)
			continue;
		snprintf(cmd, sizeof cmd, "/join #r%u\n", conns[i].room);
		send_text(&conns[i], cmd);
	}
	for (;;) {
		for (i = 0, waiting = 0; i < nconns; i++)
			waiting += conns[i].open && !conns[i].ready;
		if (waiting == 0 || now_ns() >= deadline)
			break;
		k = epoll_wait(ep, evs, MAX_EVENTS, 100);
		for (i = 0; i < k; i++) {
			struct conn *c = evs[i].data.ptr;

			if (c->open)
				(void)read_lines(c, rooms_join_line, 0);
		}
	}
	if (waiting > 0)
		die("%d connections did not see their room full", waiting);
	for (i = 0; i < nconns; i++) {
		free(conns[i].line);
		conns[i].line = NULL;
		conns[i].line_len = 0;
	}
}

/* ---- udp ------------------------------------------------------------ */

static void
udp_send(struct conn *c, uint64_t now)
{
	while (c->inflight < (uint32_t)opt.inflight) {
		if (send(c->fd, linebuf, opt.size, 0) == -1) {
			if (errno != EAGAIN && errno != ECONNREFUSED)
				n_errors++;
			return;
		}
		c->sent[(c->head + c->inflight) % opt.inflight] = now;
		c->inflight++;
	}
}

static void
udp_read(struct conn *c, uint64_t now)
{
	ssize_t	n;

	while ((n = recv(c->fd, rbuf, READ_BYTES, 0)) != -1) {
		if (c->inflight == 0)
			continue;	/* a late reply to a lost request */
		if (measuring) {
			hist_add(&hist, now - c->sent[c->head]);
			n_replies++;
			c->served = 1;
		}
		c->head = (c->head + 1) % opt.inflight;
		c->inflight--;
	}
	if (errno != EAGAIN && errno != ECONNREFUSED)
		n_errors++;
	if (now < t_end)
		udp_send(c, now);
}

/* Requests unanswered too long are lost: send again. */
static void
udp_check_lost(uint64_t now)
{
	int	i;

	for (i = 0; i < nconns; i++) {
		struct conn *c = &conns[i];

		if (c->inflight > 0 && now - c->sent[c->head] > UDP_LOST_NS) {
			n_lost += c->inflight;
			c->inflight = 0;
			c->head = 0;
			if (now < t_end)
				udp_send(c, now);
		}
	}
}

static void
udp_open(void)
{
	struct sockaddr_in	any4 = { .sin_family = AF_INET };
	struct sockaddr_in6	any6 = { .sin6_family = AF_INET6 };
	int			i, size = 1 << 20;

	for (i = 0; i < nconns; i++) {
		struct conn *c = &conns[i];

		c->role = R_UDP;
		c->fd = new_socket(SOCK_DGRAM);
		(void)setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &size,
		    sizeof size);
		/* An ephemeral port: never one below 1024. */
		if (server_ss.ss_family == AF_INET) {
			any4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			if (bind(c->fd, (struct sockaddr *)&any4,
			    sizeof any4) == -1)
				die("bind: %s", strerror(errno));
		} else {
			any6.sin6_addr = in6addr_loopback;
			if (bind(c->fd, (struct sockaddr *)&any6,
			    sizeof any6) == -1)
				die("bind: %s", strerror(errno));
		}
		if (connect(c->fd, (struct sockaddr *)&server_ss,
		    server_sslen) == -1)
			die("connect: %s", strerror(errno));
		c->open = 1;
		watch(c, EPOLLIN, EPOLL_CTL_ADD);
	}
}

/* ---- join ---------------------------------------------------------------- */

static const char join_again[] = "/part " JOIN_ROOM "\n/join " JOIN_ROOM "\n";

/* C's own join notice: the join is done; leave and join again. */
static void
join_line(struct conn *c, const char *line, size_t len, uint64_t now)
{
	if (memmem(line, len, c->want, strlen(c->want)) == NULL)
		return;
	if (measuring) {
		hist_add(&hist, now - c->t_join);
		n_replies++;
		c->served = 1;
	}
	if (now < t_end) {
		c->t_join = now;
		send_text(c, join_again);
	}
}

static void
join_read(struct conn *c, uint64_t now)
{
	ssize_t	n;

	if ((n = read_lines(c, join_line, now)) == -1)
		n_errors++;
	else if (measuring)
		n_bytes += n;
}

/* ---- handshake ---------------------------------------------------------- */

/* What a connection says once its handshake is done, to be answered. */
static const char handshake_line[] = "handshake\n";

/* Make C a new connection; its handshake goes on as the socket allows. */
static void
handshake_begin(struct conn *c, uint64_t now)
{
	/*
	 * Closed with a reset, not a FIN: thousands of connections a
	 * second would leave more sockets in TIME_WAIT than there are
	 * local ports.
	 */
	struct linger	lg = { .l_onoff = 1, .l_linger = 0 };
	int		one = 1;

	c->fd = tcp_socket();
	(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	(void)setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	c->open = 0;
	c->t_join = now;
	/* A connect refused at once fails again when ready: counted then. */
	if (connect(c->fd, (struct sockaddr *)&server_ss, server_sslen) == -1
	    && errno == EAGAIN)	/* no local ports */
		die("connect: %s", strerror(errno));
	watch(c, EPOLLOUT, EPOLL_CTL_ADD);
}

/* Close C, politely as far as TLS goes, and make the next one. */
static void
handshake_next(struct conn *c, uint64_t now)
{
	if (c->ssl != NULL) {
		if (c->open)
			(void)SSL_shutdown(c->ssl);
		ERR_clear_error();
		tls_end(c);
	}
	close(c->fd);
	if (now < t_end)
		handshake_begin(c, now);
	else
		c->closed = 1;
}

/*
 * C's socket is ready: the connection is made, its handshake goes on, or
 * the server answers its line. A connection counts once it is answered:
 * then the server has finished its side of the handshake too.
 */
static void
handshake_event(struct conn *c, uint64_t now)
{
	socklen_t	len = sizeof(int);
	ssize_t		n;
	int		err, hs;

	if (c->ssl == NULL) {
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1
		    || err != 0) {
			n_errors++;
			handshake_next(c, now);
			return;
		}
		tls_start(c);
	}
	if (!c->open) {
		if ((hs = tls_step(c)) == 0)
			return;
		if (hs == -1 || conn_send(c, handshake_line,
		    sizeof handshake_line - 1) !=
		    (ssize_t)sizeof handshake_line - 1) {
			n_errors++;
			handshake_next(c, now);
			return;
		}
		c->open = 1;
		watch(c, EPOLLIN, EPOLL_CTL_MOD);
		return;
	}
	if ((n = conn_recv(c, rbuf, READ_BYTES)) == -1 && errno == EAGAIN)
		return;
	if (n <= 0) {
		n_errors++;
		handshake_next(c, now);
		return;
	}
	if (memchr(rbuf, '\n', n) == NULL)
		return;		/* the rest of the answer is on its way */
	if (measuring) {
		hist_add(&hist, now - c->t_join);
		n_replies++;
		c->served = 1;
	}
	handshake_next(c, now);
}

/* ---- the run ---------------------------------------------------------- */

static void
on_event(struct conn *c, uint32_t events, uint64_t now)
{
	if (c->role == R_HANDSHAKE) {
		if (!c->closed)
			handshake_event(c, now);
		return;
	}
	if (!c->open)
		return;
	if (events & EPOLLOUT) {
		if (c->role == R_SENDER) {
			sender_flush(&senders[c - conns - opt.listeners]);
			if (senders[c - conns - opt.listeners].out_len == 0 &&
			    c->open)
				watch(c, EPOLLIN, EPOLL_CTL_MOD);
		} else if (c->role == R_ECHO) {
			echo_write(c);
			if (c->unsent == 0 && c->open)
				watch(c, EPOLLIN, EPOLL_CTL_MOD);
		}
	}
	if (!c->open || !(events & ~EPOLLOUT))
		return;
	switch (c->role) {
	case R_ECHO:
		echo_read(c, now);
		break;
	case R_LISTENER:
	case R_SENDER:
		fanout_read(c, now);
		break;
	case R_UDP:
		udp_read(c, now);
		break;
	case R_JOINER:
		join_read(c, now);
		break;
	case R_DRAIN: {
		ssize_t n = conn_recv(c, rbuf, READ_BYTES);

		if (n == 0 || (n == -1 && errno != EAGAIN))
			conn_lost(c);
		break;
	}
	case R_IDLE:
	case R_HANDSHAKE:
		break;
	}
}

/* Run the loop from now: warm-up, then the measured window. */
/* --mark FILE: tell whoever watches that the measured time starts. */
static void
mark_file(const char *path)
{
	int	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd == -1)
		die("--mark %s: %s", path, strerror(errno));
	close(fd);
}

/*
 * --mark FILE: the measured time is over: make FILE.end and hold the
 * connections (and so the servers' state) until whoever watches removes
 * it, 30 s at most.
 */
static void
mark_end(const char *path)
{
	char	end[PATH_MAX];
	int	i;

	if (snprintf(end, sizeof end, "%s.end", path) >= (int)sizeof end)
		die("--mark %s: too long", path);
	mark_file(end);
	for (i = 0; i < 300 && access(end, F_OK) == 0; i++)
		usleep(100000);
}

/* --stats: the server logs its counters now. */
static void
ask_stats(void)
{
	if (opt.stats && opt.pid > 0 && kill(opt.pid, SIGUSR1) == -1)
		die("--stats: SIGUSR1 to %ld: %s", (long)opt.pid,
		    strerror(errno));
}

static void
run_loop(double *cpu_b, double *cpu_s)
{
	struct epoll_event	 evs[MAX_EVENTS];
	uint64_t		 now, t0;
	int			 i, k, timeout;
	double			 b0 = 0, s0 = 0, cb0 = 0, ct0 = 0, cb1, ct1;
	int			 core = server_core();

	t0 = now_ns();
	t_meas = t0 + (uint64_t)(opt.warmup * 1e9);
	t_end = t_meas + (uint64_t)(opt.duration * 1e9);
	last_progress = t0;
	for (;;) {
		now = now_ns();
		if (!measuring && now >= t_meas) {
			measuring = 1;
			ask_stats();
			if (opt.mark != NULL)
				mark_file(opt.mark);
			b0 = cpu_self();
			s0 = cpu_server();
			if (core_ticks(core, &cb0, &ct0) == -1)
				core = -1;
		}
		if (now >= t_end)
			break;
		if (opt.scenario == FANOUT && measuring &&
		    now - last_progress > STALL_NS) {
			stalled = 1;
			break;
		}
		timeout = (int)(((measuring ? t_end : t_meas) - now) / 1000000)
		    + 1;
		if (timeout > 50)
			timeout = 50;
		if (opt.rate > 0)
			timeout = 1;	/* the next paced line is due soon */
		k = epoll_wait(ep, evs, MAX_EVENTS, timeout);
		for (i = 0; i < k; i++) {
			now = now_ns();
			on_event(evs[i].data.ptr, evs[i].events, now);
		}
		if (opt.scenario == FANOUT)
			senders_refill(now_ns());
		else if (opt.scenario == UDP)
			udp_check_lost(now_ns());
	}
	*cpu_b = (cpu_self() - b0) / opt.duration;
	*cpu_s = opt.pid > 0 ? (cpu_server() - s0) / opt.duration : -1;
	core_busy = core >= 0 && core_ticks(core, &cb1, &ct1) == 0 &&
	    ct1 > ct0 ? (cb1 - cb0) / (ct1 - ct0) : -1;
	ask_stats();
	if (opt.mark != NULL)
		mark_end(opt.mark);
}

static void
print_common(double rate)
{
	printf("RESULT scenario=%s target=%s rate=%.0f",
	    scenario_names[opt.scenario], opt.target, rate);
}

static void
print_latency(void)
{
	printf(" p50_us=%.1f p99_us=%.1f p999_us=%.1f",
	    hist_quantile(&hist, 0.50) / 1e3, hist_quantile(&hist, 0.99) / 1e3,
	    hist_quantile(&hist, 0.999) / 1e3);
}

/*
 * The end of a RESULT line: with --tls, the protocol and cipher the
 * sessions agreed on; the source addresses; the measured time.
 */
static void
print_tail(void)
{
	if (opt.tls)
		printf(" tls=%s", tls_what[0] != '\0' ? tls_what : "-");
	printf(" sources=%d dur=%.1f\n", sources_used(), opt.duration);
}

static void
print_cpu(double cpu_b, double cpu_s)
{
	printf(" bench_cpu=%.2f", cpu_b);
	if (cpu_s >= 0)
		printf(" srv_cpu=%.2f", cpu_s);
	else
		printf(" srv_cpu=-");
	if (core_busy >= 0)
		printf(" core_busy=%.2f", core_busy);
	else
		printf(" core_busy=-");
	if (core_softirq >= 0)
		printf(" core_softirq=%.2f", core_softirq);
	print_tail();
}

static int
served_count(void)
{
	int	i, n = 0;

	for (i = 0; i < nconns; i++)
		n += conns[i].served;
	return n;
}

static void
run_echo(void)
{
	double	cpu_b, cpu_s;
	int	i, opened;

	nconns = opt.conns;
	conns = xcalloc(nconns, sizeof *conns);
	opened = connect_all(conns, nconns, R_ECHO);
	for (i = 0; i < nconns; i++)
		conns[i].sent = xcalloc(opt.inflight, sizeof(uint64_t));
	t_end = UINT64_MAX;
	for (i = 0; i < nconns; i++)
		if (conns[i].open)
			echo_send(&conns[i], opt.inflight, now_ns());
	run_loop(&cpu_b, &cpu_s);
	print_common(n_replies / opt.duration);
	print_latency();
	printf(" conns=%d open=%d served=%d size=%d inflight=%d errors=%"
	    PRIu64, nconns, opened, served_count(), opt.size, opt.inflight,
	    n_errors);
	print_cpu(cpu_b, cpu_s);
}

static void
run_fanout(void)
{
	double		cpu_b, cpu_s;
	int		i, opened, sopen;
	uint64_t	sent;

	if (opt.size < TRAILER + 8)
		die("fanout lines need at least %d bytes (-s)", TRAILER + 8);
	nconns = opt.listeners + opt.senders;
	conns = xcalloc(nconns, sizeof *conns);
	senders = xcalloc(opt.senders, sizeof *senders);
	opened = connect_all(conns, opt.listeners, R_LISTENER);
	live_listeners = opened;
	sopen = connect_all(conns + opt.listeners, opt.senders, R_SENDER);
	if (sopen < opt.senders)
		die("only %d of %d senders connected", sopen, opt.senders);
	for (i = 0; i < opt.senders; i++) {
		senders[i].c = &conns[opt.listeners + i];
		senders[i].count = xcalloc(opt.inflight, sizeof(uint32_t));
		senders[i].out = xcalloc(opt.inflight, opt.size);
	}
	if (opt.rooms > 0) {
		/* Listeners and senders spread over the rooms in turn. */
		for (i = 0; i < opt.listeners; i++)
			conns[i].room = i % opt.rooms;
		for (i = 0; i < opt.senders; i++)
			senders[i].c->room = i % opt.rooms;
		rooms_join();
	}
	/* Join notices and the like, before the first line. */
	drain(300, 30.0);
	if (live_listeners == 0)
		die("no listener left connected");
	t_end = UINT64_MAX;
	t_paced = now_ns();
	senders_refill(t_paced);
	run_loop(&cpu_b, &cpu_s);
	print_common(n_deliveries / opt.duration);
	print_latency();
	printf(" listeners=%d open=%d live=%d senders=%d size=%d window=%d "
	    "lines_s=%.0f stalled=%d errors=%" PRIu64, opt.listeners, opened,
	    live_listeners, opt.senders, opt.size, opt.inflight,
	    n_completed / opt.duration, stalled, n_errors);
	for (i = 0, sent = 0; i < opt.senders; i++)
		sent += senders[i].seq_sent;
	printf(" sent=%" PRIu64 " paced=%.0f", sent, opt.rate);
	if (opt.rooms > 0)
		printf(" rooms=%d", opt.rooms);
	if (opt.span > 0)
		printf(" span=%d", opt.span);
	if (opt.nnodes > 1)
		printf(" nodes=%d xrate=%.0f xp50_us=%.1f xp99_us=%.1f "
		    "xp999_us=%.1f", opt.nnodes, xhist.n / opt.duration,
		    hist_quantile(&xhist, 0.50) / 1e3,
		    hist_quantile(&xhist, 0.99) / 1e3,
		    hist_quantile(&xhist, 0.999) / 1e3);
	print_cpu(cpu_b, cpu_s);
}

/*
 * Read and drop what the connections get for SECS; return the bytes.
 * With QUIET_MS, return as soon as nothing has come for that long.
 */
static uint64_t
hold(double secs, int quiet_ms)
{
	struct epoll_event	 evs[MAX_EVENTS];
	uint64_t		 end = now_ns() + (uint64_t)(secs * 1e9), got = 0;
	uint64_t		 quiet_since = now_ns();
	int			 i, k;
	ssize_t			 n;

	while (now_ns() < end) {
		k = epoll_wait(ep, evs, MAX_EVENTS, 50);
		if (k > 0)
			quiet_since = now_ns();
		else if (quiet_ms > 0 && now_ns() - quiet_since >=
		    (uint64_t)quiet_ms * 1000000)
			break;
		for (i = 0; i < k; i++) {
			struct conn *c = evs[i].data.ptr;

			n = conn_recv(c, rbuf, READ_BYTES);
			if (n == 0 || (n == -1 && errno != EAGAIN))
				conn_lost(c);
			else if (n > 0)
				got += n;
		}
	}
	return got;
}

/*
 * --settle: the quiet that ends the wait, longer than the second over
 * which tschatd sums up the join notices it did not send one by one.
 */
#define SETTLE_QUIET_MS	1500

/*
 * --settle: wait (-T from the start, T0) until the server holds N more
 * descriptors than FD0 and nothing has come for SETTLE_QUIET_MS (a room
 * tells everyone of the arrivals).
 */
static void
idle_settle(uint64_t t0, long fd0, int n)
{
	uint64_t	deadline = t0 + (uint64_t)(opt.connect_timeout * 1e9);
	long		fds;

	while (now_ns() < deadline && fd0 >= 0 &&
	    ((fds = server_fds()) < 0 || fds - fd0 < n))
		(void)hold(0.1, 0);
	while (now_ns() < deadline && hold(MINIMUM(2.0 * SETTLE_QUIET_MS /
	    1e3, (deadline - now_ns()) / 1e9), SETTLE_QUIET_MS) > 0)
		;
}

/*
 * K connections held open -d seconds: the server's RSS and the kernel's
 * memory (Slab: both ends are here, so per pair of sockets) for each,
 * and how often the server woke while they were idle.
 */
static void
run_idle(void)
{
	long		 rss0, rss1, fd0, fd1 = -1, accepted, slab0, slab1;
	long		 sw0, sw1;
	uint64_t	 t0, t1, h0, h1, got;
	double		 cpu0, cpu1;
	int		 i, opened, alive = 0;

	nconns = opt.conns;
	conns = xcalloc(nconns, sizeof *conns);
	/*
	 * --warm: what the server's first connection costs once (code paged
	 * in, OpenSSL's algorithms fetched) is not spread over the others.
	 */
	if (opt.warm) {
		if (connect_all(xcalloc(1, sizeof *conns), 1, R_IDLE) != 1)
			die("--warm: the first connection was not made");
		drain(200, 1.0);
	}
	rss0 = server_status_kb("VmRSS");
	fd0 = server_fds();
	slab0 = meminfo_kb("Slab");
	t0 = now_ns();
	opened = connect_all(conns, nconns, R_IDLE);
	t1 = now_ns();
	if (opt.settle)
		idle_settle(t0, fd0, opened);
	/*
	 * Hold them -d seconds; without --settle the server may still be
	 * accepting them as the hold begins.
	 */
	sw0 = server_switches();
	cpu0 = cpu_server();
	h0 = now_ns();
	got = hold(opt.duration, 0);
	h1 = now_ns();
	cpu1 = cpu_server();
	sw1 = server_switches();
	rss1 = server_status_kb("VmRSS");
	fd1 = server_fds();
	slab1 = meminfo_kb("Slab");
	for (i = 0; i < nconns; i++)
		alive += conns[i].open;
	accepted = fd0 >= 0 && fd1 >= 0 ? fd1 - fd0 : -1;
	print_common(opened / ((t1 - t0) / 1e9));
	printf(" conns=%d open=%d alive=%d accepted=%ld rss_before_kb=%ld "
	    "rss_after_kb=%ld rss_per_conn=%.0f errors=%" PRIu64,
	    nconns, opened, alive, accepted, rss0, rss1,
	    rss0 >= 0 && rss1 >= 0 && alive > 0 ?
	    (rss1 - rss0) * 1024.0 / alive : -1.0, n_errors);
	printf(" kmem_pair_b=%.0f", slab0 >= 0 && slab1 >= 0 && alive > 0 ?
	    (slab1 - slab0) * 1024.0 / alive : -1.0);
	if (sw0 >= 0 && sw1 >= 0)
		printf(" wakeups_s=%.1f", (sw1 - sw0) / ((h1 - h0) / 1e9));
	else
		printf(" wakeups_s=-");
	if (cpu0 >= 0 && cpu1 >= 0)
		printf(" idle_cpu=%.4f", (cpu1 - cpu0) / ((h1 - h0) / 1e9));
	else
		printf(" idle_cpu=-");
	printf(" hold_bytes=%" PRIu64 " settle=%d settle_ms=%.0f", got,
	    opt.settle, (h0 - t1) / 1e6);
	print_tail();
}

static void
run_udp(void)
{
	double	cpu_b, cpu_s;
	int	i;

	nconns = opt.conns;
	conns = xcalloc(nconns, sizeof *conns);
	udp_open();
	for (i = 0; i < nconns; i++)
		conns[i].sent = xcalloc(opt.inflight, sizeof(uint64_t));
	t_end = UINT64_MAX;
	for (i = 0; i < nconns; i++)
		udp_send(&conns[i], now_ns());
	run_loop(&cpu_b, &cpu_s);
	print_common(n_replies / opt.duration);
	print_latency();
	printf(" sockets=%d served=%d size=%d inflight=%d lost=%" PRIu64
	    " errors=%" PRIu64, nconns, served_count(), opt.size,
	    opt.inflight, n_lost, n_errors);
	print_cpu(cpu_b, cpu_s);
}

static void
run_handshake(void)
{
	double	cpu_b, cpu_s;
	int	i;

	nconns = opt.conns;
	conns = xcalloc(nconns, sizeof *conns);
	t_end = UINT64_MAX;
	for (i = 0; i < nconns; i++) {
		conns[i].role = R_HANDSHAKE;
		handshake_begin(&conns[i], now_ns());
	}
	run_loop(&cpu_b, &cpu_s);
	print_common(n_replies / opt.duration);
	print_latency();
	printf(" conns=%d served=%d errors=%" PRIu64, nconns, served_count(),
	    n_errors);
	print_cpu(cpu_b, cpu_s);
}

/* The history's author counts its lines as they come back (inflight). */
static void
history_line(struct conn *c, const char *line, size_t len, uint64_t now)
{
	if (memmem(line, len, c->want, strlen(c->want)) != NULL)
		c->inflight++;
}

/*
 * One member says --lines lines in JOIN_ROOM and stays there; then C
 * joiners join, /part and /join again, each as soon as it has read its
 * own join notice (after the room's history).
 */
static void
run_join(void)
{
	struct epoll_event	 evs[MAX_EVENTS];
	struct conn		*author;
	char			 nick[80], want[128];
	uint64_t		 deadline;
	double			 cpu_b, cpu_s;
	char			*line;
	int			 i, opened;

	nconns = opt.conns + 1;
	conns = xcalloc(nconns, sizeof *conns);
	author = &conns[0];
	if (connect_all(author, 1, R_DRAIN) != 1)
		die("the history's author did not connect");
	conn_nick(author, nick, sizeof nick);
	snprintf(want, sizeof want, "] " JOIN_ROOM " %s: ", nick);
	if ((author->want = strdup(want)) == NULL)
		die("out of memory");
	send_text(author, "/join " JOIN_ROOM "\n");
	line = xcalloc(1, opt.size + 1);
	for (i = 0; i < opt.lines; i++) {
		memset(line, 'x', opt.size - 1);
		memcpy(line, "history ", opt.size > 9 ? 8 : 0);
		line[opt.size - 1] = '\n';
		send_text(author, line);
	}
	free(line);
	deadline = now_ns() + (uint64_t)(opt.connect_timeout * 1e9);
	while (author->open && author->inflight < (uint32_t)opt.lines &&
	    now_ns() < deadline) {
		if (epoll_wait(ep, evs, 1, 100) == 1)
			(void)read_lines(author, history_line, 0);
	}
	if (author->inflight < (uint32_t)opt.lines)
		die("the room's history was not said (%u of %d lines)",
		    author->inflight, opt.lines);
	opened = connect_all(conns + 1, opt.conns, R_JOINER);
	/* Their arrival in the lobby, before the first join. */
	drain(100, 5.0);
	t_end = UINT64_MAX;
	for (i = 1; i < nconns; i++) {
		if (!conns[i].open)
			continue;
		conn_nick(&conns[i], nick, sizeof nick);
		snprintf(want, sizeof want, "] " JOIN_ROOM " *** %s joined (",
		    nick);
		conns[i].want = strdup(want);
		if (conns[i].want == NULL)
			die("out of memory");
		conns[i].t_join = now_ns();
		send_text(&conns[i], "/join " JOIN_ROOM "\n");
	}
	run_loop(&cpu_b, &cpu_s);
	print_common(n_replies / opt.duration);
	print_latency();
	printf(" conns=%d open=%d served=%d lines=%d bytes_join=%.0f errors=%"
	    PRIu64, opt.conns, opened, served_count(), opt.lines,
	    n_replies > 0 ? (double)n_bytes / n_replies : -1.0, n_errors);
	print_cpu(cpu_b, cpu_s);
}

/* ---- one large room: line and join-storm ------------------------------ */

/* line: each line carries "~TSSSSSSSS~", S its number (0: the probe). */
#define TOKEN_LEN	11
/* join-storm: each history line carries "~HSSSS~", S its number. */
#define HMARK_LEN	7
/* line: how long a line is waited for; so many lost in a row end it. */
#define LINE_WAIT_NS	(5 * 1000000000ULL)
#define LINE_LOST_MAX	3
/* Events taken at once from epoll with thousands of connections busy. */
#define BIG_EVENTS	8192
/*
 * join-storm: nothing new for this long ends the wait. A connection the
 * client thinks made may be one the server dropped from its full accept
 * queue (its last ACK dropped, its SYN-ACKs given up after 31 s).
 */
#define STORM_STALL_NS	(30 * 1000000000ULL)

static struct epoll_event *big_evs;
static uint64_t		*line_got;	/* a bitmap a listener, of the lines */
static size_t		 line_words;	/* 64-bit words a listener */
static uint32_t		 line_cur;	/* the line waited for */
static int		 line_count;	/* listeners that have it */
static int		 line_half;	/* the median listener: this many */
static uint64_t		 line_t_half;	/* when it had it */
static uint64_t		 n_dups;
static int		 n_ready;	/* connections in: their notice seen */
static int		 n_history_ok;	/* ... after the whole history */

/*
 * A line of C's before its own join notice ("*** ADDR:PORT joined (",
 * ADDR:PORT its address as the server sees it): the history, in order,
 * or the notice itself.
 */
static void
member_line(struct conn *c, const char *line, size_t len, uint64_t now)
{
	const char	*h;
	uint64_t	 idx;

	if (c->ready)
		return;
	if ((h = memmem(line, len, "~H", 2)) != NULL &&
	    (size_t)(line + len - h) >= HMARK_LEN && h[HMARK_LEN - 1] == '~' &&
	    hex_parse(h + 2, 4, &idx) == 0) {
		if (idx == c->inflight)
			c->inflight++;
		return;
	}
	if (memmem(line, len, c->want, strlen(c->want)) == NULL)
		return;
	c->ready = 1;
	c->t_join = now;
	n_ready++;
	if (c->inflight == (uint32_t)opt.lines)
		n_history_ok++;
}

/*
 * Read what C has, once: its lines until its own join notice (the server
 * sends notices), then only dropped. -1 when C is gone.
 */
static ssize_t
member_read(struct conn *c, uint64_t now)
{
	char	nick[80], want[128];
	ssize_t	n;

	if (c->ready || opt.no_notices) {
		if ((n = conn_recv(c, rbuf, READ_BYTES)) == 0 ||
		    (n == -1 && errno != EAGAIN)) {
			conn_lost(c);
			return -1;
		}
		return n > 0 ? n : 0;
	}
	if (c->want == NULL) {
		conn_nick(c, nick, sizeof nick);
		snprintf(want, sizeof want, "*** %s joined (", nick);
		if ((c->want = strdup(want)) == NULL)
			die("out of memory");
	}
	n = read_lines(c, member_line, now);
	if (c->ready || !c->open) {
		free(c->line);
		c->line = NULL;
		c->line_len = 0;
	}
	return n;
}

/* Listener C has line SEQ: mark it, and time the line waited for. */
static void
line_seen(struct conn *c, uint64_t seq, uint64_t now)
{
	uint64_t	*w, bit;

	if (seq > (uint64_t)opt.lines) {
		n_errors++;
		return;
	}
	w = &line_got[(size_t)(c - conns) * line_words + seq / 64];
	bit = 1ULL << (seq % 64);
	if (*w & bit) {
		n_dups++;
		return;
	}
	*w |= bit;
	if (seq != line_cur)
		return;		/* late: it counts, but not in the timing */
	if (++line_count == line_half)
		line_t_half = now;
}

/* A token at P, in full: its line's number, or -1. */
static int64_t
token_at(const char *p)
{
	uint64_t	seq;

	if (p[0] != '~' || p[1] != 'T' || p[TOKEN_LEN - 1] != '~' ||
	    hex_parse(p + 2, 8, &seq) == -1)
		return -1;
	return (int64_t)seq;
}

/*
 * N bytes P read by listener C: the tokens in them, without copying (a
 * token cut by the end of a read is found with the next, from the last
 * bytes kept in carry).
 */
static void
line_scan(struct conn *c, const char *p, size_t n, uint64_t now)
{
	char		 tmp[2 * TOKEN_LEN];
	const char	*q, *end = p + n;
	size_t		 i, take, keep;
	int64_t		 seq;

	if (c->carry_len > 0) {
		/* Only a token begun in carry: the rest is searched below. */
		take = MINIMUM(n, (size_t)TOKEN_LEN - 1);
		memcpy(tmp, c->carry, c->carry_len);
		memcpy(tmp + c->carry_len, p, take);
		for (i = 0; i < c->carry_len &&
		    i + TOKEN_LEN <= c->carry_len + take; i++)
			if ((seq = token_at(tmp + i)) >= 0)
				line_seen(c, (uint64_t)seq, now);
	}
	for (q = p; (q = memmem(q, end - q, "~T", 2)) != NULL; q += 2) {
		if (end - q < TOKEN_LEN)
			break;
		if ((seq = token_at(q)) >= 0)
			line_seen(c, (uint64_t)seq, now);
	}
	/* A read that ends a line cuts no token. */
	if (n > 0 && end[-1] == '\n') {
		c->carry_len = 0;
		return;
	}
	keep = TOKEN_LEN - 1;
	if (n >= keep) {
		memcpy(c->carry, end - keep, keep);
		c->carry_len = keep;
	} else {
		take = c->carry_len + n > keep ? c->carry_len + n - keep : 0;
		memmove(c->carry, c->carry + take, c->carry_len - take);
		memcpy(c->carry + c->carry_len - take, p, n);
		c->carry_len = c->carry_len - take + n;
	}
}

/* One read of C's, into the big buffer, scanned for tokens by listeners. */
static void
line_event(struct conn *c, uint64_t now)
{
	ssize_t	n;

	if (!c->open)
		return;
	if ((n = conn_recv(c, rbuf, READ_BYTES)) <= 0) {
		if (n == 0 || errno != EAGAIN) {
			conn_lost(c);
			n_errors++;
		}
		return;
	}
	if (c->role == R_LISTENER)
		line_scan(c, rbuf, (size_t)n, now);
}

/*
 * Say line SEQ from SENDER (LINE, ready-made: its token is written in);
 * wait (LINE_WAIT_NS) until every listener left has it. Return the time
 * from the send to the last listener's having it, and in *HALF to the
 * median listener's; UINT64_MAX when some never got it.
 */
static uint64_t
line_say(struct conn *sender, char *line, uint32_t seq, uint64_t *half)
{
	uint64_t	t0, now, deadline;
	int		i, k;

	put_hex(line + opt.size - 1 - TOKEN_LEN + 2, seq, 8);
	line_cur = seq;
	line_count = 0;
	line_half = (live_listeners + 1) / 2;
	line_t_half = 0;
	*half = UINT64_MAX;
	t0 = now_ns();
	deadline = t0 + LINE_WAIT_NS;
	send_text(sender, line);
	if (!sender->open)
		return UINT64_MAX;
	for (now = t0; line_count < live_listeners && now < deadline; ) {
		k = epoll_wait(ep, big_evs, BIG_EVENTS, 10);
		for (i = 0; i < k; i++) {
			now = now_ns();
			line_event(big_evs[i].data.ptr, now);
		}
		now = now_ns();
	}
	if (line_t_half != 0)
		*half = line_t_half - t0;
	return line_count >= live_listeners ? now - t0 : UINT64_MAX;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The quantile Q of N sorted times (nearest rank), in ms; -1 if none. */
static double
quantile_ms(const uint64_t *v, int n, double q)
{
	int	i;

	if (n == 0)
		return -1;
	i = (int)(q * n + 0.999999) - 1;
	i = i < 0 ? 0 : i >= n ? n - 1 : i;
	return v[i] == UINT64_MAX ? LINE_WAIT_NS / 1e6 : v[i] / 1e6;
}

/*
 * Wait (until DEADLINE) until every connection is in the room: with
 * notices, until each has seen its own join notice; without (refserver
 * broadcast), until the server holds WANT more descriptors than FD0.
 * Return how many are in.
 */
static int
room_wait(uint64_t deadline, long fd0, int want)
{
	uint64_t	next_poll = 0, now;
	long		fds = -1;
	int		i, k, open;

	for (;;) {
		now = now_ns();
		for (i = 0, open = 0; i < nconns; i++)
			open += conns[i].open;
		if (opt.no_notices) {
			if (now >= next_poll) {
				fds = server_fds();
				next_poll = now + 10000000;
			}
			if (fds < 0 || fds - fd0 >= want)
				return fds < 0 ? open : want;
		} else if (n_ready >= open)
			return n_ready;
		if (now >= deadline)
			return opt.no_notices ? (int)(fds - fd0) : n_ready;
		k = epoll_wait(ep, big_evs, BIG_EVENTS, 10);
		for (i = 0; i < k; i++)
			(void)member_read(big_evs[i].data.ptr, now_ns());
	}
}

/*
 * line: C listeners and a sender in the server's lobby (every connection
 * in it: tschatd's lobby, refserver broadcast). Once all are in and a
 * probe line has reached everyone, --lines lines one at a time, each once
 * the last has reached every listener (or was waited for long enough):
 * the time to the last listener and to the median one.
 */
static void
run_line(void)
{
	struct conn	*sender;
	uint64_t	*last, *half, t_start, t0, t1, probe, hp;
	double		 s0, s1, b0, b1, cb0 = 0, ct0 = 0, cb1, ct1, sft0;
	long		 fd0;
	size_t		 i;
	char		*line;
	int		 opened, in, lost_row = 0, timeouts = 0, said = 0;
	int		 probe_missing, j, core = server_core();
	uint64_t	 missing = 0, got;

	if (opt.size < TOKEN_LEN + 8)
		die("line: lines need at least %d bytes (-s)", TOKEN_LEN + 8);
	big_evs = xcalloc(BIG_EVENTS, sizeof *big_evs);
	nconns = opt.conns + 1;
	conns = xcalloc(nconns, sizeof *conns);
	sender = &conns[opt.conns];
	line_words = (size_t)opt.lines / 64 + 1;
	line_got = xcalloc((size_t)opt.conns * line_words, sizeof *line_got);
	last = xcalloc(opt.lines + 1, sizeof *last);
	half = xcalloc(opt.lines + 1, sizeof *half);

	fd0 = server_fds();
	t_start = now_ns();
	early_read = member_read;
	opened = connect_all(conns, opt.conns, R_LISTENER);
	if (connect_all(sender, 1, R_SENDER) != 1)
		die("the sender did not connect");
	in = room_wait(t_start + (uint64_t)(opt.connect_timeout * 1e9), fd0,
	    opened + 1);
	early_read = NULL;
	/*
	 * A server that sums up join notices (tschatd) says its last summary
	 * up to N/5000 s after the storm (a second, rounded up): wait for it,
	 * quiet a second longer, so that no line measured waits behind it.
	 */
	if (!opt.no_notices)
		drain((int)(((opt.conns + 1) / 5000 + 2) * 1000 + 500),
		    15.0);
	for (j = 0, live_listeners = 0; j < opt.conns; j++) {
		live_listeners += conns[j].open;
		conns[j].carry_len = 0;
	}
	if (live_listeners == 0)
		die("no listener is connected");

	line = xcalloc(1, opt.size + 1);
	memset(line, 'x', opt.size - 1);
	memcpy(line, "line ", 5);
	memcpy(line + opt.size - 1 - TOKEN_LEN, "~T00000000~\n",
	    TOKEN_LEN + 1);
	/* Everything the server owed anyone before it comes first. */
	probe = line_say(sender, line, 0, &hp);
	probe_missing = live_listeners - line_count;

	s0 = cpu_server();
	b0 = cpu_self();
	if (core_ticks(core, &cb0, &ct0) == -1)
		core = -1;
	sft0 = core_soft_ticks;
	t0 = now_ns();
	for (j = 1; j <= opt.lines && sender->open; j++) {
		last[said] = line_say(sender, line, (uint32_t)j, &half[said]);
		said++;
		if (last[said - 1] != UINT64_MAX) {
			lost_row = 0;
			continue;
		}
		timeouts++;
		if (++lost_row == LINE_LOST_MAX || live_listeners == 0)
			break;
	}
	t1 = now_ns();
	b1 = cpu_self();
	s1 = cpu_server();
	core_busy = core >= 0 && core_ticks(core, &cb1, &ct1) == 0 &&
	    ct1 > ct0 ? (cb1 - cb0) / (ct1 - ct0) : -1;
	core_softirq = core_busy >= 0 ? (core_soft_ticks - sft0) /
	    (ct1 - ct0) : -1;

	/* Listener-line pairs never received, lines not said included. */
	for (i = 0, got = 0; i < (size_t)opt.conns; i++)
		for (j = 1; j <= opt.lines; j++)
			got += (line_got[i * line_words + j / 64] >>
			    (j % 64)) & 1;
	missing = (uint64_t)opt.conns * opt.lines - got;
	qsort(last, said, sizeof *last, cmp_u64);
	qsort(half, said, sizeof *half, cmp_u64);
	opt.duration = (t1 - t0) / 1e9;
	print_common(opt.duration > 0 ? got / opt.duration : 0);
	printf(" listeners=%d open=%d in=%d live=%d lines=%d said=%d "
	    "last_p50_ms=%.3f last_p99_ms=%.3f last_max_ms=%.3f "
	    "half_p50_ms=%.3f half_p99_ms=%.3f probe_ms=%.3f "
	    "probe_missing=%d missing=%" PRIu64 " dups=%" PRIu64
	    " timeouts=%d", opt.conns, opened, in, live_listeners, opt.lines,
	    said, quantile_ms(last, said, 0.5), quantile_ms(last, said, 0.99),
	    quantile_ms(last, said, 1), quantile_ms(half, said, 0.5),
	    quantile_ms(half, said, 0.99),
	    probe == UINT64_MAX ? -1 : probe / 1e6, probe_missing, missing,
	    n_dups, timeouts);
	if (s0 >= 0 && s1 >= 0 && said > 0)
		printf(" srv_ms_per_line=%.3f", (s1 - s0) * 1e3 / said);
	else
		printf(" srv_ms_per_line=-");
	if (core_softirq >= 0 && said > 0)
		printf(" softirq_ms_per_line=%.3f", core_softirq *
		    opt.duration * 1e3 / said);
	else
		printf(" softirq_ms_per_line=-");
	printf(" gen_ms_per_line=%.3f line_ms=%.3f errors=%" PRIu64,
	    said > 0 ? (b1 - b0) * 1e3 / said : -1.0,
	    said > 0 ? opt.duration * 1e3 / said : -1.0, n_errors);
	print_cpu(opt.duration > 0 ? (b1 - b0) / opt.duration : -1,
	    s0 >= 0 && opt.duration > 0 ? (s1 - s0) / opt.duration : -1);
	free(line);
	if (opt.check && (missing > 0 || n_dups > 0))
		exit(1);
}

/* A field of /proc/net/netstat's TcpExt lines ("ListenDrops"), or -1. */
static long
tcpext(const char *field)
{
	char	 names[4096], values[4096], *n, *v, *ln, *lv;
	long	 r = -1;
	FILE	*f;

	if ((f = fopen("/proc/net/netstat", "r")) == NULL)
		return -1;
	while (fgets(names, sizeof names, f) != NULL &&
	    fgets(values, sizeof values, f) != NULL) {
		if (strncmp(names, "TcpExt:", 7) != 0)
			continue;
		for (n = strtok_r(names, " \n", &ln),
		    v = strtok_r(values, " \n", &lv); n != NULL && v != NULL;
		    n = strtok_r(NULL, " \n", &ln),
		    v = strtok_r(NULL, " \n", &lv))
			if (strcmp(n, field) == 0)
				r = strtol(v, NULL, 10);
		break;
	}
	fclose(f);
	return r;
}

/* The author of join-storm's history counts its lines as they come back. */
static void
author_line(struct conn *c, const char *line, size_t len, uint64_t now)
{
	(void)now;
	if (memmem(line, len, "~H", 2) != NULL)
		c->inflight++;
}

/*
 * join-storm: one member says --lines lines in the lobby (its history);
 * then C connections are made at once, their connects issued back to back:
 * how fast they are established, and how long until each has its own join
 * notice after the history (without notices: until the server holds them
 * all, from its descriptors).
 */
static void
run_join_storm(void)
{
	struct conn	*author;
	uint64_t	 t0, t_est = 0, t_acc = 0, t_done, t_joined = 0, now;
	uint64_t	 t_issued;
	uint64_t	 deadline, next_poll = 0;
	double		 s0, s1, b0, b1, cb0 = 0, ct0 = 0, cb1, ct1, sft0;
	long		 fd0, fds, acc = 0, drops0, drops1, fd1;
	socklen_t	 len;
	char		*line;
	int		 i, k, err, one = 1, est = 0, failed = 0, closed = 0;
	int		 progress = -1, core = server_core();

	if (opt.size < 24)
		die("join-storm: lines need at least 24 bytes (-s)");
	big_evs = xcalloc(BIG_EVENTS, sizeof *big_evs);
	nconns = opt.conns + 1;
	conns = xcalloc(nconns, sizeof *conns);
	author = &conns[opt.conns];
	if (connect_all(author, 1, R_DRAIN) != 1)
		die("the history's author did not connect");
	line = xcalloc(1, opt.size + 1);
	for (i = 0; i < opt.lines; i++) {
		memset(line, 'x', opt.size - 1);
		snprintf(line, opt.size, "history ~H%04x~", (unsigned)i);
		line[strlen(line)] = 'x';
		line[opt.size - 1] = '\n';
		send_text(author, line);
	}
	free(line);
	deadline = now_ns() + (uint64_t)(opt.connect_timeout * 1e9);
	while (author->open && author->inflight < (uint32_t)opt.lines &&
	    now_ns() < deadline)
		if (epoll_wait(ep, big_evs, 1, 100) == 1)
			(void)read_lines(author, author_line, 0);
	if (author->inflight < (uint32_t)opt.lines)
		die("the history was not said (%u of %d lines)",
		    author->inflight, opt.lines);
	drain(100, 2.0);

	fd0 = server_fds();
	drops0 = tcpext("ListenDrops");
	s0 = cpu_server();
	b0 = cpu_self();
	if (core_ticks(core, &cb0, &ct0) == -1)
		core = -1;
	sft0 = core_soft_ticks;
	t0 = now_ns();
	deadline = t0 + (uint64_t)(opt.connect_timeout * 1e9);
	for (i = 0; i < opt.conns; i++) {
		struct conn *c = &conns[i];

		c->role = R_MEMBER;
		c->fd = tcp_socket();
		(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof one);
		if (connect(c->fd, (struct sockaddr *)&server_ss,
		    server_sslen) == -1 && errno != EINPROGRESS) {
			c->closed = 1;
			failed++;
			n_errors++;
			continue;
		}
		watch(c, EPOLLOUT, EPOLL_CTL_ADD);
	}
	t_issued = now_ns();
	for (;;) {
		now = now_ns();
		if (opt.no_notices && fd0 >= 0 && now >= next_poll) {
			if ((fds = server_fds()) >= 0 && fds - fd0 > acc)
				acc = fds - fd0;
			if (acc >= opt.conns && t_acc == 0)
				t_acc = now;
			next_poll = now + 10000000;
		}
		if (est + failed == opt.conns && (opt.no_notices ?
		    fd0 < 0 || acc >= est : n_ready + closed >= est))
			break;
		if (est + failed + n_ready + closed + acc != progress) {
			progress = est + failed + n_ready + closed + acc;
			last_progress = now;
		} else if (now - last_progress > STORM_STALL_NS)
			stalled = 1;
		if (now >= deadline || stalled)
			break;
		k = epoll_wait(ep, big_evs, BIG_EVENTS, 10);
		for (i = 0; i < k; i++) {
			struct conn *c = big_evs[i].data.ptr;

			now = now_ns();
			if (c == author) {
				if (conn_recv(c, rbuf, READ_BYTES) == 0)
					conn_lost(c);
				continue;
			}
			if (c->closed)
				continue;
			if (c->open) {
				if (member_read(c, now) == -1)
					closed++;
				if (c->ready && c->t_join > t_joined)
					t_joined = c->t_join;
				continue;
			}
			len = sizeof err;
			if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err,
			    &len) == -1 || err != 0) {
				conn_lost(c);
				failed++;
				n_errors++;
				continue;
			}
			c->open = 1;
			est++;
			t_est = now;
			watch(c, EPOLLIN, EPOLL_CTL_MOD);
		}
	}
	t_done = now_ns();
	b1 = cpu_self();
	s1 = cpu_server();
	drops1 = tcpext("ListenDrops");
	fd1 = server_fds();
	core_busy = core >= 0 && core_ticks(core, &cb1, &ct1) == 0 &&
	    ct1 > ct0 ? (cb1 - cb0) / (ct1 - ct0) : -1;
	core_softirq = core_busy >= 0 ? (core_soft_ticks - sft0) /
	    (ct1 - ct0) : -1;
	opt.duration = (t_done - t0) / 1e9;
	print_common(est > 0 && t_est > t0 ? est / ((t_est - t0) / 1e9) : 0);
	printf(" conns=%d established=%d accept_s=%.0f est_ms=%.1f"
	    " issue_ms=%.1f", opt.conns, est, est > 0 && t_est > t0 ?
	    est / ((t_est - t0) / 1e9) : 0, est > 0 ? (t_est - t0) / 1e6 :
	    -1.0, (t_issued - t0) / 1e6);
	if (opt.no_notices)
		printf(" accepted=%ld accepted_ms=%.1f joined_ms=-"
		    " missing=%ld history_ok=-", acc, t_acc > 0 ?
		    (t_acc - t0) / 1e6 : -1.0, opt.conns - acc);
	else
		printf(" joined=%d joined_ms=%.1f accepted_ms=- missing=%d"
		    " history_ok=%d", n_ready, n_ready > 0 ?
		    (t_joined - t0) / 1e6 : -1.0, opt.conns - n_ready,
		    n_history_ok);
	printf(" lines=%d listen_drops=%ld server_holds=%ld closed=%d"
	    " stalled=%d errors=%" PRIu64, opt.lines, drops0 >= 0 &&
	    drops1 >= 0 ? drops1 - drops0 : -1, fd0 >= 0 && fd1 >= 0 ?
	    fd1 - fd0 : -1, closed, stalled, n_errors);
	print_cpu(opt.duration > 0 ? (b1 - b0) / opt.duration : -1,
	    s0 >= 0 && opt.duration > 0 ? (s1 - s0) / opt.duration : -1);
	if (opt.check && (opt.no_notices ? acc < opt.conns :
	    n_ready < opt.conns || n_history_ok < opt.conns))
		exit(1);
}

/* ---- helpers for scripts -------------------------------------------- */

/* A port free for both TCP and UDP on the loopback address. */
static int
freeport(void)
{
	struct sockaddr_in	sin;
	socklen_t		len;
	int			t, u, port;

	for (;;) {
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if ((t = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
		    bind(t, (struct sockaddr *)&sin, sizeof sin) == -1)
			die("bind: %s", strerror(errno));
		len = sizeof sin;
		getsockname(t, (struct sockaddr *)&sin, &len);
		port = ntohs(sin.sin_port);
		u = socket(AF_INET, SOCK_DGRAM, 0);
		if (u != -1 && bind(u, (struct sockaddr *)&sin,
		    sizeof sin) == 0) {
			close(u);
			close(t);
			printf("%d\n", port);
			return 0;
		}
		if (u != -1)
			close(u);
		close(t);
	}
}

/* Wait up to -d seconds until the server answers: TCP connect, UDP reply. */
static int
wait_server(int udp)
{
	uint64_t	end = now_ns() + (uint64_t)(opt.duration * 1e9);
	struct timeval	tv = { 0, 100000 };
	char		buf[512];
	unsigned int	qlen, qmax;
	int		fd;

	while (now_ns() < end) {
		fd = udp ? new_socket(SOCK_DGRAM) : tcp_socket();
		/* Blocking: the connect and the reply are waited for. */
		(void)fcntl(fd, F_SETFL, 0);
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		if (connect(fd, (struct sockaddr *)&server_ss,
		    server_sslen) == 0) {
			if (!udp) {
				/*
				 * Close only once the server has accepted:
				 * ncat dies of a connection closed in its
				 * accept queue.
				 */
				while (now_ns() < end &&
				    accept_queue(&qlen, &qmax) == 0 &&
				    qlen > 0)
					usleep(1000);
				close(fd);
				return 0;
			}
			if (send(fd, "probe\n", 6, 0) == 6 &&
			    recv(fd, buf, sizeof buf, 0) > 0) {
				close(fd);
				return 0;
			}
		}
		close(fd);
		usleep(50000);
	}
	fprintf(stderr, "tschat-bench: no server on port %d\n", opt.port);
	return 1;
}

/*
 * flood: serve one client N lines in a room's format as fast as it takes
 * them, then hold the connection until it closes or -d seconds pass. The
 * last line ends in "flood-end", for a script watching a screen. With
 * --rooms R the lines go round R windows: the lobby (untagged) and the
 * rooms #r1 ... #r(R-1), line I to the room (N - I) mod R, so that the
 * last line is the lobby's and room K's last is line N - K.
 */
static int
flood_server(void)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;
	uint64_t		 t0, t1;
	size_t			 off, cap = 1 << 20;
	char			*buf;
	ssize_t			 w;
	int			 lfd, fd, one = 1, i = 0, k, room;
	char			 tag[64], host_port[16];
	struct timeval		 tv;

	if ((lfd = socket(server_ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC,
	    0)) == -1)
		die("socket: %s", strerror(errno));
	(void)setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(lfd, (struct sockaddr *)&server_ss, server_sslen) == -1 ||
	    listen(lfd, 1) == -1)
		die("cannot listen on port %d: %s", opt.port,
		    strerror(errno));
	tv.tv_sec = (time_t)opt.duration;
	tv.tv_usec = 0;
	(void)setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if ((fd = accept(lfd, (struct sockaddr *)&ss, &len)) == -1)
		die("accept: %s", strerror(errno));
	close(lfd);
	buf = xcalloc(1, cap + 256);
	t0 = now_ns();
	/*
	 * Over windows, the client first hears its own join, as from a
	 * room server: it routes lines by their tags only after it.
	 */
	off = 0;
	if (opt.rooms > 1 && getnameinfo((struct sockaddr *)&ss, len, tag,
	    sizeof tag, host_port, sizeof host_port,
	    NI_NUMERICHOST | NI_NUMERICSERV) == 0)
		off = (size_t)snprintf(buf, 256, "[Wed Nov 25 16:20:00 2026] "
		    "*** %s:%s joined (2 online)\n", tag, host_port);
	while (i < opt.conns) {
		for (; off < cap && i < opt.conns; off += k) {
			i++;
			room = opt.rooms > 1 ? (opt.conns - i) % opt.rooms : 0;
			if (room > 0)
				snprintf(tag, sizeof tag, "#r%d ", room);
			else
				tag[0] = '\0';
			k = snprintf(buf + off, 256, "[Wed Nov 25 16:20:00 2026] "
			    "%s127.0.0.1:40000: flood line %06d%s\n", tag, i,
			    i == opt.conns ? " flood-end" : " lorem ipsum");
		}
		for (size_t done = 0; done < off; done += w) {
			if ((w = send(fd, buf + done, off - done,
			    MSG_NOSIGNAL)) == -1)
				die("send: %s", strerror(errno));
		}
		off = 0;
	}
	t1 = now_ns();
	printf("RESULT scenario=flood-serve target=%s lines=%d send_s=%.3f\n",
	    opt.target, opt.conns, (t1 - t0) / 1e9);
	fflush(stdout);
	/* Hold it open: the client's screen is read while it lasts. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	while (read(fd, buf, cap) > 0)
		;
	close(fd);
	return 0;
}

/* ---- main --------------------------------------------------------------- */

static void __attribute__((noreturn))
usage(int status)
{
	FILE	*f = status == 0 ? stdout : stderr;

	fputs(
"usage: tschat-bench SCENARIO -p PORT [OPTIONS]\n"
"       tschat-bench freeport | wait [-u] -p PORT [-d SECS]\n"
"       tschat-bench flood -p PORT [-c LINES] [-d SECS] [--rooms R]   (a server)\n"
"scenarios: echo, pipeline, fanout, idle, udp, join, handshake, line,\n"
"           join-storm\n"
"  -H ADDR        server address, loopback only (127.0.0.1)\n"
"  -p PORT        server port\n"
"  -c N           connections (echo 100, pipeline 100, idle 10000),\n"
"                 sockets (udp 16), joiners (join 10), connections at\n"
"                 a time (handshake 16), listeners (line 1000),\n"
"                 joiners (join-storm 1000)\n"
"  -s BYTES       bytes a line or datagram, newline included (64)\n"
"  -P N           lines in flight a connection (echo 1, pipeline 16,\n"
"                 udp 1); fanout: each sender's window (16)\n"
"  -L N           fanout listeners (100)\n"
"  -S N           fanout senders (1)\n"
"  -d SECS        measured time; idle: how long the connections are\n"
"                 held (3)\n"
"  -w SECS        warm-up before measuring (1)\n"
"  -T SECS        give up on connections not made by then (10)\n"
"  -t NAME        the target's name in the RESULT line\n"
"  --pid PID      the server's process: its CPU time, RSS, descriptors;\n"
"                 again for more processes whose CPU time counts\n"
"  --nodes P,P..  fanout: the ports of servers that form one room;\n"
"                 listeners spread over them, senders on the first\n"
"  -r N           fanout: each sender sends N lines a second at most\n"
"                 (0: as fast as its window allows)\n"
"  --rooms N      fanout: listeners and senders spread over N rooms\n"
"                 (#r0...), every member counted, senders too\n"
"  --span K       fanout --rooms --nodes: room R's listeners on nodes R\n"
"                 to R + K - 1 in turn, its sender on node R\n"
"  --mark FILE    make FILE when the measured time starts\n"
"  --stats        send the server (--pid) SIGUSR1 as the measured time\n"
"                 starts and as it ends: its counters then, in its log\n"
"  --lines N      join, join-storm: lines said in the room before the\n"
"                 joins (20); line: lines said and timed (50)\n"
"  --no-notices   line, join-storm: the server tells no joins (refserver\n"
"                 broadcast): wait for its descriptors (--pid) instead\n"
"  --check        line: exit 1 if a line was missed or received twice;\n"
"                 join-storm: if a joiner was not let in\n"
"  --settle       idle: hold once the server has accepted every\n"
"                 connection and nothing has come for 1.5 s (-T)\n"
"  --sources K    TCP to an IPv4 server from 127.0.0.2 to 127.0.0.(K+1)\n"
"                 in turn (8; 0: the kernel's choice)\n"
"  --tls          speak TLS on every connection (handshake: always);\n"
"                 the server's certificate is not verified\n"
"  --warm         idle: one more connection, made and held before the\n"
"                 server's memory is first read, not counted\n"
"  -u             wait: for a UDP server\n", f);
	exit(status);
}

static long long num(const char *, long long, long long, const char *);

/* --nodes PORT,PORT,...: the servers of one room. */
static void
nodes(const char *list)
{
	char	buf[256], *p, *last;

	if (strlen(list) >= sizeof buf)
		die("--nodes: too long");
	strcpy(buf, list);
	opt.nnodes = 0;
	for (p = strtok_r(buf, ",", &last); p != NULL;
	    p = strtok_r(NULL, ",", &last)) {
		if (opt.nnodes == MAX_NODES)
			die("--nodes: at most %d servers", MAX_NODES);
		opt.nodes[opt.nnodes++] = num(p, 1, 65535, "--nodes port");
	}
	if (opt.nnodes == 0)
		die("--nodes: no port");
}

static long long
num(const char *s, long long lo, long long hi, const char *what)
{
	const char	*err;
	long long	 v;

	if (strnum(s, lo, hi, &v, &err) == -1)
		die("bad %s: %s (%s)", what, s, err);
	return v;
}

static double
secs(const char *s, double lo, double hi, const char *what)
{
	const char	*err;
	double		 v;

	if (strsecs(s, lo, hi, &v, &err) == -1)
		die("bad %s: %s (%s)", what, s, err);
	return v;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'x' },
		{ "nodes", required_argument, NULL, 'n' },
		{ "rooms", required_argument, NULL, 'R' },
		{ "span", required_argument, NULL, 'Z' },
		{ "mark", required_argument, NULL, 'M' },
		{ "lines", required_argument, NULL, 'K' },
		{ "tls", no_argument, NULL, 'X' },
		{ "warm", no_argument, NULL, 'W' },
		{ "sources", required_argument, NULL, 'A' },
		{ "no-notices", no_argument, NULL, 'N' },
		{ "settle", no_argument, NULL, 'Q' },
		{ "check", no_argument, NULL, 'C' },
		{ "stats", no_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*cmd;
	int		 ch, i, udp_wait = 0;
	unsigned	 j;

	if (argc < 2)
		usage(2);
	cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0)
		usage(0);
	optind = 2;
	while ((ch = getopt_long(argc, argv, "H:p:c:s:P:L:S:d:w:T:t:r:uh",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'H': opt.host = optarg; break;
		case 'p': opt.port = num(optarg, 1, 65535, "port"); break;
		case 'c': opt.conns = num(optarg, 1, 100000000, "-c"); break;
		case 's': opt.size = num(optarg, 2, MAX_LINE, "-s"); break;
		case 'P': opt.inflight = num(optarg, 1, 65536, "-P"); break;
		case 'L': opt.listeners = num(optarg, 1, MAX_CONNS, "-L");
			break;
		case 'S': opt.senders = num(optarg, 1, 1000, "-S"); break;
		case 'd': opt.duration = secs(optarg, 0.1, 600, "-d"); break;
		case 'w': opt.warmup = secs(optarg, 0, 600, "-w"); break;
		case 'T': opt.connect_timeout = secs(optarg, 0.1, 600, "-T");
			break;
		case 't': opt.target = optarg; break;
		case 'x':
			if (opt.npids == MAX_PIDS)
				die("at most %d --pid", MAX_PIDS);
			opt.pids[opt.npids++] = num(optarg, 1, 1 << 30,
			    "--pid");
			opt.pid = opt.pids[0];
			break;
		case 'n':
			nodes(optarg);
			break;
		case 'r': opt.rate = num(optarg, 0, 10000000, "-r"); break;
		case 'R': opt.rooms = num(optarg, 1, MAX_CONNS, "--rooms");
			break;
		case 'Z': opt.span = num(optarg, 1, MAX_NODES, "--span");
			break;
		case 'M': opt.mark = optarg; break;
		case 'K': opt.lines = num(optarg, 0, 65535, "--lines"); break;
		case 'X': opt.tls = 1; break;
		case 'W': opt.warm = 1; break;
		case 'A': opt.sources = num(optarg, 0, 250, "--sources");
			break;
		case 'N': opt.no_notices = 1; break;
		case 'Q': opt.settle = 1; break;
		case 'C': opt.check = 1; break;
		case 'G': opt.stats = 1; break;
		case 'u': udp_wait = 1; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	if (strcmp(cmd, "freeport") == 0)
		return freeport();
	server_address();
	if (strcmp(cmd, "wait") == 0)
		return wait_server(udp_wait);
	if (strcmp(cmd, "flood") == 0) {
		signal(SIGPIPE, SIG_IGN);
		if (opt.conns < 0)
			opt.conns = 100000;
		return flood_server();
	}
	for (j = 0; j < sizeof scenario_names / sizeof *scenario_names; j++)
		if (strcmp(cmd, scenario_names[j]) == 0)
			break;
	if (j == sizeof scenario_names / sizeof *scenario_names)
		die("unknown scenario %s (try --help)", cmd);
	opt.scenario = j;
	if (opt.conns < 0)
		opt.conns = opt.scenario == IDLE ? 10000 :
		    opt.scenario == UDP ? 16 : opt.scenario == JOIN ? 10 :
		    opt.scenario == HANDSHAKE ? 16 :
		    opt.scenario == LINE || opt.scenario == JOIN_STORM ? 1000 :
		    100;
	if (opt.lines < 0)
		opt.lines = opt.scenario == LINE ? 50 : 20;
	if (opt.scenario == HANDSHAKE)
		opt.tls = 1;
	if (opt.tls && opt.scenario == UDP)
		die("--tls: not over UDP");
	if (opt.tls && opt.scenario == JOIN_STORM)
		die("--tls: not with join-storm");
	if (opt.rooms > opt.listeners + opt.senders)
		die("--rooms: more rooms than connections");
	if (opt.inflight < 0)
		opt.inflight = opt.scenario == PIPELINE ||
		    opt.scenario == FANOUT ? 16 : 1;
	if (opt.listeners + opt.senders > MAX_CONNS || opt.conns > MAX_CONNS)
		die("too many connections (at most %d)", MAX_CONNS);

	signal(SIGPIPE, SIG_IGN);
	/* Whatever happens, a run ends. */
	alarm((unsigned)(opt.warmup + opt.duration + 2 * opt.connect_timeout
	    + 60 + (opt.scenario == LINE ? (opt.lines + 1) * LINE_WAIT_NS / 1e9 :
	    0)));
	(void)net_raise_nofile();
	hex_init();
	if (opt.tls)
		tls_init();
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		die("epoll_create1: %s", strerror(errno));
	rbuf = xcalloc(1, READ_BYTES);
	linebuf = xcalloc(opt.inflight, opt.size);
	for (i = 0; i < opt.inflight; i++) {
		char *l = linebuf + (size_t)i * opt.size;

		memset(l, 'x', opt.size - 1);
		memcpy(l, "bench ", opt.size > 7 ? 6 : 0);
		l[opt.size - 1] = '\n';
	}
	switch (opt.scenario) {
	case ECHO:
	case PIPELINE:
		run_echo();
		break;
	case FANOUT:
		run_fanout();
		break;
	case IDLE:
		run_idle();
		break;
	case UDP:
		run_udp();
		break;
	case JOIN:
		run_join();
		break;
	case HANDSHAKE:
		run_handshake();
		break;
	case LINE:
		run_line();
		break;
	case JOIN_STORM:
		run_join_storm();
		break;
	}
	fflush(stdout);
	return 0;
}
