/*
 * tcpeer.c: the end-to-end tests' own network peer. Each subcommand is one
 * thing a shell test cannot do with nc alone: many connections at once, a
 * peer that floods without reading, a datagram from a chosen source port,
 * a server that never answers. Plain POSIX sockets and poll(2); every wait
 * is bounded.
 */
#include "common.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xmalloc.h"

#define BUF_BYTES		(64 * 1024)
#define DGRAM_MAX_BYTES		65535
/* After a reply, how long chat and udp wait for more of it. */
#define QUIET_MS		150
/* A flood is stalled when the socket takes nothing for this long. */
#define STALL_MS		1000
/* The stamp of the default format: "Wed Aug 14 20:50:19 2013". */
#define CTIME_LEN		24
#define MANY_LINE_MAX		128

static const char	*progname = "tcpeer";

static void
usage(void)
{
	fprintf(stderr,
	    "usage: %s send [-w SECS] HOST PORT\n"
	    "           stdin to the server, half-close, the replies to stdout "
	    "until it closes\n"
	    "       %s recv [-w SECS] HOST PORT\n"
	    "           send nothing; what comes to stdout until the server "
	    "closes\n"
	    "       %s chat [-w SECS] HOST PORT MSG...\n"
	    "           send each MSG as one write, print its reply and a "
	    "newline\n"
	    "       %s probe HOST PORT\n"
	    "           exit 0 if a TCP connection is accepted\n"
	    "       %s many [-w SECS] HOST PORT N\n"
	    "           N connections at once, each sends \"peer-I\" and must "
	    "get exactly\n"
	    "           its own stamped line back\n"
	    "       %s flood-noread [-h SECS] [-l LEN] HOST PORT BYTES\n"
	    "           send BYTES in LEN-byte lines, never read; print "
	    "\"stalled after\n"
	    "           N bytes\" when the server stops taking them, then "
	    "hold the connection\n"
	    "       %s udp [-s SRCPORT] [-n N] [-w SECS] HOST PORT\n"
	    "           stdin as one datagram; the replies to stdout; with -n "
	    "exactly N\n"
	    "       %s sink [-u] [-h SECS] HOST\n"
	    "           a server that takes everything, answers nothing, "
	    "closes nothing;\n"
	    "           prints its port\n"
	    "       %s free-port [-u] HOST\n"
	    "           print a port that was free on HOST\n",
	    progname, progname, progname, progname, progname, progname,
	    progname, progname, progname);
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
	char	*end;
	double	 d;

	errno = 0;
	d = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || d < 0 || d > 3600)
		failx("bad number of seconds '%s'", s);
	return d;
}

static long long
parse_num(const char *s, long long min, long long max)
{
	char		*end;
	long long	 n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || n < min || n > max)
		failx("bad number '%s' (%lld to %lld)", s, min, max);
	return n;
}

static void
set_nonblock(int fd)
{
	int	flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
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

static struct addrinfo *
resolve(const char *host, const char *port, int type, int passive)
{
	struct addrinfo	hints, *res;
	int		rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = type;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV |
	    (passive ? AI_PASSIVE : 0);
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
		failx("%s port %s: %s", host, port, gai_strerror(rc));
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

/* Raise the soft limit on open files to the hard one. */
static void
raise_nofile(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
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

/* chat: one write per MSG, and its reply printed with a newline. */
static int
cmd_chat(int argc, char **argv)
{
	static char	 buf[BUF_BYTES];
	double		 wait = 5;
	size_t		 len;
	int		 ch, fd, i;

	while ((ch = getopt(argc, argv, "w:")) != -1) {
		if (ch != 'w')
			usage();
		wait = parse_secs(optarg);
	}
	if (argc - optind < 3)
		usage();
	fd = tcp_connect(argv[optind], argv[optind + 1], 0);
	for (i = optind + 2; i < argc; i++) {
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

static int
cmd_many(int argc, char **argv)
{
	struct many_peer	*peers, *m;
	struct pollfd		*pfd;
	struct addrinfo		*res;
	double			 wait = 30, deadline, start;
	unsigned int		 counts[M_FAILED + 1];
	char			 line[32];
	socklen_t		 elen;
	int			 ch, n, i, k, npfd, err, *which;

	while ((ch = getopt(argc, argv, "w:")) != -1) {
		if (ch != 'w')
			usage();
		wait = parse_secs(optarg);
	}
	if (argc - optind != 3)
		usage();
	n = (int)parse_num(argv[optind + 2], 1, 100000);
	raise_nofile();
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
		/* Every peer connected: all send at once. */
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

/* Hold on for SECS (or until a signal ends us), doing nothing. */
static void
hold(double secs)
{
	double	deadline = now() + secs;

	while (ms_left(deadline) > 0)
		(void)poll(NULL, 0, ms_left(deadline));
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
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		failsys("getsockname");
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)(void *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)(void *)&ss)->sin6_port);
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
