/*
 * net.c: socket set-up shared by the server and the client.
 */
#include "common.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "defaults.h"
#include "net.h"

int
net_resolve(const char *host, uint16_t port, int type, int passive,
    struct addrinfo **res, const char **err)
{
	struct addrinfo	hints;
	char		service[8];
	int		rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = type;
	snprintf(service, sizeof service, "%u", port);
	/*
	 * An address is taken as it is. AI_ADDRCONFIG is for names only:
	 * glibc counts no loopback address, so that with it ::1 would not
	 * resolve on a host whose only other addresses are IPv4.
	 */
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV |
	    (passive ? AI_PASSIVE : 0);
	rc = getaddrinfo(host, service, &hints, res);
	if (rc == EAI_NONAME) {
		hints.ai_flags = AI_NUMERICSERV |
		    (passive ? AI_PASSIVE : AI_ADDRCONFIG);
		rc = getaddrinfo(host, service, &hints, res);
	}
	if (rc != 0) {
		*err = rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc);
		return -1;
	}
	return 0;
}

int
net_set_nonblock(int fd)
{
	int	flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1)
		return -1;
	return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

static int
new_socket(int family, int type)
{
	return socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

int
net_listen(int type, const struct sockaddr *sa, socklen_t len, int dual_stack)
{
	int	fd, one = 1, zero = 0, saved;

	if ((fd = new_socket(sa->sa_family, type)) == -1)
		return -1;
	/*
	 * A restarted server binds its TCP port at once. Not for UDP: there
	 * it would let a second server share the port and take its traffic.
	 */
	if (type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR,
	    &one, sizeof one) == -1)
		goto fail;
	if (sa->sa_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, dual_stack ? &zero : &one, sizeof one) == -1)
		goto fail;
	if (bind(fd, sa, len) == -1)
		goto fail;
	if (type == SOCK_STREAM && listen(fd, LISTEN_BACKLOG) == -1)
		goto fail;
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int
net_connect(int type, const struct sockaddr *sa, socklen_t len)
{
	int	fd, one = 1, saved;

	if ((fd = new_socket(sa->sa_family, type)) == -1)
		return -1;
	if (type == SOCK_STREAM)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, sa, len) == -1 && errno != EINPROGRESS) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

uint16_t
net_local_port(int fd)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof ss;
	struct addr		a;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1 ||
	    addr_from_sockaddr(&a, (struct sockaddr *)&ss, len) == -1)
		return 0;
	return a.port;
}

long
net_raise_nofile(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur == RLIM_INFINITY ? 1L << 20 : (long)rl.rlim_cur;
}
