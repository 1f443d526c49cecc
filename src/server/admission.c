/*
 * admission.c: who may connect. Peers outside --allow are closed with
 * nothing sent; past --max-clients or --max-per-ip a newcomer gets one
 * stamped notice, sent without waiting, and is closed. Refusals are
 * logged at most once a second for each cause.
 */
#include "common.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "addrmap.h"
#include "admission.h"
#include "cidr.h"
#include "core.h"
#include "log.h"
#include "xmalloc.h"

/* Connections from one host, for --max-per-ip. */
struct host_count {
	struct addrmap_entry	entry;
	unsigned int		count;
};

static struct addrmap	hosts;
static unsigned int	max_clients;

void
admission_init(unsigned int max)
{
	addrmap_init(&hosts, 0);
	max_clients = max;
}

static void
free_host(struct addrmap_entry *e, void *arg)
{
	free(container_of(e, struct host_count, entry));
}

void
admission_free(void)
{
	addrmap_each(&hosts, free_host, NULL);
	addrmap_free(&hosts);
}

int
admission_allowed(const struct addr *a)
{
	const struct srvconf	*c = core.conf;
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

/* Refuse FD with a stamped notice (nothing waits for it to be read). */
static void
refuse(int fd, const char *text)
{
	char		 buf[STAMP_MAX_BYTES + 128];
	const char	*stamp;
	size_t		 slen;
	int		 n;

	stamp = core_stamp(&slen);
	n = snprintf(buf, sizeof buf, "%s%s%s", stamp, text,
	    core.conf->framing == FRAME_LINE ? "\n" : "");
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

	if (ev_now(core.loop) - *last < 1.0)
		return;
	*last = ev_now(core.loop);
	log_info("%s: refused: %s", addr_format(a, name), why);
}

int
admission_admit(int fd, const struct addr *a, unsigned int npeers)
{
	static ev_tstamp	 last_full, last_host, last_allow;
	const struct srvconf	*c = core.conf;
	struct host_count	*h;

	if (!admission_allowed(a)) {
		core.stats.refused_allow++;
		log_refusal(&last_allow, a, "not in --allow");
		close(fd);
		return 0;
	}
	if (npeers >= max_clients) {
		core.stats.refused_full++;
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
		core.stats.refused_per_ip++;
		log_refusal(&last_host, a, "too many connections");
		refuse(fd, "*** too many connections from your address");
		return 0;
	}
	h->count++;
	return 1;
}

void
admission_release(const struct addr *a)
{
	struct host_count	*h;

	if (core.conf->max_per_ip > 0 && (h = host_count(a)) != NULL &&
	    --h->count == 0) {
		addrmap_remove(&hosts, &h->entry);
		free(h);
	}
}
