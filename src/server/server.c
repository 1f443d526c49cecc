/*
 * server.c: the server's loop: listening sockets (plaintext, TLS, UDP) and
 * accept, the batched write pass before the loop sleeps, freeing closed
 * peers, signals (SIGHUP reloads what can be) and the clean shutdown.
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
#include "admission.h"
#include "core.h"
#include "log.h"
#include "net.h"
#include "outq.h"
#include "owners.h"
#include "peer.h"
#include "server.h"
#include "service.h"
#include "tls.h"
#include "udp.h"
#include "xmalloc.h"

struct listener {
	ev_io		 io;
	struct listener	*next;
	int		 tls;
};

static struct listener	*listeners;
static int		 reserve_fd = -1;
static ev_tstamp	 last_emfile_log;
static ev_prepare	 flush_w;
static ev_signal	 sigint_w;
static ev_signal	 sigterm_w;
static ev_signal	 sigusr1_w;
static ev_signal	 sighup_w;
static ev_timer		 stop_w;
static ev_timer		 cron_w;
/* More figures for the SIGUSR1 line (the relay's). */
static void		(*stats_fn)(char *, size_t, void *);
static void		*stats_arg;

static void	listener_accept_cb(struct ev_loop *, ev_io *, int);

void
server_stats_hook(void (*fn)(char *buf, size_t size, void *arg), void *arg)
{
	stats_fn = fn;
	stats_arg = arg;
}

/* Before the loop sleeps: write every pending peer, then free the dead. */
static void
server_flush_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	/* Writing may close peers, whose leaving queues more output. */
	do {
		core.writing = 1;
		core.service->flush();
		core.writing = 0;
	} while (peers_write());
	peers_reap();
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
add_listener(int type, int fd, int tls)
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
	l->tls = tls;
	ev_io_init(&l->io, listener_accept_cb, fd, EV_READ);
	ev_io_start(core.loop, &l->io);
	l->next = listeners;
	listeners = l;
	log_info("listening on %s %s", tls ? "tls" : "tcp", name);
}

/*
 * Listen for TYPE (over TLS: TLS) on every configured address, or on "::"
 * dual-stack (0.0.0.0 where the host has no IPv6). *PORT 0 takes the port
 * the first socket got, so that TCP and UDP share it.
 */
static void
listen_all(int type, uint16_t *port, int tls)
{
	const struct srvconf	*c = core.conf;
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
		add_listener(type, fd, tls);
		return;
	}
	for (i = 0; i < c->nbinds; i++) {
		if (net_resolve(c->binds[i], *port, type, 1, &res, &why) == -1)
			die(1, 0, _("cannot resolve %s: %s"), c->binds[i], why);
		for (ai = res; ai != NULL; ai = ai->ai_next) {
			fd = listen_or_die(type, ai->ai_addr, ai->ai_addrlen,
			    0);
			add_listener(type, fd, tls);
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

	core.stats.accept_failed++;
	if (ev_now(core.loop) - last_emfile_log >= 1.0) {
		log_warnx("out of file descriptors: refusing connections");
		last_emfile_log = ev_now(core.loop);
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
	struct listener		*l = container_of(w, struct listener, io);
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	struct addr		 a;
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
		if (!admission_admit(fd, &a, peers_count()))
			continue;
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof one);
		peer_create(fd, &a, l->tls);
	}
}

/* Once a second: idle peers, slow consumers, silent UDP members. */
static void
server_cron_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	ev_tstamp	now = ev_now(loop);

	peers_cron(now);
	udp_cron(now);
	if (core.service->tick != NULL)
		core.service->tick(now);
}

static void
server_log_stats(void)
{
	const struct stats	*s = &core.stats;
	char			 more[512] = "";

	if (stats_fn != NULL)
		stats_fn(more, sizeof more, stats_arg);
#define U(x) ((unsigned long long)(x))
	log_always("stats: peers %u (room %u), accepted %llu; messages in %llu "
	    "out %llu; bytes in %llu out %llu; writes %llu, loop iterations "
	    "%llu; lines cut %llu; reading paused "
	    "%llu, rate waits %llu; cut: slow consumers %llu, idle %llu; "
	    "refused: full %llu, per-ip %llu, allow %llu, out of files %llu; "
	    "udp in %llu out %llu, joined %llu, expired %llu, cookies %llu, "
	    "dropped: source port %llu, rate %llu, allow %llu, reply bound "
	    "%llu, send %llu; tls handshakes %llu, failed %llu, timed out %llu, "
	    "on the plaintext port %llu%s",
	    peers_count(), core.service->count(), U(s->accepted), U(s->msgs_in),
	    U(s->msgs_out), U(s->bytes_in), U(s->bytes_out), U(s->writes),
	    U(ev_iteration(core.loop)), U(s->lines_cut),
	    U(s->backpressure), U(s->rate_waits), U(s->slow_cut),
	    U(s->idle_cut), U(s->refused_full), U(s->refused_per_ip),
	    U(s->refused_allow), U(s->accept_failed), U(s->udp_in),
	    U(s->udp_out), U(s->udp_joined), U(s->udp_expired),
	    U(s->udp_cookies), U(s->udp_dropped_port), U(s->udp_dropped_rate),
	    U(s->udp_dropped_allow), U(s->udp_dropped_bound),
	    U(s->udp_dropped_send), U(s->tls_done), U(s->tls_failed),
	    U(s->tls_timeout), U(s->tls_on_plain), more);
#undef U
}

static void
server_stop_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	log_info("flush time over: %u peers still owed output",
	    peers_count());
	ev_break(loop, EVBREAK_ALL);
}

/* SIGINT, SIGTERM: stop taking, tell everyone, flush for a while. */
static void
server_stop(int sig)
{
	struct listener	*l;

	if (core.stopping)
		return;
	core.stopping = 1;
	log_info("signal %d: shutting down", sig);
	for (l = listeners; l != NULL; l = l->next)
		ev_io_stop(core.loop, &l->io);
	udp_stop();
	core.service->stop();
	peers_finish();
	if (peers_count() == 0) {
		ev_break(core.loop, EVBREAK_ALL);
		return;
	}
	ev_timer_init(&stop_w, server_stop_cb, SHUTDOWN_FLUSH_SECS, 0);
	ev_timer_start(core.loop, &stop_w);
}

/* --nick-owners from its file; 0, or -1 (ERR set) and the old stay. */
static int
load_owners(char **err)
{
	struct owners	*o;

	if ((o = owners_load(core.conf->nick_owners, err)) == NULL)
		return -1;
	owners_free(core.owners);
	core.owners = o;
	log_info("nick owners: %zu listed in %s", owners_count(o),
	    core.conf->nick_owners);
	return 0;
}

/* SIGHUP: the certificate, key and nick owners again; the old on failure. */
static void
server_reload(void)
{
	char	*err = NULL;

	if (core.conf->tls_cert == NULL && core.conf->nick_owners == NULL) {
		log_info("SIGHUP: nothing to reload");
		return;
	}
	if (core.conf->tls_cert != NULL)
		tls_reload();
	if (core.conf->nick_owners != NULL && load_owners(&err) == -1) {
		log_warnx("nick owners: reload: %s; the old list stays", err);
		free(err);
	}
}

static void
server_signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	if (w->signum == SIGUSR1)
		server_log_stats();
	else if (w->signum == SIGHUP)
		server_reload();
	else
		server_stop(w->signum);
}

uint16_t
server_init(struct ev_loop *loop, const struct srvconf *c)
{
	uint16_t	port = c->port, tls_port = c->tls_port;
	unsigned int	max_clients = c->max_clients;
	long		nofile;
	char		*err = NULL;

	memset(&core, 0, sizeof core);
	core.loop = loop;
	core.conf = c;
	core.started = ev_now(loop);
	/* The one place that tells echo from a room. */
	core.service = c->broadcast ? &room_service : &echo_service;
	stamp_init(&core.stamp, c->time_format, c->utc);
	/* What cannot be loaded stops the start, before anything listens. */
	if (c->nick_owners != NULL && load_owners(&err) == -1)
		die(1, 0, "%s", err);
	if (c->tls_cert != NULL)
		tls_init(c->tls_cert, c->tls_key);
	core.service->init();
	peers_init();
	udp_init();

	if (c->tcp)
		listen_all(SOCK_STREAM, &port, 0);
	if (c->udp)
		listen_all(SOCK_DGRAM, &port, 0);
	if (c->tls_cert != NULL)
		listen_all(SOCK_STREAM, &tls_port, 1);
	nofile = net_raise_nofile();
	/* The reserve is the lowest free descriptor: those below are used. */
	reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (nofile - reserve_fd - RESERVED_FDS < (long)max_clients) {
		max_clients = nofile - reserve_fd - RESERVED_FDS > 1 ?
		    nofile - reserve_fd - RESERVED_FDS : 1;
		log_warnx("open file limit %ld: at most %u clients", nofile,
		    max_clients);
	}
	admission_init(max_clients);

	signal(SIGPIPE, SIG_IGN);
	ev_signal_init(&sigint_w, server_signal_cb, SIGINT);
	ev_signal_init(&sigterm_w, server_signal_cb, SIGTERM);
	ev_signal_init(&sigusr1_w, server_signal_cb, SIGUSR1);
	ev_signal_init(&sighup_w, server_signal_cb, SIGHUP);
	ev_signal_start(loop, &sighup_w);
	ev_signal_start(loop, &sigint_w);
	ev_signal_start(loop, &sigterm_w);
	ev_signal_start(loop, &sigusr1_w);
	ev_prepare_init(&flush_w, server_flush_cb);
	ev_prepare_start(loop, &flush_w);
	ev_timer_init(&cron_w, server_cron_cb, 1.0, 1.0);
	ev_timer_start(loop, &cron_w);
	/* The port named for the relay: plaintext's, else TLS's. */
	return c->tcp || c->udp ? port : tls_port;
}

void
server_run(void)
{
	ev_run(core.loop, 0);
}

void
server_free(void)
{
	struct listener	*l;

	/* Free everything, so that leak checkers see a clean exit. */
	peers_close();
	while ((l = listeners) != NULL) {
		listeners = l->next;
		ev_io_stop(core.loop, &l->io);
		close(l->io.fd);
		free(l);
	}
	udp_free();
	peers_free();
	core.service->free();
	admission_free();
	ev_prepare_stop(core.loop, &flush_w);
	ev_timer_stop(core.loop, &cron_w);
	ev_timer_stop(core.loop, &stop_w);
	ev_signal_stop(core.loop, &sigint_w);
	ev_signal_stop(core.loop, &sigterm_w);
	ev_signal_stop(core.loop, &sigusr1_w);
	ev_signal_stop(core.loop, &sighup_w);
	tls_free();
	owners_free(core.owners);
	core.owners = NULL;
	if (reserve_fd != -1)
		close(reserve_fd);
	outq_shutdown();
	log_info("stopped");
}
