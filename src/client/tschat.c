/*
 * tschat.c: the client's main: locale, options, --help and --version, and
 * the mode. Until the full-screen client exists, line mode runs always.
 */
#include "common.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cliconf.h"
#include "fullscreen.h"
#include "linemode.h"
#include "log.h"

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

#ifdef ENABLE_NLS
/*
 * Where the catalogues are: TSCHAT_LOCALEDIR when set, as git has
 * GIT_TEXTDOMAINDIR, so that the tests can use the build's own.
 */
static const char *
locale_dir(void)
{
	const char	*dir = getenv("TSCHAT_LOCALEDIR");

	return dir != NULL && *dir != '\0' ? dir : LOCALEDIR;
}
#endif

int
main(int argc, char **argv)
{
	struct cliconf	conf;
	const char	*no_color;
	char		err[256];
	int		status;

	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, locale_dir());
	textdomain(PACKAGE);
	log_progname = "tschat";

	switch (cliconf_parse(&conf, argc, argv, err, sizeof err)) {
	case CLICONF_OK:
		break;
	case CLICONF_HELP:
		cliconf_usage(stdout);
		return close_stdout();
	case CLICONF_VERSION:
		version();
		return close_stdout();
	case CLICONF_ERROR:
		usage_error("%s", err);
	}
	if ((no_color = getenv("NO_COLOR")) != NULL && *no_color != '\0')
		conf.no_color = 1;	/* no-color.org: set and not empty */
	/* A peer that goes away is an error from write(), not a signal. */
	signal(SIGPIPE, SIG_IGN);

	if (conf.line_mode || !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		status = linemode_run(&conf);
	else
		status = fullscreen_run(&conf);
	cliconf_free(&conf);
	return status;
}
