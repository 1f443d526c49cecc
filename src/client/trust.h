/*
 * trust.h: whether tschat trusts a TLS server, from what the handshake
 * showed (the key's pin, whether the certificate verified), --tls-pin and
 * the known hosts; and the words that say why not.
 */
#ifndef TSCHAT_TRUST_H
#define TSCHAT_TRUST_H

#include "cliconf.h"
#include "pin.h"

enum trust {
	TRUST_YES,		/* pinned, verified, or remembered */
	TRUST_UNKNOWN,		/* none of these: ask (never in line mode) */
	TRUST_CHANGED,		/* remembered with another key: refused */
	TRUST_PIN_WRONG,	/* not the key --tls-pin names: refused */
	TRUST_ERROR,		/* the known hosts cannot be read (errno) */
};

struct trust_case {
	const char	*hostport;	/* "HOST:PORT", as the client shows it */
	unsigned char	 pin[PIN_BYTES];	/* the server's key */
	const char	*verify_error;	/* NULL: the certificate verified */
	const char	*known_hosts;	/* the file, or NULL: there is none */
	unsigned long	 line;		/* TRUST_CHANGED: the line to remove */
	int		 errnum;	/* TRUST_ERROR: why */
};

/*
 * --tls-pin first (that key and no other), then the certificate, then
 * the known hosts file. Sets T->line or T->errnum.
 */
enum trust trust_check(const struct cliconf *c, struct trust_case *t);

/*
 * Why the server is not trusted (TRUST_YES: NULL), translated, to free():
 * one paragraph for line mode (ASKS 0) or the full-screen client's pane
 * (ASKS 1: TRUST_UNKNOWN then asks whether to remember the key).
 */
char	*trust_message(enum trust r, const struct trust_case *t, int asks);

#endif
