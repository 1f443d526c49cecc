/*
 * xmalloc.h: allocation that aborts on failure, so no caller checks for NULL.
 */
#ifndef TSCHAT_XMALLOC_H
#define TSCHAT_XMALLOC_H

#include <stddef.h>

#include "common.h"

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
/* At most N bytes of S, terminated. */
char	*xstrndup(const char *, size_t n);
int	 xasprintf(char **, const char *, ...) PRINTFLIKE(2, 3);

#endif
