/*
 * nls.h: a program's locale and message catalogues, set up once at start.
 */
#ifndef TSCHAT_NLS_H
#define TSCHAT_NLS_H

/*
 * Take the locale from the environment and open tschat's catalogues:
 * from TSCHAT_LOCALEDIR when set (as git has GIT_TEXTDOMAINDIR, so that
 * the tests can use the build's own), else from where they are installed.
 */
void	nls_init(void);

#endif
