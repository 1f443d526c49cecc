/*
 * relayconf.c: parsing relay URLs, and checking the names of key prefixes
 * and servers. Everything here is checked before the server starts, so
 * that a typo is a usage error and not a silent reconnect loop.
 */
#include "common.h"

#include <stdlib.h>
#include <string.h>

#include "relayconf.h"
#include "strnum.h"
#include "xmalloc.h"

void
relay_url_free(struct relay_url *u)
{
	free(u->host);
	free(u->path);
	free(u->user);
	free(u->password);
	memset(u, 0, sizeof *u);
}

int
relay_name_ok(const char *name)
{
	size_t	n = strlen(name), i;

	if (n == 0 || n > RELAY_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') ||
		    strchr("._:-", name[i]) != NULL))
			return 0;
	}
	return 1;
}

static int
parse_db(const char *s, unsigned int *db, const char **err)
{
	long long	n;

	if (strnum(s, 0, 1000000, &n, err) == -1 || *s == '+' || *s == '-') {
		*err = N_("bad database number");
		return -1;
	}
	*db = n;
	return 0;
}

/* "unix:PATH[?db=N]" */
static int
parse_unix(const char *s, struct relay_url *u, const char **err)
{
	const char	*q = strchr(s, '?');
	size_t		 n = q != NULL ? (size_t)(q - s) : strlen(s);

	if (n == 0 || s[0] != '/') {
		*err = N_("a unix socket needs an absolute path");
		return -1;
	}
	if (q != NULL && (strncmp(q, "?db=", 4) != 0 ||
	    parse_db(q + 4, &u->db, err) == -1)) {
		*err = N_("bad database number");
		return -1;
	}
	u->path = xstrndup(s, n);
	return 0;
}

int
relay_url_parse(const char *s, struct relay_url *u, const char **err)
{
	const char	*at, *hp, *end, *colon, *slash, *why;
	long long	 port;

	memset(u, 0, sizeof *u);
	u->port = RELAY_DEFAULT_PORT;
	if (strncmp(s, "unix:", 5) == 0)
		return parse_unix(s + 5, u, err);
	/* Debian 12's hiredis has no TLS: tschatd(1) says how to do without. */
	if (strncmp(s, "rediss://", 9) == 0) {
		*err = N_("rediss:// needs hiredis with TLS (hiredis_ssl), which "
		    "this tschatd was built without; see tschatd(1), "
		    "SCALE-OUT, for a safe way to a remote Redis");
		return -1;
	}
	if (strncmp(s, "redis://", 8) != 0) {
		*err = N_("not a redis:// or unix: URL");
		return -1;
	}
	s += 8;
	slash = strchr(s, '/');
	end = slash != NULL ? slash : s + strlen(s);
	/* The credentials end at the last '@' before the path. */
	at = NULL;
	for (hp = s; hp < end; hp++) {
		if (*hp == '@')
			at = hp;
	}
	if (at != NULL) {
		colon = memchr(s, ':', at - s);
		if (colon == NULL) {
			*err = N_("credentials need ':' before the password");
			goto fail;
		}
		if (colon > s)
			u->user = xstrndup(s, colon - s);
		u->password = xstrndup(colon + 1, at - colon - 1);
		s = at + 1;
	}
	if (*s == '[') {
		hp = memchr(s, ']', end - s);
		if (hp == NULL || hp == s + 1) {
			*err = N_("bad IPv6 address");
			goto fail;
		}
		u->host = xstrndup(s + 1, hp - s - 1);
		colon = hp + 1 < end && hp[1] == ':' ? hp + 1 : NULL;
		if (hp + 1 < end && colon == NULL) {
			*err = N_("junk after the IPv6 address");
			goto fail;
		}
	} else {
		colon = memchr(s, ':', end - s);
		u->host = xstrndup(s, (colon != NULL ? colon : end) - s);
	}
	if (*u->host == '\0') {
		*err = N_("no host");
		goto fail;
	}
	if (colon != NULL) {
		char	*p = xstrndup(colon + 1, end - colon - 1);
		int	 rc = strnum(p, 1, 65535, &port, &why);

		if (rc == -1 || *p == '+' || *p == '-')
			rc = -1;
		free(p);
		if (rc == -1) {
			*err = N_("bad port");
			goto fail;
		}
		u->port = port;
	}
	if (slash != NULL && slash[1] != '\0' &&
	    parse_db(slash + 1, &u->db, err) == -1)
		goto fail;
	return 0;
fail:
	relay_url_free(u);
	return -1;
}
