/*
 * refserver.c: the smallest correct server the benchmark measures tschatd
 * against: line echo and line broadcast over TCP (epoll, one thread), and
 * datagram echo over UDP. No stamp, no limits, no protection: the floor of
 * what the kernel allows on this machine.
 *
 *   refserver echo|broadcast|udp PORT      (listens on 127.0.0.1)
 *   refserver tls-echo PORT CERT KEY
 *
 * echo: each complete line goes back to its sender. broadcast: each batch
 * of complete lines read from a peer goes to every peer, the sender
 * included (as tschatd --broadcast does). An unfinished line is kept until
 * its newline; output a peer cannot take yet is kept for it, unbounded.
 * tls-echo: echo through TLS (OpenSSL, nonblocking, on the same epoll),
 * with the key and certificate of PEM files CERT and KEY; OpenSSL's
 * defaults but for TLS 1.2 at least and no session resumed (as tschatd).
 * SIGUSR1 writes "stats: writes N, loop iterations N" to stderr: the
 * writes that took bytes and the epoll_wait()s so far, counted as tschatd
 * counts its own.
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
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define MAX_EVENTS	1024
#define READ_BYTES	(64 * 1024)

struct conn {
	int	 fd;
	int	 dead;
	SSL	*ssl;		/* tls-echo */
	int	 handshaking;
	size_t	 slot;		/* index in conns */
	struct conn *next_dead;	/* in the graveyard */
	char	*in;		/* an unfinished line */
	size_t	 inlen, incap;
	char	*out;		/* what the socket did not take yet */
	size_t	 outlen, outcap;
};

static int		  ep;
static int		  broadcast;
static SSL_CTX		 *tls;		/* tls-echo */
static struct conn	**conns;	/* open connections, dense */
static size_t		  nconns, conns_cap;
static struct conn	 *graveyard;	/* closed, freed after the batch */
static char		  rbuf[READ_BYTES];
static unsigned long long writes, iterations;
static volatile sig_atomic_t stats_asked;

static void
on_usr1(int sig)
{
	(void)sig;
	stats_asked = 1;
}

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
	if (c->ssl != NULL && !c->handshaking)
		(void)SSL_shutdown(c->ssl);	/* once, not waited for */
	ERR_clear_error();
	close(c->fd);
	conns[c->slot] = conns[--nconns];
	conns[c->slot]->slot = c->slot;
	c->outlen = 0;
	c->next_dead = graveyard;
	graveyard = c;
}

/*
 * send(2) on C, through its session with tls-echo: what was taken, or -1
 * and errno (EAGAIN: not now). A write that waits is tried again with the
 * same bytes first, as OpenSSL wants.
 */
static ssize_t
io_send(struct conn *c, const char *p, size_t n)
{
	ssize_t	w;
	int	r, e;

	if (c->ssl == NULL) {
		if ((w = send(c->fd, p, n, MSG_NOSIGNAL)) > 0)
			writes++;
		return w;
	}
	if ((r = SSL_write(c->ssl, p, n > INT_MAX ? INT_MAX : (int)n)) > 0) {
		writes++;
		return r;
	}
	e = SSL_get_error(c->ssl, r);
	errno = e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ ?
	    EAGAIN : EPIPE;
	return -1;
}

/*
 * read(2) on C, through its session with tls-echo. Whole records only (16
 * KiB at most each): what is not read stays in the socket for epoll to see.
 */
static ssize_t
io_read(struct conn *c, char *p, size_t n)
{
	size_t	got = 0;
	int	r, e;

	if (c->ssl == NULL)
		return read(c->fd, p, n);
	while (n - got >= SSL3_RT_MAX_PLAIN_LENGTH) {
		if ((r = SSL_read(c->ssl, p + got, (int)(n - got))) > 0) {
			got += r;
			continue;
		}
		if (got > 0)
			break;
		e = SSL_get_error(c->ssl, r);
		if (e == SSL_ERROR_ZERO_RETURN)
			return 0;
		errno = e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ?
		    EAGAIN : EPROTO;
		return -1;
	}
	return got;
}

/* Send P to C now if nothing waits before it; keep what does not fit. */
static void
conn_send(struct conn *c, const char *p, size_t n)
{
	ssize_t	w = 0;

	if (c->dead)
		return;
	if (c->outlen == 0) {
		w = io_send(c, p, n);
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

	w = io_send(c, c->out, c->outlen);
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

	if ((n = io_read(c, rbuf, sizeof rbuf)) <= 0) {
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

/* A step of C's handshake; once done, C is read as any other. */
static void
conn_handshake(struct conn *c)
{
	int	r;

	if ((r = SSL_do_handshake(c->ssl)) == 1) {
		c->handshaking = 0;
		watch(c, EPOLLIN, EPOLL_CTL_MOD);
		return;
	}
	switch (SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		watch(c, EPOLLIN, EPOLL_CTL_MOD);
		break;
	case SSL_ERROR_WANT_WRITE:
		watch(c, EPOLLOUT, EPOLL_CTL_MOD);
		break;
	default:
		conn_close(c);
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
		if (tls != NULL) {
			if ((c->ssl = SSL_new(tls)) == NULL ||
			    SSL_set_fd(c->ssl, fd) != 1)
				die("SSL_new");
			SSL_set_accept_state(c->ssl);
			c->handshaking = 1;
		}
	}
}

/* The context of tls-echo, from PEM files CERT and KEY. */
static SSL_CTX *
tls_context(const char *cert, const char *key)
{
	SSL_CTX	*c;

	if ((c = SSL_CTX_new(TLS_server_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION) != 1)
		die("SSL_CTX_new");
	SSL_CTX_set_options(c, SSL_OP_NO_TICKET);
	SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(c, 0);
	SSL_CTX_set_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (SSL_CTX_use_certificate_chain_file(c, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(c, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(c) != 1) {
		fprintf(stderr, "refserver: cannot load %s and %s\n", cert,
		    key);
		exit(1);
	}
	return c;
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
	struct sigaction	 sa;
	struct conn		*c;
	int			 i, n, port;

	if ((argc != 3 && (argc != 5 || strcmp(argv[1], "tls-echo") != 0)) ||
	    (port = atoi(argv[2])) <= 0 || port > 65535) {
		fprintf(stderr, "usage: refserver echo|broadcast|udp PORT\n"
		    "       refserver tls-echo PORT CERT KEY\n");
		return 2;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	/* OpenSSL writes with write(2): a peer gone must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	/* No SA_RESTART: the signal ends the wait, and is answered then. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) == -1)
		die("sigaction");
	if (strcmp(argv[1], "udp") == 0)
		serve_udp(port);
	else if (strcmp(argv[1], "broadcast") == 0)
		broadcast = 1;
	else if (strcmp(argv[1], "tls-echo") == 0)
		tls = tls_context(argv[3], argv[4]);
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
		n = epoll_wait(ep, evs, MAX_EVENTS, -1);
		if (stats_asked) {
			stats_asked = 0;
			fprintf(stderr, "stats: writes %llu, loop iterations "
			    "%llu\n", writes, iterations);
		}
		if (n == -1) {
			if (errno == EINTR)
				continue;
			die("epoll_wait");
		}
		iterations++;
		for (i = 0; i < n; i++) {
			c = evs[i].data.ptr;
			if (c == &listener)
				accept_all(listener.fd);
			if (c == &listener || c->dead)
				continue;
			if (c->handshaking) {
				conn_handshake(c);
				if (c->handshaking || c->dead)
					continue;
			}
			if ((evs[i].events & EPOLLOUT) && c->outlen > 0)
				conn_flush(c);
			if ((evs[i].events & ~EPOLLOUT) && !c->dead)
				conn_read(c);
		}
		/* Events of this batch may name them: free them only now. */
		while ((c = graveyard) != NULL) {
			graveyard = c->next_dead;
			SSL_free(c->ssl);
			free(c->in);
			free(c->out);
			free(c);
		}
	}
}
