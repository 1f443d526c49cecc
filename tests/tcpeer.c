/*
 * tcpeer.c: the end-to-end tests' own network peer. Each subcommand is one
 * thing a shell test cannot do with nc alone: many connections at once, a
 * peer that floods without reading, a datagram from a chosen source port,
 * a server that never answers. Plain POSIX sockets and poll(2); every wait
 * is bounded.
 */
#include "common.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
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

#define BUF_BYTES		(64 * 1024)
#define DGRAM_MAX_BYTES		65535
/* After a reply, how long chat and udp wait for more of it. */
#define QUIET_MS		150
/* How long noread waits for its connection. */
#define CONNECT_SECS		5.0
/* A flood is stalled when the socket takes nothing for this long. */
#define STALL_MS		1000
/* The stamp of the default format: "Wed Aug 14 20:50:19 2013". */
#define CTIME_LEN		24
#define MANY_LINE_MAX		128

static const char	*progname = "tcpeer";

static const char *const usage_lines[] = {
	"send [-w SECS] HOST PORT",
	"    stdin to the server, half-close, the replies to stdout until it "
	"closes",
	"recv [-w SECS] HOST PORT",
	"    send nothing; what comes to stdout until the server closes",
	"chat [-i SECS] [-w SECS] HOST PORT MSG...",
	"    send each MSG as one write (with -i, one every SECS), print its "
	"reply",
	"    and a newline",
	"probe HOST PORT",
	"    exit 0 if a TCP connection is accepted",
	"many [-w SECS] [-g FILE] HOST PORT N",
	"    N connections at once, each sends \"peer-I\" and must get exactly",
	"    its own stamped line back",
	"flood-noread [-h SECS] [-l LEN] HOST PORT BYTES",
	"    send BYTES in LEN-byte lines, never read; print \"stalled after",
	"    N bytes\" when the server stops taking them, then hold the "
	"connection",
	"udp [-s SRCPORT] [-n N] [-w SECS] HOST PORT",
	"    stdin as one datagram; the replies to stdout; with -n exactly N",
	"sink [-u] [-h SECS] HOST",
	"    a server that takes everything, answers nothing, closes nothing;",
	"    prints its port",
	"free-port [-u] HOST",
	"    print a port that was free on HOST",
	"room [-w SECS] [-s SENDERS] [-m LINES] [-l LEN] [-r RATE] [-b SECS]",
	"     [-d SECS] [-o ONLINE] [-h SECS] HOST PORT N",
	"    N peers in a room (--broadcast) wait for \"joined (ONLINE online)\"",
	"    and print \"room: ready\"; -d SECS later the first SENDERS send",
	"    LINES lines of LEN bytes each, RATE a second (0: as fast as the",
	"    socket takes them), and every peer must get every line of every",
	"    sender, in order; with -b one more peer says one line SECS after",
	"    the start and its delay is measured; with -h, once every peer",
	"    has every line, print \"room: done\" and hold them SECS more",
	"noread [-b BYTES] [-h SECS] HOST PORT",
	"    connect with a receive buffer of BYTES, print the local address,",
	"    never read; hold the connection for SECS",
	"hold [-w SECS] HOST PORT",
	"    echo-mode connections driven by commands on stdin, one answer line",
	"    each: open N (each must echo within SECS), connect N (connect",
	"    only), ping (a round trip on each served one), close N, pending",
	"udp-burst [-n N] [-i USECS] [-w SECS] HOST PORT",
	"    N datagrams \"d-I\", one every USECS; count the replies",
	"crowd [-k LINES] [-s SOURCES] [-w SECS] HOST PORT N",
	"    N peers in a room, from 127.0.0.2 to 127.0.0.(1 + SOURCES) in",
	"    turn, wait for their own join notice; then the first says LINES",
	"    lines, and every peer must get each once, in order, unclosed",
};

static void
usage(void)
{
	size_t	i;

	for (i = 0; i < ARRAY_SIZE(usage_lines); i++) {
		if (usage_lines[i][0] == ' ')
			fprintf(stderr, "       %s\n", usage_lines[i]);
		else
			fprintf(stderr, "%s %s %s\n", i == 0 ? "usage:" :
			    "      ", progname, usage_lines[i]);
	}
	exit(2);
}

static void PRINTFLIKE(1, 2) NORETURN
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

static void PRINTFLIKE(1, 2) NORETURN
failsys(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	fflush(stdout);
	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(saved));
	exit(1);
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Milliseconds left until DEADLINE, for poll(2); 0 once past. */
static int
ms_left(double deadline)
{
	double	left = deadline - now();

	return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

static double
parse_secs(const char *s)
{
	const char	*err;
	double		 d;

	if (strsecs(s, 0, 3600, &d, &err) == -1)
		failx("bad number of seconds '%s': %s", s, err);
	return d;
}

static long long
parse_num(const char *s, long long min, long long max)
{
	const char	*err;
	long long	 n;

	if (strnum(s, min, max, &n, &err) == -1)
		failx("bad number '%s' (%lld to %lld): %s", s, min, max, err);
	return n;
}

static void
set_nonblock(int fd)
{
	if (net_set_nonblock(fd) == -1)
		failsys("fcntl");
}

static void
write_all(int fd, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			failsys("write");
		}
		p += n;
		len -= n;
	}
}

/* HOST and PORT, as the command line gives them, for a socket of TYPE. */
static struct addrinfo *
resolve(const char *host, const char *port, int type, int passive)
{
	struct addrinfo	*res;
	const char	*err;

	if (net_resolve(host, (uint16_t)parse_num(port, 0, 65535), type,
	    passive, &res, &err) == -1)
		failx("%s port %s: %s", host, port, err);
	return res;
}

/* A blocking TCP connection to HOST PORT, or -1 (errno set) if QUIET. */
static int
tcp_connect(const char *host, const char *port, int quiet)
{
	struct addrinfo	*res;
	int		 fd, saved;

	res = resolve(host, port, SOCK_STREAM, 0);
	if ((fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		failsys("socket");
	if (connect(fd, res->ai_addr, res->ai_addrlen) == -1) {
		saved = errno;
		if (!quiet)
			failsys("cannot connect to %s port %s", host, port);
		close(fd);
		freeaddrinfo(res);
		errno = saved;
		return -1;
	}
	freeaddrinfo(res);
	return fd;
}

/*
 * A non-blocking TCP connection to HOST PORT made within SECS, or -1 with
 * errno set (ETIMEDOUT when the server did not complete it in time). A
 * RCVBUF above 0 is set before connecting, so that the window offered is
 * small from the start.
 */
static int
tcp_connect_within(const char *host, const char *port, double secs,
    int rcvbuf)
{
	struct addrinfo	*res;
	struct pollfd	 pfd;
	socklen_t	 len;
	int		 fd, err = 0, rc;

	res = resolve(host, port, SOCK_STREAM, 0);
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1)
		failsys("socket");
	if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
	    sizeof rcvbuf) == -1)
		failsys("setsockopt SO_RCVBUF");
	if (connect(fd, res->ai_addr, res->ai_addrlen) == -1) {
		if (errno != EINPROGRESS)
			err = errno;
		else {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			while ((rc = poll(&pfd, 1, (int)(secs * 1000))) == -1 &&
			    errno == EINTR)
				;
			len = sizeof err;
			if (rc == 0)
				err = ETIMEDOUT;
			else if (rc == -1 || getsockopt(fd, SOL_SOCKET,
			    SO_ERROR, &err, &len) == -1)
				err = errno;
		}
	}
	freeaddrinfo(res);
	if (err != 0) {
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* Whether S starts with a default stamp, "[Wed Aug 14 20:50:19 2013] ". */
static int
stamped(const char *s, size_t len)
{
	static const char	 shape[] = "Aaa Aaa _d dd:dd:dd dddd";
	size_t			 i;
	char			 c;

	if (len < CTIME_LEN + 3 || s[0] != '[' || s[CTIME_LEN + 1] != ']' ||
	    s[CTIME_LEN + 2] != ' ')
		return 0;
	for (i = 0; i < CTIME_LEN; i++) {
		c = s[i + 1];
		switch (shape[i]) {
		case 'A':
			if (c < 'A' || c > 'Z')
				return 0;
			break;
		case 'a':
			if (c < 'a' || c > 'z')
				return 0;
			break;
		case 'd':
			if (c < '0' || c > '9')
				return 0;
			break;
		case '_':
			if (c != ' ' && (c < '0' || c > '3'))
				return 0;
			break;
		default:
			if (c != shape[i])
				return 0;
		}
	}
	return 1;
}

/*
 * send, recv: like nc -N. SEND copies stdin to the server and half-closes
 * at its end; both copy what comes to stdout until the server closes.
 */
static int
cmd_send(int argc, char **argv, int sending)
{
	static char	 in[BUF_BYTES], out[BUF_BYTES];
	struct pollfd	 pfd[2];
	double		 wait = 5, deadline;
	size_t		 inoff = 0, inlen = 0;
	ssize_t		 n;
	int		 ch, fd, stdin_eof = !sending, shut = !sending;

	while ((ch = getopt(argc, argv, "w:")) != -1) {
		if (ch != 'w')
			usage();
		wait = parse_secs(optarg);
	}
	if (argc - optind != 2)
		usage();
	fd = tcp_connect(argv[optind], argv[optind + 1], 0);
	set_nonblock(fd);
	deadline = now() + wait;

	for (;;) {
		if (stdin_eof && inlen == 0 && !shut) {
			if (shutdown(fd, SHUT_WR) == -1)
				failsys("shutdown");
			shut = 1;
		}
		pfd[0].fd = !stdin_eof && inlen == 0 ? STDIN_FILENO : -1;
		pfd[0].events = POLLIN;
		pfd[1].fd = fd;
		pfd[1].events = POLLIN | (inlen > 0 ? POLLOUT : 0);
		if ((n = poll(pfd, 2, ms_left(deadline))) == -1) {
			if (errno == EINTR)
				continue;
			failsys("poll");
		}
		if (n == 0)
			failx("timed out after %g s: the server did not close "
			    "the connection%s", wait, shut ? "" :
			    " (and our input was not all sent)");
		if (pfd[0].revents != 0) {
			if ((n = read(STDIN_FILENO, in, sizeof in)) == -1)
				failsys("read standard input");
			if (n == 0)
				stdin_eof = 1;
			inoff = 0;
			inlen = n;
		}
		if (pfd[1].revents & POLLOUT) {
			n = write(fd, in + inoff, inlen);
			if (n == -1 && errno != EAGAIN && errno != EINTR)
				failsys("send");
			if (n > 0) {
				inoff += n;
				inlen -= n;
			}
		}
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(fd, out, sizeof out);
			if (n == -1 && errno != EAGAIN && errno != EINTR)
				failsys("receive");
			if (n == 0)
				break;
			if (n > 0)
				write_all(STDOUT_FILENO, out, n);
		}
	}
	if (!shut)
		failx("the server closed before our input was all sent");
	close(fd);
	return 0;
}

/* Read what comes within WAIT s, until QUIET_MS pass without more. */
static size_t
read_reply(int fd, char *buf, size_t size, double wait)
{
	struct pollfd	pfd;
	double		deadline = now() + wait;
	size_t		len = 0;
	ssize_t		n;
	int		rc;

	pfd.fd = fd;
	pfd.events = POLLIN;
	while (len < size) {
		rc = poll(&pfd, 1, len == 0 ? ms_left(deadline) : QUIET_MS);
		if (rc == -1 && errno == EINTR)
			continue;
		if (rc == -1)
			failsys("poll");
		if (rc == 0)
			break;
		if ((n = read(fd, buf + len, size - len)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			failsys("receive");
		}
		if (n == 0)
			break;
		len += n;
	}
	return len;
}

/* Hold on for SECS (or until a signal ends us), doing nothing. */
static void
hold(double secs)
{
	double	deadline = now() + secs;

	while (ms_left(deadline) > 0)
		(void)poll(NULL, 0, ms_left(deadline));
}

/* chat: one write per MSG, and its reply printed with a newline. */
static int
cmd_chat(int argc, char **argv)
{
	static char	 buf[BUF_BYTES];
	double		 wait = 5, every = 0, start;
	size_t		 len;
	int		 ch, fd, i;

	while ((ch = getopt(argc, argv, "i:w:")) != -1) {
		if (ch == 'i')
			every = parse_secs(optarg);
		else if (ch == 'w')
			wait = parse_secs(optarg);
		else
			usage();
	}
	if (argc - optind < 3)
		usage();
	fd = tcp_connect(argv[optind], argv[optind + 1], 0);
	start = now();
	for (i = optind + 2; i < argc; i++) {
		/* With -i, message K goes at K * EVERY seconds. */
		if (every > 0)
			hold(start + (i - optind - 2) * every - now());
		write_all(fd, argv[i], strlen(argv[i]));
		if ((len = read_reply(fd, buf, sizeof buf, wait)) == 0)
			failx("no reply to message %d within %g s",
			    i - optind - 1, wait);
		write_all(STDOUT_FILENO, buf, len);
		write_all(STDOUT_FILENO, "\n", 1);
	}
	close(fd);
	return 0;
}

static int
cmd_probe(int argc, char **argv)
{
	int	fd;

	if (argc != 3)
		usage();
	if ((fd = tcp_connect(argv[1], argv[2], 1)) == -1)
		return 1;
	close(fd);
	return 0;
}

enum many_state {
	M_CONNECTING,
	M_CONNECTED,		/* waiting for the others */
	M_SENT,			/* waiting for its reply */
	M_SHUT,			/* half-closed: waiting for the close */
	M_DONE,
	M_FAILED,
};

struct many_peer {
	int		fd;
	enum many_state	state;
	size_t		len;
	char		buf[MANY_LINE_MAX];
};

static unsigned int	many_failures;

static void PRINTFLIKE(3, 4)
many_fail(struct many_peer *m, int i, const char *fmt, ...)
{
	va_list	ap;

	if (many_failures++ < 5) {
		fprintf(stderr, "%s: peer-%d: ", progname, i);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	close(m->fd);
	m->fd = -1;
	m->state = M_FAILED;
}

/* Check peer I's reply: exactly "[STAMP] peer-I\n", then the close. */
static void
many_read(struct many_peer *m, int i)
{
	char	want[32];
	ssize_t	n;
	size_t	wlen;

	n = read(m->fd, m->buf + m->len, sizeof m->buf - m->len);
	if (n == -1) {
		if (errno != EAGAIN && errno != EINTR)
			many_fail(m, i, "receive: %s", strerror(errno));
		return;
	}
	if (n == 0) {
		if (m->state == M_SHUT) {
			close(m->fd);
			m->fd = -1;
			m->state = M_DONE;
		} else
			many_fail(m, i, "closed after %zu bytes, before its "
			    "reply was whole", m->len);
		return;
	}
	if (m->state == M_SHUT) {
		many_fail(m, i, "got %zd bytes more after its reply", n);
		return;
	}
	m->len += n;
	if (memchr(m->buf, '\n', m->len) == NULL) {
		if (m->len == sizeof m->buf)
			many_fail(m, i, "a reply of %zu bytes without a "
			    "newline", m->len);
		return;
	}
	wlen = snprintf(want, sizeof want, "peer-%d\n", i);
	if (!stamped(m->buf, m->len) || m->len != CTIME_LEN + 3 + wlen ||
	    memcmp(m->buf + CTIME_LEN + 3, want, wlen) != 0) {
		many_fail(m, i, "expected \"[STAMP] peer-%d\", got \"%.*s\"",
		    i, (int)(m->len - 1), m->buf);
		return;
	}
	if (shutdown(m->fd, SHUT_WR) == -1) {
		many_fail(m, i, "shutdown: %s", strerror(errno));
		return;
	}
	m->state = M_SHUT;
}

/* Whether FILE holds TEXT. */
static int
file_holds(const char *file, const char *text)
{
	char	 buf[4096];
	FILE	*f;
	int	 found = 0;

	if ((f = fopen(file, "r")) == NULL)
		return 0;
	while (!found && fgets(buf, sizeof buf, f) != NULL)
		found = strstr(buf, text) != NULL;
	fclose(f);
	return found;
}

static int
cmd_many(int argc, char **argv)
{
	struct many_peer	*peers, *m;
	struct pollfd		*pfd;
	struct addrinfo		*res;
	double			 wait = 30, deadline, start;
	const char		*gate = NULL;
	char			 gate_text[64];
	unsigned int		 counts[M_FAILED + 1];
	char			 line[32];
	socklen_t		 elen;
	int			 ch, n, i, k, npfd, err, *which;

	while ((ch = getopt(argc, argv, "g:w:")) != -1) {
		if (ch == 'g')
			gate = optarg;
		else if (ch == 'w')
			wait = parse_secs(optarg);
		else
			usage();
	}
	if (argc - optind != 3)
		usage();
	n = (int)parse_num(argv[optind + 2], 1, 100000);
	(void)net_raise_nofile();
	res = resolve(argv[optind], argv[optind + 1], SOCK_STREAM, 0);
	peers = xcalloc(n, sizeof *peers);
	pfd = xcalloc(n, sizeof *pfd);
	which = xcalloc(n, sizeof *which);
	start = now();
	deadline = start + wait;

	for (i = 0; i < n; i++) {
		m = &peers[i];
		m->fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		if (m->fd == -1)
			failsys("socket %d of %d", i + 1, n);
		if (connect(m->fd, res->ai_addr, res->ai_addrlen) == -1 &&
		    errno != EINPROGRESS)
			failsys("connect %d of %d", i + 1, n);
		m->state = M_CONNECTING;
	}
	freeaddrinfo(res);

	for (;;) {
		memset(counts, 0, sizeof counts);
		for (i = 0; i < n; i++)
			counts[peers[i].state]++;
		if (counts[M_DONE] + counts[M_FAILED] == (unsigned int)n)
			break;
		/*
		 * Every peer connected: all send at once; with -g, once the
		 * server's log (FILE) says it took them all, so that none is
		 * served and gone before the last is taken.
		 */
		if (counts[M_CONNECTED] > 0 && counts[M_CONNECTING] == 0 &&
		    gate != NULL) {
			snprintf(gate_text, sizeof gate_text,
			    "connected (%d online)", n);
			while (!file_holds(gate, gate_text) && now() < deadline)
				(void)poll(NULL, 0, 10);
			gate = NULL;
		}
		if (counts[M_CONNECTED] > 0 && counts[M_CONNECTING] == 0) {
			for (i = 0; i < n; i++) {
				m = &peers[i];
				if (m->state != M_CONNECTED)
					continue;
				k = snprintf(line, sizeof line, "peer-%d\n", i);
				if (write(m->fd, line, k) != k)
					many_fail(m, i, "send: %s",
					    strerror(errno));
				else
					m->state = M_SENT;
			}
			continue;
		}
		for (i = npfd = 0; i < n; i++) {
			m = &peers[i];
			if (m->state == M_CONNECTING)
				pfd[npfd].events = POLLOUT;
			else if (m->state == M_SENT || m->state == M_SHUT)
				pfd[npfd].events = POLLIN;
			else
				continue;
			pfd[npfd].fd = m->fd;
			which[npfd++] = i;
		}
		if ((k = poll(pfd, npfd, ms_left(deadline))) == -1) {
			if (errno == EINTR)
				continue;
			failsys("poll");
		}
		if (k == 0) {
			fprintf(stderr, "%s: timed out after %g s: %u "
			    "connecting, %u waiting for their reply, %u for "
			    "the close\n", progname, wait,
			    counts[M_CONNECTING], counts[M_SENT],
			    counts[M_SHUT]);
			many_failures += counts[M_CONNECTING] + counts[M_SENT] +
			    counts[M_SHUT];
			break;
		}
		for (k = 0; k < npfd; k++) {
			if (pfd[k].revents == 0)
				continue;
			i = which[k];
			m = &peers[i];
			if (m->state != M_CONNECTING) {
				many_read(m, i);
				continue;
			}
			elen = sizeof err;
			if (getsockopt(m->fd, SOL_SOCKET, SO_ERROR, &err,
			    &elen) == -1)
				err = errno;
			if (err != 0)
				many_fail(m, i, "connect: %s", strerror(err));
			else
				m->state = M_CONNECTED;
		}
	}
	printf("many: %d peers connected at once; %u got exactly their own "
	    "reply and the close, %u failed (%.2f s)\n", n,
	    n - many_failures, many_failures, now() - start);
	for (i = 0; i < n; i++)
		if (peers[i].fd != -1)
			close(peers[i].fd);
	free(peers);
	free(pfd);
	free(which);
	return many_failures == 0 ? 0 : 1;
}

/* flood-noread: lines and more lines, and never a read. */
static int
cmd_flood(int argc, char **argv)
{
	static char		 buf[BUF_BYTES];
	struct pollfd		 pfd;
	unsigned long long	 total, sent = 0;
	double			 hold_secs = 30;
	size_t			 off = 0, i, linelen = 64;
	ssize_t			 n;
	int			 ch, fd, rc;

	while ((ch = getopt(argc, argv, "h:l:")) != -1) {
		if (ch == 'h')
			hold_secs = parse_secs(optarg);
		else if (ch == 'l')
			linelen = parse_num(optarg, 1, 1024);
		else
			usage();
	}
	if (argc - optind != 3)
		usage();
	total = parse_num(argv[optind + 2], 1, 1LL << 40);
	/*
	 * Lines of LINELEN bytes, the newline included; only whole lines of
	 * the buffer are used, so that they run on from write to write.
	 */
	for (i = 0; i < sizeof buf; i++)
		buf[i] = i % linelen == linelen - 1 ? '\n' :
		    (char)('a' + i % 26);
	fd = tcp_connect(argv[optind], argv[optind + 1], 0);
	set_nonblock(fd);
	pfd.fd = fd;
	pfd.events = POLLOUT;

	while (sent < total) {
		n = write(fd, buf + off, MINIMUM(sizeof buf -
		    sizeof buf % linelen - off, total - sent));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				failsys("send after %llu bytes", sent);
			rc = poll(&pfd, 1, STALL_MS);
			if (rc == -1 && errno != EINTR)
				failsys("poll");
			if (rc == 0)
				break;
			if (pfd.revents & (POLLERR | POLLHUP))
				failx("the connection broke after %llu bytes",
				    sent);
			continue;
		}
		sent += n;
		off = (off + n) % (sizeof buf - sizeof buf % linelen);
	}
	if (sent < total)
		printf("stalled after %llu bytes\n", sent);
	else
		printf("sent all %llu bytes without stalling\n", sent);
	fflush(stdout);
	hold(hold_secs);
	close(fd);
	return 0;
}

/* Bind FD to the loopback address of FAMILY, port PORT. */
static void
bind_loopback(int fd, int family, unsigned int port)
{
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;

	if (family == AF_INET) {
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_port = htons(port);
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
			failsys("bind 127.0.0.1 port %u", port);
	} else {
		memset(&sin6, 0, sizeof sin6);
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons(port);
		sin6.sin6_addr = in6addr_loopback;
		if (bind(fd, (struct sockaddr *)&sin6, sizeof sin6) == -1)
			failsys("bind ::1 port %u", port);
	}
}

/* udp: standard input as one datagram; the replies to stdout. */
static int
cmd_udp(int argc, char **argv)
{
	static char	 buf[DGRAM_MAX_BYTES + 1];
	struct addrinfo	*res;
	struct pollfd	 pfd;
	double		 wait = 1, deadline;
	size_t		 len = 0;
	ssize_t		 n;
	long long	 expect = -1, got = 0;
	int		 ch, fd, src = -1, rc;

	while ((ch = getopt(argc, argv, "s:n:w:")) != -1) {
		switch (ch) {
		case 's':
			src = (int)parse_num(optarg, 1, 65535);
			break;
		case 'n':
			expect = parse_num(optarg, 0, 1000);
			break;
		case 'w':
			wait = parse_secs(optarg);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();
	while ((n = read(STDIN_FILENO, buf + len, sizeof buf - len)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			failsys("read standard input");
		len += n;
		if (len == sizeof buf)
			failx("a datagram holds at most %d bytes",
			    DGRAM_MAX_BYTES);
	}
	res = resolve(argv[optind], argv[optind + 1], SOCK_DGRAM, 0);
	if ((fd = socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		failsys("socket");
	if (src != -1)
		bind_loopback(fd, res->ai_family, src);
	/* Connected: only the server's datagrams come in. */
	if (connect(fd, res->ai_addr, res->ai_addrlen) == -1)
		failsys("connect");
	freeaddrinfo(res);
	if (send(fd, buf, len, 0) != (ssize_t)len)
		failsys("send");

	pfd.fd = fd;
	pfd.events = POLLIN;
	deadline = now() + wait;
	while ((rc = poll(&pfd, 1, ms_left(deadline))) != 0) {
		if (rc == -1 && errno == EINTR)
			continue;
		if (rc == -1)
			failsys("poll");
		if ((n = recv(fd, buf, sizeof buf, 0)) == -1) {
			if (errno == EINTR)
				continue;
			failsys("receive");
		}
		write_all(STDOUT_FILENO, buf, n);
		got++;
		/* As many as expected: a little longer, for one too many. */
		if (expect >= 0 && got >= expect &&
		    deadline > now() + QUIET_MS / 1000.)
			deadline = now() + QUIET_MS / 1000.;
	}
	close(fd);
	if (expect >= 0 && got != expect)
		failx("expected %lld reply datagram%s within %g s, got %lld",
		    expect, expect == 1 ? "" : "s", wait, got);
	return 0;
}

/* A socket of TYPE bound to HOST, any port. */
static int
bind_any_port(const char *host, int type)
{
	struct addrinfo	*res;
	int		 fd;

	res = resolve(host, "0", type, 1);
	if ((fd = socket(res->ai_family, type | SOCK_CLOEXEC, 0)) == -1)
		failsys("socket");
	if (bind(fd, res->ai_addr, res->ai_addrlen) == -1)
		failsys("bind %s", host);
	freeaddrinfo(res);
	return fd;
}

static unsigned int
local_port(int fd)
{
	uint16_t	port;

	if ((port = net_local_port(fd)) == 0)
		failx("cannot tell the port of the socket bound");
	return port;
}

/* sink: take connections and datagrams, read everything, answer nothing. */
static int
cmd_sink(int argc, char **argv)
{
	static char	 buf[BUF_BYTES];
	struct pollfd	 pfd[64];
	double		 hold_secs = 60, deadline;
	int		 ch, udp = 0, npfd = 1, i, fd;
	ssize_t		 n;

	while ((ch = getopt(argc, argv, "uh:")) != -1) {
		if (ch == 'u')
			udp = 1;
		else if (ch == 'h')
			hold_secs = parse_secs(optarg);
		else
			usage();
	}
	if (argc - optind != 1)
		usage();
	pfd[0].fd = bind_any_port(argv[optind], udp ? SOCK_DGRAM :
	    SOCK_STREAM);
	pfd[0].events = POLLIN;
	if (!udp && listen(pfd[0].fd, 16) == -1)
		failsys("listen");
	printf("%u\n", local_port(pfd[0].fd));
	fflush(stdout);

	deadline = now() + hold_secs;
	while ((n = poll(pfd, npfd, ms_left(deadline))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			failsys("poll");
		for (i = npfd - 1; i >= 0; i--) {
			if (pfd[i].revents == 0)
				continue;
			if (i == 0 && !udp) {
				fd = accept(pfd[0].fd, NULL, NULL);
				if (fd != -1 && npfd == (int)ARRAY_SIZE(pfd))
					close(fd);
				else if (fd != -1) {
					pfd[npfd].fd = fd;
					pfd[npfd++].events = POLLIN;
				}
				continue;
			}
			n = read(pfd[i].fd, buf, sizeof buf);
			if (n == -1 && i > 0 && errno != EAGAIN &&
			    errno != EINTR) {
				close(pfd[i].fd);
				pfd[i] = pfd[--npfd];
			} else if (n == 0 && i > 0) {
				/*
				 * The peer half-closed: keep the connection
				 * open and silent, but stop polling it.
				 */
				pfd[i].fd = -pfd[i].fd - 1;
			}
		}
	}
	return 0;
}

static int
cmd_free_port(int argc, char **argv)
{
	int	ch, udp = 0, fd;

	while ((ch = getopt(argc, argv, "u")) != -1) {
		if (ch != 'u')
			usage();
		udp = 1;
	}
	if (argc - optind != 1)
		usage();
	fd = bind_any_port(argv[optind], udp ? SOCK_DGRAM : SOCK_STREAM);
	printf("%u\n", local_port(fd));
	close(fd);
	return 0;
}

/*
 * room: N peers in a room, some of them senders. A sender's line is
 * "S<i> <seq> " padded to LEN bytes with a pattern; each peer checks that
 * it gets every sender's lines whole, from the sender's nick, in order.
 */
#define ROOM_EXTRA	256	/* a stamp, a nick or a notice around a line */

enum room_state {
	R_CONNECTING,
	R_JOINING,		/* waiting for "joined (ONLINE online)" */
	R_READY,
	R_FAILED,
};

struct room_peer {
	int		 fd;
	enum room_state	 state;
	char		*buf;		/* an unfinished line */
	size_t		 len;
	unsigned int	*next;		/* per sender: the seq expected next */
	unsigned int	 senders_done;
	int		 done;		/* every line and the marker */
	double		 done_at;	/* when every sender's line had come */
	double		 marker_at;
};

struct room_sender {
	int		 peer;		/* index in the peers */
	char		 nick[ADDR_STRLEN];
	size_t		 nicklen;
	unsigned int	 made;		/* lines put in the buffer */
	char		*out;
	size_t		 off, len;
	double		 stall_since;	/* a write would block since */
	double		 max_stall;
	double		 done_at;
};

struct room {
	struct room_peer	*peers;
	struct room_sender	*senders;
	int			 npeers, nsenders, marker;
	unsigned int		 lines, linelen, online;
	char			*pattern;	/* the padding, by position */
	double			 start;		/* when the senders began */
	double			 marker_sent;
	unsigned int		 failures, complete;
};

static void PRINTFLIKE(3, 4)
room_fail(struct room *r, int i, const char *fmt, ...)
{
	struct room_peer	*p = &r->peers[i];
	va_list			 ap;

	if (r->failures++ < 10) {
		fprintf(stderr, "%s: room peer %d: ", progname, i);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	if (p->fd != -1)
		close(p->fd);
	p->fd = -1;
	p->state = R_FAILED;
}

/* Sender I's line SEQ, its newline included, into BUF; its length. */
static size_t
room_make_line(const struct room *r, unsigned int i, unsigned int seq,
    char *buf)
{
	int	n;

	n = snprintf(buf, r->linelen + 1, "S%u %u ", i, seq);
	if (n < 0 || (unsigned int)n >= r->linelen)
		failx("lines of %u bytes are too short for their numbers",
		    r->linelen);
	memcpy(buf + n, r->pattern + n, r->linelen - n);
	buf[r->linelen] = '\n';
	return r->linelen + 1;
}

/* Count peer P complete once it has every line and the marker. */
static void
room_check_done(struct room *r, struct room_peer *p)
{
	if (!p->done && p->senders_done == (unsigned int)r->nsenders &&
	    (!r->marker || p->marker_at > 0)) {
		p->done = 1;
		r->complete++;
	}
}

/* One whole line LINE (LEN bytes, no newline) for peer I. */
static void
room_line(struct room *r, int i, const char *line, size_t len)
{
	struct room_peer	*p = &r->peers[i];
	struct room_sender	*s;
	const char		*rest, *sep, *text;
	char			 want[64];
	unsigned long		 who, seq;
	size_t			 rlen, tlen, hlen;
	char			*end;
	int			 n;

	if (!stamped(line, len)) {
		room_fail(r, i, "a line without a stamp: \"%.*s\"",
		    (int)MINIMUM(len, 200), line);
		return;
	}
	rest = line + CTIME_LEN + 3;
	rlen = len - (CTIME_LEN + 3);
	if (rlen >= 4 && memcmp(rest, "*** ", 4) == 0) {
		n = snprintf(want, sizeof want, "joined (%u online)",
		    r->online);
		if (p->state == R_JOINING && rlen >= (size_t)n &&
		    memcmp(rest + rlen - n, want, n) == 0)
			p->state = R_READY;
		return;
	}
	sep = NULL;
	for (text = rest; text + 1 < rest + rlen; text++) {
		if (text[0] == ':' && text[1] == ' ') {
			sep = text;
			break;
		}
	}
	if (sep == NULL) {
		room_fail(r, i, "not \"NICK: TEXT\": \"%.*s\"",
		    (int)MINIMUM(len, 200), line);
		return;
	}
	text = sep + 2;
	tlen = rest + rlen - text;
	if (r->marker && tlen == 8 && memcmp(text, "B marker", 8) == 0) {
		if (p->marker_at == 0)
			p->marker_at = now();
		room_check_done(r, p);
		return;
	}
	if (tlen < 2 || text[0] != 'S') {
		room_fail(r, i, "an unexpected line: \"%.*s\"",
		    (int)MINIMUM(len, 200), line);
		return;
	}
	errno = 0;
	who = strtoul(text + 1, &end, 10);
	if (errno != 0 || *end != ' ' || who >= (unsigned long)r->nsenders) {
		room_fail(r, i, "an unexpected line: \"%.*s\"",
		    (int)MINIMUM(len, 200), line);
		return;
	}
	seq = strtoul(end + 1, &end, 10);
	s = &r->senders[who];
	hlen = end + 1 - text;
	if ((size_t)(sep - rest) != s->nicklen ||
	    memcmp(rest, s->nick, s->nicklen) != 0) {
		room_fail(r, i, "sender %lu's line from \"%.*s\", not from %s",
		    who, (int)(sep - rest), rest, s->nick);
		return;
	}
	if (seq != p->next[who]) {
		room_fail(r, i, "from sender %lu: line %lu where line %u was "
		    "due (%s)", who, seq, p->next[who], seq > p->next[who] ?
		    "lines lost" : "a line again or out of order");
		return;
	}
	if (*end != ' ' || tlen != r->linelen ||
	    memcmp(text + hlen, r->pattern + hlen, tlen - hlen) != 0) {
		room_fail(r, i, "sender %lu's line %lu is not whole (%zu bytes "
		    "of %u): \"%.*s\"", who, seq, tlen, r->linelen,
		    (int)MINIMUM(tlen, 80), text);
		return;
	}
	if (++p->next[who] == r->lines &&
	    ++p->senders_done == (unsigned int)r->nsenders) {
		p->done_at = now();
		room_check_done(r, p);
	}
}

static void
room_read(struct room *r, int i)
{
	static char		 in[BUF_BYTES];
	struct room_peer	*p = &r->peers[i];
	size_t			 cap = r->linelen + ROOM_EXTRA, n, take;
	const char		*s, *nl, *end;
	ssize_t			 got;

	if ((got = read(p->fd, in, sizeof in)) == -1) {
		if (errno != EAGAIN && errno != EINTR)
			room_fail(r, i, "receive: %s (after %u lines of "
			    "sender 0)", strerror(errno), p->next[0]);
		return;
	}
	if (got == 0) {
		room_fail(r, i, "the server closed the connection (after %u "
		    "lines of sender 0)", r->nsenders > 0 ? p->next[0] : 0);
		return;
	}
	s = in;
	end = in + got;
	while (s < end && p->state != R_FAILED) {
		nl = memchr(s, '\n', end - s);
		n = (nl != NULL ? nl : end) - s;
		if (p->len > 0 || nl == NULL) {
			take = MINIMUM(n, cap - p->len);
			memcpy(p->buf + p->len, s, take);
			p->len += take;
			if (take < n) {
				room_fail(r, i, "a line of more than %zu "
				    "bytes", cap);
				return;
			}
			if (nl != NULL) {
				/* Numbers are parsed up to a non-digit. */
				p->buf[p->len] = '\0';
				room_line(r, i, p->buf, p->len);
				p->len = 0;
			}
		} else
			room_line(r, i, s, n);
		s += n + (nl != NULL);
	}
}

/* Fill sender S's buffer with the lines due by now, and write. */
static void
room_send(struct room *r, struct room_sender *s, double rate)
{
	struct room_peer	*p = &r->peers[s->peer];
	unsigned int		 due = r->lines;
	ssize_t			 n;
	double			 t;

	if (p->state == R_FAILED)
		return;
	if (rate > 0)
		due = MINIMUM(r->lines, (unsigned int)((now() - r->start) *
		    rate) + 1);
	if (s->off == s->len) {
		s->off = s->len = 0;
		while (s->made < due && s->len + r->linelen + 1 <= BUF_BYTES)
			s->len += room_make_line(r, s - r->senders, s->made++,
			    s->out + s->len);
	}
	if (s->off == s->len)
		return;
	n = write(p->fd, s->out + s->off, s->len - s->off);
	t = now();
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR) {
			if (s->stall_since == 0)
				s->stall_since = t;
			return;
		}
		room_fail(r, s->peer, "send: %s", strerror(errno));
		return;
	}
	if (s->stall_since > 0 && t - s->stall_since > s->max_stall)
		s->max_stall = t - s->stall_since;
	s->stall_since = 0;
	s->off += n;
	if (s->off == s->len && s->made == r->lines && s->done_at == 0)
		s->done_at = t;
}

static int
cmd_room(int argc, char **argv)
{
	struct room		 r;
	struct room_peer	*p;
	struct room_sender	*s;
	struct pollfd		*pfd;
	struct addrinfo		*res;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	double			 wait = 60, rate = 0, marker_secs = -1, delay = 0;
	double			 hold = 0;
	double			 deadline, t, first_done, last_done, marker_max;
	double			 send_done, max_stall;
	unsigned int		 counts[R_FAILED + 1];
	int			 ch, i, k, npfd, err, *which, timeout;

	memset(&r, 0, sizeof r);
	r.nsenders = 1;
	r.lines = 100;
	r.linelen = 64;
	while ((ch = getopt(argc, argv, "b:d:h:l:m:o:r:s:w:")) != -1) {
		switch (ch) {
		case 'b':
			marker_secs = parse_secs(optarg);
			break;
		case 'h':
			hold = parse_secs(optarg);
			break;
		case 'd':
			delay = parse_secs(optarg);
			break;
		case 'l':
			r.linelen = parse_num(optarg, 16, 60000);
			break;
		case 'm':
			r.lines = parse_num(optarg, 1, 10000000);
			break;
		case 'o':
			r.online = parse_num(optarg, 1, 1000000);
			break;
		case 'r':
			rate = parse_num(optarg, 0, 1000000);
			break;
		case 's':
			r.nsenders = parse_num(optarg, 0, 1000);
			break;
		case 'w':
			wait = parse_secs(optarg);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 3)
		usage();
	r.npeers = parse_num(argv[optind + 2], 1, 100000);
	r.marker = marker_secs >= 0;
	if (r.nsenders + r.marker > r.npeers)
		failx("%d senders%s among %d peers", r.nsenders,
		    r.marker ? " and a marker" : "", r.npeers);
	if (r.online == 0)
		r.online = r.npeers;
	(void)net_raise_nofile();
	r.pattern = xmalloc(r.linelen);
	for (k = 0; k < (int)r.linelen; k++)
		r.pattern[k] = 'a' + k % 26;
	r.peers = xcalloc(r.npeers, sizeof *r.peers);
	r.senders = xcalloc(r.nsenders > 0 ? r.nsenders : 1, sizeof *r.senders);
	pfd = xcalloc(r.npeers, sizeof *pfd);
	which = xcalloc(r.npeers, sizeof *which);
	res = resolve(argv[optind], argv[optind + 1], SOCK_STREAM, 0);
	deadline = now() + wait;
	for (i = 0; i < r.npeers; i++) {
		p = &r.peers[i];
		p->buf = xmalloc(r.linelen + ROOM_EXTRA + 1);
		p->next = xcalloc(r.nsenders > 0 ? r.nsenders : 1,
		    sizeof *p->next);
		p->fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		if (p->fd == -1)
			failsys("socket %d of %d", i + 1, r.npeers);
		if (connect(p->fd, res->ai_addr, res->ai_addrlen) == -1 &&
		    errno != EINPROGRESS)
			failsys("connect %d of %d", i + 1, r.npeers);
	}
	freeaddrinfo(res);
	for (i = 0; i < r.nsenders; i++) {
		s = &r.senders[i];
		s->peer = i;
		s->out = xmalloc(BUF_BYTES);
		sslen = sizeof ss;
		if (getsockname(r.peers[i].fd, (struct sockaddr *)&ss,
		    &sslen) == -1)
			failsys("getsockname");
		addr_format_sockaddr((struct sockaddr *)&ss, sslen, s->nick);
		s->nicklen = strlen(s->nick);
	}

	for (;;) {
		memset(counts, 0, sizeof counts);
		for (i = 0; i < r.npeers; i++)
			counts[r.peers[i].state]++;
		t = now();
		if (r.start == 0 && counts[R_READY] == (unsigned int)r.npeers) {
			/* Everyone is in: the senders begin after DELAY. */
			printf("room: ready\n");
			fflush(stdout);
			r.start = t + delay;
		}
		if (r.complete + counts[R_FAILED] >= (unsigned int)r.npeers &&
		    r.start > 0)
			break;
		if (counts[R_FAILED] > 0 && r.start == 0)
			break;
		if (t >= deadline) {
			fprintf(stderr, "%s: room: timed out after %g s: %u "
			    "connecting, %u waiting for \"joined (%u online)\","
			    " %u of %d with every line%s\n", progname, wait,
			    counts[R_CONNECTING], counts[R_JOINING], r.online,
			    r.complete, r.npeers, r.start > 0 ? "" :
			    " (the senders never began)");
			r.failures += r.npeers - r.complete - counts[R_FAILED];
			break;
		}
		timeout = ms_left(deadline);
		if (r.start > t)
			timeout = MINIMUM(timeout, 10);
		else if (r.start > 0) {
			for (i = 0; i < r.nsenders; i++)
				room_send(&r, &r.senders[i], rate);
			if (r.marker && r.marker_sent == 0 &&
			    t >= r.start + marker_secs) {
				p = &r.peers[r.nsenders];
				if (p->fd != -1 &&
				    write(p->fd, "B marker\n", 9) != 9)
					room_fail(&r, r.nsenders, "send: %s",
					    strerror(errno));
				r.marker_sent = now();
			}
			/* Paced senders and the marker wake us up. */
			if (rate > 0 || (r.marker && r.marker_sent == 0))
				timeout = MINIMUM(timeout, 10);
		}
		for (i = npfd = 0; i < r.npeers; i++) {
			p = &r.peers[i];
			if (p->state == R_FAILED)
				continue;
			pfd[npfd].fd = p->fd;
			pfd[npfd].events = p->state == R_CONNECTING ? POLLOUT :
			    POLLIN;
			if (r.start > 0 && r.start <= t && i < r.nsenders &&
			    r.senders[i].off < r.senders[i].len)
				pfd[npfd].events |= POLLOUT;
			which[npfd++] = i;
		}
		if ((k = poll(pfd, npfd, timeout)) == -1) {
			if (errno == EINTR)
				continue;
			failsys("poll");
		}
		for (k = 0; k < npfd; k++) {
			if (pfd[k].revents == 0)
				continue;
			i = which[k];
			p = &r.peers[i];
			if (p->state != R_CONNECTING) {
				if (pfd[k].revents & (POLLIN | POLLHUP |
				    POLLERR))
					room_read(&r, i);
				continue;
			}
			sslen = sizeof err;
			if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err,
			    &sslen) == -1)
				err = errno;
			if (err != 0)
				room_fail(&r, i, "connect: %s", strerror(err));
			else
				p->state = R_JOINING;
		}
	}

	/* -h: the connections stay a while, for whoever watches the server. */
	if (hold > 0 && r.failures == 0 &&
	    r.complete == (unsigned int)r.npeers) {
		printf("room: done\n");
		fflush(stdout);
		deadline = now() + hold;
		while ((timeout = ms_left(deadline)) > 0)
			(void)poll(NULL, 0, timeout);
	}
	first_done = last_done = marker_max = send_done = max_stall = 0;
	for (i = 0; i < r.npeers; i++) {
		p = &r.peers[i];
		if (p->done_at > 0 && (first_done == 0 ||
		    p->done_at - r.start < first_done))
			first_done = p->done_at - r.start;
		if (p->done_at > 0 && p->done_at - r.start > last_done)
			last_done = p->done_at - r.start;
		if (r.marker && p->marker_at > 0 &&
		    p->marker_at - r.marker_sent > marker_max)
			marker_max = p->marker_at - r.marker_sent;
		if (p->fd != -1)
			close(p->fd);
		free(p->buf);
		free(p->next);
	}
	for (i = 0; i < r.nsenders; i++) {
		s = &r.senders[i];
		if (s->done_at - r.start > send_done)
			send_done = s->done_at - r.start;
		if (s->stall_since > 0 && now() - s->stall_since > s->max_stall)
			s->max_stall = now() - s->stall_since;
		if (s->max_stall > max_stall)
			max_stall = s->max_stall;
		free(s->out);
	}
	printf("room: peers=%d senders=%d lines=%u len=%u complete=%u "
	    "failed=%u send_secs=%.3f max_stall_ms=%.0f first_done=%.3f "
	    "last_done=%.3f marker_ms=%.0f\n", r.npeers, r.nsenders, r.lines,
	    r.linelen, r.complete, r.failures, send_done, max_stall * 1000,
	    first_done, last_done, marker_max * 1000);
	free(r.pattern);
	free(r.peers);
	free(r.senders);
	free(pfd);
	free(which);
	return r.failures == 0 && r.complete == (unsigned int)r.npeers ? 0 : 1;
}

/* noread: a peer with a small receive buffer that never reads. */
static int
cmd_noread(int argc, char **argv)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;
	char			 name[ADDR_STRLEN];
	double			 hold_secs = 30;
	int			 ch, fd, rcvbuf = 4096;

	while ((ch = getopt(argc, argv, "b:h:")) != -1) {
		if (ch == 'b')
			rcvbuf = parse_num(optarg, 1, 1 << 30);
		else if (ch == 'h')
			hold_secs = parse_secs(optarg);
		else
			usage();
	}
	if (argc - optind != 2)
		usage();
	if ((fd = tcp_connect_within(argv[optind], argv[optind + 1],
	    CONNECT_SECS, rcvbuf)) == -1)
		failsys("cannot connect to %s port %s", argv[optind],
		    argv[optind + 1]);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		failsys("getsockname");
	printf("%s\n", addr_format_sockaddr((struct sockaddr *)&ss, len, name));
	fflush(stdout);
	hold(hold_secs);
	close(fd);
	return 0;
}

/* hold: connections to an echo server, driven from standard input. */
struct hold_conns {
	int		*fds;
	unsigned int	 n, size;
	unsigned int	 serial;
};

static void
hold_add(struct hold_conns *h, int fd)
{
	if (h->n == h->size) {
		h->size = h->size == 0 ? 16 : h->size * 2;
		h->fds = xreallocarray(h->fds, h->size, sizeof *h->fds);
	}
	h->fds[h->n++] = fd;
}

/*
 * A round trip on FD: send "WHAT-K" and expect "[STAMP] WHAT-K" back within
 * WAIT s. 1 served; 0 closed with nothing; -1 something else (shown);
 * -2 nothing within WAIT.
 */
static int
hold_trip(int fd, const char *what, unsigned int k, double wait)
{
	char		 buf[512], want[64];
	struct pollfd	 pfd;
	double		 deadline = now() + wait;
	size_t		 len = 0;
	ssize_t		 n;
	int		 wlen, rc;

	wlen = snprintf(want, sizeof want, "%s-%u\n", what, k);
	if (send(fd, want, wlen, MSG_NOSIGNAL) != wlen)
		return errno == EPIPE || errno == ECONNRESET ? 0 : -1;
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (len < sizeof buf && memchr(buf, '\n', len) == NULL) {
		if ((rc = poll(&pfd, 1, ms_left(deadline))) == -1) {
			if (errno == EINTR)
				continue;
			failsys("poll");
		}
		if (rc == 0)
			return -2;
		if ((n = read(fd, buf + len, sizeof buf - len)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == ECONNRESET && len == 0)
				return 0;
			break;
		}
		if (n == 0)
			break;
		len += n;
	}
	if (len == 0)
		return 0;
	if (stamped(buf, len) && len == CTIME_LEN + 3 + (size_t)wlen &&
	    memcmp(buf + CTIME_LEN + 3, want, wlen) == 0)
		return 1;
	fprintf(stderr, "%s: hold: %s-%u: got \"%.*s\"\n", progname, what, k,
	    (int)len, buf);
	return -1;
}

static int
cmd_hold(int argc, char **argv)
{
	struct hold_conns	 served, pending;
	struct pollfd		 pfd;
	char			 cmd[128], buf[256];
	const char		*host, *port;
	double			 wait = 2;
	unsigned int		 i, n, count[4], closed;
	int			 ch, fd, rc;

	while ((ch = getopt(argc, argv, "w:")) != -1) {
		if (ch != 'w')
			usage();
		wait = parse_secs(optarg);
	}
	if (argc - optind != 2)
		usage();
	host = argv[optind];
	port = argv[optind + 1];
	(void)net_raise_nofile();
	memset(&served, 0, sizeof served);
	memset(&pending, 0, sizeof pending);
	setvbuf(stdout, NULL, _IOLBF, 0);

	while (fgets(cmd, sizeof cmd, stdin) != NULL) {
		n = 0;
		if (sscanf(cmd, "open %u", &n) == 1) {
			memset(count, 0, sizeof count);
			closed = 0;
			for (i = 0; i < n; i++) {
				if ((fd = tcp_connect_within(host, port,
				    wait, 0)) == -1) {
					closed++;
					continue;
				}
				rc = hold_trip(fd, "hold", served.serial++,
				    wait);
				count[rc + 2]++;
				if (rc == 1)
					hold_add(&served, fd);
				else
					close(fd);
			}
			printf("open: %u served, %u refused, %u closed, %u "
			    "silent, %u not connected; %u held\n", count[3],
			    count[1], count[2], count[0], closed, served.n);
		} else if (sscanf(cmd, "connect %u", &n) == 1) {
			for (i = 0; i < n; i++) {
				if ((fd = tcp_connect_within(host, port,
				    wait, 0)) == -1)
					break;
				hold_add(&pending, fd);
			}
			printf("connect: %u connected\n", i);
		} else if (strncmp(cmd, "pending", 7) == 0) {
			/* How many of them the server has closed. */
			for (i = closed = 0; i < pending.n; i++) {
				pfd.fd = pending.fds[i];
				pfd.events = POLLIN;
				if (poll(&pfd, 1, 0) == 1 &&
				    read(pfd.fd, buf, sizeof buf) <= 0)
					closed++;
			}
			printf("pending: %u connected, %u closed by the "
			    "server\n", pending.n, closed);
		} else if (strncmp(cmd, "ping", 4) == 0) {
			memset(count, 0, sizeof count);
			for (i = 0; i < served.n; i++)
				count[hold_trip(served.fds[i], "ping", i,
				    wait) + 2]++;
			printf("ping: %u served, %u failed\n", count[3],
			    served.n - count[3]);
		} else if (sscanf(cmd, "close %u", &n) == 1) {
			n = MINIMUM(n, served.n);
			for (i = 0; i < n; i++)
				close(served.fds[i]);
			memmove(served.fds, served.fds + n,
			    (served.n - n) * sizeof *served.fds);
			served.n -= n;
			printf("close: %u closed, %u held\n", n, served.n);
		} else
			failx("hold: unknown command \"%.*s\"",
			    (int)strcspn(cmd, "\n"), cmd);
	}
	for (i = 0; i < served.n; i++)
		close(served.fds[i]);
	for (i = 0; i < pending.n; i++)
		close(pending.fds[i]);
	free(served.fds);
	free(pending.fds);
	return 0;
}

/* udp-burst: N datagrams from one socket; count and check the replies. */
static int
cmd_udp_burst(int argc, char **argv)
{
	static char	 buf[DGRAM_MAX_BYTES];
	struct addrinfo	*res;
	struct pollfd	 pfd;
	unsigned char	*seen;
	double		 wait = 1, start, next, deadline, sent_secs = 0;
	long long	 n = 200, every = 0, sent = 0, replies = 0, distinct = 0;
	long long	 bad = 0, k;
	ssize_t		 len;
	char		 msg[32], *end;
	int		 ch, fd, mlen, rc, timeout;

	while ((ch = getopt(argc, argv, "i:n:w:")) != -1) {
		switch (ch) {
		case 'i':
			every = parse_num(optarg, 0, 10000000);
			break;
		case 'n':
			n = parse_num(optarg, 1, 1000000);
			break;
		case 'w':
			wait = parse_secs(optarg);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();
	seen = xcalloc(n, 1);
	res = resolve(argv[optind], argv[optind + 1], SOCK_DGRAM, 0);
	if ((fd = socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1)
		failsys("socket");
	if (connect(fd, res->ai_addr, res->ai_addrlen) == -1)
		failsys("connect");
	freeaddrinfo(res);
	pfd.fd = fd;
	pfd.events = POLLIN;
	start = now();
	deadline = start + wait;	/* from the last datagram sent, below */
	while (sent < n || ms_left(deadline) > 0) {
		next = start + sent * (every / 1e6);
		timeout = ms_left(deadline);
		if (sent < n && now() >= next) {
			mlen = snprintf(msg, sizeof msg, "d-%lld\n", sent);
			if (send(fd, msg, mlen, 0) == mlen) {
				if (++sent == n) {
					sent_secs = now() - start;
					deadline = now() + wait;
				}
				continue;
			}
			if (errno != EAGAIN && errno != ENOBUFS &&
			    errno != ECONNREFUSED && errno != EINTR)
				failsys("send");
			/* The socket buffer is full: try again soon. */
			timeout = 1;
		} else if (sent < n)
			timeout = ms_left(next);
		if ((rc = poll(&pfd, 1, timeout)) == -1 && errno != EINTR)
			failsys("poll");
		if (rc <= 0)
			continue;
		while ((len = recv(fd, buf, sizeof buf - 1, 0)) > 0) {
			replies++;
			buf[len] = '\0';
			if (!stamped(buf, len) || strncmp(buf + CTIME_LEN + 3,
			    "d-", 2) != 0) {
				bad++;
				continue;
			}
			k = strtoll(buf + CTIME_LEN + 5, &end, 10);
			if (strcmp(end, "\n") != 0 || k < 0 || k >= n) {
				bad++;
				continue;
			}
			if (!seen[k]) {
				seen[k] = 1;
				distinct++;
			}
		}
		if (len == -1 && errno != EAGAIN && errno != EINTR &&
		    errno != ECONNREFUSED)
			failsys("receive");
		/* As many as sent: a little longer, for one too many. */
		if (sent == n && replies >= n &&
		    deadline > now() + QUIET_MS / 1000.)
			deadline = now() + QUIET_MS / 1000.;
	}
	printf("udp-burst: sent=%lld send_secs=%.3f replies=%lld distinct=%lld "
	    "bad=%lld\n", sent, sent_secs, replies, distinct, bad);
	close(fd);
	free(seen);
	return bad == 0 ? 0 : 1;
}

/*
 * crowd: N peers in one room, from the source addresses 127.0.0.2 to
 * 127.0.0.(1 + SOURCES) in turn. Each waits for its own join notice,
 * "*** ADDR:PORT joined (", ADDR:PORT its own address (the others' may be
 * summed up, so they are not counted); then the first peer says LINES
 * lines, each with a token of this run, and every peer, the first one
 * included, must get each of them once, in order, and never be closed.
 * At most CROWD_WINDOW connections wait for their join at a time, so that
 * the server's accept queue never overflows into SYN retries.
 */
#define CROWD_LINE_MAX	512
#define CROWD_WINDOW	256
/* How many addresses a failure names. */
#define CROWD_SHOW	5

enum crowd_state {
	C_UNOPENED,
	C_CONNECTING,
	C_JOINING,		/* waiting for its own join notice */
	C_JOINED,
	C_CLOSED,		/* by the server, or the connection failed */
};

struct crowd_peer {
	int			 fd;
	enum crowd_state	 state;
	int			 done;		/* the last line came */
	int			 last;		/* the highest line so far */
	int			 disorder;	/* a line after a later one */
	int			 unexpected;	/* a line not ours */
	int			 joins;		/* own join notices */
	size_t			 len;
	char			 name[ADDR_STRLEN];
	char			 buf[CROWD_LINE_MAX];	/* an unfinished line */
};

struct crowd {
	struct crowd_peer	*peers;
	unsigned char		*got;		/* per peer, per line: times */
	int			 npeers, lines;
	int			 opened, joined, closed;
	int			 settled;	/* joined or closed */
	int			 complete;	/* peers with the last line */
	int			 finished;	/* the last line or closed */
	int			 sent;
	/* "NICK: crowd-NONCE-", where the lines begin */
	char			 prefix[ADDR_STRLEN + 32];
	size_t			 prefixlen;
	char			 unexpected[CROWD_LINE_MAX];	/* the first */
	char			 closed_why[128];		/* the first */
};

/* Peer I is closed: by the server (EOF), or WHY. */
static void
crowd_close(struct crowd *c, int i, const char *why)
{
	struct crowd_peer	*p = &c->peers[i];

	if (c->closed++ == 0)
		snprintf(c->closed_why, sizeof c->closed_why, "%s %s%s%s",
		    p->name, p->state == C_CONNECTING ? "could not connect" :
		    p->state == C_JOINING ? "closed before its join notice" :
		    c->sent ? "closed after the lines were sent" :
		    "closed while the others joined", why != NULL ? ": " : "",
		    why != NULL ? why : "");
	if (p->state < C_JOINED)
		c->settled++;
	if (!p->done)
		c->finished++;
	close(p->fd);
	p->fd = -1;
	p->state = C_CLOSED;
}

/* One whole line LINE (LEN bytes, no newline) for peer I. */
static void
crowd_line(struct crowd *c, int i, const char *line, size_t len)
{
	struct crowd_peer	*p = &c->peers[i];
	unsigned char		*got = c->got + (size_t)i * c->lines;
	const char		*rest;
	size_t			 rlen, j;
	char			 want[ADDR_STRLEN + 32];
	unsigned int		 k = 0;
	int			 n;

	if (!stamped(line, len))
		goto unexpected;
	rest = line + CTIME_LEN + 3;
	rlen = len - (CTIME_LEN + 3);
	if (rlen >= 4 && memcmp(rest, "*** ", 4) == 0) {
		/* Only its own join counts: the others' may be summed up. */
		n = snprintf(want, sizeof want, "*** %s joined (", p->name);
		if (rlen < (size_t)n || memcmp(rest, want, n) != 0)
			return;
		if (p->joins++ > 0)
			goto unexpected;
		if (p->state == C_JOINING) {
			p->state = C_JOINED;
			c->joined++;
			c->settled++;
		}
		return;
	}
	/* "NICK: crowd-NONCE-K", K from 1 to LINES. */
	if (!c->sent || rlen <= c->prefixlen ||
	    memcmp(rest, c->prefix, c->prefixlen) != 0)
		goto unexpected;
	for (j = c->prefixlen; j < rlen; j++) {
		if (rest[j] < '0' || rest[j] > '9' ||
		    k > (unsigned int)c->lines)
			goto unexpected;
		k = k * 10 + (rest[j] - '0');
	}
	if (k < 1 || k > (unsigned int)c->lines)
		goto unexpected;
	k--;
	if (got[k] < UCHAR_MAX)
		got[k]++;
	if (got[k] > 1)
		return;
	if ((int)k < p->last)
		p->disorder = 1;
	else
		p->last = k;
	/* In order, nothing more is due after the last line. */
	if (k == (unsigned int)c->lines - 1 && !p->done) {
		p->done = 1;
		c->complete++;
		c->finished++;
	}
	return;

unexpected:
	if (p->unexpected++ == 0 && c->unexpected[0] == '\0')
		snprintf(c->unexpected, sizeof c->unexpected, "%s got \"%.*s\"",
		    p->name, (int)MINIMUM(len, 200), line);
}

/* Read what peer I has: whole lines to crowd_line(), the rest kept. */
static void
crowd_read(struct crowd *c, int i)
{
	static char		 buf[CROWD_LINE_MAX + BUF_BYTES];
	struct crowd_peer	*p = &c->peers[i];
	char			*line, *nl, *end;
	ssize_t			 n;

	memcpy(buf, p->buf, p->len);
	n = read(p->fd, buf + p->len, BUF_BYTES);
	if (n == -1) {
		if (errno != EAGAIN && errno != EINTR)
			crowd_close(c, i, strerror(errno));
		return;
	}
	if (n == 0) {
		crowd_close(c, i, NULL);
		return;
	}
	end = buf + p->len + n;
	for (line = buf; (nl = memchr(line, '\n', end - line)) != NULL;
	    line = nl + 1)
		crowd_line(c, i, line, nl - line);
	p->len = end - line;
	if (p->len >= sizeof p->buf) {
		snprintf(c->unexpected, sizeof c->unexpected, "%s got a line "
		    "of more than %d bytes: \"%.80s\"", p->name,
		    CROWD_LINE_MAX, line);
		p->unexpected++;
		p->len = 0;
		return;
	}
	memcpy(p->buf, line, p->len);
}

/* Open peer I's connection, from source address SRC (0: any). */
static void
crowd_open(struct crowd *c, int i, const struct addrinfo *res, in_addr_t src)
{
	struct crowd_peer	*p = &c->peers[i];
	struct sockaddr_storage	 ss;
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof ss;
	char			 text[INET_ADDRSTRLEN];
	int			 one = 1;

	p->last = -1;
	p->fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (p->fd == -1)
		failsys("socket %d of %d", i + 1, c->npeers);
	if (src != 0) {
#ifdef IP_BIND_ADDRESS_NO_PORT
		/* The port is chosen at connect(), for this destination. */
		if (setsockopt(p->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
		    sizeof one) == -1)
			failsys("setsockopt IP_BIND_ADDRESS_NO_PORT");
#else
		(void)one;
#endif
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = src;
		if (bind(p->fd, (struct sockaddr *)&sin, sizeof sin) == -1)
			failsys("bind %s", inet_ntop(AF_INET, &sin.sin_addr,
			    text, sizeof text));
	}
	if (connect(p->fd, res->ai_addr, res->ai_addrlen) == -1 &&
	    errno != EINPROGRESS)
		failsys("connect %d of %d", i + 1, c->npeers);
	if (getsockname(p->fd, (struct sockaddr *)&ss, &len) == -1)
		failsys("getsockname");
	addr_format_sockaddr((struct sockaddr *)&ss, len, p->name);
	p->state = C_CONNECTING;
	c->opened++;
}

/* Say what went wrong: a line per fault, with the first few addresses. */
static int
crowd_report(const struct crowd *c, const char *what, int (*is)(
    const struct crowd *, int, int), int k)
{
	char	names[CROWD_SHOW * (ADDR_STRLEN + 2)];
	size_t	off = 0;
	int	i, n = 0;

	names[0] = '\0';
	for (i = 0; i < c->npeers; i++) {
		if (!is(c, i, k))
			continue;
		if (n++ < CROWD_SHOW)
			off += snprintf(names + off, sizeof names - off, "%s%s",
			    off > 0 ? ", " : "", c->peers[i].name);
	}
	if (n > 0)
		printf("crowd: %d peer%s %s: %s%s\n", n, n == 1 ? "" : "s",
		    what, names, n > CROWD_SHOW ? ", ..." : "");
	return n;
}

static int
crowd_missed(const struct crowd *c, int i, int k)
{
	return c->peers[i].state != C_CLOSED &&
	    c->got[(size_t)i * c->lines + k] == 0;
}

static int
crowd_twice(const struct crowd *c, int i, int k)
{
	return c->got[(size_t)i * c->lines + k] > 1;
}

static int
crowd_is_closed(const struct crowd *c, int i, int k)
{
	(void)k;
	return c->peers[i].state == C_CLOSED;
}

static int
crowd_no_join(const struct crowd *c, int i, int k)
{
	(void)k;
	return c->peers[i].state < C_JOINED;
}

static int
crowd_disordered(const struct crowd *c, int i, int k)
{
	(void)k;
	return c->peers[i].disorder;
}

static int
crowd_unexpected(const struct crowd *c, int i, int k)
{
	(void)k;
	return c->peers[i].unexpected > 0;
}

static int
cmd_crowd(int argc, char **argv)
{
	struct crowd		 c;
	struct crowd_peer	*p;
	struct pollfd		*pfd;
	struct addrinfo		*res;
	char			 what[64], out[BUF_BYTES];
	double			 wait = 60, start, joined_at = 0, sent_at = 0;
	double			 deadline, quiet = 0, done_at = 0;
	unsigned int		 nonce;
	size_t			 olen;
	socklen_t		 elen;
	int			 ch, i, k, n, err, sources = 8, faults = 0;

	memset(&c, 0, sizeof c);
	c.lines = 5;
	while ((ch = getopt(argc, argv, "k:s:w:")) != -1) {
		switch (ch) {
		case 'k':
			c.lines = parse_num(optarg, 1, 1000);
			break;
		case 's':
			sources = parse_num(optarg, 0, 250);
			break;
		case 'w':
			wait = parse_secs(optarg);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 3)
		usage();
	c.npeers = parse_num(argv[optind + 2], 1, 100000);
	res = resolve(argv[optind], argv[optind + 1], SOCK_STREAM, 0);
	if (sources > 0 && res->ai_family != AF_INET)
		failx("the source addresses 127.0.0.2 and on are for an IPv4 "
		    "server (-s 0: none)");
	(void)net_raise_nofile();
	c.peers = xcalloc(c.npeers, sizeof *c.peers);
	c.got = xcalloc((size_t)c.npeers * c.lines, 1);
	pfd = xcalloc(c.npeers, sizeof *pfd);
	for (i = 0; i < c.npeers; i++) {
		c.peers[i].fd = -1;
		snprintf(c.peers[i].name, sizeof c.peers[i].name,
		    "(peer %d, never opened)", i + 1);
	}
	nonce = (unsigned int)getpid() ^ (unsigned int)(now() * 1e6);
	start = now();
	deadline = start + wait;

	for (;;) {
		/* Open more, while few enough wait for their join. */
		while (c.opened < c.npeers &&
		    c.opened - c.settled < CROWD_WINDOW) {
			i = c.opened;
			crowd_open(&c, i, res, sources == 0 ? 0 :
			    htonl(INADDR_LOOPBACK + 1 + i % sources));
			pfd[i].fd = c.peers[i].fd;
			pfd[i].events = POLLOUT;
		}
		if (!c.sent && c.settled == c.npeers) {
			joined_at = now();
			/* The first peer says the lines, in one write. */
			p = &c.peers[0];
			n = snprintf(c.prefix, sizeof c.prefix,
			    "%s: crowd-%08x-", p->name, nonce);
			c.prefixlen = n;
			for (olen = 0, k = 0; k < c.lines; k++)
				olen += snprintf(out + olen, sizeof out - olen,
				    "crowd-%08x-%d\n", nonce, k + 1);
			if (p->state != C_JOINED) {
				printf("crowd: the first peer, %s, was closed: "
				    "the lines were never sent\n", p->name);
				faults++;
				break;
			}
			c.sent = 1;
			sent_at = now();
			deadline = sent_at + wait;
			if (write(p->fd, out, olen) != (ssize_t)olen)
				failsys("the first peer's lines");
		}
		/* Every line is in: a little longer, for one too many. */
		if (c.sent && c.finished == c.npeers && quiet == 0) {
			done_at = now();
			quiet = done_at + QUIET_MS / 1000.;
		}
		if (quiet > 0 && now() >= quiet)
			break;
		if (now() >= deadline) {
			if (c.sent)
				printf("crowd: timed out after %g s: %d of %d "
				    "peers had the last line\n", wait,
				    c.complete, c.npeers);
			else
				printf("crowd: timed out after %g s: %d of %d "
				    "peers had their join notice, the lines "
				    "were never sent\n", wait, c.joined,
				    c.npeers);
			faults++;
			break;
		}
		n = poll(pfd, c.opened, ms_left(quiet > 0 ? quiet : deadline));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			failsys("poll");
		}
		for (i = 0; n > 0 && i < c.opened; i++) {
			if (pfd[i].revents == 0)
				continue;
			n--;
			p = &c.peers[i];
			if (p->state == C_CONNECTING) {
				elen = sizeof err;
				if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR,
				    &err, &elen) == -1)
					err = errno;
				if (err != 0)
					crowd_close(&c, i, strerror(err));
				else {
					p->state = C_JOINING;
					pfd[i].events = POLLIN;
				}
			} else
				crowd_read(&c, i);
			pfd[i].fd = p->fd;
		}
	}
	freeaddrinfo(res);

	faults += crowd_report(&c, "never got their own join notice",
	    crowd_no_join, 0);
	faults += crowd_report(&c, "lost the connection", crowd_is_closed, 0);
	if (c.closed > 0)
		printf("crowd: the first closed: %s\n", c.closed_why);
	if (c.sent) {
		for (k = 0; k < c.lines; k++) {
			snprintf(what, sizeof what, "missed line %d", k + 1);
			faults += crowd_report(&c, what, crowd_missed, k);
			snprintf(what, sizeof what,
			    "got line %d more than once", k + 1);
			faults += crowd_report(&c, what, crowd_twice, k);
		}
		faults += crowd_report(&c, "got the lines out of order",
		    crowd_disordered, 0);
	}
	faults += crowd_report(&c, "got a line that was not expected",
	    crowd_unexpected, 0);
	if (c.unexpected[0] != '\0')
		printf("crowd: the first: %s\n", c.unexpected);
	if (faults == 0)
		printf("crowd: %d peers, %d lines: all delivered once "
		    "(joined in %.2f s, the lines in %.2f s)\n", c.npeers,
		    c.lines, joined_at - start, done_at - sent_at);
	else
		printf("crowd: %d peers, %d lines: FAILED\n", c.npeers,
		    c.lines);
	for (i = 0; i < c.npeers; i++)
		if (c.peers[i].fd != -1)
			close(c.peers[i].fd);
	free(c.peers);
	free(c.got);
	free(pfd);
	return faults == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char	*name;
		int		(*fn)(int, char **);
	} cmds[] = {
		{ "chat",		cmd_chat },
		{ "probe",		cmd_probe },
		{ "many",		cmd_many },
		{ "flood-noread",	cmd_flood },
		{ "udp",		cmd_udp },
		{ "sink",		cmd_sink },
		{ "free-port",		cmd_free_port },
		{ "room",		cmd_room },
		{ "noread",		cmd_noread },
		{ "hold",		cmd_hold },
		{ "udp-burst",		cmd_udp_burst },
		{ "crowd",		cmd_crowd },
	};
	size_t	i;

	signal(SIGPIPE, SIG_IGN);
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "send") == 0 || strcmp(argv[1], "recv") == 0)
		return cmd_send(argc - 1, argv + 1, argv[1][0] == 's');
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	usage();
	return 2;
}
