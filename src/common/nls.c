/*
 * nls.c: the locale and the message catalogues.
 */
#include "common.h"

#include <locale.h>
#include <stdlib.h>

#include "nls.h"

void
nls_init(void)
{
#ifdef ENABLE_NLS
	const char	*dir = getenv("TSCHAT_LOCALEDIR");
#endif

	setlocale(LC_ALL, "");
#ifdef ENABLE_NLS
	bindtextdomain(PACKAGE, dir != NULL && *dir != '\0' ? dir : LOCALEDIR);
	textdomain(PACKAGE);
#endif
}
