/*
 * xdgdir.h: where tschat keeps its files, by the XDG base directory rules:
 * a path under $XDG_..._HOME, else under a default in $HOME, and the
 * directories above it made private.
 */
#ifndef TSCHAT_XDGDIR_H
#define TSCHAT_XDGDIR_H

/*
 * NAME under the base directory in the environment variable ENV, or under
 * HOME_DEFAULT in $HOME when ENV is not an absolute path: to free(), or
 * NULL when HOME is not one either.
 *	xdg_path("XDG_STATE_HOME", ".local/state", "tschat/history")
 */
char	*xdg_path(const char *env, const char *home_default,
	    const char *name);

/*
 * Make the directories above PATH's last component, mode 0700 where new:
 * -1 with errno set on failure.
 */
int	 xdg_make_parents(const char *path);

#endif
