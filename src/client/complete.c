/*
 * complete.c: the nicks seen in the room, most recent first, learnt from
 * the lines the server sends, and the prefix matches Tab cycles through.
 */
#include "common.h"

#include <stdlib.h>
#include <string.h>

#include "complete.h"
#include "nick.h"
#include "xmalloc.h"

static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Whether A and B (LEN bytes each) are equal, ASCII case ignored. */
static int
same_ascii_case(const char *a, const char *b, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (ascii_lower((unsigned char)a[i]) !=
		    ascii_lower((unsigned char)b[i]))
			return 0;
	}
	return 1;
}

/* The index of NICK (LEN bytes, case ignored as the server does), or -1. */
static long
find(const struct complete *c, const char *nick, size_t len)
{
	size_t	i;

	for (i = 0; i < c->count; i++) {
		if (strlen(c->nicks[i]) == len &&
		    same_ascii_case(c->nicks[i], nick, len))
			return (long)i;
	}
	return -1;
}

void
complete_init(struct complete *c)
{
	memset(c, 0, sizeof *c);
}

void
complete_free(struct complete *c)
{
	size_t	i;

	for (i = 0; i < c->count; i++)
		free(c->nicks[i]);
	free(c->nicks);
	memset(c, 0, sizeof *c);
}

static void
remove_at(struct complete *c, size_t i)
{
	free(c->nicks[i]);
	memmove(c->nicks + i, c->nicks + i + 1,
	    (c->count - i - 1) * sizeof *c->nicks);
	c->count--;
}

/* Nicks that break the server's rules (an address, say) are not kept. */
void
complete_seen(struct complete *c, const char *nick, size_t len)
{
	long	i;
	char	*copy;

	if (nick_check(nick, len) != NICK_OK)
		return;
	if ((i = find(c, nick, len)) != -1)
		remove_at(c, (size_t)i);
	else if (c->count == COMPLETE_MAX_NICKS)
		remove_at(c, c->count - 1);
	if (c->nicks == NULL)
		c->nicks = xcalloc(COMPLETE_MAX_NICKS, sizeof *c->nicks);
	copy = xmalloc(len + 1);
	memcpy(copy, nick, len);
	copy[len] = '\0';
	memmove(c->nicks + 1, c->nicks, c->count * sizeof *c->nicks);
	c->nicks[0] = copy;
	c->count++;
}

void
complete_forget(struct complete *c, const char *nick, size_t len)
{
	long	i;

	if ((i = find(c, nick, len)) != -1)
		remove_at(c, (size_t)i);
}

/* Whether S (LEN bytes) starts with the C string P; then skip it. */
static int
skip(const char **s, size_t *len, const char *p)
{
	size_t	n = strlen(p);

	if (*len < n || memcmp(*s, p, n) != 0)
		return 0;
	*s += n;
	*len -= n;
	return 1;
}

/* The bytes of S (LEN bytes) before the first space or the end. */
static size_t
token(const char *s, size_t len)
{
	const char	*sp = memchr(s, ' ', len);

	return sp != NULL ? (size_t)(sp - s) : len;
}

/* "*** NICK joined ...", "*** NICK left ...", "*** OLD is now known as". */
static void
learn_notice(struct complete *c, const char *s, size_t len)
{
	const char	*nick = s, *rest;
	size_t		 n = token(s, len), rlen;

	rest = s + n;
	rlen = len - n;
	if (skip(&rest, &rlen, " joined"))
		complete_seen(c, nick, n);
	else if (skip(&rest, &rlen, " left"))
		complete_forget(c, nick, n);
	else if (skip(&rest, &rlen, " is now known as ")) {
		complete_forget(c, nick, n);
		complete_seen(c, rest, token(rest, rlen));
	}
}

void
complete_learn(struct complete *c, const char *line, size_t len)
{
	const char	*s = line, *end;
	size_t		 n;

	/* The stamp, "[...] ", whatever its format; nicks hold no space. */
	if (len > 0 && s[0] == '[' &&
	    (end = memmem(s, len, "] ", 2)) != NULL) {
		len -= (size_t)(end + 2 - s);
		s = end + 2;
	}
	if (skip(&s, &len, "*** "))
		learn_notice(c, s, len);
	else if (skip(&s, &len, "* "))
		complete_seen(c, s, token(s, len));
	else if ((end = memchr(s, ':', len)) != NULL) {
		/* "NICK: text": a nick holds no ':' and no space. */
		n = (size_t)(end - s);
		if (n + 1 < len && end[1] == ' ' && token(s, n) == n)
			complete_seen(c, s, n);
	}
}

const char *
complete_match(const struct complete *c, const char *prefix, size_t len,
    size_t n)
{
	size_t	i, matches = 0;

	for (i = 0; i < c->count; i++) {
		if (strlen(c->nicks[i]) >= len &&
		    same_ascii_case(c->nicks[i], prefix, len))
			matches++;
	}
	if (matches == 0)
		return NULL;
	n %= matches;
	for (i = 0; i < c->count; i++) {
		if (strlen(c->nicks[i]) >= len &&
		    same_ascii_case(c->nicks[i], prefix, len) && n-- == 0)
			break;
	}
	return c->nicks[i];
}
