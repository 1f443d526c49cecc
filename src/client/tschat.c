/*
 * tschat.c: the client's main: locale, options, --help and --version, and
 * the mode. Until the full-screen client exists, line mode runs always.
 */
#include "common.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cliconf.h"
#include "fullscreen.h"
#include "linemode.h"
#include "log.h"
#include "nls.h"
#include "tlsclient.h"

/* What --help and --version printed must have reached stdout. */
static int
close_stdout(void)
{
	if (fflush(stdout) == EOF || ferror(stdout))
		die(1, errno, "%s", _("write error"));
	return 0;
}

static void
version(void)
{
	printf("%s (%s) %s\n", "tschat", PACKAGE_NAME, PACKAGE_VERSION);
	printf(_("Copyright (C) %d the tschat authors\n"), 2026);
	puts(_("License MIT."));
}

int
main(int argc, char **argv)
{
	struct cliconf	conf;
	const char	*no_color;
	char		err[256];
	const char	*file, *why;
	int		status;

	nls_init();
	log_progname = "tschat";

	switch (cliconf_parse(&conf, argc, argv, err, sizeof err)) {
	case CONF_OK:
		break;
	case CONF_HELP:
		cliconf_usage(stdout);
		return close_stdout();
	case CONF_VERSION:
		version();
		return close_stdout();
	case CONF_ERROR:
		usage_error("%s", err);
	}
	if ((no_color = getenv("NO_COLOR")) != NULL && *no_color != '\0')
		conf.no_color = 1;	/* no-color.org: set and not empty */
	/* A peer that goes away is an error from write(), not a signal. */
	signal(SIGPIPE, SIG_IGN);
	if (conf.tls && tlsc_init(&conf, &file, &why) == -1)
		die(1, 0, _("cannot load %s: %s"), file, why);

	if (conf.line_mode || !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		status = linemode_run(&conf);
	else
		status = fullscreen_run(&conf);
	tlsc_free();
	cliconf_free(&conf);
	return status;
}
