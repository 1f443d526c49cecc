/*
 * nick.h: the rules for nicks: 1 to 32 characters, none of them a control,
 * format, separator or space character, and no ':' (which ends the nick in
 * "NICK: TEXT" and in every peer's default nick, its address).
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
};

enum nick_error nick_check(const char *s, size_t len);

/* The notice text for an error. Wire text: not translated. */
const char *nick_error_text(enum nick_error);

#endif
