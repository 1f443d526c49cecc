/*
 * soak.c: the soak test's peers and their checker (make soak, tests/soak.sh).
 * Thousands of peers join one room, chat and leave at random for a while;
 * then everyone leaves. Every peer checks what it hears as it comes: its
 * own join notice first, each sender's messages once and in order, with no
 * gap. When a peer has left in good order (it half-closed, or said /quit,
 * and read until the server closed), it checks that it heard every message
 * it had to: each one a sender wrote after this peer saw its own join, and
 * that the sender saw relayed (its own copy came back) before this peer
 * began to leave. Peers that vanish abruptly (a close with data unread, a
 * reset) are part of the load but not of the reckoning.
 *
 * One process, poll(2), no threads. The order of events is a counter
 * ("clock") ticked at every line read and every write completed, so "after"
 * and "before" above are exact.
 */
#include "common.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "net.h"
#include "strnum.h"
#include "xmalloc.h"

#define STAMP_BYTES	27	/* "[Wed Aug 14 20:50:19 2013] " */
#define LINE_MAX_BYTES	1024
#define OUT_BYTES	2048
#define TICK_SECS	0.01
#define DRAIN_SECS	60.0
#define READ_PER_PEER	16384

enum state {
	S_FREE,
	S_CONNECTING,
	S_JOINING,	/* connected, its own join notice not yet seen */
	S_IN,
	S_LEAVING,	/* half-closed or /quit said: reading until EOF */
};

enum leave_mode {
	LEAVE_SHUT,	/* shutdown(SHUT_WR), then read until EOF */
	LEAVE_QUIT,	/* "/quit", then read until EOF */
	LEAVE_ABORT,	/* close at once: not reckoned */
};

/* What a peer has heard of one sender. */
struct heard {
	uint32_t	sid;		/* 0: a free slot */
	uint32_t	first;		/* the first message heard */
	uint32_t	next;		/* the one expected next */
};

/* A sender's messages, by number from 1: when each was written, when
 * its own copy came back (the server had relayed it to everyone). */
struct sender {
	uint64_t	*written;	/* written[k - 1] */
	uint64_t	*echoed;
	uint32_t	 nwritten, nechoed, size;
};

struct peer {
	int		 fd;
	enum state	 state;
	enum leave_mode	 mode;
	uint32_t	 id;
	int		 live;		/* index in the live list, or -1 */
	char		 nick[ADDR_STRLEN];
	size_t		 nicklen;
	uint64_t	 join_clock, leave_clock;
	char		 in[LINE_MAX_BYTES];
	size_t		 inlen;
	char		 out[OUT_BYTES];
	size_t		 outlen;
	/* The messages in out: their numbers and where each ends. */
	uint32_t	 pend_seq[OUT_BYTES / 8];
	size_t		 pend_end[OUT_BYTES / 8];
	size_t		 npend;
	int		 shut_pending;	/* half-close once out is sent */
	struct heard	*heard;
	size_t		 nheard, heard_size;
};

static const char	*progname = "soak";
static struct peer	*peers;		/* slots */
static struct pollfd	*pfds;
static int		*pslot;
static int		 nslots;
static int		*live;		/* slots of S_IN peers */
static int		 nlive;
static struct sender	*senders;	/* by id */
static uint32_t		 nsenders, senders_size;
static uint32_t		*talkers;	/* ids that wrote something */
static uint32_t		 ntalkers, talkers_size;
static uint64_t		 clk;
static uint32_t		 next_id = 1;
static struct addrinfo	*server;

static struct {
	uint64_t	peers, max_online, joins_seen, messages, delivered;
	uint64_t	required, lost, reordered, cut, errors, reckoned;
	uint64_t	aborted, quits, shuts, notices;
} st;

static void NORETURN PRINTFLIKE(1, 2)
failx(const char *fmt, ...)
{
	va_list	ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* A fault in what the server sent: counted, and the first few shown. */
static void PRINTFLIKE(2, 3)
fault(const struct peer *p, const char *fmt, ...)
{
	va_list	ap;

	st.errors++;
	if (st.errors > 20)
		return;
	fprintf(stderr, "%s: peer %s (#%" PRIu32 "): ", progname, p->nick,
	    p->id);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A random number below N (xorshift64*, seeded from the command line). */
static uint64_t	rng_state = 88172645463325252ULL;

static uint64_t
rnd(uint64_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (rng_state * 2685821657736338717ULL >> 11) % n;
}

static long
parse_num(const char *s, long min, long max)
{
	const char	*err;
	long long	 v;

	if (strnum(s, min, max, &v, &err) == -1)
		failx("invalid number '%s' (%ld to %ld): %s", s, min, max, err);
	return (long)v;
}

static struct sender *
sender(uint32_t id)
{
	if (id >= senders_size) {
		uint32_t	size = MAXIMUM(id + 1, senders_size * 2);

		senders = xreallocarray(senders, size, sizeof *senders);
		memset(senders + senders_size, 0,
		    (size - senders_size) * sizeof *senders);
		senders_size = size;
	}
	if (id >= nsenders)
		nsenders = id + 1;
	return &senders[id];
}

/* The heard record of sender SID in P, made when CREATE. */
static struct heard *
heard_of(struct peer *p, uint32_t sid, int create)
{
	struct heard	*old;
	size_t		 i, size;

	if (p->heard_size == 0 || (create && p->nheard * 2 >= p->heard_size)) {
		if (!create)
			return NULL;
		old = p->heard;
		size = p->heard_size;
		p->heard_size = size == 0 ? 64 : size * 2;
		p->heard = xcalloc(p->heard_size, sizeof *p->heard);
		p->nheard = 0;
		for (i = 0; i < size; i++) {
			if (old[i].sid != 0)
				*heard_of(p, old[i].sid, 1) = old[i];
		}
		free(old);
	}
	for (i = (sid * 2654435761u) & (p->heard_size - 1);;
	    i = (i + 1) & (p->heard_size - 1)) {
		if (p->heard[i].sid == sid)
			return &p->heard[i];
		if (p->heard[i].sid == 0) {
			if (!create)
				return NULL;
			p->heard[i].sid = sid;
			p->nheard++;
			return &p->heard[i];
		}
	}
}

static void
live_add(int slot)
{
	peers[slot].live = nlive;
	live[nlive++] = slot;
	if ((uint64_t)nlive > st.max_online)
		st.max_online = nlive;
}

static void
live_remove(int slot)
{
	int	i = peers[slot].live;

	if (i < 0)
		return;
	live[i] = live[--nlive];
	peers[live[i]].live = i;
	peers[slot].live = -1;
}

/* How many of the first COUNT values of V (ascending) are <= C. */
static uint32_t
count_upto(const uint64_t *v, uint32_t count, uint64_t c)
{
	uint32_t	lo = 0, hi = count, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid] <= c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * P left in good order: every message it had to hear, it heard. Those of
 * sender S are numbers A to B: written after P's join, relayed (echoed to
 * S) before P began to leave.
 */
static void
reckon(struct peer *p)
{
	struct sender	*s;
	struct heard	*h;
	uint32_t	 i, a, b, miss;

	st.reckoned++;
	for (i = 0; i < ntalkers; i++) {
		s = &senders[talkers[i]];
		a = count_upto(s->written, s->nwritten, p->join_clock) + 1;
		b = count_upto(s->echoed, s->nechoed, p->leave_clock);
		if (a > b)
			continue;
		st.required += b - a + 1;
		if ((h = heard_of(p, talkers[i], 0)) == NULL) {
			miss = b - a + 1;
		} else {
			miss = 0;
			if (h->first > a)
				miss += MINIMUM(h->first, b + 1) - a;
			if (h->next <= b)
				miss += b + 1 - MAXIMUM(h->next, a);
		}
		if (miss > 0) {
			st.lost += miss;
			fault(p, "missed %" PRIu32 " of the messages %" PRIu32
			    " to %" PRIu32 " of #%" PRIu32, miss, a, b,
			    talkers[i]);
		}
	}
}

static void
peer_free(int slot)
{
	struct peer	*p = &peers[slot];

	live_remove(slot);
	if (p->fd != -1)
		close(p->fd);
	free(p->heard);
	memset(p, 0, sizeof *p);
	p->fd = -1;
	p->live = -1;
	p->state = S_FREE;
}

/* The server closed P's connection (or it failed). */
static void
peer_ended(int slot, const char *how)
{
	struct peer	*p = &peers[slot];

	if (p->state == S_LEAVING) {
		if (p->inlen > 0)
			fault(p, "an unfinished line at the close");
		reckon(p);
	} else {
		st.cut++;
		fault(p, "the server closed the connection (%s) while it was "
		    "in the room", how);
	}
	peer_free(slot);
}

/* A line "[STAMP] TEXT" for P. */
static void
peer_line(int slot, char *line, size_t len)
{
	struct peer	*p = &peers[slot];
	struct sender	*s;
	struct heard	*h;
	char		*text, *m, *end;
	unsigned long	 sid, seq;

	clk++;
	if (len < STAMP_BYTES || line[0] != '[' ||
	    line[STAMP_BYTES - 2] != ']') {
		fault(p, "a line without a stamp: %.60s", line);
		return;
	}
	text = line + STAMP_BYTES;
	line[len] = '\0';
	if (p->state == S_JOINING) {
		if (strncmp(text, "*** ", 4) != 0 ||
		    strncmp(text + 4, p->nick, p->nicklen) != 0 ||
		    strncmp(text + 4 + p->nicklen, " joined (", 9) != 0) {
			fault(p, "the first line is not its join: %.80s", text);
			return;
		}
		p->state = S_IN;
		p->join_clock = clk;
		st.joins_seen++;
		live_add(slot);
		return;
	}
	if (strncmp(text, "*** ", 4) == 0) {
		st.notices++;
		return;
	}
	/* "NICK: m SID SEQ ...": the nick is an address, with its colon. */
	if ((m = strstr(text, ": m ")) == NULL) {
		fault(p, "an unexpected line: %.80s", text);
		return;
	}
	sid = strtoul(m + 4, &end, 10);
	seq = strtoul(end, &end, 10);
	if (sid == 0 || sid >= nsenders || seq == 0 ||
	    seq > senders[sid].nwritten) {
		fault(p, "a message never sent: %.80s", text);
		return;
	}
	st.delivered++;
	s = &senders[sid];
	if (sid == p->id) {
		/* Its own copy: the server has relayed it to everyone. */
		if (seq != s->nechoed + 1)
			fault(p, "its own message %lu came back after %" PRIu32,
			    seq, s->nechoed);
		else
			s->echoed[s->nechoed++] = clk;
	}
	h = heard_of(p, (uint32_t)sid, 1);
	if (h->next == 0) {
		h->first = (uint32_t)seq;
	} else if (seq < h->next) {
		st.reordered++;
		fault(p, "message %lu of #%lu after %" PRIu32 " (again, or "
		    "out of order)", seq, sid, h->next - 1);
		return;
	} else if (seq > h->next) {
		st.lost += seq - h->next;
		fault(p, "messages %" PRIu32 " to %lu of #%lu never came",
		    h->next, seq - 1, sid);
	}
	h->next = (uint32_t)seq + 1;
}

static void
peer_read(int slot)
{
	struct peer	*p = &peers[slot];
	char		 buf[READ_PER_PEER], *nl, *q;
	ssize_t		 n;
	size_t		 left, take;

	n = read(p->fd, buf, sizeof buf);
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		peer_ended(slot, strerror(errno));
		return;
	}
	if (n == 0) {
		peer_ended(slot, "EOF");
		return;
	}
	q = buf;
	left = (size_t)n;
	while (left > 0 && p->state != S_FREE) {
		nl = memchr(q, '\n', left);
		take = nl != NULL ? (size_t)(nl - q) : left;
		if (p->inlen + take >= sizeof p->in) {
			fault(p, "a line of more than %d bytes", LINE_MAX_BYTES);
			p->inlen = 0;
		} else {
			memcpy(p->in + p->inlen, q, take);
			p->inlen += take;
		}
		if (nl == NULL)
			break;
		peer_line(slot, p->in, p->inlen);
		p->inlen = 0;
		q = nl + 1;
		left -= take + 1;
	}
}

/* Write what P has queued; the messages written through are stamped. */
static void
peer_flush(int slot)
{
	struct peer	*p = &peers[slot];
	ssize_t		 n;
	size_t		 i, done;

	if (p->outlen > 0) {
		n = send(p->fd, p->out, p->outlen, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			peer_ended(slot, strerror(errno));
			return;
		}
		done = (size_t)n;
		for (i = 0; i < p->npend && p->pend_end[i] <= done; i++) {
			clk++;
			senders[p->id].written[p->pend_seq[i] - 1] = clk;
		}
		memmove(p->pend_seq, p->pend_seq + i,
		    (p->npend - i) * sizeof *p->pend_seq);
		memmove(p->pend_end, p->pend_end + i,
		    (p->npend - i) * sizeof *p->pend_end);
		p->npend -= i;
		for (i = 0; i < p->npend; i++)
			p->pend_end[i] -= done;
		memmove(p->out, p->out + done, p->outlen - done);
		p->outlen -= done;
	}
	if (p->outlen == 0 && p->shut_pending) {
		p->shut_pending = 0;
		clk++;
		p->leave_clock = clk;
		if (shutdown(p->fd, SHUT_WR) == -1)
			peer_ended(slot, strerror(errno));
	}
}

/* P says message number K+1: "m ID K+1 xxx...". */
static void
peer_say(int slot)
{
	struct peer	*p = &peers[slot];
	struct sender	*s = sender(p->id);
	char		 line[300];
	int		 n, pad = (int)rnd(200);

	if (p->outlen + sizeof line > sizeof p->out ||
	    p->npend == ARRAY_SIZE(p->pend_seq))
		return;
	if (s->nwritten == s->size) {
		s->size = s->size == 0 ? 16 : s->size * 2;
		s->written = xreallocarray(s->written, s->size,
		    sizeof *s->written);
		s->echoed = xreallocarray(s->echoed, s->size,
		    sizeof *s->echoed);
	}
	if (s->nwritten == 0) {
		if (ntalkers == talkers_size) {
			talkers_size = talkers_size == 0 ? 256 :
			    talkers_size * 2;
			talkers = xreallocarray(talkers, talkers_size,
			    sizeof *talkers);
		}
		talkers[ntalkers++] = p->id;
	}
	s->nwritten++;
	/* Not written until the last byte is: later than any clock. */
	s->written[s->nwritten - 1] = UINT64_MAX;
	n = snprintf(line, sizeof line, "m %" PRIu32 " %" PRIu32 " %.*s\n",
	    p->id, s->nwritten, pad,
	    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghij"
	    "klmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrst"
	    "uvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcd"
	    "efghijklmnopqrstuvwxyz");
	memcpy(p->out + p->outlen, line, (size_t)n);
	p->outlen += (size_t)n;
	p->pend_seq[p->npend] = s->nwritten;
	p->pend_end[p->npend] = p->outlen;
	p->npend++;
	st.messages++;
	peer_flush(slot);
}

static void
peer_leave(int slot, enum leave_mode mode)
{
	struct peer	*p = &peers[slot];
	static const char quit[] = "/quit soaked\n";

	live_remove(slot);
	p->mode = mode;
	switch (mode) {
	case LEAVE_ABORT:
		st.aborted++;
		peer_free(slot);
		return;
	case LEAVE_QUIT:
		st.quits++;
		p->state = S_LEAVING;
		if (p->outlen + sizeof quit > sizeof p->out) {
			p->shut_pending = 1;
			return;
		}
		memcpy(p->out + p->outlen, quit, sizeof quit - 1);
		p->outlen += sizeof quit - 1;
		/* What was said before the /quit is relayed before it. */
		clk++;
		p->leave_clock = clk;
		peer_flush(slot);
		return;
	case LEAVE_SHUT:
		st.shuts++;
		p->state = S_LEAVING;
		p->shut_pending = 1;
		peer_flush(slot);
		return;
	}
}

static int
free_slot(void)
{
	int	i;

	for (i = 0; i < nslots; i++)
		if (peers[i].state == S_FREE)
			return i;
	return -1;
}

static void
peer_connect(void)
{
	struct peer	*p;
	int		 slot;

	if ((slot = free_slot()) == -1)
		return;
	p = &peers[slot];
	p->fd = socket(server->ai_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (p->fd == -1)
		failx("socket: %s", strerror(errno));
	if (connect(p->fd, server->ai_addr, server->ai_addrlen) == -1 &&
	    errno != EINPROGRESS)
		failx("connect: %s", strerror(errno));
	p->state = S_CONNECTING;
	p->id = next_id++;
	p->live = -1;
	sender(p->id);
	st.peers++;
}

static void
peer_connected(int slot)
{
	struct peer		*p = &peers[slot];
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;
	int			 err = 0;

	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0) {
		st.cut++;
		fault(p, "connect: %s", strerror(err));
		peer_free(slot);
		return;
	}
	len = sizeof ss;
	if (getsockname(p->fd, (struct sockaddr *)&ss, &len) == -1)
		failx("getsockname: %s", strerror(errno));
	addr_format_sockaddr((struct sockaddr *)&ss, len, p->nick);
	p->nicklen = strlen(p->nick);
	p->state = S_JOINING;
}

static void
raise_nofile(int need)
{
	long	limit = net_raise_nofile();

	if (limit < (long)need + 16)
		failx("the open file limit is %ld, %d peers need more",
		    limit, need);
}

static void NORETURN
usage(void)
{
	fprintf(stderr, "usage: %s [-c CHURN] [-m MSGS] [-n PEERS] "
	    "[-s SEED] [-t SECS] HOST PORT\n"
	    "  PEERS (2000) in one room for SECS (120); each second CHURN "
	    "(20) leave\n  and as many join, MSGS (200) messages are said\n",
	    progname);
	exit(2);
}

int
main(int argc, char **argv)
{
	const char	*err;
	double		 start, end, t, last_tick, msg_due = 0, churn_due = 0;
	double		 drain_end = 0, last_report;
	long		 npeers = 2000, secs = 120, churn = 20, msgs = 200;
	int		 ch, i, n, rc, draining = 0, slot, ramp;
	unsigned long	 seed = 1;

	while ((ch = getopt(argc, argv, "c:m:n:s:t:")) != -1) {
		switch (ch) {
		case 'c':
			churn = parse_num(optarg, 0, 100000);
			break;
		case 'm':
			msgs = parse_num(optarg, 0, 1000000);
			break;
		case 'n':
			npeers = parse_num(optarg, 1, 100000);
			break;
		case 's':
			seed = (unsigned long)parse_num(optarg, 0, LONG_MAX);
			break;
		case 't':
			secs = parse_num(optarg, 1, 86400);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();
	rng_state ^= seed * 0x9E3779B97F4A7C15ULL;
	signal(SIGPIPE, SIG_IGN);
	if (net_resolve(argv[optind], (uint16_t)parse_num(argv[optind + 1], 1,
	    65535), SOCK_STREAM, 0, &server, &err) == -1)
		failx("%s port %s: %s", argv[optind], argv[optind + 1], err);
	/* Room for the leavers still draining while newcomers join. */
	nslots = (int)npeers * 2 + 64;
	raise_nofile(nslots);
	peers = xcalloc(nslots, sizeof *peers);
	pfds = xcalloc(nslots, sizeof *pfds);
	pslot = xcalloc(nslots, sizeof *pslot);
	live = xcalloc(nslots, sizeof *live);
	for (i = 0; i < nslots; i++) {
		peers[i].fd = -1;
		peers[i].live = -1;
	}

	start = last_tick = last_report = now();
	end = start + secs;
	printf("soak: %ld peers, %ld s, %ld messages/s, %ld leave and join/s, "
	    "seed %lu\n", npeers, secs, msgs, churn, seed);
	fflush(stdout);
	for (;;) {
		t = now();
		if (!draining && t >= end) {
			/* Time is up: no more talk; everyone leaves in order. */
			draining = 1;
			drain_end = t + DRAIN_SECS;
			for (i = 0; i < nslots; i++) {
				if (peers[i].state == S_IN)
					peer_leave(i, rnd(4) == 0 ?
					    LEAVE_QUIT : LEAVE_SHUT);
				else if (peers[i].state == S_CONNECTING ||
				    peers[i].state == S_JOINING)
					peer_free(i);
			}
		}
		if (draining && t >= drain_end) {
			for (i = n = 0; i < nslots; i++)
				n += peers[i].state != S_FREE;
			fprintf(stderr, "%s: %d peers still open %g s after the "
			    "end\n", progname, n, DRAIN_SECS);
			st.errors++;
			break;
		}
		if (!draining && t - last_tick >= TICK_SECS) {
			double	dt = t - last_tick;

			last_tick = t;
			/* Up to the population, 200 newcomers a tick. */
			for (i = n = 0; i < nslots; i++)
				n += peers[i].state == S_CONNECTING ||
				    peers[i].state == S_JOINING ||
				    peers[i].state == S_IN;
			for (ramp = 0; n < npeers && ramp < 200; n++, ramp++)
				peer_connect();
			churn_due += churn * dt;
			for (; churn_due >= 1 && nlive > 0; churn_due--) {
				slot = live[rnd(nlive)];
				n = (int)rnd(20);
				peer_leave(slot, n < 14 ? LEAVE_SHUT :
				    n < 17 ? LEAVE_QUIT : LEAVE_ABORT);
			}
			msg_due += msgs * dt;
			for (; msg_due >= 1 && nlive > 0; msg_due--)
				peer_say(live[rnd(nlive)]);
			if (msg_due > msgs)
				msg_due = msgs;
		}
		if (t - last_report >= 10) {
			last_report = t;
			printf("soak: %.0f s: %d in the room, %" PRIu64
			    " peers so far, %" PRIu64 " messages, %" PRIu64
			    " delivered\n", t - start, nlive, st.peers,
			    st.messages, st.delivered);
			fflush(stdout);
		}
		for (i = n = 0; i < nslots; i++) {
			struct peer	*p = &peers[i];

			if (p->state == S_FREE)
				continue;
			pfds[n].fd = p->fd;
			pfds[n].events = p->state == S_CONNECTING ? POLLOUT :
			    POLLIN | (p->outlen > 0 || p->shut_pending ?
			    POLLOUT : 0);
			pfds[n].revents = 0;
			pslot[n++] = i;
		}
		if (draining && n == 0)
			break;
		if ((rc = poll(pfds, n, 5)) == -1) {
			if (errno == EINTR)
				continue;
			failx("poll: %s", strerror(errno));
		}
		for (i = 0; rc > 0 && i < n; i++) {
			slot = pslot[i];
			if (pfds[i].revents == 0)
				continue;
			if (peers[slot].state == S_CONNECTING) {
				peer_connected(slot);
				continue;
			}
			if (pfds[i].revents & POLLOUT)
				peer_flush(slot);
			if (peers[slot].state != S_FREE &&
			    pfds[i].revents & (POLLIN | POLLHUP | POLLERR))
				peer_read(slot);
		}
	}

	printf("soak: peers %" PRIu64 " (at most %" PRIu64 " in the room at "
	    "once), messages %" PRIu64 ", delivered %" PRIu64 "; reckoned %"
	    PRIu64 " peers that left in order (%" PRIu64 " half-closed, %"
	    PRIu64 " /quit), %" PRIu64 " closed abruptly; required %" PRIu64
	    ", lost %" PRIu64 ", reordered %" PRIu64 ", cut %" PRIu64
	    ", errors %" PRIu64 "\n", st.peers, st.max_online, st.messages,
	    st.delivered, st.reckoned, st.shuts, st.quits, st.aborted,
	    st.required, st.lost, st.reordered, st.cut, st.errors);
	return st.lost == 0 && st.reordered == 0 && st.cut == 0 &&
	    st.errors == 0 ? 0 : 1;
}
