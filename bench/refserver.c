/*
 * refserver.c: the smallest correct server the benchmark measures tschatd
 * against: line echo and line broadcast over TCP (epoll, one thread), and
 * datagram echo over UDP. No stamp, no limits, no protection: the floor of
 * what the kernel allows on this machine.
 *
 *   refserver echo|broadcast|udp PORT      (listens on 127.0.0.1)
 *
 * echo: each complete line goes back to its sender. broadcast: each batch
 * of complete lines read from a peer goes to every peer, the sender
 * included (as tschatd --broadcast does). An unfinished line is kept until
 * its newline; output a peer cannot take yet is kept for it, unbounded.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_EVENTS	1024
#define READ_BYTES	(64 * 1024)

struct conn {
	int	 fd;
	int	 dead;
	size_t	 slot;		/* index in conns */
	struct conn *next_dead;	/* in the graveyard */
	char	*in;		/* an unfinished line */
	size_t	 inlen, incap;
	char	*out;		/* what the socket did not take yet */
	size_t	 outlen, outcap;
};

static int		  ep;
static int		  broadcast;
static struct conn	**conns;	/* open connections, dense */
static size_t		  nconns, conns_cap;
static struct conn	 *graveyard;	/* closed, freed after the batch */
static char		  rbuf[READ_BYTES];

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

static void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n)) == NULL)
		die("realloc");
	return p;
}

static void
append(char **buf, size_t *len, size_t *cap, const char *p, size_t n)
{
	if (*len + n > *cap) {
		*cap = (*len + n) * 2;
		*buf = xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, p, n);
	*len += n;
}

static void
watch(struct conn *c, uint32_t events, int op)
{
	struct epoll_event	ev = { .events = events, .data.ptr = c };

	if (epoll_ctl(ep, op, c->fd, &ev) == -1)
		die("epoll_ctl");
}

static void
conn_close(struct conn *c)
{
	if (c->dead)
		return;
	c->dead = 1;
	close(c->fd);
	conns[c->slot] = conns[--nconns];
	conns[c->slot]->slot = c->slot;
	c->outlen = 0;
	c->next_dead = graveyard;
	graveyard = c;
}

/* Send P to C now if nothing waits before it; keep what does not fit. */
static void
conn_send(struct conn *c, const char *p, size_t n)
{
	ssize_t	w = 0;

	if (c->dead)
		return;
	if (c->outlen == 0) {
		w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w == (ssize_t)n)
			return;
		if (w == -1) {
			if (errno != EAGAIN) {
				conn_close(c);
				return;
			}
			w = 0;
		}
		watch(c, EPOLLIN | EPOLLOUT, EPOLL_CTL_MOD);
	}
	append(&c->out, &c->outlen, &c->outcap, p + w, n - w);
}

static void
conn_flush(struct conn *c)
{
	ssize_t	w;

	w = send(c->fd, c->out, c->outlen, MSG_NOSIGNAL);
	if (w == -1) {
		if (errno != EAGAIN)
			conn_close(c);
		return;
	}
	memmove(c->out, c->out + w, c->outlen - w);
	c->outlen -= w;
	if (c->outlen == 0)
		watch(c, EPOLLIN, EPOLL_CTL_MOD);
}

/* Complete lines P (N bytes, ending in a newline) read from FROM. */
static void
lines(struct conn *from, const char *p, size_t n)
{
	size_t	i;

	if (!broadcast) {
		conn_send(from, p, n);
		return;
	}
	/* Closing swaps the last connection into slot i: look again. */
	for (i = 0; i < nconns; ) {
		struct conn *c = conns[i];

		conn_send(c, p, n);
		if (!c->dead)
			i++;
	}
}

static void
conn_read(struct conn *c)
{
	const char	*data, *nl;
	ssize_t		 n;
	size_t		 len, done;

	if ((n = read(c->fd, rbuf, sizeof rbuf)) <= 0) {
		if (n == 0 || errno != EAGAIN)
			conn_close(c);
		return;
	}
	data = rbuf;
	len = n;
	if (c->inlen > 0) {
		append(&c->in, &c->inlen, &c->incap, rbuf, n);
		data = c->in;
		len = c->inlen;
	}
	if ((nl = memrchr(data, '\n', len)) == NULL) {
		if (data == rbuf)
			append(&c->in, &c->inlen, &c->incap, rbuf, n);
		return;
	}
	done = nl + 1 - data;
	lines(c, data, done);
	if (c->dead)
		return;
	if (data == rbuf) {
		if (done < len)
			append(&c->in, &c->inlen, &c->incap, data + done,
			    len - done);
	} else {
		memmove(c->in, c->in + done, len - done);
		c->inlen = len - done;
	}
}

static void
accept_all(int lfd)
{
	struct conn	*c;
	int		 fd, one = 1;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) != -1) {
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof one);
		if ((c = calloc(1, sizeof *c)) == NULL)
			die("calloc");
		c->fd = fd;
		if (nconns == conns_cap) {
			conns_cap = conns_cap ? conns_cap * 2 : 64;
			conns = xrealloc(conns, conns_cap * sizeof *conns);
		}
		c->slot = nconns;
		conns[nconns++] = c;
		watch(c, EPOLLIN, EPOLL_CTL_ADD);
	}
}

static int
bound_socket(int type, int port)
{
	struct sockaddr_in	sin;
	int			fd, one = 1;

	if ((fd = socket(AF_INET, type, 0)) == -1)
		die("socket");
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
		die("bind");
	return fd;
}

static void
serve_udp(int port)
{
	struct sockaddr_storage	ss;
	socklen_t		len;
	ssize_t			n;
	int			fd = bound_socket(SOCK_DGRAM, port);

	for (;;) {
		len = sizeof ss;
		n = recvfrom(fd, rbuf, sizeof rbuf, 0, (struct sockaddr *)&ss,
		    &len);
		if (n > 0)
			(void)sendto(fd, rbuf, n, 0, (struct sockaddr *)&ss,
			    len);
	}
}

int
main(int argc, char **argv)
{
	struct epoll_event	 evs[MAX_EVENTS];
	struct conn		 listener = { 0 };
	struct rlimit		 rl;
	struct conn		*c;
	int			 i, n, port;

	if (argc != 3 || (port = atoi(argv[2])) <= 0 || port > 65535) {
		fprintf(stderr, "usage: refserver echo|broadcast|udp PORT\n");
		return 2;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (strcmp(argv[1], "udp") == 0)
		serve_udp(port);
	else if (strcmp(argv[1], "broadcast") == 0)
		broadcast = 1;
	else if (strcmp(argv[1], "echo") != 0) {
		fprintf(stderr, "refserver: unknown mode %s\n", argv[1]);
		return 2;
	}

	listener.fd = bound_socket(SOCK_STREAM, port);
	if (fcntl(listener.fd, F_SETFL, O_NONBLOCK) == -1 ||
	    listen(listener.fd, 4096) == -1)
		die("listen");
	if ((ep = epoll_create1(0)) == -1)
		die("epoll_create1");
	watch(&listener, EPOLLIN, EPOLL_CTL_ADD);
	for (;;) {
		if ((n = epoll_wait(ep, evs, MAX_EVENTS, -1)) == -1) {
			if (errno == EINTR)
				continue;
			die("epoll_wait");
		}
		for (i = 0; i < n; i++) {
			c = evs[i].data.ptr;
			if (c == &listener)
				accept_all(listener.fd);
			if (c == &listener || c->dead)
				continue;
			if ((evs[i].events & EPOLLOUT) && c->outlen > 0)
				conn_flush(c);
			if ((evs[i].events & ~EPOLLOUT) && !c->dead)
				conn_read(c);
		}
		/* Events of this batch may name them: free them only now. */
		while ((c = graveyard) != NULL) {
			graveyard = c->next_dead;
			free(c->in);
			free(c->out);
			free(c);
		}
	}
}
