/*
 * owners.c: the --nick-owners table: read whole or not at all, then one
 * namemap lookup per nick taken, each listed nick holding the pins of the
 * keys that own it.
 */
#include "common.h"

#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "namemap.h"
#include "nick.h"
#include "owners.h"
#include "pin.h"
#include "xmalloc.h"

struct owner {
	struct namemap_entry	  entry;
	char			 *nick;
	unsigned char		(*pins)[PIN_BYTES];
	size_t			  npins;
};

struct owners {
	struct namemap		  map;
};

static struct owner *
find(const struct owners *o, const char *nick, size_t len)
{
	struct namemap_entry	*e = namemap_find(&o->map, nick, len);

	return e == NULL ? NULL : container_of(e, struct owner, entry);
}

static void
add(struct owners *o, const char *nick, size_t len,
    const unsigned char pin[PIN_BYTES])
{
	struct owner	*w;
	size_t		 i;

	if ((w = find(o, nick, len)) == NULL) {
		w = xcalloc(1, sizeof(*w));
		w->nick = xstrndup(nick, len);
		w->entry.name = w->nick;
		w->entry.len = len;
		(void)namemap_insert(&o->map, &w->entry);
	}
	for (i = 0; i < w->npins; i++) {
		if (memcmp(w->pins[i], pin, PIN_BYTES) == 0)
			return;
	}
	w->pins = xreallocarray(w->pins, w->npins + 1, sizeof(*w->pins));
	memcpy(w->pins[w->npins++], pin, PIN_BYTES);
}

/*
 * Add LINE (LEN bytes, without its newline) to O: NULL, or what is wrong
 * with it, untranslated.
 */
static const char *
parse_line(struct owners *o, const char *line, size_t len)
{
	const char	*p = line, *end = line + len, *nick, *pin;
	size_t		 nlen, plen, xlen;
	unsigned char	 d[PIN_BYTES];

	nick = field_next(&p, end, &nlen);
	if (nlen == 0 || *nick == '#')
		return NULL;
	pin = field_next(&p, end, &plen);
	(void)field_next(&p, end, &xlen);
	if (plen == 0 || xlen != 0)
		return N_("expected NICK sha256:PIN");
	/* A nick that no one could take would be a silent mistake. */
	if (nick_check(nick, nlen) != NICK_OK)
		return N_("bad nick");
	if (pin_parse(pin, plen, d) == -1)
		return N_("bad pin");
	add(o, nick, nlen, d);
	return NULL;
}

struct owners *
owners_load(const char *path, char **err)
{
	struct owners	*o;
	FILE		*fp;
	char		*line = NULL;
	const char	*why = NULL;
	size_t		 cap = 0;
	ssize_t		 n;
	unsigned long	 lineno = 0;
	int		 failed = 0;

	if ((fp = fopen(path, "re")) == NULL) {
		xasprintf(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	o = xcalloc(1, sizeof(*o));
	namemap_init(&o->map);
	while ((n = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			n--;
		if ((why = parse_line(o, line, (size_t)n)) != NULL) {
			xasprintf(err, "%s:%lu: %s", path, lineno, _(why));
			failed = 1;
			break;
		}
	}
	if (!failed && ferror(fp)) {
		xasprintf(err, "%s: %s", path, strerror(errno));
		failed = 1;
	}
	free(line);
	(void)fclose(fp);
	if (failed) {
		owners_free(o);
		return NULL;
	}
	return o;
}

static void
free_owner(struct namemap_entry *e, void *arg)
{
	struct owner	*w = container_of(e, struct owner, entry);

	namemap_remove(arg, e);
	free(w->pins);
	free(w->nick);
	free(w);
}

void
owners_free(struct owners *o)
{
	if (o == NULL)
		return;
	namemap_each(&o->map, free_owner, &o->map);
	namemap_free(&o->map);
	free(o);
}

size_t
owners_count(const struct owners *o)
{
	return namemap_count(&o->map);
}

int
owners_listed(const struct owners *o, const char *nick, size_t len)
{
	return find(o, nick, len) != NULL;
}

int
owners_allows(const struct owners *o, const char *nick, size_t len,
    const unsigned char *pin)
{
	const struct owner	*w;
	size_t			 i;

	if ((w = find(o, nick, len)) == NULL)
		return 1;
	if (pin == NULL)
		return 0;
	for (i = 0; i < w->npins; i++) {
		if (memcmp(w->pins[i], pin, PIN_BYTES) == 0)
			return 1;
	}
	return 0;
}
