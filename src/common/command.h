/*
 * command.h: parsing what a room member types: a message, or one of the
 * commands /nick /join /part /msg /who /rooms /me /help /quit, or "//" to
 * send a literal "/"; and
 * which of those lines tschat acts on itself (/quit, /clear).
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
	CMD_JOIN,		/* /join #ROOM; UDP: /join TOKEN */
	CMD_PART,		/* /part [#ROOM] [REASON] */
	CMD_MSG,		/* /msg TARGET TEXT */
	CMD_ROOMS,
	CMD_UNKNOWN,
	CMD_USAGE,		/* a known command used wrongly */
};

struct command {
	enum command_kind	 kind;
	const char		*arg;	/* into the line; not terminated */
	size_t			 arglen;
	/* /msg: the nick or room, and ARG the text after it. */
	const char		*target;
	size_t			 targetlen;
	const char		*name;	/* the command word, for notices */
	size_t			 namelen;
	const char		*usage;	/* CMD_USAGE: how to use it */
};

/* Parse LINE (LEN bytes). ARG and NAME point into LINE. */
void	command_parse(const char *line, size_t len, struct command *);

/* What tschat does with a line its user typed. */
enum client_command {
	CLIENT_SEND,		/* send it as it is */
	CLIENT_QUIT,		/* /quit [REASON]: send it, then leave */
	CLIENT_CLEAR,		/* /clear: clear the pane; nothing is sent */
	CLIENT_CLOSE,		/* /close: close the window */
	CLIENT_QUERY,		/* /query NICK: open a conversation */
};

/*
 * Read LINE (LEN bytes) as command_parse does and say what tschat does with
 * it: /quit is the room's command, which the client also acts on; /clear,
 * /close and /query are the client's own, which the server never sees.
 * Given an argument it takes none, a client command is a line for the
 * server like any other; /query without its nick is still /query (the
 * client says how to use it).
 */
enum client_command	command_client(const char *line, size_t len);

/*
 * Whether MSG, a message from the server, is a UDP room's
 * "[STAMP] *** send /join TOKEN"; if so, point *TOK at TOKEN. The notice
 * must follow the stamp at once, so that text a member relays (which
 * follows "NICK: ") cannot pose as one. 0 if it is, -1 if not.
 */
int	command_join_notice(const char *msg, size_t len, const char **tok,
	    size_t *toklen);

/* The longest token a join notice carries. */
#define COMMAND_TOKEN_MAX	16

/* The lines /help sends, NULL-terminated. Wire text: not translated. */
extern const char *const command_help[];

#endif
