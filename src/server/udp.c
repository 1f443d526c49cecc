/*
 * udp.c: the server's UDP side. Every request gets at most one reply, to
 * its source and no longer than the request plus a little; datagrams from
 * the ports of echo, chargen, DNS, NTP and the other small services, and
 * from port 0, are dropped, so that no loop between two servers can start;
 * so are those from the server's own port, which only another tschatd on
 * that port (or a forged copy of this one's address) sends from.
 * In a room a source becomes a member only by sending back a token that
 * reached it, so a forged source address cannot make anyone receive the
 * room; a member that stays silent past --udp-peer-ttl leaves.
 */
#include "common.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "addrmap.h"
#include "admission.h"
#include "command.h"
#include "cookie.h"
#include "defaults.h"
#include "dgram.h"
#include "log.h"
#include "ratelimit.h"
#include "core.h"
#include "member.h"
#include "service.h"
#include "udp.h"
#include "xmalloc.h"

/* Datagrams taken per readiness event, so TCP peers get their turn. */
#define UDP_PER_EVENT		64
/* A source's rate is forgotten after this long without a datagram. */
#define UDP_SOURCE_IDLE_SECS	60.0

struct udp_sock {
	ev_io		 io;
	uint16_t	 port;		/* its own, host order */
	struct udp_sock	*next;
};

/* A source that joined the room. */
struct udp_member {
	struct addrmap_entry	 entry;		/* address and port */
	struct member		 member;
	int			 fd;		/* the socket it joined on */
	ev_tstamp		 last_seen;
	struct bucket		 lines;		/* --line-rate */
};

/* A source address and its --udp-rate bucket. */
struct udp_source {
	struct addrmap_entry	 entry;		/* address only */
	struct bucket		 bucket;
	ev_tstamp		 last_seen;
};

static void	udp_deliver(struct member *, const struct slice *,
		    unsigned int);

/* A datagram a line: members are not batched. */
static const struct member_ops udp_member_ops = {
	.deliver = udp_deliver,
	.batched = 0,
};

static struct udp_sock	*socks;
static struct addrmap	 members;
static struct addrmap	 sources;
static struct bucket	 overflow;	/* shared by sources past the table */
static uint8_t		 cookie_key[COOKIE_KEY_BYTES];
static char		 reply[DGRAM_REPLY_MAX(UDP_MAX_BYTES)];

void
udp_init(void)
{
	addrmap_init(&members, 1);
	addrmap_init(&sources, 0);
	bucket_init(&overflow, core.conf->udp_rate * RATE_BURST_FACTOR,
	    ev_now(core.loop));
	if (cookie_key_init(cookie_key) == -1)
		die(1, errno, _("cannot get random bytes"));
}

/* Whether the source A may send one more datagram now (--udp-rate). */
static int
udp_rate_ok(const struct addr *a)
{
	const struct srvconf	*c = core.conf;
	struct addrmap_entry	*e;
	struct udp_source	*src;
	struct bucket		*b = &overflow;
	ev_tstamp		 now = ev_now(core.loop);

	if (c->udp_rate == 0)
		return 1;
	if ((e = addrmap_find(&sources, a)) != NULL) {
		src = container_of(e, struct udp_source, entry);
		src->last_seen = now;
		b = &src->bucket;
	} else if (sources.count < UDP_MAX_SOURCES) {
		src = xcalloc(1, sizeof *src);
		src->entry.addr = *a;
		src->last_seen = now;
		bucket_init(&src->bucket, c->udp_rate * RATE_BURST_FACTOR, now);
		addrmap_insert(&sources, &src->entry);
		b = &src->bucket;
	}
	return bucket_take(b, c->udp_rate, c->udp_rate * RATE_BURST_FACTOR,
	    now);
}

static void
udp_send(int fd, const struct addr *to, const char *data, size_t len)
{
	struct sockaddr_storage	ss;
	socklen_t		sslen;

	sslen = addr_to_sockaddr(to, &ss);
	if (sendto(fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL,
	    (struct sockaddr *)&ss, sslen) == -1) {
		/* No queue for UDP: a full socket buffer drops the reply. */
		core.stats.udp_dropped_send++;
		return;
	}
	core.stats.udp_out++;
	core.stats.bytes_out += len;
}

static void
udp_deliver(struct member *m, const struct slice *s, unsigned int n)
{
	struct udp_member	*um = container_of(m, struct udp_member, member);
	unsigned int		 i;

	/* Not batched: a slice is a line, and a datagram. */
	for (i = 0; i < n; i++)
		udp_send(um->fd, &m->addr, slice_data(&s[i]), s[i].len);
}

void
udp_echo_datagram(int fd, const struct addr *from, const char *data,
    size_t len)
{
	const struct srvconf	*c = core.conf;
	struct dgram_result	 res;
	const char		*stamp;
	size_t			 slen;

	stamp = core_stamp(&slen);
	dgram_echo(c->framing, c->max_line, stamp, slen, data, len, reply,
	    &res);
	core.stats.msgs_in += res.messages;
	core.stats.lines_cut += res.cut;
	core.stats.udp_dropped_bound += res.dropped;
	if (res.len == 0)
		return;
	core.stats.msgs_out += res.messages - res.dropped;
	udp_send(fd, from, reply, res.len);
}

static void
member_free(struct udp_member *um)
{
	addrmap_remove(&members, &um->entry);
	free(um);
}

/* A line from a member: said in the room. */
static int
member_message_cb(void *arg, const char *msg, size_t len, int flags)
{
	const struct srvconf	*c = core.conf;
	struct udp_member	*um = arg;
	struct command		 cmd;

	core.stats.msgs_in++;
	if (flags & FRAME_CUT)
		core.stats.lines_cut++;
	/* tschat may send its /join again: it is in already. */
	if (c->framing == FRAME_LINE) {
		command_parse(msg, len, &cmd);
		if (cmd.kind == CMD_JOIN && (cmd.arglen == 0 ||
		    cmd.arg[0] != '#'))
			return FRAME_GO;
	}
	/*
	 * --line-rate as for TCP peers; a datagram cannot be held back, so
	 * its lines over the rate are dropped (one datagram of 64 KiB could
	 * otherwise say 30000 lines and push every TCP member past
	 * --max-queue).
	 */
	if (c->line_rate > 0 && !bucket_take(&um->lines, c->line_rate,
	    c->line_rate * RATE_BURST_FACTOR, ev_now(core.loop))) {
		core.stats.udp_dropped_rate++;
		return FRAME_GO;
	}
	if (core.service->message(&um->member, msg, len, flags) ==
	    FRAME_STOP) {
		member_free(um);
		return FRAME_STOP;
	}
	return FRAME_GO;
}

/* Whether DATA is "/join TOKEN" with A's valid token. */
static int
valid_join(const struct addr *a, const char *data, size_t len)
{
	struct command	cmd;
	const char	*nl;

	/* The first line, in either framing. */
	if ((nl = memchr(data, '\n', len)) != NULL)
		len = nl - data;
	if (len > 0 && data[len - 1] == '\r')
		len--;
	command_parse(data, len, &cmd);
	return cmd.kind == CMD_JOIN && cookie_check(cookie_key, a,
	    (time_t)ev_now(core.loop), cmd.arg, cmd.arglen);
}

/* A datagram in a room: from a member, a join, or a stranger. */
static void
udp_member_datagram(int fd, const struct addr *from, const char *data,
    size_t len)
{
	const struct srvconf	*c = core.conf;
	struct addrmap_entry	*e;
	struct udp_member	*um;
	char			 token[COOKIE_CHARS + 1];
	const char		*stamp;
	size_t			 slen;
	int			 n;

	if ((e = addrmap_find(&members, from)) != NULL) {
		um = container_of(e, struct udp_member, entry);
		um->last_seen = ev_now(core.loop);
		dgram_messages(c->framing, c->max_line, data, len,
		    member_message_cb, um);
		return;
	}
	if (valid_join(from, data, len)) {
		um = xcalloc(1, sizeof *um);
		um->entry.addr = *from;
		um->member.addr = *from;
		um->member.ops = &udp_member_ops;
		um->fd = fd;
		um->last_seen = ev_now(core.loop);
		bucket_init(&um->lines, c->line_rate * RATE_BURST_FACTOR,
		    um->last_seen);
		addrmap_insert(&members, &um->entry);
		core.stats.udp_joined++;
		core.service->joined(&um->member);
		return;
	}
	/* A stranger gets a token, in a reply no longer than the bound. */
	cookie_make(cookie_key, from, (time_t)ev_now(core.loop), token);
	stamp = core_stamp(&slen);
	n = snprintf(reply, sizeof reply, "%s*** send /join %s%s", stamp,
	    token, c->framing == FRAME_LINE ? "\n" : "");
	if (n < 0 || (size_t)n > DGRAM_REPLY_MAX(len)) {
		core.stats.udp_dropped_bound++;
		return;
	}
	core.stats.udp_cookies++;
	udp_send(fd, from, reply, n);
}

static void
udp_datagram(const struct udp_sock *u, const struct sockaddr *sa,
    socklen_t salen, const char *data, size_t len)
{
	int		fd = u->io.fd;
	struct addr	a;

	if (addr_from_sockaddr(&a, sa, salen) == -1)
		return;
	/* A reply from a server on our port would be answered forever. */
	if (a.port < UDP_MIN_SOURCE_PORT || a.port == u->port) {
		core.stats.udp_dropped_port++;
		return;
	}
	if (!admission_allowed(&a)) {
		core.stats.udp_dropped_allow++;
		return;
	}
	if (len == 0)
		return;
	if (!udp_rate_ok(&a)) {
		core.stats.udp_dropped_rate++;
		return;
	}
	core.stats.udp_in++;
	core.stats.bytes_in += len;
	if (core.service->datagram != NULL)
		core.service->datagram(fd, &a, data, len);
	else
		udp_member_datagram(fd, &a, data, len);
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
		n = recvfrom(w->fd, core.rbuf, UDP_MAX_BYTES, 0,
		    (struct sockaddr *)&ss, &len);
		if (n == -1) {
			/* ICMP errors from earlier sends surface here. */
			if (errno == EINTR || errno == ECONNREFUSED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn("udp receive");
			return;
		}
		udp_datagram(container_of(w, struct udp_sock, io),
		    (struct sockaddr *)&ss, len, core.rbuf, n);
	}
}

void
udp_add_socket(int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;
	struct addr		 a;
	struct udp_sock		*u;

	u = xcalloc(1, sizeof *u);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
	    addr_from_sockaddr(&a, (struct sockaddr *)&ss, len) == 0)
		u->port = a.port;
	ev_io_init(&u->io, udp_read_cb, fd, EV_READ);
	ev_io_start(core.loop, &u->io);
	u->next = socks;
	socks = u;
}

static void
expire_member(struct addrmap_entry *e, void *arg)
{
	struct udp_member	*um = container_of(e, struct udp_member, entry);
	ev_tstamp		 now = *(ev_tstamp *)arg;

	if (now - um->last_seen < core.conf->udp_peer_ttl)
		return;
	core.stats.udp_expired++;
	core.service->left(&um->member, "timeout", 7);
	member_free(um);
}

static void
expire_source(struct addrmap_entry *e, void *arg)
{
	struct udp_source	*src = container_of(e, struct udp_source,
				    entry);
	ev_tstamp		 now = *(ev_tstamp *)arg;

	if (now - src->last_seen < UDP_SOURCE_IDLE_SECS)
		return;
	addrmap_remove(&sources, e);
	free(src);
}

void
udp_cron(ev_tstamp now)
{
	addrmap_each(&members, expire_member, &now);
	addrmap_each(&sources, expire_source, &now);
}

void
udp_stop(void)
{
	struct udp_sock	*u;

	for (u = socks; u != NULL; u = u->next)
		ev_io_stop(core.loop, &u->io);
}

static void
free_member(struct addrmap_entry *e, void *arg)
{
	struct udp_member	*um = container_of(e, struct udp_member, entry);

	core.service->left(&um->member, NULL, 0);
	member_free(um);
}

static void
free_source(struct addrmap_entry *e, void *arg)
{
	addrmap_remove(&sources, e);
	free(container_of(e, struct udp_source, entry));
}

void
udp_free(void)
{
	struct udp_sock	*u;

	addrmap_each(&members, free_member, NULL);
	addrmap_each(&sources, free_source, NULL);
	while ((u = socks) != NULL) {
		socks = u->next;
		ev_io_stop(core.loop, &u->io);
		close(u->io.fd);
		free(u);
	}
	addrmap_free(&members);
	addrmap_free(&sources);
}
