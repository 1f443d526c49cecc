/*
 * tschatd.c: the server's main: locale, options, then the loop.
 */
#include "common.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "ev-compat.h"
#include "log.h"
#include "server.h"
#include "srvconf.h"

static void
version(void)
{
	printf("tschatd (%s) %s\n", PACKAGE, VERSION);
	printf("Copyright (C) 2026 the tschat authors\n");
	fputs(_("License MIT: this is free software; you are free to change "
	    "and redistribute it.\nThere is NO WARRANTY, to the extent "
	    "permitted by law.\n"), stdout);
}

int
main(int argc, char **argv)
{
	struct srvconf	 conf;
	struct ev_loop	*loop;
	char		 err[512];

	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, LOCALEDIR);
	textdomain(PACKAGE);
	log_init("tschatd", LOG_LEVEL_INFO, 0);

	switch (srvconf_parse(&conf, argc, argv, err, sizeof err)) {
	case SRVCONF_HELP:
		srvconf_usage(stdout);
		return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	case SRVCONF_VERSION:
		version();
		return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	case SRVCONF_ERROR:
		srvconf_free(&conf);
		usage_error("%s", err);
	case SRVCONF_OK:
		break;
	}
	log_init("tschatd", conf.log_level, conf.syslog);

	if ((loop = ev_default_loop(EVFLAG_AUTO)) == NULL)
		die(1, 0, _("cannot initialise the event loop"));
	server_init(loop, &conf);
	server_run();
	ev_loop_destroy(loop);
	srvconf_free(&conf);
	return EXIT_SUCCESS;
}
