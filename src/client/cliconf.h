/*
 * cliconf.h: tschat's configuration, parsed from its command line.
 */
#ifndef TSCHAT_CLICONF_H
#define TSCHAT_CLICONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frame.h"
#include "optmsg.h"
#include "pin.h"

struct cliconf {
	const char	*host;		/* from argv, or DEFAULT_HOST */
	uint16_t	 port;
	int		 udp;
	enum frame_mode	 framing;
	const char	*nick;		/* -n: sent as "/nick NICK"; or NULL */
	int		 line_mode;	/* -L */
	double		 wait;		/* -w: seconds after the input */
	int		 no_color;
	int		 no_bell;
	const char	*log_file;	/* --log, or NULL */
	size_t		 scrollback;	/* lines */
	int		 tls;		/* --tls */
	const char	*tls_ca;	/* --tls-ca FILE, or NULL: the system's */
	int		 has_pin;	/* --tls-pin given: */
	unsigned char	 pin[PIN_BYTES];	/* trust this key only */
	const char	*tls_cert;	/* --tls-cert: a client certificate */
	const char	*tls_key;
};

/*
 * Parse ARGV into C; the strings in C point into ARGV. On CONF_ERROR,
 * ERR (SIZE bytes) holds the translated reason, without the program name.
 */
enum conf_result cliconf_parse(struct cliconf *c, int argc, char **argv,
	    char *err, size_t size);

void	cliconf_free(struct cliconf *c);

/* Print --help to F. */
void	cliconf_usage(FILE *f);

#endif
