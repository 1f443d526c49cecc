/*
 * fullscreen.h: the full-screen client.
 */
#ifndef TSCHAT_FULLSCREEN_H
#define TSCHAT_FULLSCREEN_H

#include "cliconf.h"

/* Run until the user leaves; return the exit status. */
int	fullscreen_run(const struct cliconf *);

#endif
