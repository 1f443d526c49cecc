/*
 * cliconf.c: tschat's options: one getopt_long table, each value checked
 * against its range, defaults from defaults.h, and [HOST [PORT]].
 */
#include "common.h"

#include <getopt.h>
#include <string.h>

#include "addr.h"
#include "cliconf.h"
#include "defaults.h"
#include "nick.h"
#include "optmsg.h"
#include "strnum.h"


/*
 * Long options have values of their own, even where a short option means
 * the same, so that an error tells one from the other (see refused_at).
 */
enum {
	OPT_UDP = 0x100,
	OPT_FRAMING,
	OPT_NICK,
	OPT_LINE_MODE,
	OPT_WAIT,
	OPT_NO_COLOR,
	OPT_LOG,
	OPT_SCROLLBACK,
	OPT_NO_BELL,
	OPT_TLS,
	OPT_TLS_CA,
	OPT_TLS_PIN,
	OPT_TLS_CERT,
	OPT_TLS_KEY,
	OPT_HELP,
	OPT_VERSION,
};

static const struct option longopts[] = {
	{ "udp",		no_argument,		NULL, OPT_UDP },
	{ "framing",		required_argument,	NULL, OPT_FRAMING },
	{ "nick",		required_argument,	NULL, OPT_NICK },
	{ "line-mode",		no_argument,		NULL, OPT_LINE_MODE },
	{ "wait",		required_argument,	NULL, OPT_WAIT },
	{ "no-color",		no_argument,		NULL, OPT_NO_COLOR },
	{ "log",		required_argument,	NULL, OPT_LOG },
	{ "scrollback",		required_argument,	NULL, OPT_SCROLLBACK },
	{ "no-bell",		no_argument,		NULL, OPT_NO_BELL },
	{ "tls",		no_argument,		NULL, OPT_TLS },
	{ "tls-ca",		required_argument,	NULL, OPT_TLS_CA },
	{ "tls-pin",		required_argument,	NULL, OPT_TLS_PIN },
	{ "tls-cert",		required_argument,	NULL, OPT_TLS_CERT },
	{ "tls-key",		required_argument,	NULL, OPT_TLS_KEY },
	{ "help",		no_argument,		NULL, OPT_HELP },
	{ "version",		no_argument,		NULL, OPT_VERSION },
	{ NULL,			0,			NULL, 0 }
};

void
cliconf_usage(FILE *f)
{
	fprintf(f, _("Usage: %s [OPTION]... [HOST [PORT]]\n"), "tschat");
	fputs(_("A chat client: sends what you type to HOST (default: "
	    "localhost) on PORT\n(default: 8080; 8443 with --tls) and shows "
	    "what comes back.\n\n"), f);
	fputs(_("  -u, --udp               use UDP instead of TCP\n"), f);
	fputs(_("      --framing MODE      'line' (default) or 'raw'; must "
	    "match the server's\n"), f);
	fputs(_("  -n, --nick NAME         send '/nick NAME' on each connection\n"),
	    f);
	fputs(_("  -L, --line-mode         plain line mode: lines of standard "
	    "input are sent,\n"
	    "                          messages received are printed\n"), f);
	fputs(_("  -w, --wait SECS         line mode: how long to wait for "
	    "replies after the\n"
	    "                          end of input (default: 2)\n"), f);
	fputs(_("      --no-color          use no colours (also: NO_COLOR set)"
	    "\n"), f);
	fputs(_("      --log FILE          append every line received to FILE"
	    "\n"), f);
	fputs(_("      --scrollback N      lines kept to scroll back through "
	    "(default: 10000)\n"), f);
	fputs(_("      --no-bell           never ring the terminal bell (on a "
	    "mention or a\n"
	    "                          private message in a window not on "
	    "screen)\n"), f);
	fputs(_("\nTLS:\n"), f);
	fputs(_("      --tls               connect over TLS; the server's "
	    "certificate must\n"
	    "                          verify, or its key be known (see "
	    "tschat(1))\n"), f);
	fputs(_("      --tls-ca FILE       verify with the CA certificates in "
	    "FILE, not the\n"
	    "                          system's\n"), f);
	fputs(_("      --tls-pin sha256:PIN  trust the server key with that "
	    "pin, and no other\n"), f);
	fputs(_("      --tls-cert FILE     present this client certificate "
	    "(PEM)\n"), f);
	fputs(_("      --tls-key FILE      its private key (PEM)\n"), f);
	fputs("\n", f);
	fputs(_("  -h, --help              show this help and exit\n"), f);
	fputs(_("  -V, --version           show the version and exit\n"), f);
}

/*
 * The element of ARGV that getopt_long() refused an option from. A long
 * option is taken whole, so it is the one before optind (non-options
 * skipped for later are moved only on the next call); a short one may be
 * inside a group that optind has not passed yet.
 */
static int
refused_at(char **argv)
{
	if (optopt > 0 && optopt < OPT_UDP &&
	    strncmp(argv[optind - 1], "--", 2) == 0)
		return optind;
	return optind - 1;
}

enum conf_result
cliconf_parse(struct cliconf *c, int argc, char **argv, char *err,
    size_t size)
{
	const char	*why;
	long long	 n;
	int		 ch;

	memset(c, 0, sizeof *c);
	c->host = DEFAULT_HOST;
	c->port = DEFAULT_PORT;
	c->framing = FRAME_LINE;
	c->wait = DEFAULT_WAIT_SECS;
	c->scrollback = DEFAULT_SCROLLBACK_LINES;

	/* Reset getopt, so that tests may parse many command lines. */
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":un:Lw:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'u':
		case OPT_UDP:
			c->udp = 1;
			break;
		case OPT_FRAMING:
			if (frame_mode_parse(optarg, &c->framing) == -1)
				return optmsg_fail(err, size,
				    _("invalid framing "
				    "'%s': use 'line' or 'raw'"), optarg);
			break;
		case 'n':
		case OPT_NICK:
			if (nick_check(optarg, strlen(optarg)) != NICK_OK)
				return optmsg_fail(err, size,
				    _("invalid nick '%s'"),
				    optarg);
			c->nick = optarg;
			break;
		case 'L':
		case OPT_LINE_MODE:
			c->line_mode = 1;
			break;
		case 'w':
		case OPT_WAIT:
			if (strsecs(optarg, 0, MAX_WAIT_SECS, &c->wait, &why)
			    == -1)
				return optmsg_fail(err, size,
				    _("invalid --wait '%s': "
				    "%s"), optarg, _(why));
			break;
		case OPT_NO_BELL:
			c->no_bell = 1;
			break;
		case OPT_NO_COLOR:
			c->no_color = 1;
			break;
		case OPT_LOG:
			if (*optarg == '\0')
				return optmsg_fail(err, size,
				    _("invalid log file ''"));
			c->log_file = optarg;
			break;
		case OPT_SCROLLBACK:
			if (strnum(optarg, 1, MAX_SCROLLBACK_LINES, &n, &why)
			    == -1)
				return optmsg_fail(err, size,
				    _("invalid --scrollback "
				    "'%s': %s"), optarg, _(why));
			c->scrollback = n;
			break;
		case OPT_TLS:
			c->tls = 1;
			break;
		case OPT_TLS_CA:
			c->tls_ca = optarg;
			break;
		case OPT_TLS_PIN:
			if (pin_parse(optarg, strlen(optarg), c->pin) == -1)
				return optmsg_fail(err, size,
				    _("invalid --tls-pin '%s': use "
				    "sha256: and 44 characters of base64, as "
				    "tschatd logs it"), optarg);
			c->has_pin = 1;
			break;
		case OPT_TLS_CERT:
			c->tls_cert = optarg;
			break;
		case OPT_TLS_KEY:
			c->tls_key = optarg;
			break;
		case 'h':
		case OPT_HELP:
			return CONF_HELP;
		case 'V':
		case OPT_VERSION:
			return CONF_VERSION;
		default:
			optmsg_error(err, size, ch, argv, refused_at(argv));
			return CONF_ERROR;
		}
	}
	if (optind < argc) {
		if (*argv[optind] == '\0')
			return optmsg_fail(err, size, _("invalid host ''"));
		c->host = argv[optind++];
	}
	if (c->tls)
		c->port = DEFAULT_TLS_PORT;
	if (optind < argc) {
		if (addr_parse_port(argv[optind], 0, &c->port, &why) == -1)
			return optmsg_fail(err, size,
			    _("invalid port '%s': %s"),
			    argv[optind], _(why));
		optind++;
	}
	if (optind < argc)
		return optmsg_fail(err, size, _("unexpected argument '%s'"),
		    argv[optind]);
	if (!c->tls && (c->tls_ca != NULL || c->has_pin ||
	    c->tls_cert != NULL || c->tls_key != NULL))
		return optmsg_fail(err, size, _("%s needs --tls"),
		    c->tls_ca != NULL ? "--tls-ca" : c->has_pin ? "--tls-pin" :
		    c->tls_cert != NULL ? "--tls-cert" : "--tls-key");
	if ((c->tls_cert == NULL) != (c->tls_key == NULL))
		return optmsg_fail(err, size, "%s", c->tls_cert == NULL ?
		    _("--tls-key needs --tls-cert") :
		    _("--tls-cert needs --tls-key"));
	if (c->tls && c->udp)
		return optmsg_fail(err, size, "%s", _("--tls cannot be used "
		    "with --udp: UDP is never encrypted"));
	return CONF_OK;
}

void
cliconf_free(struct cliconf *c)
{
	/* Nothing is allocated: every string points into argv. */
	memset(c, 0, sizeof *c);
}
