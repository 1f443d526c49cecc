/*
 * linemode.h: the line-mode client: lines of standard input go to the
 * server, the messages it sends back go to standard output.
 */
#ifndef TSCHAT_LINEMODE_H
#define TSCHAT_LINEMODE_H

struct cliconf;

/*
 * Connect as C says and run until input and replies are done; return the
 * exit status, 0. Failures to resolve, connect or write standard output
 * print one line and exit 1 from inside.
 */
int	linemode_run(const struct cliconf *c);

#endif
