/*
 * command.c: the room's command parser: a table from command word to kind,
 * and the rules for each one's argument; and the few commands the client
 * acts on itself, read through the same parser.
 */
#include "common.h"

#include <string.h>
#include <strings.h>

#include "command.h"

struct command_entry {
	const char		*name;
	enum command_kind	 kind;
	int			 arg;	/* 0 none, 1 optional, 2 required */
	const char		*usage;
};

static const struct command_entry commands[] = {
	{ "nick",	CMD_NICK,	2,	"/nick NAME" },
	{ "join",	CMD_JOIN,	2,	"/join #ROOM" },
	{ "part",	CMD_PART,	1,	"/part [#ROOM] [REASON]" },
	{ "msg",	CMD_MSG,	2,	"/msg NICK|#ROOM TEXT" },
	{ "who",	CMD_WHO,	1,	"/who [#ROOM]" },
	{ "rooms",	CMD_ROOMS,	0,	"/rooms" },
	{ "me",		CMD_ME,		2,	"/me ACTION" },
	{ "help",	CMD_HELP,	0,	"/help" },
	{ "quit",	CMD_QUIT,	1,	"/quit [REASON]" },
};

/* The client's own commands, which take no argument. */
static const struct {
	const char		*name;
	enum client_command	 action;
	int			 arg;	/* takes an argument */
} client_commands[] = {
	{ "clear",	CLIENT_CLEAR,	0 },
	{ "close",	CLIENT_CLOSE,	0 },
	{ "query",	CLIENT_QUERY,	1 },
};

const char *const command_help[] = {
	"commands:",
	"  /nick NAME              change your nick",
	"  /join #ROOM             join a room (made if new) and talk there",
	"  /part [#ROOM] [REASON]  leave a room (default: the current one)",
	"  /msg NICK TEXT          say TEXT to NICK alone",
	"  /msg #ROOM TEXT         say TEXT in a room you are in",
	"  /who [#ROOM]            list who is in a room",
	"  /rooms                  list the rooms",
	"  /me ACTION              say that you do ACTION",
	"  /quit [REASON]          leave the server",
	"  //text                  send /text as a message",
	NULL
};

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* /msg: the first word is the target, the rest the text. */
static void
split_target(struct command *cmd)
{
	size_t	n, i;

	for (n = 0; n < cmd->arglen && !is_blank(cmd->arg[n]); n++)
		;
	for (i = n; i < cmd->arglen && is_blank(cmd->arg[i]); i++)
		;
	cmd->target = cmd->arg;
	cmd->targetlen = n;
	cmd->arg += i;
	cmd->arglen -= i;
}

void
command_parse(const char *line, size_t len, struct command *cmd)
{
	const struct command_entry	*e;
	size_t				 i, n;

	memset(cmd, 0, sizeof *cmd);
	cmd->kind = CMD_MESSAGE;
	cmd->arg = line;
	cmd->arglen = len;
	if (len == 0 || line[0] != '/')
		return;
	if (len >= 2 && line[1] == '/') {
		cmd->arg = line + 1;
		cmd->arglen = len - 1;
		return;
	}

	for (n = 1; n < len && !is_blank(line[n]); n++)
		;
	cmd->name = line + 1;
	cmd->namelen = n - 1;
	/* The argument: after the blanks, without trailing blanks. */
	for (i = n; i < len && is_blank(line[i]); i++)
		;
	cmd->arg = line + i;
	cmd->arglen = len - i;
	while (cmd->arglen > 0 && is_blank(cmd->arg[cmd->arglen - 1]))
		cmd->arglen--;

	cmd->kind = CMD_UNKNOWN;
	for (e = commands; e < commands + ARRAY_SIZE(commands); e++) {
		if (strlen(e->name) != cmd->namelen ||
		    strncasecmp(e->name, cmd->name, cmd->namelen) != 0)
			continue;
		cmd->kind = e->kind;
		if (e->kind == CMD_MSG)
			split_target(cmd);
		if ((e->arg == 0 && cmd->arglen > 0) ||
		    (e->arg == 2 && cmd->arglen == 0)) {
			cmd->kind = CMD_USAGE;
			cmd->usage = e->usage;
		}
		return;
	}
}

int
command_join_notice(const char *msg, size_t len, const char **tok,
    size_t *toklen)
{
	static const char	 notice[] = "] *** send /join ";
	const char		*p, *end = msg + len;

	if (len == 0 || msg[0] != '[' || (p = memchr(msg, ']', len)) == NULL ||
	    (size_t)(end - p) <= sizeof notice - 1 ||
	    memcmp(p, notice, sizeof notice - 1) != 0)
		return -1;
	p += sizeof notice - 1;
	if (end - p > COMMAND_TOKEN_MAX)
		return -1;
	*tok = p;
	*toklen = end - p;
	for (; p < end; p++) {
		if (*p <= ' ' || *p >= 0x7F)
			return -1;
	}
	return 0;
}

enum client_command
command_client(const char *line, size_t len)
{
	struct command	cmd;
	size_t		i;

	command_parse(line, len, &cmd);
	if (cmd.kind == CMD_QUIT)
		return CLIENT_QUIT;
	if (cmd.kind != CMD_UNKNOWN)
		return CLIENT_SEND;
	for (i = 0; i < ARRAY_SIZE(client_commands); i++) {
		if (strlen(client_commands[i].name) == cmd.namelen &&
		    strncasecmp(client_commands[i].name, cmd.name,
		    cmd.namelen) == 0)
			return cmd.arglen > 0 && !client_commands[i].arg ?
			    CLIENT_SEND : client_commands[i].action;
	}
	return CLIENT_SEND;
}
