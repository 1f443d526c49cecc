/*
 * check_msgs.h: collecting the messages a framing callback is given, and
 * comparing them with those a test expects, for the unit tests of
 * frame.c and dgram.c. Include after check_util.h and frame.h.
 */
#ifndef TSCHAT_CHECK_MSGS_H
#define TSCHAT_CHECK_MSGS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MAX_MSGS
#define MAX_MSGS	4096
#endif

/* The messages a callback received, in order. */
struct got {
	size_t	 n;
	char	*msg[MAX_MSGS];
	size_t	 len[MAX_MSGS];
	int	 flags[MAX_MSGS];
	size_t	 stop_at;	/* FRAME_STOP for the Nth message; 0: never */
	size_t	 count;		/* messages seen, stored or not */
	size_t	 total;		/* their bytes */
	int	 count_only;	/* do not store them */
};

/* One message expected. */
struct want {
	const char	*msg;
	int		 flags;
};

/* A frame callback: keep (or count) the message in ARG, a struct got. */
static int
collect(void *arg, const char *msg, size_t len, int flags)
{
	struct got	*g = arg;

	g->count++;
	g->total += len;
	if (!g->count_only) {
		ck_assert_msg(g->n < MAX_MSGS,
		    "expected at most %d messages, got more", MAX_MSGS);
		g->msg[g->n] = (char *)dup_exact(msg, len);
		g->len[g->n] = len;
		g->flags[g->n] = flags;
		g->n++;
	}
	if (g->stop_at != 0 && g->count >= g->stop_at)
		return FRAME_STOP;
	return FRAME_GO;
}

static void
got_free(struct got *g)
{
	size_t	i;

	for (i = 0; i < g->n; i++)
		free(g->msg[i]);
	memset(g, 0, sizeof *g);
}

/* Describe G's messages, for failure messages. */
static const char *
got_describe(const struct got *g)
{
	static char	buf[1024];
	size_t		i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < g->n && o < sizeof buf - 1; i++)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "%s\"%s\"%s",
		    i > 0 ? ", " : "", esc(g->msg[i], g->len[i]),
		    g->flags[i] & FRAME_CUT ? " (cut)" : "");
	return g->n == 0 ? "no message" : buf;
}

/* Describe the N messages W, for failure messages. */
static const char *
want_describe(const struct want *w, size_t n)
{
	static char	buf[1024];
	size_t		i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < n && o < sizeof buf - 1; i++)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "%s\"%s\"%s",
		    i > 0 ? ", " : "", esc_str(w[i].msg),
		    w[i].flags & FRAME_CUT ? " (cut)" : "");
	return n == 0 ? "no message" : buf;
}

/* Whether G holds exactly the N messages W, with their flags. */
static int
got_matches(const struct got *g, const struct want *w, size_t n)
{
	size_t	i;

	if (g->n != n)
		return 0;
	for (i = 0; i < n; i++)
		if (g->len[i] != strlen(w[i].msg) ||
		    memcmp(g->msg[i], w[i].msg, g->len[i]) != 0 ||
		    g->flags[i] != w[i].flags)
			return 0;
	return 1;
}

#endif
