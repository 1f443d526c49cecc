/*
 * udp.c: UDP echo. Every request gets at most one reply, to its source and
 * no longer than the request plus a little; datagrams from the ports of
 * echo, chargen, DNS, NTP and the other small services, and from port 0,
 * are dropped, so that no loop between two servers can start.
 */
#include "common.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "defaults.h"
#include "dgram.h"
#include "log.h"
#include "server.h"
#include "udp.h"
#include "xmalloc.h"

/* Datagrams taken per readiness event, so TCP peers get their turn. */
#define UDP_PER_EVENT	64

struct udp_sock {
	ev_io		 io;
	struct udp_sock	*next;
};

static struct udp_sock	*socks;
static char		 reply[DGRAM_REPLY_MAX(UDP_MAX_BYTES)];

static void
udp_datagram(int fd, const struct sockaddr *from, socklen_t fromlen,
    const char *data, size_t len)
{
	const struct srvconf	*c = server.conf;
	struct dgram_result	 res;
	struct addr		 a;
	const char		*stamp;
	size_t			 slen;

	if (addr_from_sockaddr(&a, from, fromlen) == -1)
		return;
	if (a.port < UDP_MIN_SOURCE_PORT) {
		server.stats.udp_dropped_port++;
		return;
	}
	if (len == 0)
		return;
	server.stats.udp_in++;
	server.stats.bytes_in += len;
	stamp = server_stamp(&slen);
	dgram_echo(c->framing, c->max_line, stamp, slen, data, len, reply,
	    &res);
	server.stats.msgs_in += res.messages;
	server.stats.lines_cut += res.cut;
	server.stats.udp_dropped_bound += res.dropped;
	if (res.len == 0)
		return;
	if (sendto(fd, reply, res.len, MSG_DONTWAIT | MSG_NOSIGNAL, from,
	    fromlen) == -1) {
		/* No queue for UDP: a full socket buffer drops the reply. */
		server.stats.udp_dropped_send++;
		return;
	}
	server.stats.udp_out++;
	server.stats.msgs_out += res.messages - res.dropped;
	server.stats.bytes_out += res.len;
}

static void
udp_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct sockaddr_storage	ss;
	socklen_t		len;
	ssize_t			n;
	int			i;

	for (i = 0; i < UDP_PER_EVENT; i++) {
		len = sizeof ss;
		n = recvfrom(w->fd, server.rbuf, UDP_MAX_BYTES, 0,
		    (struct sockaddr *)&ss, &len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			/* ICMP errors from earlier sends surface here. */
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != ECONNREFUSED)
				log_warn("udp receive");
			if (errno == ECONNREFUSED)
				continue;
			return;
		}
		udp_datagram(w->fd, (struct sockaddr *)&ss, len, server.rbuf,
		    n);
	}
}

void
udp_add_socket(int fd)
{
	struct udp_sock	*u;

	u = xcalloc(1, sizeof *u);
	ev_io_init(&u->io, udp_read_cb, fd, EV_READ);
	ev_io_start(server.loop, &u->io);
	u->next = socks;
	socks = u;
}

void
udp_stop(void)
{
	struct udp_sock	*u;

	for (u = socks; u != NULL; u = u->next)
		ev_io_stop(server.loop, &u->io);
}

void
udp_free(void)
{
	struct udp_sock	*u;

	while ((u = socks) != NULL) {
		socks = u->next;
		ev_io_stop(server.loop, &u->io);
		close(u->io.fd);
		free(u);
	}
}
