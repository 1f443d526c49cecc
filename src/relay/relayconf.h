/*
 * relayconf.h: what --relay, --relay-prefix and --node-name say: where
 * Redis is, how to log in, and the names of the room's keys and servers.
 */
#ifndef TSCHAT_RELAYCONF_H
#define TSCHAT_RELAYCONF_H

#include <stddef.h>
#include <stdint.h>

#include "defaults.h"

#define RELAY_DEFAULT_PORT	6379
#define RELAY_DEFAULT_PREFIX	"tschat"
#define RELAY_NAME_MAX		NODE_NAME_MAX

struct relay_url {
	char		*host;		/* NULL for a unix socket */
	uint16_t	 port;
	char		*path;		/* unix:PATH */
	char		*user;		/* NULL: none (AUTH with a password) */
	char		*password;	/* NULL: no AUTH */
	unsigned int	 db;
};

/*
 * Parse "redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]" or "unix:PATH" (with
 * an optional "?db=N"). HOST may be "[v6]". Return -1 with *ERR set to an
 * untranslated reason on a malformed URL.
 */
int	relay_url_parse(const char *s, struct relay_url *u, const char **err);
void	relay_url_free(struct relay_url *u);

/* Whether NAME may be a room or node name: 1 to 64 of [A-Za-z0-9._:-]. */
int	relay_name_ok(const char *name);

#endif
