/*
 * command.h: parsing what a room member types: a message, or one of the
 * commands /nick /who /me /help /quit, or "//" to send a literal "/".
 */
#ifndef TSCHAT_COMMAND_H
#define TSCHAT_COMMAND_H

#include <stddef.h>

enum command_kind {
	CMD_MESSAGE,		/* plain text (also "//text" as "/text") */
	CMD_NICK,
	CMD_WHO,
	CMD_ME,
	CMD_HELP,
	CMD_QUIT,
	CMD_JOIN,		/* UDP: /join TOKEN */
	CMD_UNKNOWN,
	CMD_USAGE,		/* a known command used wrongly */
};

struct command {
	enum command_kind	 kind;
	const char		*arg;	/* into the line; not terminated */
	size_t			 arglen;
	const char		*name;	/* the command word, for notices */
	size_t			 namelen;
	const char		*usage;	/* CMD_USAGE: how to use it */
};

/* Parse LINE (LEN bytes). ARG and NAME point into LINE. */
void	command_parse(const char *line, size_t len, struct command *);

/* The lines /help sends, NULL-terminated. Wire text: not translated. */
extern const char *const command_help[];

#endif
