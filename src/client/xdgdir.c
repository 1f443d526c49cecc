/*
 * xdgdir.c: the paths of the client's own files from the environment, and
 * their directories made on first use: what the history and the known
 * hosts share.
 */
#include "common.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xdgdir.h"
#include "xmalloc.h"

/* An absolute path in the environment variable NAME, or NULL. */
static const char *
absolute_env(const char *name)
{
	const char	*v = getenv(name);

	return v != NULL && v[0] == '/' ? v : NULL;
}

char *
xdg_path(const char *env, const char *home_default, const char *name)
{
	const char	*dir;
	char		*path;

	/* The XDG base directory rules: a relative path is ignored. */
	if ((dir = absolute_env(env)) != NULL)
		xasprintf(&path, "%s/%s", dir, name);
	else if ((dir = absolute_env("HOME")) != NULL)
		xasprintf(&path, "%s/%s/%s", dir, home_default, name);
	else
		return NULL;
	return path;
}

int
xdg_make_parents(const char *path)
{
	char	*dir = xstrdup(path), *p;
	int	 rc = 0, saved;

	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
			rc = -1;
			break;
		}
		*p = '/';
	}
	saved = errno;
	free(dir);
	errno = saved;
	return rc;
}
