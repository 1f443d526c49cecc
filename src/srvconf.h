/*
 * srvconf.h: tschatd's configuration, parsed from its command line.
 */
#ifndef TSCHAT_SRVCONF_H
#define TSCHAT_SRVCONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frame.h"
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
	size_t		  max_line;
	size_t		  max_queue;
	enum log_level	  log_level;
};

enum srvconf_result {
	SRVCONF_OK,
	SRVCONF_HELP,
	SRVCONF_VERSION,
	SRVCONF_ERROR,
};

/*
 * Parse ARGV into C. On SRVCONF_ERROR, ERR (SIZE bytes) holds the
 * translated reason, without the program name.
 */
enum srvconf_result srvconf_parse(struct srvconf *c, int argc, char **argv,
	    char *err, size_t size);

void	srvconf_free(struct srvconf *c);

/* Print --help to F. */
void	srvconf_usage(FILE *f);

#endif
