/*
 * fuzz_command.c: what a room member types (command_parse), the nicks it
 * asks for (nick_check) and what the client takes for a UDP join notice
 * (command_join_notice), and which typed lines the client acts on itself
 * (command_client). Invariants: every pointer returned lies in the
 * input; a command's kind agrees with its text and its argument rule
 * (none, optional, required; /msg a target and a text); an accepted nick is 1 to
 * 32 characters of valid UTF-8 without a space, control or ':'; an
 * accepted token is 1 to 16 printable ASCII characters at the notice's
 * end.
 */
#include "common.h"

#include <strings.h>

#include "command.h"
#include "nick.h"
#include "utf8.h"

#include "fuzz.h"

static int
inside(const char *p, size_t n, const char *s, size_t len)
{
	return p >= s && p <= s + len && n <= (size_t)(s + len - p);
}

static void
check_nick(const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	enum nick_error		 e = nick_check(s, len);
	size_t			 off = 0, n, chars = 0;
	int32_t			 cp;

	CHECK(nick_error_text(e) != NULL, "no text for nick error %d", e);
	if (len == 0)
		CHECK(e == NICK_EMPTY, "an empty nick: %d", e);
	if (e != NICK_OK)
		return;
	while (off < len) {
		n = utf8_decode(u + off, len - off, &cp);
		CHECK(n >= 1 && n <= len - off, "utf8_decode took %zu", n);
		CHECK(cp != UTF8_INVALID, "accepted invalid UTF-8 at %zu", off);
		CHECK(cp > 0x20 && cp != 0x7F && cp != ':' &&
		    !(cp >= 0x80 && cp <= 0xA0) && cp != 0x2028 &&
		    cp != 0x2029 && cp != 0x202E && cp != 0x200B &&
		    cp != 0xFEFF && cp != 0x3000,
		    "accepted U+%04X in a nick", (unsigned)cp);
		off += n;
		chars++;
	}
	CHECK(chars >= 1 && chars <= NICK_MAX_CHARS,
	    "accepted a nick of %zu characters", chars);
	CHECK(len < NICK_MAX_BYTES, "accepted a nick of %zu bytes", len);
}

static void
check_command(const char *s, size_t len)
{
	struct command	c;

	command_parse(s, len, &c);
	CHECK(c.arg != NULL && inside(c.arg, c.arglen, s, len),
	    "the argument is outside the line");
	switch (c.kind) {
	case CMD_MESSAGE:
		CHECK(c.name == NULL, "a message with a command name");
		if (len >= 2 && s[0] == '/')
			CHECK(s[1] == '/' && c.arg == s + 1 &&
			    c.arglen == len - 1, "\"//\" is not \"/\"");
		else
			CHECK(c.arg == s && c.arglen == len,
			    "a message changed");
		return;
	case CMD_NICK:
	case CMD_ME:
	case CMD_JOIN:
		CHECK(c.arglen > 0, "kind %d without its argument", c.kind);
		break;
	case CMD_MSG:
		CHECK(c.arglen > 0 && c.targetlen > 0 && c.target != NULL &&
		    inside(c.target, c.targetlen, s, len) &&
		    c.target + c.targetlen <= c.arg,
		    "/msg without its target and text");
		CHECK(memchr(c.target, ' ', c.targetlen) == NULL &&
		    memchr(c.target, '\t', c.targetlen) == NULL,
		    "a blank in the /msg target");
		break;
	case CMD_HELP:
	case CMD_ROOMS:
		CHECK(c.arglen == 0, "kind %d with an argument", c.kind);
		break;
	case CMD_WHO:
	case CMD_PART:
		/* An optional argument: either way. */
		break;
	case CMD_USAGE:
		CHECK(c.usage != NULL && c.usage[0] == '/',
		    "no usage for a command used wrongly");
		break;
	case CMD_QUIT:
	case CMD_UNKNOWN:
		break;
	default:
		CHECK(0, "unknown kind %d", c.kind);
	}
	CHECK(len >= 1 && s[0] == '/', "a command without a '/'");
	CHECK(c.name == s + 1 && inside(c.name, c.namelen, s, len),
	    "the command word is not after the '/'");
	CHECK(memchr(c.name, ' ', c.namelen) == NULL &&
	    memchr(c.name, '\t', c.namelen) == NULL,
	    "a blank in the command word");
	if (c.arglen > 0)
		CHECK(c.arg[0] != ' ' && c.arg[0] != '\t' &&
		    c.arg[c.arglen - 1] != ' ' && c.arg[c.arglen - 1] != '\t',
		    "the argument is not trimmed");
	if (c.kind == CMD_NICK)
		check_nick(c.arg, c.arglen);
}

/*
 * The client acts on /quit, and takes /clear, /close and /query for itself,
 * never other lines.
 */
static void
check_client(const char *s, size_t len)
{
	enum client_command	 a = command_client(s, len);
	struct command		 c;

	command_parse(s, len, &c);
	switch (a) {
	case CLIENT_QUIT:
		CHECK(c.kind == CMD_QUIT, "/quit taken from kind %d", c.kind);
		break;
	case CLIENT_CLEAR:
		CHECK(c.kind == CMD_UNKNOWN && c.arglen == 0 &&
		    c.namelen == 5 && strncasecmp(c.name, "clear", 5) == 0,
		    "/clear taken from something else");
		break;
	case CLIENT_CLOSE:
		CHECK(c.kind == CMD_UNKNOWN && c.arglen == 0 &&
		    c.namelen == 5 && strncasecmp(c.name, "close", 5) == 0,
		    "/close taken from something else");
		break;
	case CLIENT_QUERY:
		CHECK(c.kind == CMD_UNKNOWN && c.namelen == 5 &&
		    strncasecmp(c.name, "query", 5) == 0,
		    "/query taken from something else");
		break;
	case CLIENT_SEND:
		CHECK(c.kind != CMD_QUIT, "a /quit sent as a line");
		break;
	default:
		CHECK(0, "unknown client action %d", a);
	}
}

static void
check_notice(const char *s, size_t len)
{
	const char	*tok = NULL;
	size_t		 toklen = 0, i;

	if (command_join_notice(s, len, &tok, &toklen) != 0)
		return;
	CHECK(tok != NULL && inside(tok, toklen, s, len) &&
	    tok + toklen == s + len, "the token is not the notice's end");
	CHECK(toklen >= 1 && toklen <= COMMAND_TOKEN_MAX,
	    "a token of %zu bytes", toklen);
	for (i = 0; i < toklen; i++)
		CHECK(tok[i] > ' ' && tok[i] < 0x7F,
		    "byte %#x in a token", (unsigned char)tok[i]);
	CHECK(s[0] == '[' && (size_t)(tok - s) >= 18 &&
	    memcmp(tok - 17, "] *** send /join ", 17) == 0,
	    "a token without the notice before it");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s = exact_copy(data, size);

	check_command(s, size);
	check_nick(s, size);
	check_client(s, size);
	check_notice(s, size);
	free(s);
	return 0;
}
