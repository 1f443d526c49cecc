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
#include "addrmap.h"
#include "cidr.h"
#include "log.h"
#include "net.h"
#include "outq.h"
#include "peer.h"
#include "relay.h"
#include "room.h"
#include "server.h"
#include "udp.h"
#include "xmalloc.h"

struct listener {
	ev_io		 io;
	struct listener	*next;
};

/* Connections from one host, for --max-per-ip. */
struct host_count {
	struct addrmap_entry	entry;
	unsigned int		count;
};

struct server		 server;
static struct listener	*listeners;
static struct addrmap	 hosts;
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
	/*
	 * While the write watcher runs, it will write this too; but a peer
	 * over --max-queue is judged at the next flush, writable or not.
	 */
	if (ev_is_active(&p->wio) && !(p->flags & PEER_SLOW))
		return;
	p->flags |= PEER_PENDING;
	p->next_pending = server.pending;
	server.pending = p;
}

/* Take P out of the list of peers. */
static void
unlink_peer(struct peer *p)
{
	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		server.peers = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	else
		server.peers_tail = p->prev;
	p->prev = p->next = NULL;
}

/* Append P to the list of peers: the most recently active end. */
static void
append_peer(struct peer *p)
{
	p->next = NULL;
	p->prev = server.peers_tail;
	if (server.peers_tail != NULL)
		server.peers_tail->next = p;
	else
		server.peers = p;
	server.peers_tail = p;
}

void
server_peer_active(struct peer *p)
{
	p->last_read = ev_now(server.loop);
	if (server.peers_tail != p) {
		unlink_peer(p);
		append_peer(p);
	}
}

int
server_allowed(const struct addr *a)
{
	const struct srvconf	*c = server.conf;
	size_t			 i;

	if (c->nallow == 0)
		return 1;
	for (i = 0; i < c->nallow; i++) {
		if (cidr_match(&c->allow[i], a))
			return 1;
	}
	return 0;
}

static struct host_count *
host_count(const struct addr *a)
{
	struct addrmap_entry	*e = addrmap_find(&hosts, a);

	return e != NULL ? container_of(e, struct host_count, entry) : NULL;
}

void
server_peer_closed(struct peer *p)
{
	struct host_count	*h;

	unlink_peer(p);
	server.npeers--;
	if (server.conf->max_per_ip > 0 &&
	    (h = host_count(&p->member.addr)) != NULL && --h->count == 0) {
		addrmap_remove(&hosts, &h->entry);
		free(h);
	}
	/* p->next is free now: it links the graveyard. */
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
	for (;;) {
		if (server.conf->broadcast)
			room_flush();
		if ((list = server.pending) == NULL)
			break;
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

/* Refuse FD with a stamped notice (nothing waits for it to be read). */
static void
refuse(int fd, const char *text)
{
	char		 buf[STAMP_MAX_BYTES + 128];
	const char	*stamp;
	size_t		 slen;
	int		 n;

	stamp = server_stamp(&slen);
	n = snprintf(buf, sizeof buf, "%s%s%s", stamp, text,
	    server.conf->framing == FRAME_LINE ? "\n" : "");
	if (n > 0)
		(void)send(fd, buf, MINIMUM((size_t)n, sizeof buf - 1),
		    MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
}

/* Log a refusal, at most once a second for each cause. */
static void
log_refusal(ev_tstamp *last, const struct addr *a, const char *why)
{
	char	name[ADDR_STRLEN];

	if (ev_now(server.loop) - *last < 1.0)
		return;
	*last = ev_now(server.loop);
	log_info("%s: refused: %s", addr_format(a, name), why);
}

/* Whether a newcomer from A may stay; if not, it has been closed. */
static int
admit(int fd, const struct addr *a)
{
	static ev_tstamp	 last_full, last_host, last_allow;
	const struct srvconf	*c = server.conf;
	struct host_count	*h;

	if (!server_allowed(a)) {
		server.stats.refused_allow++;
		log_refusal(&last_allow, a, "not in --allow");
		close(fd);
		return 0;
	}
	if (server.npeers >= server.max_clients) {
		server.stats.refused_full++;
		log_refusal(&last_full, a, "server full");
		refuse(fd, "*** server full");
		return 0;
	}
	if (c->max_per_ip == 0)
		return 1;
	if ((h = host_count(a)) == NULL) {
		h = xcalloc(1, sizeof *h);
		h->entry.addr = *a;
		addrmap_insert(&hosts, &h->entry);
	}
	if (h->count >= c->max_per_ip) {
		server.stats.refused_per_ip++;
		log_refusal(&last_host, a, "too many connections");
		refuse(fd, "*** too many connections from your address");
		return 0;
	}
	h->count++;
	return 1;
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
		if (!admit(fd, &a))
			continue;
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof one);
		p = peer_create(fd, &a);
		append_peer(p);
		server.npeers++;
		server.stats.accepted++;
		log_info("%s: connected (%u online)", peer_name(p),
		    server.npeers);
		if (server.conf->broadcast)
			room_join(&p->member);
	}
}

/* Once a second: idle peers, slow consumers. */
static void
server_cron_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	static const char	 idle[] = "*** idle timeout";
	const struct srvconf	*c = server.conf;
	ev_tstamp		 now = ev_now(loop);
	struct peer		*p, *next;

	/* Oldest activity first: stop at the first peer still active. */
	for (p = server.peers; c->idle_timeout > 0 && p != NULL; p = next) {
		next = p->next;
		if (now - p->last_read < c->idle_timeout)
			break;
		/* Not read because of us (rate, backpressure): not idle. */
		if (p->flags & (PEER_EOF | PEER_CLOSING | PEER_RATED |
		    PEER_THROTTLED))
			continue;
		server.stats.idle_cut++;
		log_info("%s: idle for %u s", peer_name(p), c->idle_timeout);
		peer_send_stamped(p, idle, sizeof idle - 1);
		peer_finish(p);
	}
	if (c->broadcast) {
		for (p = server.peers; p != NULL; p = next) {
			next = p->next;
			peer_check_queue(p, now);
		}
	}
	udp_cron(now);
}

static void
server_log_stats(void)
{
	const struct stats	*s = &server.stats;

	char			 relay_figures[512] = "";

	relay_stats(relay_figures, sizeof relay_figures);
#define U(x) ((unsigned long long)(x))
	log_always("stats: peers %u (room %u), accepted %llu; messages in %llu "
	    "out %llu; bytes in %llu out %llu; lines cut %llu; reading paused "
	    "%llu, rate waits %llu; cut: slow consumers %llu, idle %llu; "
	    "refused: full %llu, per-ip %llu, allow %llu, out of files %llu; "
	    "udp in %llu out %llu, joined %llu, expired %llu, cookies %llu, "
	    "dropped: source port %llu, rate %llu, allow %llu, reply bound "
	    "%llu, send %llu%s",
	    server.npeers, room_count(), U(s->accepted), U(s->msgs_in),
	    U(s->msgs_out), U(s->bytes_in), U(s->bytes_out), U(s->lines_cut),
	    U(s->backpressure), U(s->rate_waits), U(s->slow_cut),
	    U(s->idle_cut), U(s->refused_full), U(s->refused_per_ip),
	    U(s->refused_allow), U(s->accept_failed), U(s->udp_in),
	    U(s->udp_out), U(s->udp_joined), U(s->udp_expired),
	    U(s->udp_cookies), U(s->udp_dropped_port), U(s->udp_dropped_rate),
	    U(s->udp_dropped_allow), U(s->udp_dropped_bound),
	    U(s->udp_dropped_send), relay_figures);
#undef U
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
	if (server.conf->broadcast)
		room_notice_all(notice + 4, sizeof notice - 5);
	for (p = server.peers; p != NULL; p = next) {
		next = p->next;
		if (!server.conf->broadcast)
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
	long		nofile;

	memset(&server, 0, sizeof server);
	server.loop = loop;
	server.conf = c;
	server.started = ev_now(loop);
	stamp_init(&server.stamp, c->time_format, c->utc);
	addrmap_init(&hosts, 0);
	peer_init();
	udp_init();

	if (c->tcp)
		listen_all(SOCK_STREAM, &port);
	if (c->udp)
		listen_all(SOCK_DGRAM, &port);
	nofile = net_raise_nofile();
	/* The reserve is the lowest free descriptor: those below are used. */
	reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	server.max_clients = c->max_clients;
	if (nofile - reserve_fd - RESERVED_FDS < (long)server.max_clients) {
		server.max_clients = nofile - reserve_fd - RESERVED_FDS > 1 ?
		    nofile - reserve_fd - RESERVED_FDS : 1;
		log_warnx("open file limit %ld: at most %u clients", nofile,
		    server.max_clients);
	}

	signal(SIGPIPE, SIG_IGN);
	ev_signal_init(&server.sigint_w, server_signal_cb, SIGINT);
	ev_signal_init(&server.sigterm_w, server_signal_cb, SIGTERM);
	ev_signal_init(&server.sigusr1_w, server_signal_cb, SIGUSR1);
	ev_signal_start(loop, &server.sigint_w);
	ev_signal_start(loop, &server.sigterm_w);
	ev_signal_start(loop, &server.sigusr1_w);
	ev_prepare_init(&server.flush_w, server_flush_cb);
	ev_prepare_start(loop, &server.flush_w);
	ev_timer_init(&server.cron_w, server_cron_cb, 1.0, 1.0);
	ev_timer_start(loop, &server.cron_w);
	relay_init(loop, port);
}

static void
free_host(struct addrmap_entry *e, void *arg)
{
	free(container_of(e, struct host_count, entry));
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
	relay_free();
	udp_free();
	peer_shutdown();
	room_free();
	addrmap_each(&hosts, free_host, NULL);
	addrmap_free(&hosts);
	ev_timer_stop(server.loop, &server.cron_w);
	ev_timer_stop(server.loop, &server.stop_w);
	if (reserve_fd != -1)
		close(reserve_fd);
	outq_shutdown();
	log_info("stopped");
}
