/*
 * common.h: what every tschat source includes first: config.h, gettext's
 * _() and N_(), and a few compiler helpers.
 */
#ifndef TSCHAT_COMMON_H
#define TSCHAT_COMMON_H

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stddef.h>

#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s)		gettext(s)
#else
#define _(s)		(s)
#define ngettext(s, p, n) ((n) == 1 ? (s) : (p))
#define bindtextdomain(d, dir)	((void)0)
#define textdomain(d)		((void)0)
#endif
#define N_(s)		s

#define PRINTFLIKE(a, b)	__attribute__((format(printf, a, b)))
#define NORETURN		__attribute__((noreturn))
#define UNUSED			__attribute__((unused))

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define container_of(p, type, member) \
	((type *)(void *)((char *)(p) - offsetof(type, member)))

#define MINIMUM(a, b)		((a) < (b) ? (a) : (b))
#define MAXIMUM(a, b)		((a) > (b) ? (a) : (b))

#endif
