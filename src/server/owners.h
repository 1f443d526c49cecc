/*
 * owners.h: the nicks that belong to someone (--nick-owners FILE): which
 * client keys, by their pins, may take each listed nick. The file holds
 * lines "NICK sha256:PIN"; a nick on several lines has several owners.
 * Blank lines and lines starting with '#' are skipped.
 */
#ifndef TSCHAT_OWNERS_H
#define TSCHAT_OWNERS_H

#include <stddef.h>

struct owners;

/*
 * Read the table in PATH: NULL on failure, with *ERR a one-line message
 * naming the file (and the line, for a line that is wrong) to free().
 * Nothing else is changed, so a failed reload keeps the table in use.
 */
struct owners	*owners_load(const char *path, char **err);
void		 owners_free(struct owners *);

/* How many nicks are listed. */
size_t		 owners_count(const struct owners *);

/*
 * Whether NICK (LEN bytes) is listed; names are compared as the server's
 * nick table compares them, ASCII case ignored.
 */
int		 owners_listed(const struct owners *, const char *nick,
		    size_t len);

/*
 * Whether a peer whose client key has PIN (PIN_BYTES bytes; NULL for no
 * client key) may take NICK: when NICK is not listed, or listed with PIN.
 */
int		 owners_allows(const struct owners *, const char *nick,
		    size_t len, const unsigned char *pin);

#endif
