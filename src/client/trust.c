/*
 * trust.c: tschat's trust in a TLS server's key. --tls-pin names the one
 * key trusted, whatever the certificate; else a certificate that verifies
 * for the host's name is trusted; else the key remembered for HOST:PORT in
 * the known hosts file; else the user is asked (full-screen mode) or the
 * connection refused with the option that would trust it (line mode). A
 * remembered host with another key is refused with the line to remove:
 * never "connect anyway".
 */
#include "common.h"

#include <errno.h>
#include <string.h>

#include "knownhosts.h"
#include "trust.h"
#include "xmalloc.h"

enum trust
trust_check(const struct cliconf *c, struct trust_case *t)
{
	t->line = 0;
	t->errnum = 0;
	if (c->has_pin)
		return memcmp(c->pin, t->pin, PIN_BYTES) == 0 ? TRUST_YES :
		    TRUST_PIN_WRONG;
	if (t->verify_error == NULL)
		return TRUST_YES;
	if (t->known_hosts == NULL)
		return TRUST_UNKNOWN;
	switch (knownhosts_check(t->known_hosts, t->hostport, t->pin,
	    &t->line)) {
	case KH_MATCH:
		return TRUST_YES;
	case KH_CHANGED:
		return TRUST_CHANGED;
	case KH_UNKNOWN:
		return TRUST_UNKNOWN;
	case KH_ERROR:
		break;
	}
	t->errnum = errno;
	return TRUST_ERROR;
}

char *
trust_message(enum trust r, const struct trust_case *t, int asks)
{
	char	 pin[PIN_STRLEN], *msg = NULL;

	pin_format(t->pin, pin);
	switch (r) {
	case TRUST_YES:
		return NULL;
	case TRUST_UNKNOWN:
		if (asks)
			xasprintf(&msg, _("the certificate of %s does not "
			    "verify (%s). Its key pin is %s: compare it with "
			    "the one the server's operator gives."),
			    t->hostport, t->verify_error, pin);
		else
			xasprintf(&msg, _("the certificate of %s does not "
			    "verify (%s). Its key pin is %s: if the server's "
			    "operator gives that pin, connect with --tls-pin "
			    "%s"), t->hostport, t->verify_error, pin, pin);
		break;
	case TRUST_CHANGED:
		xasprintf(&msg, _("the key of %s has CHANGED: it is %s, not "
		    "the one remembered on line %lu of %s. Someone may be "
		    "listening in between. Refused. If the server's key was "
		    "changed on purpose, remove line %lu of %s"),
		    t->hostport, pin, t->line, t->known_hosts, t->line,
		    t->known_hosts);
		break;
	case TRUST_PIN_WRONG:
		xasprintf(&msg, _("the key of %s is %s, not the one --tls-pin "
		    "names: refused"), t->hostport, pin);
		break;
	case TRUST_ERROR:
		xasprintf(&msg, _("the certificate of %s does not verify (%s) "
		    "and %s cannot be read: %s"), t->hostport,
		    t->verify_error, t->known_hosts, strerror(t->errnum));
		break;
	}
	return msg;
}
