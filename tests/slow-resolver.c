/*
 * slow-resolver.c: a getaddrinfo() that tests/relay-resolve.sh compiles
 * and preloads into tschatd (LD_PRELOAD): a name (not an address in numbers) takes
 * TSCHAT_TEST_RESOLVE_SECS seconds, as with a resolver whose server is
 * slow, and is answered with the addresses in numbers listed in
 * TSCHAT_TEST_RESOLVE_ADDRS (those of the family asked for, in their
 * order); each such lookup appends "NAME" to TSCHAT_TEST_RESOLVE_LOG.
 * Anything else goes to the C library's getaddrinfo().
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef int gai_fn(const char *, const char *, const struct addrinfo *,
    struct addrinfo **);

static int
numeric(const char *s)
{
	unsigned char	buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, buf) == 1 ||
	    inet_pton(AF_INET6, s, buf) == 1;
}

static void
note(const char *node)
{
	const char	*path = getenv("TSCHAT_TEST_RESOLVE_LOG");
	char		 line[512];
	int		 fd, n;

	if (path == NULL ||
	    (fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600)) == -1)
		return;
	n = snprintf(line, sizeof line, "%s\n", node);
	if (n > 0 && (size_t)n < sizeof line)
		(void)write(fd, line, (size_t)n);
	close(fd);
}

int
getaddrinfo(const char *node, const char *service,
    const struct addrinfo *hints, struct addrinfo **res)
{
	static gai_fn	*real;
	struct addrinfo	 h, *head = NULL, **tail = &head, *one;
	struct timespec	 ts;
	const char	*secs, *addrs;
	char		 list[512], *a, *save;
	double		 d;

	if (real == NULL &&
	    (real = (gai_fn *)dlsym(RTLD_NEXT, "getaddrinfo")) == NULL)
		return EAI_FAIL;
	if (node == NULL || numeric(node))
		return real(node, service, hints, res);
	note(node);
	if ((secs = getenv("TSCHAT_TEST_RESOLVE_SECS")) != NULL &&
	    (d = strtod(secs, NULL)) > 0) {
		ts.tv_sec = (time_t)d;
		ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
		while (nanosleep(&ts, &ts) == -1)
			continue;
	}
	if ((addrs = getenv("TSCHAT_TEST_RESOLVE_ADDRS")) == NULL)
		return real(node, service, hints, res);
	snprintf(list, sizeof list, "%s", addrs);
	if (hints != NULL)
		h = *hints;
	else
		memset(&h, 0, sizeof h);
	h.ai_flags |= AI_NUMERICHOST;
	for (a = strtok_r(list, " ", &save); a != NULL;
	    a = strtok_r(NULL, " ", &save)) {
		if (real(a, service, &h, &one) != 0)
			continue;
		*tail = one;
		while (*tail != NULL)
			tail = &(*tail)->ai_next;
	}
	if (head == NULL)
		return EAI_NONAME;
	*res = head;
	return 0;
}
