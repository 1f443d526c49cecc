/*
 * ev-compat.h: includes libev's header from wherever it is installed.
 */
#ifndef TSCHAT_EV_COMPAT_H
#define TSCHAT_EV_COMPAT_H

#ifdef HAVE_EV_H
#include <ev.h>
#elif defined(HAVE_LIBEV_EV_H)
#include <libev/ev.h>
#else
#include <ev.h>
#endif

#endif
