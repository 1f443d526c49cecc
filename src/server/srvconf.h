/*
 * srvconf.h: tschatd's configuration, parsed from its command line.
 */
#ifndef TSCHAT_SRVCONF_H
#define TSCHAT_SRVCONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cidr.h"
#include "frame.h"
#include "optmsg.h"
#include "log.h"

struct srvconf {
	char		**binds;	/* --bind, in order; none: all */
	size_t		  nbinds;
	uint16_t	  port;
	int		  tcp;
	int		  udp;
	enum frame_mode	  framing;
	const char	 *time_format;
	int		  utc;
	int		  broadcast;
	size_t		  max_line;
	size_t		  max_queue;
	unsigned int	  max_clients;
	unsigned int	  max_per_ip;	/* 0: no limit */
	struct cidr	 *allow;	/* --allow; none: everyone */
	size_t		  nallow;
	unsigned int	  line_rate;	/* lines a second; 0: no limit */
	unsigned int	  idle_timeout;	/* seconds; 0: none */
	unsigned int	  udp_rate;	/* datagrams a second; 0: no limit */
	unsigned int	  udp_peer_ttl;	/* seconds */
	unsigned int	  history;	/* lines a room keeps; 0: none */
	size_t		  history_memory;
	unsigned int	  max_rooms;	/* besides the lobby */
	unsigned int	  max_joins;	/* rooms a peer is in besides it */
	enum log_level	  log_level;
	int		  syslog;
	const char	 *relay;	/* --relay URL, or NULL */
	const char	 *relay_password; /* from the environment */
	const char	 *relay_prefix;
	const char	 *node_name;	/* NULL: HOSTNAME:PORT */
	const char	 *tls_cert;	/* NULL: no TLS */
	const char	 *tls_key;
	uint16_t	  tls_port;
	int		  tls_only;	/* no plaintext TCP */
	const char	 *nick_owners;	/* --nick-owners FILE, or NULL */
};

/*
 * Parse ARGV into C. On CONF_ERROR, ERR (SIZE bytes) holds the
 * translated reason, without the program name.
 */
enum conf_result srvconf_parse(struct srvconf *c, int argc, char **argv,
	    char *err, size_t size);

void	srvconf_free(struct srvconf *c);

/* Print --help to F. */
void	srvconf_usage(FILE *f);

#endif
