/*
 * srvconf.c: tschatd's options: one getopt_long table, each value checked
 * against its range, defaults from defaults.h.
 */
#include "common.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "defaults.h"
#include "optmsg.h"
#include "relayconf.h"
#include "srvconf.h"
#include "stamp.h"
#include "strnum.h"
#include "xmalloc.h"

enum {
	OPT_FRAMING = 0x100,
	OPT_TIME_FORMAT,
	OPT_UTC,
	OPT_MAX_LINE,
	OPT_MAX_QUEUE,
	OPT_MAX_CLIENTS,
	OPT_MAX_PER_IP,
	OPT_ALLOW,
	OPT_LINE_RATE,
	OPT_IDLE_TIMEOUT,
	OPT_UDP_RATE,
	OPT_UDP_PEER_TTL,
	OPT_SYSLOG,
	OPT_RELAY,
	OPT_RELAY_PREFIX,
	OPT_HISTORY,
	OPT_HISTORY_MEMORY,
	OPT_MAX_ROOMS,
	OPT_MAX_JOINS,
	OPT_NODE_NAME,
	OPT_TLS_CERT,
	OPT_TLS_KEY,
	OPT_TLS_PORT,
	OPT_TLS_ONLY,
	OPT_NICK_OWNERS,
};

static const struct option longopts[] = {
	{ "bind",		required_argument,	NULL, 'b' },
	{ "port",		required_argument,	NULL, 'p' },
	{ "tcp",		no_argument,		NULL, 't' },
	{ "udp",		no_argument,		NULL, 'u' },
	{ "broadcast",		no_argument,		NULL, 'B' },
	{ "framing",		required_argument,	NULL, OPT_FRAMING },
	{ "time-format",	required_argument,	NULL, OPT_TIME_FORMAT },
	{ "utc",		no_argument,		NULL, OPT_UTC },
	{ "max-line",		required_argument,	NULL, OPT_MAX_LINE },
	{ "max-queue",		required_argument,	NULL, OPT_MAX_QUEUE },
	{ "max-clients",	required_argument,	NULL, OPT_MAX_CLIENTS },
	{ "max-per-ip",		required_argument,	NULL, OPT_MAX_PER_IP },
	{ "allow",		required_argument,	NULL, OPT_ALLOW },
	{ "line-rate",		required_argument,	NULL, OPT_LINE_RATE },
	{ "idle-timeout",	required_argument,	NULL, OPT_IDLE_TIMEOUT },
	{ "udp-rate",		required_argument,	NULL, OPT_UDP_RATE },
	{ "udp-peer-ttl",	required_argument,	NULL, OPT_UDP_PEER_TTL },
	{ "syslog",		no_argument,		NULL, OPT_SYSLOG },
	{ "relay",		required_argument,	NULL, OPT_RELAY },
	{ "relay-prefix",	required_argument,	NULL, OPT_RELAY_PREFIX },
	{ "history",		required_argument,	NULL, OPT_HISTORY },
	{ "history-memory",	required_argument,	NULL, OPT_HISTORY_MEMORY },
	{ "max-rooms",		required_argument,	NULL, OPT_MAX_ROOMS },
	{ "max-joins",		required_argument,	NULL, OPT_MAX_JOINS },
	{ "node-name",		required_argument,	NULL, OPT_NODE_NAME },
	{ "tls-cert",		required_argument,	NULL, OPT_TLS_CERT },
	{ "tls-key",		required_argument,	NULL, OPT_TLS_KEY },
	{ "tls-port",		required_argument,	NULL, OPT_TLS_PORT },
	{ "tls-only",		no_argument,		NULL, OPT_TLS_ONLY },
	{ "nick-owners",	required_argument,	NULL, OPT_NICK_OWNERS },
	{ "quiet",		no_argument,		NULL, 'q' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

void
srvconf_usage(FILE *f)
{
	fprintf(f, _("Usage: %s [OPTION]...\n"), "tschatd");
	fputs(_("A chat server: stamps each message with the time and sends it "
	    "back,\nor with --broadcast to everyone in the room.\n\n"), f);
	fputs(_("  -b, --bind ADDR         listen on ADDR (repeatable; default: "
	    "all addresses)\n"), f);
	fputs(_("  -p, --port PORT         listen on PORT (default: 8080)\n"), f);
	fputs(_("  -t, --tcp               serve TCP (the default)\n"), f);
	fputs(_("  -u, --udp               serve UDP (with -t: both)\n"), f);
	fputs(_("  -B, --broadcast         chat rooms: each message goes to "
	    "every peer in\n"
	    "                          the sender's room\n"), f);
	fputs(_("      --framing MODE      'line' (default) or 'raw': each read "
	    "or datagram is\n"
	    "                          one message\n"), f);
	fputs(_("      --time-format FMT   strftime(3) format of the stamp\n"),
	    f);
	fputs(_("      --utc               stamp in UTC instead of local time\n"),
	    f);
	fputs(_("\nLimits:\n"), f);
	fputs(_("      --max-line BYTES    longest line taken (default: 8192)\n"),
	    f);
	fputs(_("      --max-queue BYTES   most output held for one peer "
	    "(default: 1048576)\n"), f);
	fputs(_("      --max-clients N     most TCP peers at once (default: "
	    "10000)\n"), f);
	fputs(_("      --max-per-ip N      most TCP peers from one address "
	    "(default: 0, no limit)\n"), f);
	fputs(_("      --allow CIDR        take peers from CIDR only "
	    "(repeatable)\n"), f);
	fputs(_("      --line-rate N       lines a second per peer in a room "
	    "(default: 10;\n"
	    "                          0: no limit)\n"), f);
	fputs(_("      --idle-timeout SECS close TCP peers silent for SECS "
	    "(default: 0, never)\n"), f);
	fputs(_("      --udp-rate N        datagrams a second per source "
	    "(default: 50; 0: no limit)\n"), f);
	fputs(_("      --udp-peer-ttl SECS how long a silent UDP member stays "
	    "(default: 300)\n"), f);
	fputs(_("\nRooms (with --broadcast):\n"), f);
	fputs(_("      --history N         lines of each room shown to "
	    "newcomers (default: 20;\n"
	    "                          0: none)\n"), f);
	fputs(_("      --history-memory BYTES  most memory for all rooms' "
	    "history (default:\n"
	    "                          16777216)\n"), f);
	fputs(_("      --max-rooms N       most rooms besides #lobby (default: "
	    "1000)\n"), f);
	fputs(_("      --max-joins N       most rooms one peer is in besides "
	    "#lobby (default: 20)\n"), f);
	fputs(_("\nTLS:\n"), f);
	fputs(_("      --tls-cert FILE     the server's certificate (PEM; may "
	    "hold the chain)\n"), f);
	fputs(_("      --tls-key FILE      its private key (PEM)\n"), f);
	fputs(_("      --tls-port PORT     listen for TLS on PORT (default: "
	    "8443)\n"), f);
	fputs(_("      --tls-only          no plaintext TCP (not with --udp)\n"),
	    f);
	fputs(_("      --nick-owners FILE  nicks that only the TLS peer with "
	    "the key listed\n"
	    "                          may take: lines 'NICK sha256:PIN'\n"), f);
	fputs(_("\nScale-out:\n"), f);
	fputs(_("      --relay URL         one room with other servers through "
	    "Redis:\n"
	    "                          redis://[[USER]:PASSWORD@]HOST[:PORT]"
	    "[/DB] or unix:PATH\n"), f);
	fputs(_("      --relay-prefix NAME the servers' key prefix in Redis "
	    "(default: tschat)\n"), f);
	fputs(_("      --node-name NAME    this server's name (default: "
	    "HOSTNAME:PORT)\n"), f);
	fputs(_("\nLogging:\n"), f);
	fputs(_("  -q, --quiet             log warnings only\n"), f);
	fputs(_("  -v, --verbose           log every event\n"), f);
	fputs(_("      --syslog            log to syslog instead of stderr\n"),
	    f);
	fputs("\n", f);
	fputs(_("  -h, --help              show this help and exit\n"), f);
	fputs(_("  -V, --version           show the version and exit\n"), f);
	fputs(_("\nSIGHUP loads the TLS certificate, key and --nick-owners "
	    "again; SIGUSR1\nlogs the counters.\n"), f);
}

static enum conf_result
bad_value(char *err, size_t size, const char *opt, const char *value,
    const char *why)
{
	/* TRANSLATORS: "invalid --max-line '9x': invalid". */
	return optmsg_fail(err, size,
	    _("invalid %s '%s': %s"), opt, value, _(why));
}

enum conf_result
srvconf_parse(struct srvconf *c, int argc, char **argv, char *err,
    size_t size)
{
	const char	*why;
	long long	 n;
	int		 ch, cur, tls_port_given = 0;

	memset(c, 0, sizeof *c);
	c->port = DEFAULT_PORT;
	c->framing = FRAME_LINE;
	c->time_format = STAMP_DEFAULT_FORMAT;
	c->max_line = DEFAULT_MAX_LINE_BYTES;
	c->max_queue = DEFAULT_MAX_QUEUE_BYTES;
	c->log_level = LOG_LEVEL_INFO;
	c->max_clients = DEFAULT_MAX_CLIENTS;
	c->line_rate = DEFAULT_LINE_RATE;
	c->udp_rate = DEFAULT_UDP_RATE;
	c->udp_peer_ttl = DEFAULT_UDP_PEER_TTL_SECS;
	c->relay_prefix = RELAY_DEFAULT_PREFIX;
	c->history = DEFAULT_HISTORY_LINES;
	c->history_memory = DEFAULT_HISTORY_BYTES;
	c->max_rooms = DEFAULT_MAX_ROOMS;
	c->max_joins = DEFAULT_MAX_JOINS;
	c->tls_port = DEFAULT_TLS_PORT;

	/* Reset getopt, so that tests may parse many command lines. */
	optind = 0;
	opterr = 0;
	for (;;) {
		cur = optind == 0 ? 1 : optind;
		if ((ch = getopt_long(argc, argv, "+:b:p:tuBqvhV", longopts,
		    NULL)) == -1)
			break;
		switch (ch) {
		case 'b':
			if (*optarg == '\0')
				return optmsg_fail(err, size,
				    _("invalid bind address ''"));
			c->binds = xreallocarray(c->binds, c->nbinds + 1,
			    sizeof *c->binds);
			c->binds[c->nbinds++] = optarg;
			break;
		case 'p':
			if (addr_parse_port(optarg, 1, &c->port, &why) == -1)
				return optmsg_fail(err, size,
				    _("invalid port '%s': %s"), optarg, _(why));
			break;
		case 't':
			c->tcp = 1;
			break;
		case 'u':
			c->udp = 1;
			break;
		case 'B':
			c->broadcast = 1;
			break;
		case OPT_FRAMING:
			if (frame_mode_parse(optarg, &c->framing) == -1)
				return optmsg_fail(err, size,
				    _("invalid framing '%s': "
				    "use 'line' or 'raw'"), optarg);
			break;
		case OPT_TIME_FORMAT:
			if (stamp_check_format(optarg) == -1)
				return optmsg_fail(err, size,
				    _("invalid time format "
				    "'%s': its stamps would be too long"),
				    optarg);
			c->time_format = optarg;
			break;
		case OPT_UTC:
			c->utc = 1;
			break;
		case OPT_MAX_LINE:
			if (strnum(optarg, 1, MAX_MAX_LINE_BYTES, &n, &why)
			    == -1)
				return bad_value(err, size, "--max-line",
				    optarg, why);
			c->max_line = n;
			break;
		case OPT_MAX_QUEUE:
			if (strnum(optarg, 1024, 1LL << 32, &n, &why) == -1)
				return bad_value(err, size, "--max-queue",
				    optarg, why);
			c->max_queue = n;
			break;
		case OPT_MAX_CLIENTS:
			if (strnum(optarg, 1, 1000000, &n, &why) == -1)
				return bad_value(err, size, "--max-clients",
				    optarg, why);
			c->max_clients = n;
			break;
		case OPT_MAX_PER_IP:
			if (strnum(optarg, 0, 1000000, &n, &why) == -1)
				return bad_value(err, size, "--max-per-ip",
				    optarg, why);
			c->max_per_ip = n;
			break;
		case OPT_ALLOW:
			c->allow = xreallocarray(c->allow, c->nallow + 1,
			    sizeof *c->allow);
			if (cidr_parse(optarg, &c->allow[c->nallow]) == -1)
				return optmsg_fail(err, size,
				    _("invalid --allow '%s': "
				    "not an address or prefix"), optarg);
			c->nallow++;
			break;
		case OPT_LINE_RATE:
			if (strnum(optarg, 0, 1000000, &n, &why) == -1)
				return bad_value(err, size, "--line-rate",
				    optarg, why);
			c->line_rate = n;
			break;
		case OPT_IDLE_TIMEOUT:
			if (strnum(optarg, 0, 86400 * 365, &n, &why) == -1)
				return bad_value(err, size, "--idle-timeout",
				    optarg, why);
			c->idle_timeout = n;
			break;
		case OPT_UDP_RATE:
			if (strnum(optarg, 0, 1000000, &n, &why) == -1)
				return bad_value(err, size, "--udp-rate",
				    optarg, why);
			c->udp_rate = n;
			break;
		case OPT_UDP_PEER_TTL:
			if (strnum(optarg, 1, 86400 * 365, &n, &why) == -1)
				return bad_value(err, size, "--udp-peer-ttl",
				    optarg, why);
			c->udp_peer_ttl = n;
			break;
		case OPT_SYSLOG:
			c->syslog = 1;
			break;
		case OPT_RELAY:
#ifdef HAVE_HIREDIS
			{
				struct relay_url	u;

				if (relay_url_parse(optarg, &u, &why) == -1)
					return optmsg_fail(err, size,
					    _("invalid --relay "
					    "'%s': %s"), optarg, _(why));
				relay_url_free(&u);
			}
			c->relay = optarg;
			break;
#else
			return optmsg_fail(err, size,
			    _("--relay needs Redis support "
			    "(hiredis), which this tschatd was built without"));
#endif
		case OPT_RELAY_PREFIX:
			if (!relay_name_ok(optarg))
				return optmsg_fail(err, size, _("invalid "
				    "--relay-prefix '%s': use 1 to 64 letters, "
				    "digits, '.', '_', ':' or '-'"), optarg);
			c->relay_prefix = optarg;
			break;
		case OPT_HISTORY:
			if (strnum(optarg, 0, MAX_HISTORY_LINES, &n, &why) ==
			    -1)
				return bad_value(err, size, "--history",
				    optarg, why);
			c->history = n;
			break;
		case OPT_HISTORY_MEMORY:
			if (strnum(optarg, 0, 1LL << 40, &n, &why) == -1)
				return bad_value(err, size, "--history-memory",
				    optarg, why);
			c->history_memory = n;
			break;
		case OPT_MAX_ROOMS:
			if (strnum(optarg, 0, 1000000, &n, &why) == -1)
				return bad_value(err, size, "--max-rooms",
				    optarg, why);
			c->max_rooms = n;
			break;
		case OPT_MAX_JOINS:
			if (strnum(optarg, 0, 1000000, &n, &why) == -1)
				return bad_value(err, size, "--max-joins",
				    optarg, why);
			c->max_joins = n;
			break;
		case OPT_NODE_NAME:
			if (!relay_name_ok(optarg))
				return optmsg_fail(err, size,
				    _("invalid --node-name "
				    "'%s': use 1 to 64 letters, digits, '.', '_', "
				    "':' or '-'"), optarg);
			c->node_name = optarg;
			break;
		case OPT_TLS_CERT:
			c->tls_cert = optarg;
			break;
		case OPT_TLS_KEY:
			c->tls_key = optarg;
			break;
		case OPT_TLS_PORT:
			if (addr_parse_port(optarg, 1, &c->tls_port, &why) ==
			    -1)
				return optmsg_fail(err, size,
				    _("invalid --tls-port '%s': %s"), optarg,
				    _(why));
			tls_port_given = 1;
			break;
		case OPT_TLS_ONLY:
			c->tls_only = 1;
			break;
		case OPT_NICK_OWNERS:
			c->nick_owners = optarg;
			break;
		case 'q':
			c->log_level = LOG_LEVEL_WARN;
			break;
		case 'v':
			c->log_level = LOG_LEVEL_DEBUG;
			break;
		case 'h':
			return CONF_HELP;
		case 'V':
			return CONF_VERSION;
		default:
			optmsg_error(err, size, ch, argv, cur);
			return CONF_ERROR;
		}
	}
	if (optind < argc)
		return optmsg_fail(err, size, _("unexpected argument '%s'"),
		    argv[optind]);
	if ((c->tls_cert == NULL) != (c->tls_key == NULL))
		return optmsg_fail(err, size, "%s", c->tls_cert == NULL ?
		    _("--tls-key needs --tls-cert") :
		    _("--tls-cert needs --tls-key"));
	if (c->tls_cert == NULL && (c->tls_only || tls_port_given))
		return optmsg_fail(err, size, _("%s needs --tls-cert and "
		    "--tls-key"), c->tls_only ? "--tls-only" : "--tls-port");
	if (c->tls_only && c->udp)
		return optmsg_fail(err, size, "%s", _("--tls-only cannot be "
		    "used with --udp: UDP is never encrypted"));
	if (c->tls_only && c->tcp)
		return optmsg_fail(err, size, "%s", _("--tls-only cannot be "
		    "used with --tcp: it turns plaintext TCP off"));
	if (!c->tcp && !c->udp && !c->tls_only)
		c->tcp = 1;
	if (c->relay != NULL && !c->broadcast)
		return optmsg_fail(err, size, "%s",
		    _("--relay needs --broadcast: it joins rooms"));
	return CONF_OK;
}

void
srvconf_free(struct srvconf *c)
{
	free(c->binds);
	c->binds = NULL;
	c->nbinds = 0;
	free(c->allow);
	c->allow = NULL;
	c->nallow = 0;
}
