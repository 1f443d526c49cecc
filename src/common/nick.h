/*
 * nick.h: the rules for nicks: 1 to 32 characters, none of them a control,
 * format, separator or space character, and no ':' (which ends the nick in
 * "NICK: TEXT" and in every peer's default nick, its address), not
 * starting with '#'; and for room names: '#' and a name under those rules.
 */
#ifndef TSCHAT_NICK_H
#define TSCHAT_NICK_H

#include <stddef.h>

#define NICK_MAX_CHARS	32
/* 32 characters of at most 4 bytes, and a NUL. */
#define NICK_MAX_BYTES	(NICK_MAX_CHARS * 4 + 1)

enum nick_error {
	NICK_OK,
	NICK_EMPTY,
	NICK_TOO_LONG,
	NICK_BAD_CHAR,
	NICK_BAD_UTF8,
	NICK_ROOM_PREFIX,	/* a nick starting with '#' */
};

enum nick_error nick_check(const char *s, size_t len);

/* Whether S is a room's name: '#' and a name under the nick rules. */
int	room_name_check(const char *s, size_t len);

/* The notice text for a name that is not a room's. Not translated. */
const char *room_name_error_text(void);

/* The notice text for an error. Wire text: not translated. */
const char *nick_error_text(enum nick_error);

#endif
