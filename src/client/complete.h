/*
 * complete.h: Tab completion of the nicks seen in the room.
 */
#ifndef TSCHAT_COMPLETE_H
#define TSCHAT_COMPLETE_H

#include <stddef.h>

#define COMPLETE_MAX_NICKS	1024

struct complete {
	char	**nicks;	/* most recently seen first */
	size_t	  count;
};

void	complete_init(struct complete *);
void	complete_free(struct complete *);

/* A nick was seen (it speaks, joins, changes to it); most recent first. */
void	complete_seen(struct complete *, const char *nick, size_t len);
/* A nick is gone (left, changed away). */
void	complete_forget(struct complete *, const char *nick, size_t len);

/*
 * Learn from a line the server sent: "[STAMP] NICK: text",
 * "[STAMP] * NICK action", "[STAMP] *** NICK joined ...", "... left ...",
 * "*** OLD is now known as NEW".
 */
void	complete_learn(struct complete *, const char *line, size_t len);

/*
 * The N-th (0 first) nick that starts with PREFIX (LEN bytes, ASCII case
 * ignored), cycling; NULL if none does.
 */
const char *complete_match(const struct complete *, const char *prefix,
	    size_t len, size_t n);

#endif
