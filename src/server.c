/*
 * server.c: the server's loop: listening sockets and accept, the batched
 * write pass before the loop sleeps, freeing closed peers, signals and the
 * clean shutdown.
 */
#include "common.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "log.h"
#include "net.h"
#include "outq.h"
#include "peer.h"
#include "server.h"
#include "udp.h"
#include "xmalloc.h"

struct listener {
	ev_io		 io;
	struct listener	*next;
};

struct server		 server;
static struct listener	*listeners;
static int		 reserve_fd = -1;
static ev_tstamp	 last_emfile_log;

static void	listener_accept_cb(struct ev_loop *, ev_io *, int);

const char *
server_stamp(size_t *lenp)
{
	return stamp_get(&server.stamp, (time_t)ev_now(server.loop), lenp);
}

int
server_stopping(void)
{
	return server.stopping;
}

void
server_want_write(struct peer *p)
{
	if (p->flags & (PEER_PENDING | PEER_CLOSING))
		return;
	/* While the write watcher runs, it will write this too. */
	if (ev_is_active(&p->wio))
		return;
	p->flags |= PEER_PENDING;
	p->next_pending = server.pending;
	server.pending = p;
}

void
server_peer_closed(struct peer *p)
{
	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		server.peers = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	server.npeers--;
	/* p->next is free now: it links the graveyard. */
	p->prev = NULL;
	p->next = server.graveyard;
	server.graveyard = p;
	if (server.stopping && server.npeers == 0)
		ev_break(server.loop, EVBREAK_ALL);
}

/* Before the loop sleeps: write every pending peer, then free the dead. */
static void
server_flush_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct peer	*p, *list;

	/* Writing may close peers, whose leaving queues more output. */
	while ((list = server.pending) != NULL) {
		server.pending = NULL;
		while ((p = list) != NULL) {
			list = p->next_pending;
			p->next_pending = NULL;
			p->flags &= ~PEER_PENDING;
			if (!(p->flags & PEER_CLOSING))
				peer_flush(p);
		}
	}
	while ((p = server.graveyard) != NULL) {
		server.graveyard = p->next;
		peer_free(p);
	}
}

/* Set PORT in every address of the list AI. */
static void
set_port(struct addrinfo *ai, uint16_t port)
{
	for (; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET)
			((struct sockaddr_in *)(void *)ai->ai_addr)->sin_port =
			    htons(port);
		else if (ai->ai_family == AF_INET6)
			((struct sockaddr_in6 *)(void *)ai->ai_addr)->sin6_port
			    = htons(port);
	}
}

/* Listen on SA for TYPE; exit with a message naming it if we cannot. */
static int
listen_or_die(int type, const struct sockaddr *sa, socklen_t len,
    int dual_stack)
{
	char	name[ADDR_STRLEN];
	int	fd;

	if ((fd = net_listen(type, sa, len, dual_stack)) == -1)
		die(1, errno, _("cannot listen on %s"),
		    addr_format_sockaddr(sa, len, name));
	return fd;
}

static void
add_listener(int type, int fd)
{
	struct listener	*l;
	char		 name[ADDR_STRLEN];
	struct sockaddr_storage ss;
	socklen_t	 len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		fatal("getsockname");
	addr_format_sockaddr((struct sockaddr *)&ss, len, name);
	if (type == SOCK_DGRAM) {
		udp_add_socket(fd);
		log_info("listening on udp %s", name);
		return;
	}
	l = xcalloc(1, sizeof *l);
	ev_io_init(&l->io, listener_accept_cb, fd, EV_READ);
	ev_io_start(server.loop, &l->io);
	l->next = listeners;
	listeners = l;
	log_info("listening on tcp %s", name);
}

/*
 * Listen for TYPE on every configured address, or on "::" dual-stack
 * (0.0.0.0 where the host has no IPv6). *PORT 0 takes the port the first
 * socket got, so that TCP and UDP share it.
 */
static void
listen_all(int type, uint16_t *port)
{
	const struct srvconf	*c = server.conf;
	struct sockaddr_in6	 sin6;
	struct sockaddr_in	 sin;
	struct addrinfo		*res, *ai;
	const char		*why;
	char			 name[ADDR_STRLEN];
	size_t			 i;
	int			 fd;

	if (c->nbinds == 0) {
		memset(&sin6, 0, sizeof sin6);
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons(*port);
		sin6.sin6_addr = in6addr_any;
		fd = net_listen(type, (struct sockaddr *)&sin6, sizeof sin6, 1);
		if (fd == -1 && (errno == EAFNOSUPPORT ||
		    errno == EADDRNOTAVAIL || errno == EPROTONOSUPPORT)) {
			memset(&sin, 0, sizeof sin);
			sin.sin_family = AF_INET;
			sin.sin_port = htons(*port);
			sin.sin_addr.s_addr = htonl(INADDR_ANY);
			fd = listen_or_die(type, (struct sockaddr *)&sin,
			    sizeof sin, 0);
		} else if (fd == -1)
			die(1, errno, _("cannot listen on %s"),
			    addr_format_sockaddr((struct sockaddr *)&sin6,
			    sizeof sin6, name));
		if (*port == 0)
			*port = net_local_port(fd);
		add_listener(type, fd);
		return;
	}
	for (i = 0; i < c->nbinds; i++) {
		if (net_resolve(c->binds[i], *port, type, 1, &res, &why) == -1)
			die(1, 0, _("cannot resolve %s: %s"), c->binds[i], why);
		for (ai = res; ai != NULL; ai = ai->ai_next) {
			fd = listen_or_die(type, ai->ai_addr, ai->ai_addrlen,
			    0);
			add_listener(type, fd);
			if (*port == 0) {
				/* The name's other addresses take this port. */
				*port = net_local_port(fd);
				set_port(ai->ai_next, *port);
			}
		}
		freeaddrinfo(res);
	}
}

/* EMFILE: refuse the connection with the reserved descriptor's help. */
static void
accept_out_of_files(int lfd)
{
	int	fd;

	server.stats.accept_failed++;
	if (ev_now(server.loop) - last_emfile_log >= 1.0) {
		log_warnx("out of file descriptors: refusing connections");
		last_emfile_log = ev_now(server.loop);
	}
	if (reserve_fd == -1)
		return;
	close(reserve_fd);
	if ((fd = accept(lfd, NULL, NULL)) != -1)
		close(fd);
	reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void
listener_accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	struct addr		 a;
	struct peer		*p;
	int			 fd, i, one = 1;

	for (i = 0; i < ACCEPT_PER_EVENT; i++) {
		len = sizeof ss;
		fd = accept4(w->fd, (struct sockaddr *)&ss, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE) {
				accept_out_of_files(w->fd);
				return;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn("accept");
			return;
		}
		if (addr_from_sockaddr(&a, (struct sockaddr *)&ss, len) == -1) {
			close(fd);
			continue;
		}
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof one);
		p = peer_create(fd, &a);
		p->next = server.peers;
		if (server.peers != NULL)
			server.peers->prev = p;
		server.peers = p;
		server.npeers++;
		server.stats.accepted++;
		log_info("%s: connected (%u online)", peer_name(p),
		    server.npeers);
	}
}

static void
server_log_stats(void)
{
	const struct stats	*s = &server.stats;

	log_always("stats: peers %u, accepted %llu, messages in %llu out %llu, "
	    "bytes in %llu out %llu, lines cut %llu, paused reading %llu, "
	    "accept failures %llu, udp in %llu out %llu, udp dropped: "
	    "source port %llu, reply bound %llu, send %llu",
	    server.npeers, (unsigned long long)s->accepted,
	    (unsigned long long)s->msgs_in, (unsigned long long)s->msgs_out,
	    (unsigned long long)s->bytes_in, (unsigned long long)s->bytes_out,
	    (unsigned long long)s->lines_cut,
	    (unsigned long long)s->backpressure,
	    (unsigned long long)s->accept_failed,
	    (unsigned long long)s->udp_in, (unsigned long long)s->udp_out,
	    (unsigned long long)s->udp_dropped_port,
	    (unsigned long long)s->udp_dropped_bound,
	    (unsigned long long)s->udp_dropped_send);
}

static void
server_stop_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	log_info("flush time over: %u peers still owed output", server.npeers);
	ev_break(loop, EVBREAK_ALL);
}

/* SIGINT, SIGTERM: stop taking, tell everyone, flush for a while. */
static void
server_stop(int sig)
{
	static const char	 notice[] = "*** server shutting down";
	struct listener		*l;
	struct peer		*p, *next;

	if (server.stopping)
		return;
	server.stopping = 1;
	log_info("signal %d: shutting down", sig);
	for (l = listeners; l != NULL; l = l->next)
		ev_io_stop(server.loop, &l->io);
	udp_stop();
	for (p = server.peers; p != NULL; p = next) {
		next = p->next;
		peer_send_stamped(p, notice, sizeof notice - 1);
		peer_finish(p);
	}
	if (server.npeers == 0) {
		ev_break(server.loop, EVBREAK_ALL);
		return;
	}
	ev_timer_init(&server.stop_w, server_stop_cb, SHUTDOWN_FLUSH_SECS, 0);
	ev_timer_start(server.loop, &server.stop_w);
}

static void
server_signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	if (w->signum == SIGUSR1)
		server_log_stats();
	else
		server_stop(w->signum);
}

void
server_init(struct ev_loop *loop, const struct srvconf *c)
{
	uint16_t	port = c->port;

	memset(&server, 0, sizeof server);
	server.loop = loop;
	server.conf = c;
	stamp_init(&server.stamp, c->time_format, c->utc);

	if (c->tcp)
		listen_all(SOCK_STREAM, &port);
	if (c->udp)
		listen_all(SOCK_DGRAM, &port);
	(void)net_raise_nofile();
	reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	signal(SIGPIPE, SIG_IGN);
	ev_signal_init(&server.sigint_w, server_signal_cb, SIGINT);
	ev_signal_init(&server.sigterm_w, server_signal_cb, SIGTERM);
	ev_signal_init(&server.sigusr1_w, server_signal_cb, SIGUSR1);
	ev_signal_start(loop, &server.sigint_w);
	ev_signal_start(loop, &server.sigterm_w);
	ev_signal_start(loop, &server.sigusr1_w);
	ev_prepare_init(&server.flush_w, server_flush_cb);
	ev_prepare_start(loop, &server.flush_w);
}

void
server_run(void)
{
	struct listener	*l;
	struct peer	*p;

	ev_run(server.loop, 0);

	/* Free everything, so that leak checkers see a clean exit. */
	while ((p = server.peers) != NULL)
		peer_close(p, NULL);
	while ((p = server.graveyard) != NULL) {
		server.graveyard = p->next;
		peer_free(p);
	}
	while ((l = listeners) != NULL) {
		listeners = l->next;
		ev_io_stop(server.loop, &l->io);
		close(l->io.fd);
		free(l);
	}
	udp_free();
	if (reserve_fd != -1)
		close(reserve_fd);
	outq_shutdown();
	log_info("stopped");
}
